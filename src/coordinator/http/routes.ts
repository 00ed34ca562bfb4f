/**
 * The endpoints of DESIGN §8 (docs/marketplace.md documents each with examples): what each reads from
 * the request and which operation it calls. Public routes need no signature (a client reads `/v1/info`
 * to learn the audience it must sign for); every other route is signed.
 */
import { AitbcError } from '../../core/errors.js';
import type { Caller, ClientOps } from '../client-ops.js';
import type { Core } from '../core.js';
import type { Dispatcher } from '../dispatcher.js';
import { JOB_STATES, type JobState } from '../jobs/job.js';
import { modelSummaries } from '../jobs/matching.js';
import { parseSubmission } from '../jobs/submission.js';
import type { MinerOps } from '../miner-ops.js';
import { COORDINATOR_API_VERSION, DEADLINE_MARGIN_MS } from '../options.js';
import { minerView } from '../views.js';
import { pollForWork, streamJob } from './long-requests.js';
import { flag, pageQuery } from './query.js';
import { jsonBody, type RequestContext, type Route } from './server.js';

const ID = '([0-9a-f]{32})';
const HASH = '([0-9a-f]{64})';

/** Static facts `/v1/info` and `/health` report. */
export interface ServiceFacts {
  version: string;
  fee: bigint;
  health: () => Record<string, unknown>;
  metricsText: () => string;
}

const ok = (body: unknown, status = 200) => ({ status, body });

/** The route table: every endpoint with its access, whether it is signed, and its handler. */
export function buildRoutes(
  core: Core,
  clients: ClientOps,
  miners: MinerOps,
  dispatcher: Dispatcher,
  facts: ServiceFacts,
): Route[] {
  const caller = (c: RequestContext): Caller => ({ request: c.caller, admin: c.admin });
  const o = core.o;
  return [
    {
      method: 'GET',
      pattern: /^\/health$/,
      name: 'health',
      access: 'open',
      signed: false,
      handle: () => ok(facts.health()),
    },
    {
      method: 'GET',
      pattern: /^\/metrics$/,
      name: 'metrics',
      access: 'open',
      signed: false,
      handle: (c) => {
        const text = facts.metricsText();
        c.res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' });
        c.res.end(text);
        return undefined;
      },
    },
    {
      method: 'GET',
      pattern: /^\/v1\/info$/,
      name: 'info',
      access: 'public',
      signed: false,
      handle: () =>
        ok({
          coordinator: o.address,
          publicKey: o.publicKeyHex,
          chainId: o.chainId,
          version: facts.version,
          apiVersion: COORDINATOR_API_VERSION,
          settlementTxFee: facts.fee.toString(),
          deadlineMarginMs: DEADLINE_MARGIN_MS,
          limits: {
            maxBodyBytes: o.limits.maxBodyBytes,
            maxPromptBytes: o.limits.maxPromptBytes,
            maxOutputBytes: o.limits.maxOutputBytes,
            maxAttempts: o.limits.maxAttempts,
          },
          miners: {
            heartbeatIntervalMs: o.timing.heartbeatIntervalMs,
            leaseTtlMs: o.timing.leaseTtlMs,
            maxPollWaitMs: o.timing.maxPollWaitMs,
          },
        }),
    },
    {
      method: 'GET',
      pattern: /^\/v1\/models$/,
      name: 'models',
      access: 'public',
      signed: false,
      handle: () => ok({ items: modelSummaries(core.onlineOffers(o.now())) }),
    },
    {
      method: 'GET',
      pattern: /^\/v1\/miners$/,
      name: 'miners',
      access: 'public',
      signed: false,
      handle: (c) => {
        const all = flag(c.query, 'all');
        const now = o.now();
        const active = core.repo.activeCounts();
        const items = core.repo
          .allMiners()
          .map((m) => minerView(m, { online: core.isOnline(m, now), active: active.get(m.address) ?? 0 }))
          .filter((m) => all || m.online);
        return ok({ items });
      },
    },
    {
      method: 'POST',
      pattern: /^\/v1\/jobs$/,
      name: 'jobs.submit',
      access: 'client',
      signed: true,
      body: true,
      handle: async (c) => {
        const sub = parseSubmission(jsonBody(c.body), o.limits.maxPromptBytes);
        const { view, existed } = await clients.submit(caller(c), sub);
        return ok(view, existed ? 200 : 202);
      },
    },
    {
      method: 'GET',
      pattern: /^\/v1\/jobs$/,
      name: 'jobs.list',
      access: 'client',
      signed: true,
      handle: async (c) => {
        const state = c.query.get('state') ?? undefined;
        if (state !== undefined && !JOB_STATES.includes(state as JobState))
          throw new AitbcError('INVALID_INPUT', `state must be one of ${JOB_STATES.join(', ')}`, {
            field: 'state',
          });
        return ok(
          await clients.list(caller(c), {
            ...pageQuery(c.query),
            state: state as JobState | undefined,
            all: flag(c.query, 'all'),
          }),
        );
      },
    },
    {
      method: 'GET',
      pattern: new RegExp(`^/v1/jobs/${ID}$`),
      name: 'jobs.get',
      access: 'client',
      signed: true,
      handle: async (c) => ok(await clients.get(caller(c), c.params[0])),
    },
    {
      method: 'DELETE',
      pattern: new RegExp(`^/v1/jobs/${ID}$`),
      name: 'jobs.cancel',
      access: 'client',
      signed: true,
      handle: async (c) => ok(await clients.cancel(caller(c), c.params[0])),
    },
    {
      method: 'GET',
      pattern: new RegExp(`^/v1/jobs/${ID}/stream$`),
      name: 'jobs.stream',
      access: 'client',
      signed: true,
      handle: (c) => streamJob(c, core, clients),
    },
    {
      method: 'GET',
      pattern: /^\/v1\/receipts$/,
      name: 'receipts.list',
      access: 'client',
      signed: true,
      handle: async (c) => ok(await clients.receipts(caller(c), pageQuery(c.query))),
    },
    {
      method: 'GET',
      pattern: new RegExp(`^/v1/receipts/${HASH}$`),
      name: 'receipts.get',
      access: 'client',
      signed: true,
      handle: async (c) => ok(await clients.receipt(caller(c), c.params[0])),
    },
    {
      method: 'POST',
      pattern: /^\/v1\/miners\/register$/,
      name: 'miners.register',
      access: 'miner',
      signed: true,
      body: true,
      handle: async (c) => ok(await miners.register(c.caller, jsonBody(c.body))),
    },
    {
      method: 'POST',
      pattern: /^\/v1\/miners\/heartbeat$/,
      name: 'miners.heartbeat',
      access: 'miner',
      signed: true,
      body: true,
      handle: async (c) => ok(await miners.heartbeat(c.caller, jsonBody(c.body))),
    },
    {
      method: 'GET',
      pattern: /^\/v1\/miners\/jobs$/,
      name: 'miners.poll',
      access: 'miner',
      signed: true,
      handle: (c) => pollForWork(c, core, dispatcher),
    },
    {
      method: 'POST',
      pattern: new RegExp(`^/v1/miners/jobs/${ID}/progress$`),
      name: 'miners.progress',
      access: 'miner',
      signed: true,
      body: true,
      handle: async (c) => ok(await miners.progress(c.caller, c.params[0], jsonBody(c.body))),
    },
    {
      method: 'POST',
      pattern: new RegExp(`^/v1/miners/jobs/${ID}/result$`),
      name: 'miners.result',
      access: 'miner',
      signed: true,
      body: true,
      handle: async (c) => ok(await miners.result(c.caller, c.params[0], jsonBody(c.body))),
    },
    {
      method: 'POST',
      pattern: new RegExp(`^/v1/miners/jobs/${ID}/fail$`),
      name: 'miners.fail',
      access: 'miner',
      signed: true,
      body: true,
      handle: async (c) => ok(await miners.fail(c.caller, c.params[0], jsonBody(c.body))),
    },
  ];
}
