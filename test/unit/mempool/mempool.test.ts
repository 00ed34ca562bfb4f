import { describe, expect, it } from 'vitest';
import { type ErrorCode, isAitbcError } from '../../../src/core/errors.js';
import { createPrng } from '../../../src/core/prng.js';
import { Mempool, type PooledTx } from '../../../src/node/mempool/mempool.js';
import type { ChainParams, SignedTx } from '../../../src/protocol/types.js';
import {
  CHAIN,
  lockBody,
  makeTx,
  receiptBodyFor,
  signReceipt,
  T0,
  type TestKey,
  testKey,
  validator,
} from '../protocol/helpers.js';
import { AIT, alice, bob, carol, dave, fastVerify, newChain, type TestChain } from '../state/helpers.js';

const others = Array.from({ length: 6 }, (_, i) => testKey(`m${i}`));

interface Setup {
  chain: TestChain;
  pool: Mempool;
  clock: { now: number };
}

function setup(opts: { params?: Partial<ChainParams>; maxTxs?: number; maxBytes?: number } = {}): Setup {
  const chain = newChain({ maxPendingPerSender: 8, ...opts.params }, [dave, ...others], fastVerify);
  const clock = { now: T0 + 1000 };
  const pool = new Mempool({
    state: chain.state,
    chainId: CHAIN,
    verify: fastVerify,
    now: () => clock.now,
    maxPendingPerSender: chain.genesis.params.maxPendingPerSender,
    maxTxs: opts.maxTxs,
    maxBytes: opts.maxBytes,
  });
  return { chain, pool, clock };
}

function refusedWith(pool: Mempool, tx: SignedTx, code: ErrorCode): void {
  const size = pool.size;
  const bytes = pool.bytes;
  try {
    pool.add(tx);
  } catch (e) {
    if (!isAitbcError(e)) throw e;
    expect(e.code, e.message).toBe(code);
    expect(pool.size).toBe(size);
    expect(pool.bytes).toBe(bytes);
    return;
  }
  throw new Error(`expected ${code}, the transaction was admitted`);
}

const pay = (from: TestKey, nonce: number, opts: { fee?: string; amount?: string; to?: string } = {}) =>
  makeTx(
    from,
    'transfer',
    { to: opts.to ?? bob.address, amount: opts.amount ?? '1000' },
    { nonce, fee: opts.fee ?? '1000' },
  );

/** Reaps a block, executes it (every reaped transaction must be includable), commits and updates the pool. */
function commitBlock(s: Setup, height: number, limits = { maxTxs: 1000, maxBytes: 1 << 24 }): PooledTx[] {
  const txs = s.pool.reap(limits);
  const ctx = { chainId: CHAIN, height, time: s.clock.now, proposer: validator.address };
  for (const p of txs) s.chain.state.applyTx(p.tx, ctx);
  s.chain.state.stateRoot();
  const { included, dropped } = s.pool.update(txs);
  expect(included.sort()).toEqual(txs.map((t) => t.hash).sort());
  expect(dropped).toEqual([]);
  return txs;
}

describe('admission', () => {
  it('admits against the pending state and tracks the pending nonce', () => {
    const s = setup();
    const a0 = pay(alice, 0);
    const r = s.pool.add(a0);
    expect(r).toEqual({ hash: expect.stringMatching(/^[0-9a-f]{64}$/), evicted: [] });
    expect(s.pool.has(r.hash)).toBe(true);
    expect(s.pool.get(r.hash)).toBe(a0);
    expect(s.pool.pendingNonce(alice.address)).toBe(1);
    expect(s.pool.pendingNonce(bob.address)).toBe(0);
    s.pool.add(pay(alice, 1));
    expect(s.pool.pendingOf(alice.address).map((p) => p.tx.nonce)).toEqual([0, 1]);
    expect(s.pool.size).toBe(2);
    expect(s.pool.bytes).toBeGreaterThan(0);
  });

  it('refuses bad transactions with their codes and changes nothing', () => {
    const s = setup();
    const root = s.chain.state.stateRoot();
    refusedWith(
      s.pool,
      makeTx(alice, 'transfer', { to: bob.address, amount: '1' }, { chainId: 'other' }),
      'WRONG_CHAIN',
    );
    refusedWith(s.pool, { ...pay(alice, 0), fee: '1001' }, 'BAD_SIGNATURE');
    // Signed by bob, claiming to be from alice: the key does not hash to `from`.
    refusedWith(s.pool, { ...pay(bob, 0), from: alice.address }, 'BAD_SIGNATURE');
    refusedWith(s.pool, pay(alice, 0, { fee: '999' }), 'FEE_TOO_LOW');
    refusedWith(s.pool, pay(bob, 0, { amount: (10n * AIT).toString() }), 'INSUFFICIENT_FUNDS');
    refusedWith(s.pool, pay(alice, 1), 'BAD_NONCE');
    expect(s.pool.size).toBe(0);
    expect(s.chain.state.stateRoot()).toBe(root);
  });

  it('counts pending spending: the second of two large transfers is refused', () => {
    const s = setup();
    s.pool.add(pay(alice, 0, { amount: (600n * AIT).toString() }));
    refusedWith(s.pool, pay(alice, 1, { amount: (400n * AIT).toString() }), 'INSUFFICIENT_FUNDS');
    s.pool.add(pay(alice, 1, { amount: (400n * AIT - 2000n).toString() }));
  });

  it('nonces: used, gap, beyond the window of maxPendingPerSender', () => {
    const s = setup();
    for (let n = 0; n < 8; n++) s.pool.add(pay(alice, n));
    refusedWith(s.pool, pay(alice, 8), 'BAD_NONCE'); // beyond window: committed 0 + 8
    refusedWith(s.pool, pay(alice, 100), 'BAD_NONCE');
    s.pool.add(pay(bob, 0));
    refusedWith(s.pool, pay(bob, 2), 'BAD_NONCE'); // gap
    commitBlock(s, 1);
    expect(s.pool.size).toBe(0);
    refusedWith(s.pool, pay(alice, 3), 'BAD_NONCE'); // used
    s.pool.add(pay(alice, 8));
  });

  it('a replay of a pending or committed transaction is refused', () => {
    const s = setup();
    const tx = pay(alice, 0);
    s.pool.add(tx);
    refusedWith(s.pool, tx, 'DUPLICATE_NONCE');
    commitBlock(s, 1);
    refusedWith(s.pool, tx, 'BAD_NONCE');
  });

  it('replacement needs a fee ≥ 110 % and an affordable queue', () => {
    const s = setup();
    const first = s.pool.add(pay(alice, 0, { fee: '10000' }));
    s.pool.add(pay(alice, 1, { fee: '10000' }));
    refusedWith(s.pool, pay(alice, 0, { fee: '10999', amount: '2' }), 'DUPLICATE_NONCE');
    const r = s.pool.add(pay(alice, 0, { fee: '11000', amount: '2' }));
    expect(r.replaced).toBe(first.hash);
    expect(s.pool.has(first.hash)).toBe(false);
    expect(s.pool.size).toBe(2);
    expect(s.pool.pendingNonce(alice.address)).toBe(2);
    // Replacing nonce 0 with a transfer of everything would leave nonce 1 unpaid.
    refusedWith(
      s.pool,
      pay(alice, 0, { fee: '20000', amount: (1000n * AIT - 20000n).toString() }),
      'INSUFFICIENT_FUNDS',
    );
    const txs = commitBlock(s, 1);
    expect(txs.map((t) => t.tx.body)).toEqual([
      { to: bob.address, amount: '2' },
      { to: bob.address, amount: '1000' },
    ]);
  });
});

describe('escrow admission against pending transactions', () => {
  const jobId = 'f0'.repeat(16);

  it('a second pending lock of the same job is ESCROW_EXISTS', () => {
    const s = setup();
    s.pool.add(makeTx(alice, 'escrow_lock', lockBody(jobId, s.clock.now)));
    refusedWith(
      s.pool,
      makeTx(alice, 'escrow_lock', lockBody(jobId, s.clock.now), { nonce: 1 }),
      'ESCROW_EXISTS',
    );
    // Replacing the lock itself is fine (its own jobId does not count against it).
    s.pool.add(
      makeTx(alice, 'escrow_lock', lockBody(jobId, s.clock.now, { amount: '2000000' }), { fee: '1100' }),
    );
  });

  it('settlements: a second pending one from the same sender, a third party, an early client refund', () => {
    const s = setup();
    s.pool.add(makeTx(alice, 'escrow_lock', lockBody(jobId, s.clock.now)));
    commitBlock(s, 1);
    const receipt = signReceipt(receiptBodyFor(alice.address, jobId));
    s.pool.add(makeTx(carol, 'escrow_release', { client: alice.address, jobId, receipt }));
    refusedWith(
      s.pool,
      makeTx(carol, 'escrow_refund', { client: alice.address, jobId }, { nonce: 1 }),
      'ESCROW_SETTLED',
    );
    refusedWith(
      s.pool,
      makeTx(bob, 'escrow_release', { client: alice.address, jobId, receipt }),
      'FORBIDDEN',
    );
    refusedWith(
      s.pool,
      makeTx(alice, 'escrow_refund', { client: alice.address, jobId }, { nonce: 1 }),
      'ESCROW_NOT_EXPIRED',
    );
    // The miner racing the coordinator is admitted: one of the two fails in the block with a result code.
    s.pool.add(makeTx(dave, 'escrow_release', { client: alice.address, jobId, receipt }));
    const txs = s.pool.reap({ maxTxs: 10, maxBytes: 1 << 20 });
    const ctx = { chainId: CHAIN, height: 2, time: s.clock.now, proposer: validator.address };
    const codes = txs.map((p) => s.chain.state.applyTx(p.tx, ctx).code);
    expect(codes.sort()).toEqual([0, 4]);
    s.chain.state.stateRoot();
    expect(s.pool.update(txs).included).toHaveLength(2);
    expect(s.chain.state.checkConservation().ok).toBe(true);
  });
});

describe('reaping', () => {
  it('orders sender heads by fee then arrival, each sender in nonce order, within limits, without removing', () => {
    const s = setup();
    s.pool.add(pay(alice, 0, { fee: '1000' }));
    s.pool.add(pay(alice, 1, { fee: '9000' }));
    s.pool.add(pay(bob, 0, { fee: '5000' }));
    s.pool.add(pay(carol, 0, { fee: '5000' }));
    s.pool.add(pay(dave, 0, { fee: '2000' }));
    const order = (txs: PooledTx[]) =>
      txs.map(
        (p) =>
          `${p.tx.from === alice.address ? 'a' : p.tx.from === bob.address ? 'b' : p.tx.from === carol.address ? 'c' : 'd'}${p.tx.nonce}`,
      );
    expect(order(s.pool.reap({ maxTxs: 100, maxBytes: 1 << 20 }))).toEqual(['b0', 'c0', 'd0', 'a0', 'a1']);
    expect(order(s.pool.reap({ maxTxs: 2, maxBytes: 1 << 20 }))).toEqual(['b0', 'c0']);
    const size = s.pool.reap({ maxTxs: 1, maxBytes: 1 << 20 })[0].size;
    expect(s.pool.reap({ maxTxs: 100, maxBytes: size * 2 }).length).toBe(2);
    expect(s.pool.reap({ maxTxs: 100, maxBytes: size - 1 })).toEqual([]);
    expect(s.pool.size).toBe(5);
  });
});

describe('update after a block', () => {
  it('drops transactions whose nonce another transaction took, and those the balance no longer covers', () => {
    const s = setup();
    s.pool.add(pay(bob, 0, { amount: (4n * AIT).toString() }));
    s.pool.add(pay(bob, 1, { amount: (4n * AIT).toString() }));
    s.pool.add(pay(alice, 0));
    // A block from elsewhere: bob's nonce 0 spent on something else, leaving too little for nonce 1.
    const other = pay(bob, 0, { amount: (6n * AIT).toString(), to: dave.address });
    const ctx = { chainId: CHAIN, height: 1, time: s.clock.now, proposer: validator.address };
    expect(s.chain.state.applyTx(other, ctx).code).toBe(0);
    s.chain.state.stateRoot();
    const r = s.pool.update([{ tx: other, hash: 'ee'.repeat(32) }]);
    expect(r.included).toEqual([]);
    expect(r.dropped).toHaveLength(2);
    expect(s.pool.size).toBe(1);
    expect(s.pool.pendingNonce(bob.address)).toBe(1);
    expect(s.pool.pendingNonce(alice.address)).toBe(1);
    s.pool.add(pay(bob, 1, { amount: '1' }));
  });
});

describe('limits and eviction', () => {
  it('a full pool evicts the lowest-fee tail of another sender, or refuses with MEMPOOL_FULL', () => {
    const s = setup({ maxTxs: 4 });
    const a0 = s.pool.add(pay(alice, 0, { fee: '5000' }));
    const a1 = s.pool.add(pay(alice, 1, { fee: '1000' }));
    const b0 = s.pool.add(pay(bob, 0, { fee: '2000' }));
    s.pool.add(pay(carol, 0, { fee: '3000' }));
    refusedWith(s.pool, pay(dave, 0, { fee: '1000' }), 'MEMPOOL_FULL');
    // alice's tail (fee 1000) goes first, although her head pays the most.
    expect(s.pool.add(pay(dave, 0, { fee: '1500' })).evicted).toEqual([a1.hash]);
    expect(s.pool.pendingNonce(alice.address)).toBe(1);
    const d0 = s.pool.pendingOf(dave.address)[0].hash;
    expect(s.pool.add(pay(others[0], 0, { fee: '2500' })).evicted).toEqual([d0]);
    expect(s.pool.add(pay(others[1], 0, { fee: '2500' })).evicted).toEqual([b0.hash]);
    expect(s.pool.has(a0.hash)).toBe(true);
    expect(s.pool.size).toBe(4);
    // A sender's own queue is never evicted for its own next nonce.
    const s2 = setup({ maxTxs: 2 });
    s2.pool.add(pay(alice, 0, { fee: '1000' }));
    s2.pool.add(pay(bob, 0, { fee: '9000' }));
    refusedWith(s2.pool, pay(alice, 1, { fee: '5000' }), 'MEMPOOL_FULL');
    // A replacement needs no extra slot.
    s2.pool.add(pay(alice, 0, { fee: '5000' }));
  });

  it('the byte limit evicts as many tails as it takes', () => {
    const probe = setup();
    probe.pool.add(pay(alice, 0));
    const size = probe.pool.reap({ maxTxs: 1, maxBytes: 1 << 20 })[0].size;
    const s = setup({ maxBytes: size * 3 + 10 });
    s.pool.add(pay(alice, 0, { fee: '1000' }));
    s.pool.add(pay(bob, 0, { fee: '1000' }));
    s.pool.add(pay(carol, 0, { fee: '1000' }));
    const big = makeTx(
      dave,
      'transfer',
      { to: bob.address, amount: '1', memo: 'x'.repeat(200) },
      { fee: '2000' },
    );
    const r = s.pool.add(big);
    expect(r.evicted.length).toBe(2);
    expect(s.pool.bytes).toBeLessThanOrEqual(size * 3 + 10);
  });
});

describe('random operation sequences', () => {
  it('every reaped block is includable, queues stay gap-free, size and bytes add up', () => {
    const rng = createPrng('mempool-ops');
    const s = setup({ maxTxs: 40, params: { maxPendingPerSender: 6 } });
    const senders = [alice, bob, carol, dave, ...others];
    const committedFees = { n: 0 };
    let height = 0;
    let admitted = 0;
    let refused = 0;
    for (let step = 0; step < 600; step++) {
      const from = rng.pick(senders);
      const next = s.pool.pendingNonce(from.address);
      const nonce = rng.chance(0.8) ? next : Math.max(0, next - rng.int(3)) + (rng.chance(0.3) ? 2 : 0);
      const fee = String(1000 + 100 * rng.int(40));
      const amount = rng.chance(0.9) ? String(1 + rng.int(1_000_000)) : (2000n * AIT).toString();
      try {
        s.pool.add(pay(from, nonce, { fee, amount, to: rng.pick(senders).address }));
        admitted++;
      } catch (e) {
        if (!isAitbcError(e)) throw e;
        refused++;
      }
      if (rng.chance(0.1)) {
        s.clock.now += 1000;
        committedFees.n += commitBlock(s, ++height, { maxTxs: 1 + rng.int(15), maxBytes: 1 << 20 }).length;
      }
      let count = 0;
      let bytes = 0;
      let gapFree = true;
      for (const k of senders) {
        const pending = s.pool.pendingOf(k.address);
        const base = s.chain.state.getAccount(k.address).nonce;
        gapFree &&= pending.every((p, i) => p.tx.nonce === base + i);
        count += pending.length;
        bytes += pending.reduce((n, p) => n + p.size, 0);
      }
      if (!gapFree || s.pool.size !== count || s.pool.bytes !== bytes || count > 40)
        expect({ step, gapFree, size: s.pool.size, count, bytes: s.pool.bytes, sum: bytes }).toBeUndefined();
    }
    expect(admitted).toBeGreaterThan(100);
    expect(refused).toBeGreaterThan(50);
    expect(committedFees.n).toBeGreaterThan(50);
    expect(s.chain.state.checkConservation().ok).toBe(true);
  });
});
