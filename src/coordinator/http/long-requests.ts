/**
 * The two requests that stay open: a miner's long-poll for work and a client's token stream. Both are
 * answered from the dispatcher and the job event hub, and both let go when their connection closes.
 */
import { type Caller, type ClientOps, fullJobView, jobEndError } from '../client-ops.js';
import type { Core } from '../core.js';
import type { Dispatcher, Poller } from '../dispatcher.js';
import { isTerminal, type Job } from '../jobs/job.js';
import { requireMiner } from '../miner-ops.js';
import { assignmentView } from '../views.js';
import { flag, intQuery } from './query.js';
import type { RequestContext } from './server.js';

/**
 * `GET /v1/miners/jobs?max=N&waitMs=MS`: answers at once when work is queued for this miner, else
 * holds the request until work arrives or `waitMs` (at most maxPollWaitMs, the default) passes, then
 * answers `{items: []}`. `max` defaults to the miner's concurrency; free capacity caps it.
 */
export async function pollForWork(c: RequestContext, core: Core, dispatcher: Dispatcher): Promise<undefined> {
  const o = core.o;
  const waitMs = intQuery(c.query, 'waitMs', 0, o.timing.maxPollWaitMs) ?? o.timing.maxPollWaitMs;
  const maxAsked = intQuery(c.query, 'max', 1, o.limits.maxConcurrency);
  const miner = await core.transact((ctx) => {
    const m = requireMiner(ctx, c.caller.address);
    // A poll proves the miner alive as a heartbeat does.
    ctx.repo.touchMiner(m.address, ctx.now);
    ctx.repo.renewLeases(m.address, ctx.now + o.timing.leaseTtlMs);
    return m;
  }, c.caller);
  const res = c.res;
  const chain = { chainId: o.chainId, coordinator: o.address, coordinatorPubkey: o.publicKeyHex };
  let timer: NodeJS.Timeout | undefined;
  const poller: Poller = {
    miner: miner.address,
    max: maxAsked ?? miner.capability.concurrency,
    since: o.now(),
    deliver(jobs: Job[]) {
      clearTimeout(timer);
      if (res.writableEnded || res.destroyed) return false;
      const body = JSON.stringify({ items: jobs.map((j) => assignmentView(j, chain)) });
      res.writeHead(200, {
        'content-type': 'application/json; charset=utf-8',
        'content-length': Buffer.byteLength(body),
        'cache-control': 'no-store',
      });
      res.end(body);
      return true;
    },
  };
  timer = setTimeout(() => {
    dispatcher.remove(poller);
    poller.deliver([]);
    // Waiting counted as being seen: the miner was connected the whole time.
    core.transact((ctx) => ctx.repo.touchMiner(miner.address, ctx.now)).catch(() => {});
  }, waitMs);
  res.on('close', () => {
    clearTimeout(timer);
    dispatcher.remove(poller);
  });
  dispatcher.add(poller);
  return undefined;
}

/** True once nothing more will happen to the job's escrow (settled, failed, or nothing to settle). */
function settlementDone(core: Core, job: Job): boolean {
  const s = core.repo.latestSettlement(job.jobId);
  if (s === undefined) return job.receiptId === undefined && !job.refundable && job.lockStatus !== 'pending';
  return s.status === 'committed' || s.status === 'failed';
}

/**
 * `GET /v1/jobs/{id}/stream?from=N&settlement=true`: NDJSON, one event per line — the job's current
 * `state`, every `token` from index N (stored ones first, then live), later `state` changes (a
 * `resetTokens` state means the job was requeued and indexes restart at 0), `settlement` events, and
 * finally `{"type":"result","job":…}` for a completed job or
 * `{"type":"error","error":{"code","message","details":{"job":…}}}` for one that failed, was canceled or
 * expired. With `settlement=true` the final line waits until the settlement is committed or failed.
 */
export async function streamJob(c: RequestContext, core: Core, clients: ClientOps): Promise<undefined> {
  const from = intQuery(c.query, 'from', 0, Number.MAX_SAFE_INTEGER) ?? 0;
  const waitSettlement = flag(c.query, 'settlement');
  const jobId = c.params[0];
  const who: Caller = { request: c.caller, admin: c.admin };
  const first = await clients.get(who, jobId);
  const res = c.res;
  res.writeHead(200, { 'content-type': 'application/x-ndjson; charset=utf-8', 'cache-control': 'no-store' });
  const write = (event: unknown) => {
    if (!res.writableEnded && !res.destroyed) res.write(`${JSON.stringify(event)}\n`);
  };
  let next = from;
  let ended = false;
  const end = (job: Job) => {
    ended = true;
    unsubscribe();
    const view = fullJobView(core.repo, job);
    if (job.state === 'completed') write({ type: 'result', job: view });
    else {
      const e = jobEndError(job);
      write({
        type: 'error',
        error: { code: e.code, message: e.message, details: { ...e.details, job: view } },
      });
    }
    res.end();
  };
  const maybeEnd = () => {
    const job = core.repo.getJob(jobId);
    if (ended || job === undefined || !isTerminal(job.state)) return;
    if (waitSettlement && !settlementDone(core, job)) return;
    end(job);
  };
  const unsubscribe = core.hub.subscribe(jobId, (e) => {
    if (ended) return;
    if (e.type === 'token') {
      if (e.index < next) return;
      next = e.index + 1;
    } else if (e.type === 'state' && e.resetTokens) next = 0;
    write(e);
    if (e.type !== 'token') maybeEnd();
  });
  res.on('close', () => {
    ended = true;
    unsubscribe();
  });
  write({ type: 'state', state: first.state, ...(first.miner ? { miner: first.miner } : {}) });
  for (const t of core.repo.tokensFrom(jobId, from)) {
    write({ type: 'token', index: t.index, text: t.text });
    next = t.index + 1;
  }
  maybeEnd();
  return undefined;
}
