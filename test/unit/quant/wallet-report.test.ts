import { describe, expect, it } from 'vitest';
import { AitbcError } from '../../../src/core/errors.js';
import {
  readWalletActivity,
  readWalletPerformance,
  TX_PAGE_SIZE,
  type WalletChainReader,
} from '../../../src/quant/wallet-activity.js';
import {
  balanceHistorySeries,
  type WalletTx,
  walletPerformance,
} from '../../../src/quant/wallet-performance.js';
import { renderWalletReport, walletReport } from '../../../src/quant/wallet-report.js';
import { BOB, CAROL, COORD, ME, MINER, T0, walletTx } from './wallet-txs.js';

const JOB = 'cd'.repeat(16);

const tx = walletTx;

/**
 * A node as the reader sees it: get_txs newest first with the node's "<height>:<index>" cursor and its
 * page cap, get_escrow from a table; every call recorded.
 */
function fakeNode(all: WalletTx[], balance: bigint, height: number, escrows: Record<string, unknown> = {}) {
  const calls: string[] = [];
  const newestFirst = [...all].sort((a, b) => b.height - a.height || b.index - a.index);
  const reader: WalletChainReader = {
    async getBalance(address) {
      calls.push(`get_balance ${address}`);
      return { balance: balance.toString(), height };
    },
    async getTxs({ limit = 20, cursor }) {
      calls.push(`get_txs ${limit} ${cursor ?? '-'}`);
      if (limit > TX_PAGE_SIZE) throw new AitbcError('INVALID_INPUT', 'limit above the page size');
      const before = cursor ? Number(cursor.split(':')[0]) : Number.MAX_SAFE_INTEGER;
      const items = newestFirst.filter((t) => t.height < before).slice(0, limit);
      const last = items.at(-1);
      return items.length === limit && last
        ? { items, nextCursor: `${last.height}:${last.index}` }
        : { items };
    },
    async getEscrow(client, jobId) {
      calls.push(`get_escrow ${client}/${jobId}`);
      const e = escrows[`${client}/${jobId}`];
      if (!e) throw new AitbcError('ESCROW_NOT_FOUND', 'no such escrow');
      return e as { amount: string; terms: { settlementFee: string } };
    },
  };
  return { reader, calls };
}

/** 250 alternating transfers: in from BOB (2 AIT) at odd heights, out to CAROL (0.5 AIT) at even ones. */
function manyTransfers(n: number): { txs: WalletTx[]; balance: bigint } {
  const txs: WalletTx[] = [];
  let balance = 0n;
  for (let h = 1; h <= n; h++) {
    if (h % 2 === 1) {
      txs.push(tx(h, BOB, 'transfer', { to: ME, amount: '2000000' }));
      balance += 2_000_000n;
    } else {
      txs.push(tx(h, ME, 'transfer', { to: CAROL, amount: '500000' }));
      balance -= 501_000n;
    }
  }
  return { txs, balance };
}

describe('readWalletActivity', () => {
  it('pages through get_txs at most 100 at a time and reads the balance first', async () => {
    const { txs, balance } = manyTransfers(250);
    const node = fakeNode(txs, balance, 250);
    const a = await readWalletActivity(node.reader, ME, { limit: 10_000 });
    expect(node.calls).toEqual([
      'get_balance ait1me',
      'get_txs 100 -',
      'get_txs 100 151:0',
      'get_txs 100 51:0',
    ]);
    expect(a.txs).toHaveLength(250);
    expect(a.complete).toBe(true);
    expect(a.balance).toBe(balance);
    const p = walletPerformance(ME, a.balance, a.txs, a.escrows);
    expect(p.startBalance).toBe(0n);
    expect(p.flows.fees).toBe(125n * 1000n);
  });

  it('stops at --limit and says the history is incomplete', async () => {
    const { txs, balance } = manyTransfers(250);
    const node = fakeNode(txs, balance, 250);
    const a = await readWalletActivity(node.reader, ME, { limit: 130 });
    expect(node.calls.slice(1)).toEqual(['get_txs 100 -', 'get_txs 30 151:0']);
    expect(a.txs.map((t) => t.height)).toEqual(Array.from({ length: 130 }, (_, i) => 250 - i));
    expect(a.complete).toBe(false);
    // Walking back from the balance still gives the exact balance before the oldest one read.
    const p = walletPerformance(ME, a.balance, a.txs, a.escrows);
    expect(p.startBalance).toBe(manyTransfers(120).balance);
  });

  it('leaves out transactions committed after the balance was read', async () => {
    const { txs } = manyTransfers(5);
    const balanceAt4 = manyTransfers(4).balance;
    const node = fakeNode(txs, balanceAt4, 4);
    const { activity, performance } = await readWalletPerformance(node.reader, ME, { limit: 100 });
    expect(activity.txs.map((t) => t.height)).toEqual([4, 3, 2, 1]);
    expect(performance.startBalance).toBe(0n);
    expect(performance.points.at(-1)?.balance).toBe(balanceAt4);
  });

  it('fetches each settled escrow once and values the settlement from it', async () => {
    const lock = tx(2, ME, 'escrow_lock', { jobId: JOB, amount: '50000', coordinator: COORD });
    const release = tx(3, COORD, 'escrow_release', {
      client: ME,
      jobId: JOB,
      receipt: { price: '8', payTo: MINER },
    });
    const failedRelease = tx(4, COORD, 'escrow_release', { client: ME, jobId: JOB, receipt: {} }, '1000', 6);
    const funding = tx(1, BOB, 'transfer', { to: ME, amount: '100000' });
    const balance = 100_000n - 50_000n - 1000n + (50_000n - 8n - 1000n);
    const node = fakeNode([funding, lock, release, failedRelease], balance, 4, {
      [`${ME}/${JOB}`]: { amount: '50000', terms: { settlementFee: '1000' } },
    });
    const { activity, performance } = await readWalletPerformance(node.reader, ME, { limit: 100 });
    expect(node.calls.filter((c) => c.startsWith('get_escrow'))).toEqual([`get_escrow ${ME}/${JOB}`]);
    expect(activity.escrows.get(`${ME}/${JOB}`)).toEqual({ amount: '50000', settlementFee: '1000' });
    expect(performance.flows).toMatchObject({ escrowLocked: 50_000n, escrowReturned: 48_992n, fees: 1000n });
    expect(performance.startBalance).toBe(0n);
  });

  it('passes the node’s errors through', async () => {
    const node = fakeNode([tx(1, COORD, 'escrow_refund', { client: ME, jobId: JOB })], 0n, 1);
    await expect(readWalletActivity(node.reader, ME, { limit: 10 })).rejects.toMatchObject({
      code: 'ESCROW_NOT_FOUND',
    });
  });
});

describe('walletReport', () => {
  async function report(txs: WalletTx[], balance: bigint, height: number, opts = {}) {
    const node = fakeNode(txs, balance, height, {
      [`${ME}/${JOB}`]: { amount: '50000', terms: { settlementFee: '1000' } },
    });
    const { activity, performance } = await readWalletPerformance(node.reader, ME, { limit: 10_000 });
    return { r: walletReport(activity, performance, opts), performance };
  }

  it('totals per type and per transfer counterparty, exactly, as uait strings', async () => {
    const txs = [
      tx(1, BOB, 'transfer', { to: ME, amount: '3000000' }),
      tx(2, ME, 'transfer', { to: BOB, amount: '1000000' }),
      tx(3, ME, 'transfer', { to: CAROL, amount: '250000' }),
      tx(4, ME, 'transfer', { to: CAROL, amount: '99000000' }, '2000', 3),
      tx(5, ME, 'escrow_lock', { jobId: JOB, amount: '50000', coordinator: COORD }),
      tx(6, COORD, 'escrow_release', { client: ME, jobId: JOB, receipt: { price: '8', payTo: MINER } }),
    ];
    const balance = 3_000_000n - 1_001_000n - 251_000n - 2000n - 51_000n + 48_992n;
    const { r } = await report(txs, balance, 6);
    expect(r).toMatchObject({
      type: 'wallet',
      address: ME,
      height: 6,
      balance: balance.toString(),
      startBalance: '0',
      net: balance.toString(),
      txCount: 6,
      complete: true,
      flows: {
        received: '3000000',
        sent: '1250000',
        fees: '5000',
        escrowLocked: '50000',
        escrowReturned: '48992',
        earned: '0',
        settlementFees: '0',
      },
      transactionsOmitted: 0,
      counterpartiesOmitted: 0,
    });
    expect(r.kinds).toEqual([
      { type: 'escrow_lock', txs: 1, failed: 0, fees: '1000', net: '-51000' },
      { type: 'escrow_release', txs: 1, failed: 0, fees: '0', net: '48992' },
      {
        type: 'transfer',
        txs: 4,
        failed: 1,
        fees: '4000',
        net: (3_000_000n - 1_001_000n - 251_000n - 2000n).toString(),
      },
    ]);
    // The failed transfer moved nothing, so CAROL counts one transfer.
    expect(r.counterparties).toEqual([
      { address: BOB, transfers: 2, received: '3000000', sent: '1000000' },
      { address: CAROL, transfers: 1, received: '0', sent: '250000' },
    ]);
    expect(r.transactions.map((t) => [t.height, t.type, t.counterparty, t.delta])).toEqual([
      [6, 'escrow_release', COORD, '48992'],
      [5, 'escrow_lock', COORD, '-51000'],
      [4, 'transfer', CAROL, '-2000'],
      [3, 'transfer', CAROL, '-251000'],
      [2, 'transfer', BOB, '-1001000'],
      [1, 'transfer', BOB, '3000000'],
    ]);
    expect(r.transactions[0]).toMatchObject({
      time: new Date(T0 + 6000).toISOString(),
      balance: balance.toString(),
    });
    expect(r.transactions[2]).toMatchObject({ code: 3, amount: '99000000', fee: '2000' });
    expect(r.transactions[0].amount).toBeUndefined();
  });

  it('lists the latest rows only and counts the rest', async () => {
    const { txs, balance } = manyTransfers(250);
    const { r } = await report(txs, balance, 250, { txRows: 100, counterparties: 1 });
    expect(r.transactions).toHaveLength(100);
    expect(r.transactions[0].height).toBe(250);
    expect(r.transactions[99].height).toBe(151);
    expect(r.transactionsOmitted).toBe(150);
    expect(r.counterparties.map((c) => c.address)).toEqual([BOB]);
    expect(r.counterpartiesOmitted).toBe(1);
  });

  it('renders a self-contained HTML page with the balance chart, and Markdown with a text chart', async () => {
    const { txs, balance } = manyTransfers(120);
    const { r, performance } = await report(txs, balance, 120);
    const html = renderWalletReport(r, performance, { format: 'html', generatedAt: 'T' });
    expect(html).toMatch(/^<!DOCTYPE html>/);
    expect(html).not.toMatch(/(src|href)=["']?https?:/);
    expect(html).not.toMatch(/<script[^>]+src=|<link /);
    expect((html.match(/<svg /g) ?? []).length).toBe(1);
    // The chart draws the balance before the first transaction and after each one.
    expect(html).toContain('data-points="121"');
    expect(html).toContain('<td>received (transfers in)</td><td>120</td><td>120000000</td>');
    expect(html).toContain('The latest 100 of 120 transactions; 20 older ones omitted.');
    const md = renderWalletReport(r, performance, { format: 'md', generatedAt: 'T' });
    expect(md).toMatch(/^# aitbc wallet report: ait1me\n/);
    expect(md).toContain('| sent (transfers out) | 30 | 30000000 |');
    expect(md).toContain('```\nbalance (AIT)\n');
    expect(md).toContain('The latest 100 of 120 transactions; 20 older ones omitted.');
    expect(md).not.toContain('<svg');
  });

  it('reports a wallet without transactions as zero flows, without a chart', async () => {
    const { r, performance } = await report([], 0n, 9);
    expect(r.txCount).toBe(0);
    expect(Object.values(r.flows)).toEqual(['0', '0', '0', '0', '0', '0', '0']);
    expect(r.transactions).toEqual([]);
    const html = renderWalletReport(r, performance, { format: 'html', generatedAt: 'T' });
    expect(html).not.toContain('<svg');
    expect(html).toContain('No committed transactions touch this address: every flow is zero.');
    const md = renderWalletReport(r, performance, { format: 'md', generatedAt: 'T' });
    expect(md).toContain('## Transactions\n\nNone.');
    expect(balanceHistorySeries(performance).values).toEqual([]);
  });

  it('escapes what it prints in HTML', async () => {
    const { r, performance } = await report([tx(1, BOB, 'transfer', { to: ME, amount: '1' })], 1n, 1);
    const html = renderWalletReport({ ...r, address: '<b>x</b>' }, performance, {
      format: 'html',
      generatedAt: '"&',
    });
    expect(html).not.toContain('<b>x</b>');
    expect(html).toContain('&#60;b&#62;x&#60;/b&#62;');
    expect(html).toContain('Generated &#34;&#38;.');
  });
});
