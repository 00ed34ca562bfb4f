import { describe, expect, it } from 'vitest';
import {
  escrowKey,
  escrowsToFetch,
  type WalletTx,
  walletPerformance,
} from '../../../src/quant/wallet-performance.js';
import { BOB, COORD, ME, MINER, walletTx } from './wallet-txs.js';

const JOB = 'ab'.repeat(16);

const tx = walletTx;

describe('walletPerformance', () => {
  const txs: WalletTx[] = [
    tx(1, BOB, 'transfer', { to: ME, amount: '10000000' }),
    tx(2, ME, 'transfer', { to: BOB, amount: '1000000' }),
    tx(3, ME, 'escrow_lock', { jobId: JOB, amount: '500000', coordinator: COORD, expiresAt: 0, terms: {} }),
    tx(4, COORD, 'escrow_release', { client: ME, jobId: JOB, receipt: { price: '120000', payTo: MINER } }),
    tx(5, ME, 'transfer', { to: BOB, amount: '99999999999' }, '1000', 3),
  ];
  const escrows = new Map([[escrowKey(ME, JOB), { amount: '500000', settlementFee: '2000' }]]);

  it('applies each transaction exactly and ends at the current balance', () => {
    // 10 AIT in, 1 AIT + fee out, 0.5 AIT locked + fee, 0.378 AIT back, a failed send pays only its fee.
    const current =
      10_000_000n - 1_000_000n - 1000n - 500_000n - 1000n + (500_000n - 120_000n - 2000n) - 1000n;
    const p = walletPerformance(ME, current, [...txs].reverse(), escrows);
    expect(p.startBalance).toBe(0n);
    expect(p.points.map((x) => x.height)).toEqual([1, 2, 3, 4, 5]);
    expect(p.points.at(-1)!.balance).toBe(current);
    expect(p.flows).toEqual({
      received: 10_000_000n,
      sent: 1_000_000n,
      fees: 3000n,
      escrowLocked: 500_000n,
      escrowReturned: 378_000n,
      earned: 0n,
      settlementFees: 0n,
    });
  });

  it('credits the miner the price and the settler the settlement fee minus its tx fee', () => {
    const miner = walletPerformance(MINER, 120_000n, [txs[3]], escrows);
    expect(miner.flows.earned).toBe(120_000n);
    expect(miner.startBalance).toBe(0n);
    const coord = walletPerformance(COORD, 1000n, [txs[3]], escrows);
    expect(coord.points[0].delta).toBe(2000n - 1000n);
  });

  it('needs the escrow record of a settlement', () => {
    expect(() => walletPerformance(ME, 0n, [txs[3]], new Map())).toThrow(/escrow/);
    expect(escrowsToFetch(txs)).toEqual([{ client: ME, jobId: JOB }]);
  });

  it('values a refund: amount minus settlement fee back to the client', () => {
    const refund = tx(6, COORD, 'escrow_refund', { client: ME, jobId: JOB });
    const p = walletPerformance(ME, 498_000n, [refund], escrows);
    expect(p.flows.escrowReturned).toBe(498_000n);
    expect(p.startBalance).toBe(0n);
  });
});
