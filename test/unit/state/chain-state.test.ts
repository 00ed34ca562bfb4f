import { describe, expect, it } from 'vitest';
import { type ErrorCode, isAitbcError } from '../../../src/core/errors.js';
import { verifyStrict } from '../../../src/crypto/ed25519.js';
import { ChainState } from '../../../src/node/state/chain-state.js';
import { accountKey, SUPPLY_KEY } from '../../../src/node/state/keys.js';
import { errorCodeOfResult, RESULT_CODES } from '../../../src/node/state/result-codes.js';
import { MemoryNodeStore, MemoryStateStore } from '../../../src/node/state/store.js';
import { genesisSupply } from '../../../src/protocol/genesis.js';
import type { Receipt, SignedTx, TxResult } from '../../../src/protocol/types.js';
import { CHAIN, lockBody, makeTx, receiptBodyFor, signReceipt, T0, validator } from '../protocol/helpers.js';
import { AIT, alice, bob, carol, dave, newChain, type TestChain } from './helpers.js';

const ctx = (height: number, time = T0 + height * 1000) => ({
  chainId: CHAIN,
  height,
  time,
  proposer: validator.address,
});

function thrown(fn: () => unknown): { code: ErrorCode; message: string } {
  try {
    fn();
  } catch (e) {
    if (isAitbcError(e)) return { code: e.code, message: e.message };
    throw e;
  }
  throw new Error('nothing was thrown');
}

/** The tx is refused at admission and at execution, and the state root does not move. */
function expectRefused(chain: TestChain, tx: SignedTx, code: ErrorCode, at = ctx(5)): void {
  const root = chain.state.stateRoot();
  expect(thrown(() => chain.state.checkTx(tx, at)).code).toBe(code);
  expect(thrown(() => chain.state.applyTx(tx, at)).code).toBe(code);
  expect(chain.state.hasPendingWrites()).toBe(false);
  expect(chain.state.stateRoot()).toBe(root);
}

/**
 * The tx is refused at admission; executed anyway (as in a block where another tx got there first) it is
 * included with the rule's result code and changes only the sender's balance (−fee) and nonce (+1) and
 * the burned supply (+fee).
 */
function expectFails(chain: TestChain, tx: SignedTx, code: ErrorCode, at = ctx(5)): TxResult {
  const { state, stateStore } = chain;
  expect(thrown(() => state.checkTx(tx, at)).code).toBe(code);
  state.stateRoot();
  const before = new Map(stateStore.map);
  const sender = state.getAccount(tx.from);
  const supply = state.getSupply();
  const result = state.applyTx(tx, at);
  state.stateRoot();
  expect(errorCodeOfResult(result.code)).toBe(code);
  expect(result.log.startsWith(`${code}: `)).toBe(true);
  expect(state.getAccount(tx.from)).toEqual({
    balance: sender.balance - BigInt(tx.fee),
    nonce: sender.nonce + 1,
  });
  expect(state.getSupply()).toEqual({ total: supply.total, burned: supply.burned + BigInt(tx.fee) });
  const changed = [...stateStore.map].filter(([k, v]) => before.get(k) !== v).map(([k]) => k);
  expect(changed.filter((k) => k !== accountKey(tx.from) && k !== SUPPLY_KEY)).toEqual([]);
  expect(stateStore.map.size).toBe(before.size);
  expect(state.checkConservation().ok).toBe(true);
  return result;
}

function apply(chain: TestChain, tx: SignedTx, at = ctx(1)): TxResult {
  chain.state.checkTx(tx, at);
  const r = chain.state.applyTx(tx, at);
  expect(r).toEqual({ code: 0, log: '' });
  chain.state.stateRoot();
  return r;
}

describe('genesis state', () => {
  it('holds the allocations, validators, params and supply, and refuses a second genesis', () => {
    const { state, genesis } = newChain();
    expect(state.isInitialized()).toBe(true);
    expect(state.getAccount(alice.address)).toEqual({ balance: 1000n * AIT, nonce: 0 });
    expect(state.getAccount(dave.address)).toEqual({ balance: 0n, nonce: 0 });
    expect(state.getValidators()).toEqual(genesis.validators);
    expect(state.getParams()).toEqual(genesis.params);
    expect(state.getSupply()).toEqual({ total: genesisSupply(genesis), burned: 0n });
    expect(state.checkConservation()).toMatchObject({ ok: true, locked: 0n, burned: 0n });
    expect(state.stateRoot()).toBe(state.recomputeRoot());
    expect(thrown(() => state.initGenesis(genesis)).code).toBe('CONFIG');
  });

  it('the same genesis gives the same root; another allocation another root', () => {
    expect(newChain().state.stateRoot()).toBe(newChain().state.stateRoot());
    expect(newChain().state.stateRoot()).not.toBe(newChain({ minFee: '1' }).state.stateRoot());
  });

  it('reading params before genesis is a CONFIG error', () => {
    const s = new ChainState({
      state: new MemoryStateStore(),
      nodes: new MemoryNodeStore(),
      verify: verifyStrict,
    });
    expect(s.isInitialized()).toBe(false);
    expect(thrown(() => s.getParams()).code).toBe('CONFIG');
  });
});

describe('transfers, nonces and fees', () => {
  it('moves the amount, burns the fee, bumps the nonce from 0', () => {
    const chain = newChain();
    const root0 = chain.state.stateRoot();
    apply(chain, makeTx(alice, 'transfer', { to: dave.address, amount: '2500000' }, { fee: '1500' }));
    expect(chain.state.getAccount(alice.address)).toEqual({ balance: 1000n * AIT - 2_501_500n, nonce: 1 });
    expect(chain.state.getAccount(dave.address)).toEqual({ balance: 2_500_000n, nonce: 0 });
    expect(chain.state.getSupply().burned).toBe(1500n);
    expect(chain.state.checkConservation().ok).toBe(true);
    expect(chain.state.stateRoot()).not.toBe(root0);
    expect(chain.state.stateRoot()).toBe(chain.state.recomputeRoot());
    apply(chain, makeTx(alice, 'transfer', { to: alice.address, amount: '1' }, { nonce: 1 }));
    expect(chain.state.getAccount(alice.address)).toEqual({ balance: 1000n * AIT - 2_502_500n, nonce: 2 });
  });

  it('refuses a replay, a used nonce and a nonce ahead (BAD_NONCE)', () => {
    const chain = newChain();
    const tx = makeTx(alice, 'transfer', { to: bob.address, amount: '1' });
    apply(chain, tx);
    expectRefused(chain, tx, 'BAD_NONCE');
    expectRefused(
      chain,
      makeTx(alice, 'transfer', { to: bob.address, amount: '2' }, { nonce: 0 }),
      'BAD_NONCE',
    );
    expectRefused(
      chain,
      makeTx(alice, 'transfer', { to: bob.address, amount: '2' }, { nonce: 2 }),
      'BAD_NONCE',
    );
  });

  it('refuses another chain’s transaction (WRONG_CHAIN), a fee below the minimum (FEE_TOO_LOW)', () => {
    const chain = newChain();
    expectRefused(
      chain,
      makeTx(alice, 'transfer', { to: bob.address, amount: '1' }, { chainId: 'other' }),
      'WRONG_CHAIN',
    );
    expectRefused(
      chain,
      makeTx(alice, 'transfer', { to: bob.address, amount: '1' }, { fee: '999' }),
      'FEE_TOO_LOW',
    );
  });

  it('refuses a fee the sender cannot pay (INSUFFICIENT_FUNDS, not includable)', () => {
    const chain = newChain();
    expectRefused(chain, makeTx(dave, 'transfer', { to: bob.address, amount: '1' }), 'INSUFFICIENT_FUNDS');
  });

  it('an amount above the balance is refused at admission; executed, it only pays its fee', () => {
    const chain = newChain();
    const tx = makeTx(bob, 'transfer', { to: alice.address, amount: (10n * AIT).toString() });
    expectFails(chain, tx, 'INSUFFICIENT_FUNDS');
    // The exact balance minus the fee is fine.
    apply(
      chain,
      makeTx(bob, 'transfer', { to: alice.address, amount: (10n * AIT - 2000n).toString() }, { nonce: 1 }),
    );
    expect(chain.state.getAccount(bob.address).balance).toBe(0n);
  });

  it('discardPending drops unflushed writes', () => {
    const chain = newChain();
    const root = chain.state.stateRoot();
    chain.state.applyTx(makeTx(alice, 'transfer', { to: bob.address, amount: '1' }), ctx(1));
    expect(chain.state.hasPendingWrites()).toBe(true);
    chain.state.discardPending();
    expect(chain.state.getAccount(alice.address).nonce).toBe(0);
    expect(chain.state.stateRoot()).toBe(root);
  });
});

describe('escrows', () => {
  const jobId = 'a1'.repeat(16);
  const lockAt = ctx(1);
  const expiresAt = lockAt.time + 600_000;

  function locked(): TestChain {
    const chain = newChain();
    apply(chain, makeTx(alice, 'escrow_lock', lockBody(jobId, lockAt.time)), lockAt);
    return chain;
  }
  const receipt = (
    over: Parameters<typeof receiptBodyFor>[2] = {},
    miner = dave,
    coordinator = carol,
  ): Receipt => signReceipt(receiptBodyFor(alice.address, jobId, over), miner, coordinator);
  const release = (from = carol, r = receipt(), nonce = 0) =>
    makeTx(from, 'escrow_release', { client: alice.address, jobId, receipt: r }, { nonce });
  const refund = (from = carol, nonce = 0) =>
    makeTx(from, 'escrow_refund', { client: alice.address, jobId }, { nonce });

  it('a lock moves the amount into the escrow; conservation counts it', () => {
    const chain = locked();
    expect(chain.state.getAccount(alice.address).balance).toBe(1000n * AIT - 1_000_000n - 1000n);
    expect(chain.state.getEscrow(alice.address, jobId)).toMatchObject({
      client: alice.address,
      jobId,
      amount: '1000000',
      coordinator: carol.address,
      expiresAt,
      status: 'locked',
      lockedAt: 1,
    });
    expect(chain.state.checkConservation()).toMatchObject({ ok: true, locked: 1_000_000n, burned: 1000n });
  });

  it('refuses a second lock of the same (client, jobId), even once settled', () => {
    const chain = locked();
    const again = makeTx(alice, 'escrow_lock', lockBody(jobId, lockAt.time), { nonce: 1 });
    expectFails(chain, again, 'ESCROW_EXISTS', ctx(2));
    apply(chain, refund(), ctx(3));
    expectFails(
      chain,
      makeTx(alice, 'escrow_lock', lockBody(jobId, ctx(4).time), { nonce: 2 }),
      'ESCROW_EXISTS',
      ctx(4),
    );
    // Another client may use the same jobId: escrows are keyed by (client, jobId).
    apply(chain, makeTx(bob, 'escrow_lock', lockBody(jobId, ctx(4).time)), ctx(4));
  });

  it('refuses locks that break the terms rules', () => {
    const chain = newChain();
    const t = lockAt.time;
    const lock = (nonce: number, over: Parameters<typeof lockBody>[2]) =>
      makeTx(alice, 'escrow_lock', lockBody(jobId, t, over), { nonce });
    expectFails(chain, lock(0, { expiresAt: t + 119_999 }), 'INVALID_INPUT', lockAt);
    expectFails(chain, lock(1, { expiresAt: t + 7 * 86_400_000 + 1 }), 'INVALID_INPUT', lockAt);
    // maxUnitPrice 2000 × (36 + 64) tokens / 1000 = 200, plus settlementFee 1000.
    expectFails(chain, lock(2, { amount: '1199' }), 'INVALID_AMOUNT', lockAt);
    const cheapFee = lockBody(jobId, t);
    cheapFee.terms.settlementFee = '999';
    expectFails(chain, makeTx(alice, 'escrow_lock', cheapFee, { nonce: 3 }), 'FEE_TOO_LOW', lockAt);
    expectFails(chain, lock(4, { amount: (1000n * AIT).toString() }), 'INSUFFICIENT_FUNDS', lockAt);
    apply(
      chain,
      makeTx(alice, 'escrow_lock', lockBody(jobId, t, { amount: '1200', expiresAt: t + 120_000 }), {
        nonce: 5,
      }),
      lockAt,
    );
  });

  it('a release pays price → payTo, settlementFee → sender, the rest → client, and keeps a tombstone', () => {
    const chain = locked();
    const r = receipt();
    apply(chain, release(carol, r), ctx(2));
    const price = 36n; // ceil(1500 × (21 + 3) / 1000)
    expect(chain.state.getAccount(dave.address).balance).toBe(price);
    expect(chain.state.getAccount(carol.address).balance).toBe(10n * AIT - 1000n + 1000n);
    expect(chain.state.getAccount(alice.address).balance).toBe(
      1000n * AIT - 1_000_000n - 1000n + (1_000_000n - price - 1000n),
    );
    expect(chain.state.getEscrow(alice.address, jobId)).toMatchObject({
      status: 'released',
      settledAt: 2,
      settledBy: carol.address,
      receiptId: r.receiptId,
      price: '36',
    });
    expect(chain.state.checkConservation()).toMatchObject({ ok: true, locked: 0n });
    // A second settlement of the settled escrow.
    expectFails(chain, release(carol, r, 1), 'ESCROW_SETTLED', ctx(3));
    expectFails(chain, refund(carol, 2), 'ESCROW_SETTLED', ctx(3));
  });

  it('the miner may release too, and payTo may be another address', () => {
    const chain = newChain({}, [dave]);
    apply(chain, makeTx(alice, 'escrow_lock', lockBody(jobId, lockAt.time)), lockAt);
    apply(chain, release(dave, receipt({ payTo: bob.address })), ctx(2));
    expect(chain.state.getAccount(bob.address).balance).toBe(10n * AIT + 36n);
    expect(chain.state.getAccount(dave.address).balance).toBe(1000n * AIT);
  });

  it('refuses a release sent by a third party (FORBIDDEN)', () => {
    expectFails(locked(), release(bob), 'FORBIDDEN', ctx(2));
  });

  it('refuses validly signed receipts naming another coordinator, client, job or chain (RECEIPT_INVALID)', () => {
    const chain = locked();
    // bob signs as coordinator of a receipt that names him: valid signatures, wrong party.
    const otherCoordinator = receipt(
      { coordinator: bob.address, coordinatorPubkey: bob.publicKey },
      dave,
      bob,
    );
    expect(otherCoordinator.coordinator).toBe(bob.address);
    const cases: Receipt[] = [
      otherCoordinator,
      signReceipt(receiptBodyFor(bob.address, jobId)),
      signReceipt(receiptBodyFor(alice.address, 'b2'.repeat(16))),
      receipt({ chainId: 'other-chain' }),
      receipt({ model: 'llama3.2' }),
      receipt({ inputHash: '00'.repeat(32) }),
      receipt({ tokensIn: 37 }),
      receipt({ tokensOut: 65 }),
      receipt({ unitPrice: '2001' }),
    ];
    for (const r of cases) {
      const tx = release(carol, r);
      expect(thrown(() => chain.state.checkTx(tx, ctx(2))).code).toBe('RECEIPT_INVALID');
    }
    expectFails(chain, release(carol, cases[0]), 'RECEIPT_INVALID', ctx(2));
  });

  it('refuses receipts whose signatures, id or price do not hold (RECEIPT_INVALID)', () => {
    const chain = locked();
    const good = receipt();
    const bad: Receipt[] = [
      { ...good, coordinatorSig: good.minerSig },
      { ...good, price: '35' },
      { ...good, receiptId: '00'.repeat(32) },
      // Signed by carol's key while naming dave's: the key does not hash to the miner.
      signReceipt(receiptBodyFor(alice.address, jobId, { minerPubkey: carol.publicKey }), carol, carol),
    ];
    for (const r of bad)
      expect(thrown(() => chain.state.checkTx(release(carol, r), ctx(2))).code).toBe('RECEIPT_INVALID');
  });

  it('a receipt may use every token at the max unit price: the lock covers it exactly', () => {
    const chain = newChain();
    const t = lockAt.time;
    // amount exactly covers the terms: 1200 = 200 + 1000; a receipt at the max unit price for all tokens costs 200.
    apply(chain, makeTx(alice, 'escrow_lock', lockBody(jobId, t, { amount: '1200' })), lockAt);
    apply(chain, release(carol, receipt({ unitPrice: '2000', tokensIn: 36, tokensOut: 64 })), ctx(2));
    expect(chain.state.getAccount(dave.address).balance).toBe(200n);
  });

  it('refuses a release after expiry (ESCROW_EXPIRED) and of an unknown escrow (ESCROW_NOT_FOUND)', () => {
    const chain = locked();
    expectFails(chain, release(), 'ESCROW_EXPIRED', ctx(2, expiresAt));
    const unknown = makeTx(
      carol,
      'escrow_release',
      {
        client: bob.address,
        jobId,
        receipt: signReceipt(receiptBodyFor(bob.address, jobId)),
      },
      { nonce: 1 },
    );
    expectFails(chain, unknown, 'ESCROW_NOT_FOUND', ctx(2));
  });

  it('refunds: the coordinator at any time; the client only from expiresAt; nobody else', () => {
    const chain = locked();
    expectFails(chain, refund(alice, 1), 'ESCROW_NOT_EXPIRED', ctx(2, expiresAt - 1));
    expectFails(chain, refund(bob), 'FORBIDDEN', ctx(2, expiresAt + 1));
    apply(chain, refund(alice, 2), ctx(3, expiresAt));
    expect(chain.state.getEscrow(alice.address, jobId)).toMatchObject({
      status: 'refunded',
      settledBy: alice.address,
    });
    // The client pays the fee and gets amount − settlementFee, plus the settlementFee as the settler.
    expect(chain.state.getAccount(alice.address).balance).toBe(1000n * AIT - 3000n);
    expect(chain.state.checkConservation().ok).toBe(true);

    const byCoordinator = locked();
    apply(byCoordinator, refund(carol), ctx(2));
    expect(byCoordinator.state.getAccount(carol.address).balance).toBe(10n * AIT);
    expect(byCoordinator.state.getAccount(alice.address).balance).toBe(1000n * AIT - 1000n - 1000n);
  });

  it('every result code names an error code and the table is fixed', () => {
    expect(RESULT_CODES.map((r) => r.code)).toEqual(RESULT_CODES.map((_, i) => i));
    expect(errorCodeOfResult(0)).toBe('OK');
    expect(errorCodeOfResult(99)).toBeUndefined();
  });
});
