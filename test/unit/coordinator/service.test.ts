/**
 * The coordinator service over real loopback HTTP, against an in-memory chain (helpers.ts MemoryChain)
 * so every rule runs in seconds: signed requests (skew, replay across a restart, tampering), API keys,
 * the error shapes, submission against the lock, dispatch by long-poll, streaming, results and forged
 * receipts, cancel before and while running, silent miners and requeue, deadlines, pipelined settlement
 * and its recovery. test/net/coordinator.test.ts repeats the main paths against a real node process.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { CoordinatorEvent } from '../../../src/coordinator/events.js';
import { type RunningCoordinator, startCoordinator } from '../../../src/coordinator/index.js';
import type { CoordinatorTiming } from '../../../src/coordinator/options.js';
import { AitbcError } from '../../../src/core/errors.js';
import { sha256Hex } from '../../../src/core/hash.js';
import { verifyStrict } from '../../../src/crypto/ed25519.js';
import { verifyReceipt } from '../../../src/protocol/receipt.js';
import {
  apiClient,
  echoTokens,
  type Key,
  key,
  MemoryChain,
  makeLock,
  minerReceipt,
  until,
} from './helpers.js';

const carol = key('carol');
const alice = key('alice');
const bob = key('bob');
const dave = key('dave');
const erin = key('erin');

const FAST: Partial<CoordinatorTiming> = {
  heartbeatIntervalMs: 100,
  leaseTtlMs: 600,
  maxPollWaitMs: 3_000,
  lockWaitMs: 1_500,
  cancelGraceMs: 600,
  sweepIntervalMs: 40,
  lockPollMs: 40,
  confirmPollMs: 40,
  settlementRetryMs: 100,
};

interface Harness {
  chain: MemoryChain;
  home: string;
  coord: RunningCoordinator;
  api: ReturnType<typeof apiClient>;
  events: CoordinatorEvent[];
  restart(): Promise<void>;
  stop(): Promise<void>;
}

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function harness(
  opts: {
    apiKeys?: Parameters<typeof startCoordinator>[0]['apiKeys'];
    apiKey?: string;
    autoCommitMs?: number;
  } = {},
): Promise<Harness> {
  const chain = new MemoryChain();
  chain.fund(carol.address, 1_000_000n);
  const home = mkdtempSync(path.join(tmpdir(), 'coord-svc-'));
  const events: CoordinatorEvent[] = [];
  const start = () =>
    startCoordinator({
      signer: carol.signer,
      home,
      chain,
      port: 0,
      timing: FAST,
      apiKeys: opts.apiKeys,
      onEvent: (e) => events.push(e),
    });
  const h: Harness = {
    chain,
    home,
    coord: await start(),
    api: undefined as unknown as ReturnType<typeof apiClient>,
    events,
    async restart() {
      await h.coord.close();
      h.coord = await start();
      h.api = apiClient(h.coord.url, carol.address, opts.apiKey);
    },
    async stop() {
      await h.coord.close();
    },
  };
  h.api = apiClient(h.coord.url, carol.address, opts.apiKey);
  const timer = setInterval(() => {
    if (!chain.down) chain.commit();
  }, opts.autoCommitMs ?? 30);
  cleanups.push(async () => {
    clearInterval(timer);
    await h.coord.close();
    rmSync(home, { recursive: true, force: true });
  });
  return h;
}

const PROMPT = 'What is AITBC and how does it pay for compute?';

async function register(h: Harness, miner: Key, over: Record<string, unknown> = {}) {
  const r = await h.api.call(miner, 'POST', '/v1/miners/register', {
    models: ['echo'],
    backend: 'echo',
    unitPrice: '1000',
    concurrency: 2,
    ...over,
  });
  expect(r.status).toBe(200);
  return r.body;
}

/** Locks an escrow on the memory chain (committed unless `commit: false`) and posts the job. */
async function submit(
  h: Harness,
  client: Key = alice,
  o: {
    commit?: boolean;
    maxUnitPrice?: bigint;
    maxTokens?: number;
    prompt?: string;
    model?: string;
    ttlMs?: number;
  } = {},
) {
  const jobId = randomBytes(16).toString('hex');
  const prompt = o.prompt ?? PROMPT;
  const lock = makeLock({
    client,
    coordinator: carol.address,
    chainId: h.chain.chainId,
    nonce: (await h.chain.getAccount(client.address)).pendingNonce,
    jobId,
    prompt,
    model: o.model,
    maxTokens: o.maxTokens ?? 8,
    maxUnitPrice: o.maxUnitPrice,
    expiresAt: Date.now() + (o.ttlMs ?? 600_000),
  });
  h.chain.fund(client.address, lock.amount + 10_000n);
  h.chain.admit(lock.tx);
  if (o.commit !== false) h.chain.commit();
  const r = await h.api.call(client, 'POST', '/v1/jobs', {
    jobId,
    lockTx: lock.hash,
    model: o.model ?? 'echo',
    prompt,
    params: { maxTokens: o.maxTokens ?? 8 },
  });
  return { jobId, lock, r };
}

async function poll(h: Harness, miner: Key, q = 'waitMs=2000') {
  const r = await h.api.call(miner, 'GET', `/v1/miners/jobs?${q}`);
  expect(r.status).toBe(200);
  return r.body.items as any[];
}

async function deliver(h: Harness, miner: Key, a: any, o: { tokens?: string[]; streamed?: number } = {}) {
  const tokens = o.tokens ?? echoTokens(a.prompt, a.maxTokens);
  const output = tokens.join('');
  const { receipt, minerSig } = minerReceipt(miner, a, output, { tokensIn: 9, tokensOut: tokens.length });
  return h.api.call(miner, 'POST', `/v1/miners/jobs/${a.jobId}/result`, { output, receipt, minerSig });
}

async function job(h: Harness, jobId: string, client: Key = alice) {
  return (await h.api.call(client, 'GET', `/v1/jobs/${jobId}`)).body;
}

async function settled(h: Harness, jobId: string, client: Key = alice) {
  return until(async () => {
    const j = await job(h, jobId, client);
    return j.settlement?.status === 'committed' ? j : undefined;
  });
}

describe('signed requests and access', () => {
  it('serves public endpoints unsigned and refuses unsigned, skewed, tampered and replayed requests', async () => {
    const h = await harness();
    const info = await h.api.call(undefined, 'GET', '/v1/info');
    expect(info.body).toMatchObject({
      coordinator: carol.address,
      publicKey: carol.pub,
      chainId: 'aitbc-test',
      settlementTxFee: '1000',
    });
    expect((await h.api.call(undefined, 'GET', '/health')).body.ok).toBe(true);
    const unsigned = await h.api.call(undefined, 'GET', '/v1/jobs');
    expect(unsigned.status).toBe(401);
    expect(unsigned.body.error).toMatchObject({
      code: 'UNAUTHORIZED',
      details: { reason: 'missing_header' },
    });
    const skewed = await h.api.call(alice, 'GET', '/v1/jobs', undefined, { timestamp: Date.now() - 31_000 });
    expect(skewed.status).toBe(401);
    expect(skewed.body.error.details.reason).toBe('timestamp_skew');
    expect(typeof skewed.body.error.details.serverTime).toBe('number');
    // The signature covers the query string: send a request signed for another one.
    const headers = (await import('../../../src/protocol/signed-request.js')).signRequest({
      signer: alice.signer,
      audience: carol.address,
      method: 'GET',
      path: '/v1/jobs?limit=5',
    });
    const tampered = await fetch(`${h.coord.url}/v1/jobs?limit=6`, { headers });
    expect(tampered.status).toBe(401);
    expect(((await tampered.json()) as any).error.code).toBe('BAD_SIGNATURE');
    // Signed for another coordinator.
    const elsewhere = apiClient(h.coord.url, bob.address);
    expect((await elsewhere.call(alice, 'GET', '/v1/jobs')).body.error.code).toBe('BAD_SIGNATURE');
    const nonce = randomBytes(16).toString('hex');
    const ts = Date.now();
    expect((await h.api.call(alice, 'GET', '/v1/jobs', undefined, { nonce, timestamp: ts })).status).toBe(
      200,
    );
    const replay = await h.api.call(alice, 'GET', '/v1/jobs', undefined, { nonce, timestamp: ts });
    expect(replay.status).toBe(409);
    expect(replay.body.error.code).toBe('REPLAYED_REQUEST');
    await h.restart();
    const afterRestart = await h.api.call(alice, 'GET', '/v1/jobs', undefined, { nonce, timestamp: ts });
    expect(afterRestart.body.error.code).toBe('REPLAYED_REQUEST');
  });

  it('answers unknown endpoints, wrong methods, bad bodies and oversized bodies with the error shape', async () => {
    const h = await harness();
    const nf = await h.api.call(alice, 'GET', '/v2/nothing');
    expect(nf.status).toBe(404);
    expect(nf.body.error.code).toBe('METHOD_NOT_FOUND');
    const wrong = await h.api.call(alice, 'PUT', '/v1/jobs');
    expect(wrong.status).toBe(405);
    expect(wrong.headers.get('allow')).toMatch(/POST/);
    const dup = await h.api.call(alice, 'POST', '/v1/jobs', undefined, {
      rawBody: '{"jobId":"a","jobId":"b"}',
    });
    expect(dup.status).toBe(400);
    expect(dup.body.error.message).toMatch(/duplicate key/);
    const huge = await h.api.call(alice, 'POST', '/v1/jobs', undefined, {
      rawBody: 'x'.repeat(1024 * 1024 + 1),
    });
    expect(huge.status).toBe(413);
    const prompt = await submit(h, alice, { prompt: 'p'.repeat(64 * 1024 + 1) });
    expect(prompt.r.status).toBe(413);
    expect(prompt.r.body.error.details.reason).toBe('prompt_too_large');
    expect((await h.api.call(alice, 'GET', '/v1/jobs?limit=0')).status).toBe(400);
    expect((await h.api.call(alice, 'GET', `/v1/jobs/${'ab'.repeat(16)}`)).body.error.code).toBe(
      'JOB_NOT_FOUND',
    );
    expect((await h.api.call(dave, 'POST', '/v1/miners/heartbeat', {})).body.error.code).toBe(
      'MINER_NOT_FOUND',
    );
  });

  it('with API keys, requires one and checks its role and binding', async () => {
    const apiKeys = [
      { keySha256: sha256Hex('c-key'), role: 'client' as const },
      { keySha256: sha256Hex('m-key'), role: 'miner' as const, address: dave.address },
    ];
    const h = await harness({ apiKeys, apiKey: 'c-key' });
    expect((await h.api.call(alice, 'GET', '/v1/jobs')).status).toBe(200);
    const minerWithClientKey = await h.api.call(dave, 'POST', '/v1/miners/register', {});
    expect(minerWithClientKey.status).toBe(403);
    const noKey = apiClient(h.coord.url, carol.address);
    expect((await noKey.call(undefined, 'GET', '/v1/info')).body.error.code).toBe('UNAUTHORIZED');
    expect((await noKey.call(undefined, 'GET', '/health')).status).toBe(200);
    const minerApi = apiClient(h.coord.url, carol.address, 'm-key');
    const body = { models: ['echo'], backend: 'echo', unitPrice: '1000', concurrency: 1 };
    expect((await minerApi.call(dave, 'POST', '/v1/miners/register', body)).status).toBe(200);
    expect((await minerApi.call(erin, 'POST', '/v1/miners/register', body)).body.error.code).toBe(
      'FORBIDDEN',
    );
  });
});

describe('jobs', () => {
  it('runs a job end to end: lock, dispatch, stream, result, counter-signed receipt, release', async () => {
    const h = await harness();
    await register(h, dave);
    expect((await h.api.call(undefined, 'GET', '/v1/models')).body.items).toEqual([
      { model: 'echo', miners: 1, minUnitPrice: '1000', maxUnitPrice: '1000', capacity: 2, free: 2 },
    ]);
    const polling = poll(h, dave);
    const { jobId, r } = await submit(h);
    expect(r.status).toBe(202);
    expect(r.body).toMatchObject({ jobId, state: 'queued', lockStatus: 'confirmed', maxTokens: 8 });
    const [a] = await polling;
    expect(a).toMatchObject({
      jobId,
      model: 'echo',
      prompt: PROMPT,
      unitPrice: '1000',
      coordinator: carol.address,
      attempt: 1,
    });
    const stream = h.api.stream(alice, `/v1/jobs/${jobId}/stream?settlement=true`);
    const tokens = echoTokens(a.prompt, a.maxTokens);
    const p1 = await h.api.call(dave, 'POST', `/v1/miners/jobs/${jobId}/progress`, {
      offset: 0,
      tokens: tokens.slice(0, 3),
    });
    expect(p1.body).toMatchObject({ state: 'running', tokensStreamed: 3, cancel: false });
    // A retried call overlapping what was received is harmless; a gap is refused.
    const p2 = await h.api.call(dave, 'POST', `/v1/miners/jobs/${jobId}/progress`, {
      offset: 2,
      tokens: tokens.slice(2, 5),
    });
    expect(p2.body.tokensStreamed).toBe(5);
    const gap = await h.api.call(dave, 'POST', `/v1/miners/jobs/${jobId}/progress`, {
      offset: 9,
      tokens: ['x'],
    });
    expect(gap.status).toBe(409);
    expect(gap.body.error.details.expected).toBe(5);
    // Another miner may not report on it.
    await register(h, erin);
    const foreign = await h.api.call(erin, 'POST', `/v1/miners/jobs/${jobId}/progress`, {
      offset: 5,
      tokens: ['x'],
    });
    expect(foreign.status).toBe(403);
    expect(foreign.body.error.code).toBe('FORBIDDEN');
    expect((await deliver(h, erin, a)).body.error.code).toBe('FORBIDDEN');
    const res = await deliver(h, dave, a);
    expect(res.status).toBe(200);
    expect(res.body.state).toBe('completed');
    expect(verifyReceipt(res.body.receipt, verifyStrict)).toEqual([]);
    const lines = await stream;
    expect(lines[0]).toMatchObject({ type: 'state' });
    expect(lines.filter((l) => l.type === 'token').map((l) => l.text)).toEqual(tokens.slice(0, 5));
    const last = lines[lines.length - 1];
    expect(last.type).toBe('result');
    expect(last.job).toMatchObject({
      state: 'completed',
      output: tokens.join(''),
      settlement: { kind: 'release', status: 'committed' },
    });
    expect(lines.some((l) => l.type === 'settlement' && l.status === 'committed')).toBe(true);
    const escrow = await h.chain.getEscrow(alice.address, jobId);
    expect(escrow).toMatchObject({
      status: 'released',
      receiptId: res.body.receipt.receiptId,
      settledBy: carol.address,
    });
    // Receipts: the client's and the miner's lists, and by id.
    expect((await h.api.call(alice, 'GET', '/v1/receipts')).body.items).toHaveLength(1);
    expect((await h.api.call(dave, 'GET', '/v1/receipts')).body.items).toHaveLength(1);
    expect((await h.api.call(bob, 'GET', '/v1/receipts')).body.items).toHaveLength(0);
    const byId = await h.api.call(alice, 'GET', `/v1/receipts/${res.body.receipt.receiptId}`);
    expect(byId.body).toMatchObject({ jobId, settlement: { status: 'committed' } });
    expect((await h.api.call(bob, 'GET', `/v1/receipts/${res.body.receipt.receiptId}`)).status).toBe(404);
    // Another client cannot see the job; delivering again returns the stored receipt, progress is refused.
    expect((await h.api.call(bob, 'GET', `/v1/jobs/${jobId}`)).status).toBe(404);
    const again = await deliver(h, dave, a);
    expect(again.status).toBe(200);
    expect(again.body.receipt.receiptId).toBe(res.body.receipt.receiptId);
    const late = await h.api.call(dave, 'POST', `/v1/miners/jobs/${jobId}/progress`, {
      offset: 8,
      tokens: [],
    });
    expect(late.status).toBe(409);
    // Re-posting the same submission is idempotent.
    const list = await h.api.call(alice, 'GET', '/v1/jobs?state=completed');
    expect(list.body.items.map((j: any) => j.jobId)).toEqual([jobId]);
    expect(list.body.items[0].output).toBeUndefined();
    expect(h.events.some((e) => e.type === 'settlement' && e.status === 'committed')).toBe(true);
  });

  it('waits for a lock that is not committed yet, then dispatches', async () => {
    const h = await harness({ autoCommitMs: 100_000 });
    await register(h, dave);
    const { jobId, r } = await submit(h, alice, { commit: false });
    expect(r.status).toBe(202);
    expect(r.body.lockStatus).toBe('pending');
    const polling = poll(h, dave, 'waitMs=3000');
    const lookedUp = h.chain.lockLookups;
    await new Promise((res) => setTimeout(res, 300));
    expect((await job(h, jobId)).lockStatus).toBe('pending');
    // No block came: the watcher (every 40 ms) asked for the height, not for the lock each time — at
    // most one look after submission (its first pass), however many passes ran.
    expect(h.chain.lockLookups - lookedUp).toBeLessThanOrEqual(1);
    h.chain.commit();
    const [a] = await polling;
    expect(a.jobId).toBe(jobId);
    expect((await job(h, jobId)).lockStatus).toBe('confirmed');
  });

  it('refuses a job no miner serves, a price below every miner, and a lock that does not fit — refunding', async () => {
    const h = await harness();
    const none = await submit(h);
    expect(none.r.status).toBe(422);
    expect(none.r.body.error).toMatchObject({
      code: 'NO_MINER_FOR_MODEL',
      details: { models: [], refund: 'queued', state: 'failed' },
    });
    await register(h, dave, { unitPrice: '1500' });
    const other = await submit(h, alice, { model: 'llama3.2' });
    expect(other.r.body.error.code).toBe('NO_MINER_FOR_MODEL');
    expect(other.r.body.error.details.models).toEqual(['echo']);
    const cheap = await submit(h, alice, { maxUnitPrice: 1499n });
    expect(cheap.r.status).toBe(422);
    expect(cheap.r.body.error).toMatchObject({ code: 'PRICE_TOO_LOW', details: { lowestUnitPrice: '1500' } });
    // A lock whose inputHash is for another prompt.
    const jobId = randomBytes(16).toString('hex');
    const lock = makeLock({
      client: bob,
      coordinator: carol.address,
      chainId: h.chain.chainId,
      nonce: 0,
      jobId,
      prompt: 'other',
      expiresAt: Date.now() + 600_000,
    });
    h.chain.fund(bob.address, lock.amount + 10_000n);
    h.chain.admit(lock.tx);
    h.chain.commit();
    const bad = await h.api.call(bob, 'POST', '/v1/jobs', {
      jobId,
      lockTx: lock.hash,
      model: 'echo',
      prompt: PROMPT,
      params: { maxTokens: 8 },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details).toMatchObject({ field: 'lockTx', refund: 'queued' });
    expect(bad.body.error.details.problem).toMatch(/inputHash/);
    for (const id of [none.jobId, cheap.jobId, jobId]) {
      const client = id === jobId ? bob : alice;
      const j = await settled(h, id, client);
      expect(j).toMatchObject({ state: 'failed', settlement: { kind: 'refund', status: 'committed' } });
      expect((await h.chain.getEscrow(client.address, id))?.status).toBe('refunded');
    }
    // The same jobId by another client is a conflict.
    const conflict = await h.api.call(bob, 'POST', '/v1/jobs', {
      jobId: none.jobId,
      lockTx: none.lock.hash,
      model: 'echo',
      prompt: PROMPT,
      params: { maxTokens: 8 },
    });
    expect(conflict.status).toBe(409);
  });

  it('cancels before running (refund) and while running (partial result, release)', async () => {
    const h = await harness();
    await register(h, dave, { concurrency: 1 });
    const first = await submit(h);
    const second = await submit(h);
    const [a] = await poll(h, dave);
    expect(a.jobId).toBe(first.jobId);
    // The queued one: canceled at once, refunded.
    const c1 = await h.api.call(alice, 'DELETE', `/v1/jobs/${second.jobId}`);
    expect(c1.body).toMatchObject({ state: 'canceled', error: { code: 'JOB_CANCELED' } });
    expect((await h.api.call(alice, 'DELETE', `/v1/jobs/${second.jobId}`)).status).toBe(200);
    // The running one: the miner is told, delivers what it has, and is paid for it.
    const tokens = echoTokens(a.prompt, a.maxTokens);
    await h.api.call(dave, 'POST', `/v1/miners/jobs/${a.jobId}/progress`, {
      offset: 0,
      tokens: tokens.slice(0, 2),
    });
    const c2 = await h.api.call(alice, 'DELETE', `/v1/jobs/${a.jobId}`);
    expect(c2.body).toMatchObject({ state: 'running', cancelRequested: true });
    const hb = await h.api.call(dave, 'POST', '/v1/miners/heartbeat', { active: [a.jobId, second.jobId] });
    expect(hb.body.cancel).toEqual([a.jobId]);
    expect(hb.body.abandon).toEqual([second.jobId]);
    const p = await h.api.call(dave, 'POST', `/v1/miners/jobs/${a.jobId}/progress`, {
      offset: 2,
      tokens: tokens.slice(2, 3),
    });
    expect(p.body.cancel).toBe(true);
    const partial = await deliver(h, dave, a, { tokens: tokens.slice(0, 3) });
    expect(partial.body.state).toBe('canceled');
    expect(partial.body.receipt.tokensOut).toBe(3);
    const j = await settled(h, a.jobId);
    expect(j).toMatchObject({
      state: 'canceled',
      output: tokens.slice(0, 3).join(''),
      settlement: { kind: 'release' },
    });
    const e = await h.chain.getEscrow(alice.address, a.jobId);
    expect(e?.status).toBe('released');
    expect((await settled(h, second.jobId)).settlement.kind).toBe('refund');
    // Cancelling a completed job is a conflict.
    expect((await h.api.call(alice, 'DELETE', `/v1/jobs/${a.jobId}`)).status).toBe(200);
  });

  it('a running job whose miner ignores the cancel is canceled and refunded after the grace period', async () => {
    const h = await harness();
    await register(h, dave);
    const { jobId } = await submit(h);
    const [a] = await poll(h, dave);
    await h.api.call(dave, 'POST', `/v1/miners/jobs/${a.jobId}/progress`, { offset: 0, tokens: ['x'] });
    await h.api.call(alice, 'DELETE', `/v1/jobs/${jobId}`);
    const beat = setInterval(() => void h.api.call(dave, 'POST', '/v1/miners/heartbeat', {}), 100);
    try {
      const j = await settled(h, jobId);
      expect(j).toMatchObject({ state: 'canceled', settlement: { kind: 'refund' } });
    } finally {
      clearInterval(beat);
    }
  });

  it('requeues the job of a silent miner to another, then fails after the last attempt', async () => {
    const h = await harness();
    await register(h, dave, { concurrency: 1 });
    const { jobId } = await submit(h);
    const [a] = await poll(h, dave);
    await h.api.call(dave, 'POST', `/v1/miners/jobs/${jobId}/progress`, { offset: 0, tokens: ['[echo]'] });
    const stream = h.api.stream(alice, `/v1/jobs/${jobId}/stream`);
    // dave goes silent; erin polls and gets the job once dave's lease lapses.
    await register(h, erin, { concurrency: 1 });
    const [b] = await poll(h, erin, 'waitMs=3000');
    expect(b).toMatchObject({ jobId, attempt: 2 });
    expect((await deliver(h, dave, a)).body.error.code).toBe('FORBIDDEN');
    const res = await deliver(h, erin, b);
    expect(res.body.state).toBe('completed');
    const lines = await stream;
    expect(lines.some((l) => l.type === 'state' && l.state === 'queued' && l.resetTokens)).toBe(true);
    expect(lines[lines.length - 1].job.miner).toBe(erin.address);
    expect((await settled(h, jobId)).receipt.miner).toBe(erin.address);
    // A job nobody finishes: three silent leases, then failed and refunded.
    const lonely = await submit(h);
    for (let attempt = 1; attempt <= 3; attempt++) {
      const [x] = await poll(h, erin, 'waitMs=3000');
      expect(x).toMatchObject({ jobId: lonely.jobId, attempt });
    }
    const j = await settled(h, lonely.jobId);
    expect(j).toMatchObject({ state: 'failed', attempts: 3, settlement: { kind: 'refund' } });
    expect(j.error.message).toMatch(/gave up after 3 attempts/);
  });

  it('takes reported failures: retryable ones requeue, others fail and refund', async () => {
    const h = await harness();
    await register(h, dave);
    const { jobId } = await submit(h);
    const [a] = await poll(h, dave);
    const retry = await h.api.call(dave, 'POST', `/v1/miners/jobs/${jobId}/fail`, {
      message: 'busy',
      retryable: true,
    });
    expect(retry.body).toMatchObject({ state: 'queued', attempts: 1 });
    const [b] = await poll(h, dave);
    expect(b).toMatchObject({ jobId, attempt: 2 });
    const fail = await h.api.call(dave, 'POST', `/v1/miners/jobs/${a.jobId}/fail`, {
      message: 'model missing',
      code: 'NO_MODEL',
    });
    expect(fail.body.state).toBe('failed');
    const j = await settled(h, jobId);
    expect(j.error).toMatchObject({ code: 'JOB_FAILED' });
    expect(j.error.message).toMatch(/NO_MODEL.*model missing/);
    expect(j.settlement.kind).toBe('refund');
  });

  it('expires a job at its deadline (expiresAt − 60 s) and refunds it', async () => {
    const h = await harness();
    await register(h, dave);
    const { jobId } = await submit(h, alice, { ttlMs: 61_000 });
    const j = await settled(h, jobId);
    expect(j).toMatchObject({
      state: 'expired',
      error: { code: 'JOB_EXPIRED' },
      settlement: { kind: 'refund' },
    });
    // A lock that leaves no time at all is refused as not fitting.
    const late = await submit(h, alice, { ttlMs: 59_000 });
    expect(late.r.body.error.details.problem).toMatch(/too soon/);
  });
});

describe('settlement', () => {
  it('pipelines settlements in one ordered batch with consecutive nonces', async () => {
    const h = await harness({ autoCommitMs: 100_000 });
    await register(h, dave, { concurrency: 8 });
    const jobs = [];
    for (let i = 0; i < 6; i++) jobs.push(await submit(h));
    h.chain.commit();
    const assignments = await poll(h, dave);
    expect(assignments).toHaveLength(6);
    await Promise.all(assignments.map((a) => deliver(h, dave, a)));
    // All six are admitted before any block: none waited for another's commit.
    await until(() => h.chain.pending.filter((p) => p.tx.from === carol.address).length === 6);
    const nonces = h.chain.pending.filter((p) => p.tx.from === carol.address).map((p) => p.tx.nonce);
    expect(nonces).toEqual([0, 1, 2, 3, 4, 5]);
    h.chain.commit();
    for (const j of jobs) expect((await settled(h, j.jobId)).settlement.status).toBe('committed');
  });

  it('survives an unreachable node, a dropped mempool and an escrow settled by someone else', async () => {
    const h = await harness({ autoCommitMs: 100_000 });
    await register(h, dave, { concurrency: 8 });
    const jobs = [];
    for (let i = 0; i < 3; i++) jobs.push(await submit(h));
    h.chain.commit();
    const as = await poll(h, dave);
    h.chain.down = true;
    for (const a of as) expect((await deliver(h, dave, a)).status).toBe(200);
    await new Promise((r) => setTimeout(r, 200));
    h.chain.down = false;
    await until(() => h.chain.pending.filter((p) => p.tx.from === carol.address).length === 3);
    // The node restarts and forgets its mempool: the coordinator sends them again.
    h.chain.dropPending();
    await until(() => h.chain.pending.filter((p) => p.tx.from === carol.address).length === 3, 5_000);
    // The client refunds one escrow itself meanwhile (as after expiresAt): that release can never land.
    const [victim] = as;
    const esc = h.chain.escrows.get(`${alice.address}/${victim.jobId}`);
    if (esc) esc.status = 'refunded';
    h.chain.commit();
    await h.restart();
    for (const a of as.slice(1)) expect((await settled(h, a.jobId)).settlement.status).toBe('committed');
    const v = await until(async () => {
      const j = await job(h, victim.jobId);
      return j.settlement?.status === 'failed' ? j : undefined;
    });
    expect(v.settlement.kind).toBe('release');
  });

  it('after a crash, broadcasts a signed settlement again byte for byte', async () => {
    const h = await harness({ autoCommitMs: 100_000 });
    await register(h, dave);
    const { jobId } = await submit(h);
    h.chain.commit();
    const [a] = await poll(h, dave);
    // The broadcast is lost in flight: the settlement stays signed (stored before it went out).
    const broadcast = h.chain.broadcast.bind(h.chain);
    h.chain.broadcast = async () => {
      throw new AitbcError('UNREACHABLE', 'connection reset');
    };
    await deliver(h, dave, a);
    const signed = await until(async () => {
      const j = await job(h, jobId);
      return j.settlement?.status === 'signed' ? j.settlement : undefined;
    });
    await h.coord.close();
    h.chain.broadcast = broadcast;
    await h.restart();
    await until(() => h.chain.pending.length === 1);
    expect(h.chain.pending[0].hash).toBe(signed.txHash);
    h.chain.commit();
    expect((await settled(h, jobId)).settlement).toMatchObject({
      status: 'committed',
      txHash: signed.txHash,
      nonce: 0,
    });
  });

  it('delays a settlement the node cannot take yet, and re-signs it with the next free nonce', async () => {
    const h = await harness({ autoCommitMs: 100_000 });
    await register(h, dave, { concurrency: 8 });
    const first = await submit(h);
    const second = await submit(h);
    h.chain.commit();
    const as = await poll(h, dave);
    const origAdmit = h.chain.admit.bind(h.chain);
    let refused = 0;
    h.chain.admit = (tx) => {
      if (tx.from === carol.address && refused === 0) {
        refused++;
        throw new AitbcError('INSUFFICIENT_FUNDS', 'short');
      }
      return origAdmit(tx);
    };
    for (const a of as) await deliver(h, dave, a);
    await until(() => h.chain.pending.filter((p) => p.tx.from === carol.address).length === 2, 5_000);
    expect(refused).toBe(1);
    h.chain.commit();
    const nonces = [];
    for (const j of [first, second]) {
      const s = (await settled(h, j.jobId)).settlement;
      expect(s.status).toBe('committed');
      nonces.push(s.nonce);
    }
    expect(nonces.sort()).toEqual([0, 1]);
  });
});
