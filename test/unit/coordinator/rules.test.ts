/**
 * The coordinator's pure rules: the job lifecycle, matching and offers, submissions and lock checks,
 * capability records, API keys and HTTP statuses.
 */
import { describe, expect, it } from 'vitest';
import { ApiKeyTable, parseApiKeys } from '../../../src/coordinator/http/api-keys.js';
import { httpStatusFor } from '../../../src/coordinator/http/status.js';
import {
  afterLostLease,
  cancelOutcome,
  canTransition,
  JOB_STATES,
  type Job,
  settlementFor,
} from '../../../src/coordinator/jobs/job.js';
import {
  checkOffer,
  matchJobs,
  modelSummaries,
  type WaitingMiner,
} from '../../../src/coordinator/jobs/matching.js';
import {
  applyLockVerdict,
  checkLock,
  type EscrowView,
  parseSubmission,
} from '../../../src/coordinator/jobs/submission.js';
import { parseCapability } from '../../../src/coordinator/miners/capability.js';
import { AitbcError } from '../../../src/core/errors.js';
import { sha256Hex } from '../../../src/core/hash.js';
import { computeInputHash } from '../../../src/protocol/receipt.js';
import { key } from './helpers.js';

const alice = key('alice');
const carol = key('carol');
const dave = key('dave');

function errorOf(fn: () => unknown): AitbcError {
  try {
    fn();
  } catch (e) {
    return e as AitbcError;
  }
  throw new Error('expected a throw');
}

function job(over: Partial<Job> = {}): Job {
  return {
    jobId: 'ab'.repeat(16),
    client: alice.address,
    model: 'echo',
    prompt: 'hi',
    params: {},
    inputHash: '00'.repeat(32),
    lockTx: '11'.repeat(32),
    lockStatus: 'confirmed',
    refundable: true,
    deadline: 10_000,
    state: 'queued',
    attempts: 0,
    cancelRequested: false,
    tokensStreamed: 0,
    createdAt: 0,
    updatedAt: 0,
    ...over,
  };
}

describe('job lifecycle', () => {
  it('allows exactly the transitions of DESIGN §8 (plus requeue and delivery without progress)', () => {
    const allowed = JOB_STATES.flatMap((from) =>
      JOB_STATES.filter((to) => canTransition(from, to)).map((to) => `${from}>${to}`),
    );
    expect(allowed.sort()).toEqual(
      [
        'queued>assigned',
        'queued>failed',
        'queued>canceled',
        'queued>expired',
        'assigned>running',
        'assigned>queued',
        'assigned>completed',
        'assigned>failed',
        'assigned>canceled',
        'assigned>expired',
        'running>completed',
        'running>queued',
        'running>failed',
        'running>canceled',
        'running>expired',
      ].sort(),
    );
  });

  it('requeues a lost lease while attempts remain, then fails; past the deadline it expires', () => {
    expect(afterLostLease(job({ state: 'running', attempts: 1 }), 3, 0, 'silent')).toEqual({
      kind: 'requeue',
    });
    const failed = afterLostLease(job({ state: 'running', attempts: 3 }), 3, 0, 'silent');
    expect(failed).toMatchObject({ kind: 'fail', code: 'JOB_FAILED' });
    expect((failed as { message: string }).message).toMatch(/gave up after 3 attempts/);
    expect(afterLostLease(job({ state: 'running', attempts: 1 }), 3, 10_000, 'x')).toMatchObject({
      kind: 'fail',
      code: 'JOB_EXPIRED',
    });
    expect(afterLostLease(job({ state: 'running', cancelRequested: true }), 3, 0, 'x')).toEqual({
      kind: 'cancel',
    });
  });

  it('cancel ends a job before it runs and asks the miner while it runs', () => {
    expect(cancelOutcome(job({ state: 'queued' }))).toEqual({ kind: 'cancel' });
    expect(cancelOutcome(job({ state: 'assigned' }))).toEqual({ kind: 'cancel' });
    expect(cancelOutcome(job({ state: 'running' }))).toEqual({ kind: 'request' });
    expect(cancelOutcome(job({ state: 'completed' }))).toEqual({ kind: 'already', state: 'completed' });
  });

  it('settles a receipt by release, a refundable end by refund, and nothing otherwise', () => {
    expect(settlementFor(job({ state: 'running' }))).toBeUndefined();
    expect(settlementFor(job({ state: 'completed', receiptId: 'aa'.repeat(32) }))).toBe('release');
    expect(settlementFor(job({ state: 'canceled', receiptId: 'aa'.repeat(32) }))).toBe('release');
    expect(settlementFor(job({ state: 'failed' }))).toBe('refund');
    expect(settlementFor(job({ state: 'expired' }))).toBe('refund');
    expect(settlementFor(job({ state: 'failed', refundable: false }))).toBeUndefined();
  });
});

describe('matching', () => {
  const m = (address: string, over: Partial<WaitingMiner> = {}): WaitingMiner => ({
    address,
    models: ['echo'],
    unitPrice: 1000n,
    concurrency: 2,
    active: 0,
    want: 2,
    since: 0,
    ...over,
  });
  const j = (jobId: string, over: Partial<{ model: string; maxUnitPrice: bigint }> = {}) => ({
    jobId,
    model: 'echo',
    maxUnitPrice: 2000n,
    ...over,
  });

  it('gives each job to the cheapest waiting miner that serves its model at its price', () => {
    const out = matchJobs(
      [j('1'), j('2', { model: 'llama3.2' }), j('3', { maxUnitPrice: 900n }), j('4')],
      [m('a', { unitPrice: 1500n }), m('b', { unitPrice: 1000n, want: 1 }), m('c', { models: ['llama3.2'] })],
    );
    expect(out).toEqual([
      { jobId: '1', miner: 'b', unitPrice: 1000n },
      { jobId: '2', miner: 'c', unitPrice: 1000n },
      { jobId: '4', miner: 'a', unitPrice: 1500n },
    ]);
  });

  it('respects free capacity and what the polls want; ties go to free capacity, then the longest wait', () => {
    expect(matchJobs([j('1'), j('2')], [m('a', { concurrency: 3, active: 2 })])).toHaveLength(1);
    expect(matchJobs([j('1'), j('2'), j('3')], [m('a', { want: 2, concurrency: 5 })])).toHaveLength(2);
    expect(matchJobs([j('1')], [m('a', { active: 1 }), m('b')])[0].miner).toBe('b');
    expect(matchJobs([j('1')], [m('a', { since: 5 }), m('b', { since: 3 })])[0].miner).toBe('b');
    expect(matchJobs([j('1')], [])).toEqual([]);
  });

  it('refuses an unserved model naming the models online, and a price below every miner', () => {
    const online = [m('a', { models: ['echo', 'llama3.2'], unitPrice: 1200n }), m('b', { unitPrice: 1100n })];
    const e = errorOf(() => checkOffer('mistral', 5000n, online));
    expect(e.code).toBe('NO_MINER_FOR_MODEL');
    expect(e.details.models).toEqual(['echo', 'llama3.2']);
    expect(e.message).toMatch(/models online: echo, llama3.2/);
    expect(errorOf(() => checkOffer('echo', 1000n, [])).code).toBe('NO_MINER_FOR_MODEL');
    const p = errorOf(() => checkOffer('echo', 1099n, online));
    expect(p.code).toBe('PRICE_TOO_LOW');
    expect(p.details.lowestUnitPrice).toBe('1100');
    expect(() => checkOffer('echo', 1100n, online)).not.toThrow();
    expect(() => checkOffer('echo', undefined, online)).not.toThrow();
  });

  it('summarises models with price ranges and capacity', () => {
    expect(
      modelSummaries([
        m('a', { models: ['echo', 'x'], unitPrice: 1200n, active: 1 }),
        m('b', { unitPrice: 900n }),
      ]),
    ).toEqual([
      { model: 'echo', miners: 2, minUnitPrice: '900', maxUnitPrice: '1200', capacity: 4, free: 3 },
      { model: 'x', miners: 1, minUnitPrice: '1200', maxUnitPrice: '1200', capacity: 2, free: 1 },
    ]);
  });
});

describe('submissions and locks', () => {
  const sub = {
    jobId: 'ab'.repeat(16),
    lockTx: 'cd'.repeat(32),
    model: 'echo',
    prompt: 'Hello there',
    params: { maxTokens: 8 },
  };

  it('parses a submission strictly', () => {
    expect(parseSubmission(sub, 1000)).toEqual(sub);
    expect(parseSubmission({ ...sub, params: undefined }, 1000).params).toEqual({});
    expect(parseSubmission({ ...sub, params: { temperature: 0.7, seed: 3 } }, 1000).params).toEqual({
      temperature: 0.7,
      seed: 3,
    });
    const bad: Array<[Record<string, unknown>, string]> = [
      [{ ...sub, jobId: 'AB'.repeat(16) }, 'jobId'],
      [{ ...sub, lockTx: 'cd' }, 'lockTx'],
      [{ ...sub, model: '' }, 'model'],
      [{ ...sub, prompt: 5 }, 'prompt'],
      [{ ...sub, params: { maxTokens: 0 } }, 'params.maxTokens'],
      [{ ...sub, params: { temperature: -1 } }, 'params.temperature'],
      [{ ...sub, params: { top_k: 3 } }, 'params.top_k'],
      [{ ...sub, extra: 1 }, 'extra'],
      [{ ...sub, params: null }, 'params'],
    ];
    for (const [value, field] of bad) {
      const e = errorOf(() => parseSubmission(value, 1000));
      expect(e.code).toBe('INVALID_INPUT');
      expect(e.details.field).toBe(field);
    }
    const big = errorOf(() => parseSubmission({ ...sub, prompt: 'é'.repeat(501) }, 1000));
    expect(big.details).toMatchObject({ reason: 'prompt_too_large', bytes: 1002, maxPromptBytes: 1000 });
    expect(httpStatusFor(big)).toBe(413);
  });

  const inputHash = computeInputHash({ model: 'echo', prompt: sub.prompt, params: sub.params });
  const escrow = (over: Partial<EscrowView> = {}, terms: Partial<EscrowView['terms']> = {}): EscrowView => ({
    client: alice.address,
    jobId: sub.jobId,
    amount: '1100',
    coordinator: carol.address,
    expiresAt: 1_000_000,
    status: 'locked',
    terms: {
      model: 'echo',
      inputHash,
      maxTokensIn: Buffer.byteLength(sub.prompt) + 16,
      maxTokens: 8,
      maxUnitPrice: '2000',
      settlementFee: '1000',
      ...terms,
    },
    ...over,
  });
  const tx = (over: Record<string, unknown> = {}) => ({
    tx: { type: 'escrow_lock', from: alice.address, body: { jobId: sub.jobId } },
    height: 5,
    code: 0,
    log: '',
    ...over,
  });
  const check = (t: any, e: EscrowView | undefined, now = 0) =>
    checkLock({
      job: { ...sub, client: alice.address },
      tx: t,
      escrow: e,
      coordinator: carol.address,
      now,
      deadlineMarginMs: 60_000,
    });

  it('confirms a committed lock whose terms fit, with the deadline 60 s before expiry', () => {
    const v = check(tx(), escrow());
    expect(v).toEqual({
      status: 'confirmed',
      deadline: 940_000,
      terms: {
        amount: 1100n,
        maxUnitPrice: 2000n,
        settlementFee: 1000n,
        maxTokensIn: 27,
        maxTokens: 8,
        expiresAt: 1_000_000,
      },
    });
    const job = { lockStatus: 'pending', refundable: false } as {
      lockStatus: string;
      refundable: boolean;
      deadline?: number;
    };
    applyLockVerdict(job as never, v);
    expect(job).toMatchObject({ lockStatus: 'confirmed', refundable: true, deadline: 940_000 });
  });

  it('waits for a lock not yet committed', () => {
    expect(check(undefined, undefined)).toEqual({ status: 'pending' });
    expect(check({ ...tx(), height: undefined }, undefined)).toEqual({ status: 'pending' });
    expect(check(tx(), undefined)).toEqual({ status: 'pending' });
  });

  it('refuses a lock that does not fit, refundable only when it is ours and locked', () => {
    const cases: Array<[any, EscrowView | undefined, RegExp, boolean, number?]> = [
      [tx({ tx: { type: 'transfer', from: alice.address, body: {} } }), escrow(), /not escrow_lock/, true],
      [
        tx({ tx: { type: 'escrow_lock', from: dave.address, body: { jobId: sub.jobId } } }),
        escrow(),
        /sent by/,
        true,
      ],
      [
        tx({ tx: { type: 'escrow_lock', from: alice.address, body: { jobId: 'ff'.repeat(16) } } }),
        escrow(),
        /locks job/,
        true,
      ],
      [tx({ code: 7, log: 'insufficient funds' }), undefined, /failed on chain: insufficient funds/, false],
      [tx(), escrow({ coordinator: dave.address }), /names coordinator/, false],
      [tx(), escrow({ status: 'refunded' }), /already refunded/, false],
      [tx(), escrow({}, { model: 'llama3.2' }), /model llama3.2/, true],
      [tx(), escrow({}, { inputHash: '00'.repeat(32) }), /inputHash/, true],
      [tx(), escrow({}, { maxTokensIn: 99 }), /maxTokensIn is 99/, true],
      [tx(), escrow({}, { maxTokens: 9 }), /params.maxTokens 8 differs/, true],
      [tx(), escrow(), /too soon/, true, 940_000],
    ];
    for (const [t, e, problem, refundable, now] of cases) {
      const v = check(t, e, now);
      expect(v.status, String(problem)).toBe('mismatch');
      if (v.status !== 'mismatch') continue;
      expect(v.problem).toMatch(problem);
      expect(v.refundable, String(problem)).toBe(refundable);
    }
  });
});

describe('capability records', () => {
  const limits = { maxModelsPerMiner: 4, maxConcurrency: 8 };
  const good = { models: ['llama3.2', 'qwen'], backend: 'ollama', unitPrice: '1500', concurrency: 2 };

  it('parses a record; payTo defaults to the miner', () => {
    expect(parseCapability(good, dave.address, limits)).toEqual({
      models: ['llama3.2', 'qwen'],
      backend: 'ollama',
      unitPrice: 1500n,
      concurrency: 2,
      payTo: dave.address,
    });
    const full = parseCapability(
      {
        ...good,
        payTo: alice.address,
        gpu: { name: 'RTX', memoryMb: 8192 },
        modelDigests: { qwen: 'sha256:ab' },
        version: '1',
      },
      dave.address,
      limits,
    );
    expect(full).toMatchObject({
      payTo: alice.address,
      gpu: { name: 'RTX', memoryMb: 8192 },
      modelDigests: { qwen: 'sha256:ab' },
    });
  });

  it('refuses bad records', () => {
    const bad: Array<[Record<string, unknown>, string]> = [
      [{ ...good, models: [] }, 'INVALID_INPUT'],
      [{ ...good, models: ['a', 'b', 'c', 'd', 'e'] }, 'INVALID_INPUT'],
      [{ ...good, models: ['a', 'a'] }, 'INVALID_INPUT'],
      [{ ...good, backend: 'gpu' }, 'INVALID_INPUT'],
      [{ ...good, backend: 'echo' }, 'INVALID_INPUT'],
      [{ ...good, unitPrice: '-1' }, 'INVALID_AMOUNT'],
      [{ ...good, unitPrice: 5 }, 'INVALID_AMOUNT'],
      [{ ...good, concurrency: 0 }, 'INVALID_INPUT'],
      [{ ...good, concurrency: 9 }, 'INVALID_INPUT'],
      [{ ...good, payTo: 'AIT1XYZ' }, 'INVALID_ADDRESS'],
      [{ ...good, modelDigests: { other: 'x' } }, 'INVALID_INPUT'],
      [{ ...good, extra: true }, 'INVALID_INPUT'],
    ];
    for (const [value, code] of bad)
      expect(errorOf(() => parseCapability(value, dave.address, limits)).code).toBe(code);
    expect(
      parseCapability({ ...good, backend: 'echo', models: ['echo'] }, dave.address, limits).backend,
    ).toBe('echo');
  });
});

describe('API keys and statuses', () => {
  const table = new ApiKeyTable(
    parseApiKeys(
      JSON.stringify({
        keys: [
          { key: 'client-key', role: 'client' },
          { keySha256: sha256Hex('miner-key'), role: 'miner' },
          { key: 'admin-key', role: 'admin', address: alice.address },
        ],
      }),
    ),
  );

  it('opens endpoints by role', () => {
    expect(new ApiKeyTable().authorize(undefined, 'client')).toBeUndefined();
    expect(table.authorize('client-key', 'client')?.role).toBe('client');
    expect(table.authorize('client-key', 'public')?.role).toBe('client');
    expect(table.authorize('miner-key', 'miner')?.role).toBe('miner');
    expect(table.authorize('admin-key', 'miner')?.role).toBe('admin');
    expect(errorOf(() => table.authorize(undefined, 'public')).code).toBe('UNAUTHORIZED');
    expect(errorOf(() => table.authorize('nope', 'client')).code).toBe('UNAUTHORIZED');
    expect(errorOf(() => table.authorize('client-key', 'miner')).code).toBe('FORBIDDEN');
    const admin = table.authorize('admin-key', 'client');
    expect(() => table.checkBinding(admin, alice.address)).not.toThrow();
    expect(errorOf(() => table.checkBinding(admin, dave.address)).code).toBe('FORBIDDEN');
  });

  it('refuses malformed key files as CONFIG', () => {
    for (const text of [
      'not json',
      '{"keys": {}}',
      '{"keys": [{"role": "client"}]}',
      '{"keys": [{"key": "a", "keySha256": "00", "role": "client"}]}',
      '{"keys": [{"key": "a", "role": "root"}]}',
      '{"keys": [{"key": "a", "role": "client"}, {"key": "a", "role": "miner"}]}',
      '{"keys": [{"key": "a", "role": "client", "address": "nope"}]}',
    ])
      expect(errorOf(() => parseApiKeys(text, 'keys.json')).code).toBe('CONFIG');
  });

  it('maps codes to statuses', () => {
    const s = (code: ConstructorParameters<typeof AitbcError>[0], details = {}) =>
      httpStatusFor(new AitbcError(code, 'x', details));
    expect(s('INVALID_INPUT')).toBe(400);
    expect(s('INVALID_INPUT', { reason: 'conflict' })).toBe(409);
    expect(s('INVALID_INPUT', { reason: 'too_large' })).toBe(413);
    expect(s('UNAUTHORIZED')).toBe(401);
    expect(s('BAD_SIGNATURE')).toBe(401);
    expect(s('FORBIDDEN')).toBe(403);
    expect(s('JOB_NOT_FOUND')).toBe(404);
    expect(s('REPLAYED_REQUEST')).toBe(409);
    expect(s('JOB_CANCELED')).toBe(409);
    expect(s('NO_MINER_FOR_MODEL')).toBe(422);
    expect(s('PRICE_TOO_LOW')).toBe(422);
    expect(s('RECEIPT_INVALID')).toBe(422);
    expect(s('UNREACHABLE')).toBe(503);
    expect(s('INTERNAL')).toBe(500);
  });
});
