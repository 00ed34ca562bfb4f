/**
 * Property test: seeded random sequences of valid and invalid transactions — transfers, locks,
 * releases, refunds, with wrong nonces, chains, fees, amounts, parties, receipts and times — applied
 * block by block. After every block the conservation identity holds and the incremental root equals
 * the root recomputed from scratch; every refused transaction leaves the root unchanged; an admitted
 * transaction executes with code 0; a rule-breaking one forced into a block only pays its fee.
 */
import { describe, expect, it } from 'vitest';
import { isAitbcError } from '../../../src/core/errors.js';
import { createPrng, type Prng } from '../../../src/core/prng.js';
import { accountKey, SUPPLY_KEY } from '../../../src/node/state/keys.js';
import { escrowMinAmount } from '../../../src/protocol/escrow.js';
import type { SignedTx } from '../../../src/protocol/types.js';
import {
  CHAIN,
  lockBody,
  makeTx,
  receiptBodyFor,
  signReceipt,
  T0,
  type TestKey,
  testKey,
  testTerms,
  validator,
} from '../protocol/helpers.js';
import { alice, bob, carol, dave, fastVerify, newChain } from './helpers.js';

const extra = [testKey('p0'), testKey('p1'), testKey('p2')];
const actors: TestKey[] = [alice, bob, carol, dave, ...extra];
const JOBS = Array.from({ length: 6 }, (_, i) => i.toString(16).padStart(2, '0').repeat(16));
const PARAMS = { minEscrowMs: 2_000, maxEscrowMs: 60_000, minFee: '1000' };

/** Escrows locked so far, so settlements often target a real one. */
type Known = Array<{ client: TestKey; jobId: string }>;

function randomTx(rng: Prng, chain: ReturnType<typeof newChain>, time: number, known: Known): SignedTx {
  const { state } = chain;
  const from = rng.pick(actors);
  const account = state.getAccount(from.address);
  const nonce = rng.chance(0.85)
    ? account.nonce
    : rng.pick([account.nonce + 1, Math.max(0, account.nonce - 1)]);
  const fee = rng.chance(0.9) ? rng.pick(['1000', '2500']) : '999';
  const chainId = rng.chance(0.95) ? CHAIN : 'other-chain';
  const opts = { nonce, fee, chainId };
  const kind = rng.int(10);
  if (kind < 4) {
    const amount = rng.pick([1n, account.balance / 3n + 1n, account.balance, account.balance + 1n]);
    return makeTx(
      from,
      'transfer',
      { to: rng.pick(actors).address, amount: (amount > 0n ? amount : 1n).toString() },
      opts,
    );
  }
  const target =
    known.length > 0 && rng.chance(0.7)
      ? rng.pick(known)
      : { client: rng.pick(actors), jobId: rng.pick(JOBS) };
  const jobId = kind < 6 ? rng.pick(JOBS) : target.jobId;
  if (kind < 6) {
    const terms = testTerms();
    const least = escrowMinAmount(terms);
    const amount = rng.pick([least, least - 1n, least * 50n, account.balance + 1n]);
    const expiresAt =
      time + rng.pick([PARAMS.minEscrowMs, 10_000, PARAMS.minEscrowMs - 1, PARAMS.maxEscrowMs + 1]);
    return makeTx(
      from,
      'escrow_lock',
      lockBody(jobId, time, { amount: amount.toString(), expiresAt, terms }),
      opts,
    );
  }
  const client = target.client;
  if (kind < 8) {
    const over = rng.pick([{}, {}, { tokensOut: 65 }, { chainId: 'other-chain' }, { client: bob.address }]);
    const receipt = signReceipt(receiptBodyFor(client.address, jobId, over));
    const sender = rng.pick([carol, dave, from]);
    const a = state.getAccount(sender.address);
    return makeTx(
      sender,
      'escrow_release',
      { client: client.address, jobId, receipt },
      { ...opts, nonce: rng.chance(0.9) ? a.nonce : a.nonce + 1 },
    );
  }
  const sender = rng.pick([carol, client, from]);
  const a = state.getAccount(sender.address);
  return makeTx(
    sender,
    'escrow_refund',
    { client: client.address, jobId },
    { ...opts, nonce: rng.chance(0.9) ? a.nonce : a.nonce + 1 },
  );
}

describe('state machine properties', () => {
  for (const seed of [1, 2, 3]) {
    it(`seed ${seed}: conservation, root = definition, refusals change nothing`, () => {
      const rng = createPrng(`state-property-${seed}`);
      const chain = newChain(PARAMS, [dave, ...extra], fastVerify);
      const { state, stateStore } = chain;
      let time = T0;
      let included = 0;
      let fees = 0n;
      const known: Known = [];
      const seen = { admitted: 0, refused: 0, forcedFailed: 0, forcedRefused: 0, escrowsSettled: 0 };
      for (let height = 1; height <= 30; height++) {
        time += 500 + rng.int(8_000);
        const ctx = { chainId: CHAIN, height, time, proposer: validator.address };
        for (let i = 0; i < 12; i++) {
          const tx = randomTx(rng, chain, time, known);
          const rootBefore = state.stateRoot();
          let admitted = true;
          try {
            state.checkTx(tx, ctx);
          } catch (e) {
            if (!isAitbcError(e)) throw e;
            admitted = false;
          }
          expect(state.stateRoot()).toBe(rootBefore);
          if (admitted) {
            expect(state.applyTx(tx, ctx)).toEqual({ code: 0, log: '' });
            seen.admitted++;
            if (tx.type === 'escrow_release' || tx.type === 'escrow_refund') seen.escrowsSettled++;
            if (tx.type === 'escrow_lock')
              known.push({
                client: actors.find((k) => k.address === tx.from) as TestKey,
                jobId: tx.body.jobId,
              });
          } else if (rng.chance(0.5)) {
            const before = new Map(stateStore.map);
            const sender = state.getAccount(tx.from);
            let result: { code: number } | undefined;
            try {
              result = state.applyTx(tx, ctx);
            } catch (e) {
              if (!isAitbcError(e)) throw e;
            }
            if (result === undefined) {
              expect(state.hasPendingWrites()).toBe(false);
              expect(state.stateRoot()).toBe(rootBefore);
              seen.forcedRefused++;
              continue;
            }
            expect(result.code).not.toBe(0);
            state.stateRoot();
            expect(state.getAccount(tx.from)).toEqual({
              balance: sender.balance - BigInt(tx.fee),
              nonce: sender.nonce + 1,
            });
            const changed = [...stateStore.map].filter(([k, v]) => before.get(k) !== v).map(([k]) => k);
            expect(changed.filter((k) => k !== accountKey(tx.from) && k !== SUPPLY_KEY)).toEqual([]);
            seen.forcedFailed++;
          } else {
            seen.refused++;
            continue;
          }
          included++;
          fees += BigInt(tx.fee);
        }
        const root = state.stateRoot();
        expect(root).toBe(state.recomputeRoot());
        expect(state.checkConservation().ok).toBe(true);
        expect(state.getSupply().burned).toBe(fees);
        expect(actors.reduce((n, k) => n + state.getAccount(k.address).nonce, 0)).toBe(included);
      }
      // The generator must exercise both sides of every branch it is meant to.
      expect(seen.admitted).toBeGreaterThan(50);
      expect(seen.escrowsSettled).toBeGreaterThan(5);
      expect(seen.refused + seen.forcedRefused + seen.forcedFailed).toBeGreaterThan(50);
      expect(seen.forcedFailed).toBeGreaterThan(5);
      expect(seen.forcedRefused).toBeGreaterThan(5);
    });
  }
});
