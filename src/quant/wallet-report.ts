/**
 * `advanced-analytics report --wallet`: a wallet's flows from the chain as a report object (amounts as
 * uait decimal strings, what `--json` prints) and as a self-contained HTML page (inline SVG balance
 * chart) or Markdown (text chart). Pure: it takes what readWalletActivity read and what
 * walletPerformance computed from it; amounts stay bigint until they are formatted.
 */
import { formatAit } from '../core/amount.js';
import type { SignedTx } from '../protocol/types.js';
import { terminalChart } from './charts/terminal.js';
import { rfc3339 } from './data/time.js';
import { escapeHtml, htmlPage, htmlTable, inlineSvgFigure, mdTable, type Table } from './report-document.js';
import type { WalletActivity } from './wallet-activity.js';
import {
  balanceHistorySeries,
  FLOW_NAMES,
  type FlowName,
  flowStrings,
  type WalletPerformance,
  type WalletTx,
} from './wallet-performance.js';

/** Transactions listed in a report, newest first; older ones are counted, not listed. */
export const REPORT_TX_ROWS = 100;
/** Transfer counterparties listed, largest volume first. */
export const REPORT_COUNTERPARTIES = 20;

/** Totals of one transaction type (as sender, recipient or party of a settlement). */
export interface KindTotal {
  type: SignedTx['type'];
  txs: number;
  /** Transactions of this type that failed (code ≠ 0; only their fee was paid). */
  failed: number;
  /** Fees this address paid on them. */
  fees: string;
  /** Their net effect on the balance (signed uait). */
  net: string;
}

/** Successful transfers with one other address. */
export interface Counterparty {
  address: string;
  transfers: number;
  /** Received from it. */
  received: string;
  /** Sent to it. */
  sent: string;
}

export interface WalletReportTx {
  hash: string;
  height: number;
  index: number;
  time?: string;
  type: SignedTx['type'];
  from: string;
  /** The other party: a transfer's other end, a lock's coordinator, a settlement's client (or, for the client, its settler). */
  counterparty: string;
  /** uait moved by a transfer or locked by an escrow lock. */
  amount?: string;
  /** The transaction's fee, paid by `from` (this address only when it is `from`). */
  fee: string;
  /** 0 = applied; otherwise only the fee was paid. */
  code: number;
  /** The effect on this address's balance (signed uait). */
  delta: string;
  /** The balance after it. */
  balance: string;
}

export interface WalletReport {
  type: 'wallet';
  address: string;
  /** The height the balance was read at. */
  height: number;
  balance: string;
  /** The balance before the first transaction read. */
  startBalance: string;
  /** balance − startBalance = the flows in minus the flows out. */
  net: string;
  txCount: number;
  /** False when --limit stopped the reading before the address's first transaction. */
  complete: boolean;
  flows: Record<FlowName, string>;
  kinds: KindTotal[];
  counterparties: Counterparty[];
  counterpartiesOmitted: number;
  /** The latest transactions, newest first. */
  transactions: WalletReportTx[];
  /** Transactions read but not listed. */
  transactionsOmitted: number;
}

function counterpartyOf(address: string, tx: SignedTx): string {
  switch (tx.type) {
    case 'transfer':
      return tx.from === address ? tx.body.to : tx.from;
    case 'escrow_lock':
      return tx.body.coordinator;
    case 'escrow_release':
    case 'escrow_refund':
      return tx.body.client === address ? tx.from : tx.body.client;
  }
}

function movedAmount(tx: SignedTx): string | undefined {
  return tx.type === 'transfer' || tx.type === 'escrow_lock' ? tx.body.amount : undefined;
}

/**
 * The report object of a wallet.
 * @example walletReport(activity, walletPerformance(addr, activity.balance, activity.txs, activity.escrows))
 */
export function walletReport(
  activity: WalletActivity,
  perf: WalletPerformance,
  opts: { txRows?: number; counterparties?: number } = {},
): WalletReport {
  const address = perf.address;
  const byHash = new Map<string, WalletTx>(activity.txs.map((t) => [t.hash, t]));
  const kinds = new Map<SignedTx['type'], { txs: number; failed: number; fees: bigint; net: bigint }>();
  const parties = new Map<string, { transfers: number; received: bigint; sent: bigint }>();
  for (const p of perf.points) {
    const t = byHash.get(p.hash) as WalletTx;
    const k = kinds.get(t.tx.type) ?? { txs: 0, failed: 0, fees: 0n, net: 0n };
    k.txs += 1;
    if (t.code !== 0) k.failed += 1;
    if (t.tx.from === address) k.fees += BigInt(t.tx.fee);
    k.net += p.delta;
    kinds.set(t.tx.type, k);
    if (t.tx.type === 'transfer' && t.code === 0) {
      const other = counterpartyOf(address, t.tx);
      const c = parties.get(other) ?? { transfers: 0, received: 0n, sent: 0n };
      const amount = BigInt(t.tx.body.amount);
      c.transfers += 1;
      if (t.tx.body.to === address) c.received += amount;
      if (t.tx.from === address) c.sent += amount;
      parties.set(other, c);
    }
  }
  const counterparties = [...parties.entries()]
    .sort(([a, x], [b, y]) => {
      const vx = x.received + x.sent;
      const vy = y.received + y.sent;
      return vx === vy ? (a < b ? -1 : 1) : vy > vx ? 1 : -1;
    })
    .map(([addr, c]) => ({
      address: addr,
      transfers: c.transfers,
      received: c.received.toString(),
      sent: c.sent.toString(),
    }));
  const maxParties = opts.counterparties ?? REPORT_COUNTERPARTIES;
  const maxRows = opts.txRows ?? REPORT_TX_ROWS;
  const latest = perf.points.slice(-maxRows).reverse();
  return {
    type: 'wallet',
    address,
    height: activity.height,
    balance: perf.balance.toString(),
    startBalance: perf.startBalance.toString(),
    net: (perf.balance - perf.startBalance).toString(),
    txCount: perf.txCount,
    complete: activity.complete,
    flows: flowStrings(perf.flows),
    kinds: [...kinds.entries()]
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([type, k]) => ({
        type,
        txs: k.txs,
        failed: k.failed,
        fees: k.fees.toString(),
        net: k.net.toString(),
      })),
    counterparties: counterparties.slice(0, maxParties),
    counterpartiesOmitted: Math.max(0, counterparties.length - maxParties),
    transactions: latest.map((p) => {
      const t = byHash.get(p.hash) as WalletTx;
      const amount = movedAmount(t.tx);
      return {
        hash: t.hash,
        height: t.height,
        index: t.index,
        ...(t.time === undefined ? {} : { time: rfc3339(t.time) }),
        type: t.tx.type,
        from: t.tx.from,
        counterparty: counterpartyOf(address, t.tx),
        ...(amount === undefined ? {} : { amount }),
        fee: t.tx.fee,
        code: t.code,
        delta: p.delta.toString(),
        balance: p.balance.toString(),
      };
    }),
    transactionsOmitted: Math.max(0, perf.points.length - maxRows),
  };
}

/** What each flow is, for the flows table (docs/quant.md gives the formulas). */
const FLOW_LABELS: Record<FlowName, string> = {
  received: 'received (transfers in)',
  sent: 'sent (transfers out)',
  fees: 'fees paid (burned)',
  escrowLocked: 'locked in escrows',
  escrowReturned: 'returned from escrows',
  earned: 'earned (receipts paid to it)',
  settlementFees: 'settlement fees received',
};

const ait = (uait: string) => formatAit(BigInt(uait));
const short = (s: string) => (s.length > 20 ? `${s.slice(0, 12)}…${s.slice(-6)}` : s);

function summaryText(r: WalletReport): string[] {
  const lines = [
    `Balance ${ait(r.balance)} AIT at height ${r.height}; ${ait(r.startBalance)} AIT before the first transaction read; net ${ait(r.net)} AIT.`,
    r.txCount === 0
      ? 'No committed transactions touch this address: every flow is zero.'
      : `${r.txCount} committed transaction(s)${r.complete ? '' : ' (the --limit stopped the reading: older ones are not included)'}.`,
  ];
  return lines;
}

function flowsTable(r: WalletReport): Table {
  return {
    head: ['flow', 'AIT', 'uait'],
    rows: FLOW_NAMES.map((k) => [FLOW_LABELS[k], ait(r.flows[k]), r.flows[k]]),
  };
}

function kindsTable(r: WalletReport): Table {
  return {
    head: ['type', 'transactions', 'failed', 'fees paid (AIT)', 'net (AIT)'],
    rows: r.kinds.map((k) => [k.type, k.txs, k.failed, ait(k.fees), ait(k.net)]),
  };
}

function counterpartiesTable(r: WalletReport): Table {
  return {
    head: ['address', 'transfers', 'received (AIT)', 'sent (AIT)'],
    rows: r.counterparties.map((c) => [c.address, c.transfers, ait(c.received), ait(c.sent)]),
  };
}

function txTable(r: WalletReport): Table {
  return {
    head: [
      'time',
      'height',
      'type',
      'counterparty',
      'amount (AIT)',
      'fee paid (AIT)',
      'result',
      'change (AIT)',
      'balance (AIT)',
      'hash',
    ],
    rows: r.transactions.map((t) => [
      t.time === undefined ? '—' : `${t.time.slice(0, 19).replace('T', ' ')}Z`,
      t.height,
      t.type,
      short(t.counterparty),
      t.amount === undefined ? '—' : ait(t.amount),
      t.from === r.address ? ait(t.fee) : '—',
      t.code === 0 ? 'ok' : `failed (${t.code})`,
      ait(t.delta),
      ait(t.balance),
      short(t.hash),
    ]),
  };
}

function omittedText(r: WalletReport): string | undefined {
  return r.transactionsOmitted > 0
    ? `The latest ${r.transactions.length} of ${r.txCount} transactions; ${r.transactionsOmitted} older ones omitted.`
    : undefined;
}

interface Section {
  heading: string;
  text?: string[];
  table?: Table;
}

function sections(r: WalletReport): Section[] {
  const out: Section[] = [{ heading: 'Flows', table: flowsTable(r) }];
  if (r.kinds.length) out.push({ heading: 'By transaction type', table: kindsTable(r) });
  if (r.counterparties.length) {
    out.push({
      heading: 'Transfer counterparties',
      ...(r.counterpartiesOmitted > 0
        ? {
            text: [
              `The ${r.counterparties.length} largest by volume; ${r.counterpartiesOmitted} more omitted.`,
            ],
          }
        : {}),
      table: counterpartiesTable(r),
    });
  }
  const omitted = omittedText(r);
  out.push({
    heading: 'Transactions',
    ...(r.transactions.length ? { text: omitted ? [omitted] : [], table: txTable(r) } : { text: ['None.'] }),
  });
  return out;
}

export interface WalletReportRenderOptions {
  format: 'html' | 'md';
  generatedAt: string;
}

/**
 * Renders the report as a self-contained HTML page or Markdown.
 * @example renderWalletReport(report, perf, {format: 'md', generatedAt: new Date().toISOString()})
 */
export function renderWalletReport(
  r: WalletReport,
  perf: WalletPerformance,
  o: WalletReportRenderOptions,
): string {
  const title = `aitbc wallet report: ${r.address}`;
  const intro =
    `Generated ${o.generatedAt}. Every figure was computed from the chain at height ${r.height}: ` +
    'the committed transactions touching the address and the escrow records they settle.';
  const chart = balanceHistorySeries(perf);
  const secs = sections(r);
  if (o.format === 'md') {
    const parts = [`# ${title}`, '', intro, '', ...summaryText(r)];
    if (chart.values.length > 1) {
      parts.push(
        '',
        '```',
        terminalChart([{ name: 'balance (AIT)', values: chart.values }], {
          title: 'balance (AIT)',
          width: 90,
          height: 10,
          xLabels: chart.labels,
        }),
        '```',
      );
    }
    for (const s of secs) {
      parts.push('', `## ${s.heading}`);
      for (const line of s.text ?? []) parts.push('', line);
      if (s.table) parts.push('', mdTable(s.table));
    }
    return `${parts.join('\n')}\n`;
  }
  const body = summaryText(r).map((l) => `<p>${escapeHtml(l)}</p>`);
  if (chart.values.length > 1) {
    body.push(
      inlineSvgFigure({
        title: 'balance (AIT)',
        time: chart.time,
        panels: [{ title: 'balance', series: [{ name: 'balance', values: chart.values }] }],
      }),
    );
  }
  for (const s of secs) {
    body.push(`<h2>${escapeHtml(s.heading)}</h2>`);
    for (const line of s.text ?? []) body.push(`<p>${escapeHtml(line)}</p>`);
    if (s.table) body.push(htmlTable(s.table));
  }
  return htmlPage(title, intro, body);
}
