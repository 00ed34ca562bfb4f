/**
 * A wallet's balance history and flows from its committed transactions (`advanced-analytics
 * performance --wallet`). Pure: the command fetches the transactions and escrow records; this module
 * applies DESIGN §7's effects exactly, in uait, and walks back from the current balance.
 */
import { AitbcError } from '../core/errors.js';
import type { Receipt, SignedTx } from '../protocol/types.js';
import { rfc3339 } from './data/time.js';

/** A committed transaction as `get_txs` lists it. */
export interface WalletTx {
  hash: string;
  height: number;
  index: number;
  time?: number;
  code: number;
  tx: SignedTx;
}

/** What settling needs from the escrow record: the locked amount and the settlement fee. */
export interface EscrowTermsNeeded {
  amount: string;
  settlementFee: string;
}

/** Key of an escrow: `client/jobId`. */
export function escrowKey(client: string, jobId: string): string {
  return `${client}/${jobId}`;
}

export interface Flows {
  /** Transfers received. */
  received: bigint;
  /** Transfers sent (amounts, without fees). */
  sent: bigint;
  /** Fees paid (burned), on successful and failed transactions alike. */
  fees: bigint;
  /** Amounts locked in escrows by this address as a client. */
  escrowLocked: bigint;
  /** What escrows returned to this address as their client (unspent remainder or refund). */
  escrowReturned: bigint;
  /** Compute paid to this address (receipt price, as payTo). */
  earned: bigint;
  /** Settlement fees received for settling escrows. */
  settlementFees: bigint;
}

export type FlowName = keyof Flows;

/** The flows in the order reports list them: money in, then money out, then the marketplace's. */
export const FLOW_NAMES: readonly FlowName[] = [
  'received',
  'sent',
  'fees',
  'escrowLocked',
  'escrowReturned',
  'earned',
  'settlementFees',
];

/** Flows as wire amounts (uait decimal strings), in FLOW_NAMES order. */
export function flowStrings(f: Flows): Record<FlowName, string> {
  return Object.fromEntries(FLOW_NAMES.map((k) => [k, f[k].toString()])) as Record<FlowName, string>;
}

export interface BalancePoint {
  height: number;
  time?: number;
  hash: string;
  /** Balance after this transaction. */
  balance: bigint;
  /** This transaction's effect on the balance. */
  delta: bigint;
}

export interface WalletPerformance {
  address: string;
  /** Balance before the first listed transaction. */
  startBalance: bigint;
  balance: bigint;
  points: BalancePoint[];
  flows: Flows;
  txCount: number;
}

function emptyFlows(): Flows {
  return {
    received: 0n,
    sent: 0n,
    fees: 0n,
    escrowLocked: 0n,
    escrowReturned: 0n,
    earned: 0n,
    settlementFees: 0n,
  };
}

/**
 * The effect of one committed transaction on `address`'s balance, and the flows it adds.
 * @throws AitbcError INVALID_INPUT when a settlement's escrow record is missing.
 */
export function transactionEffect(
  address: string,
  t: WalletTx,
  escrows: ReadonlyMap<string, EscrowTermsNeeded>,
): { delta: bigint; flows: Flows } {
  const f = emptyFlows();
  const tx = t.tx;
  const isSender = tx.from === address;
  if (isSender) f.fees += BigInt(tx.fee);
  if (t.code === 0) {
    switch (tx.type) {
      case 'transfer':
        if (isSender) f.sent += BigInt(tx.body.amount);
        if (tx.body.to === address) f.received += BigInt(tx.body.amount);
        break;
      case 'escrow_lock':
        if (isSender) f.escrowLocked += BigInt(tx.body.amount);
        break;
      case 'escrow_release': {
        const e = need(escrows, tx.body.client, tx.body.jobId);
        const receipt: Receipt = tx.body.receipt;
        const price = BigInt(receipt.price);
        const fee = BigInt(e.settlementFee);
        if (receipt.payTo === address) f.earned += price;
        if (isSender) f.settlementFees += fee;
        if (tx.body.client === address) f.escrowReturned += BigInt(e.amount) - price - fee;
        break;
      }
      case 'escrow_refund': {
        const e = need(escrows, tx.body.client, tx.body.jobId);
        const fee = BigInt(e.settlementFee);
        if (isSender) f.settlementFees += fee;
        if (tx.body.client === address) f.escrowReturned += BigInt(e.amount) - fee;
        break;
      }
    }
  }
  const delta =
    f.received + f.escrowReturned + f.earned + f.settlementFees - f.sent - f.fees - f.escrowLocked;
  return { delta, flows: f };
}

function need(
  escrows: ReadonlyMap<string, EscrowTermsNeeded>,
  client: string,
  jobId: string,
): EscrowTermsNeeded {
  const e = escrows.get(escrowKey(client, jobId));
  if (!e)
    throw new AitbcError('INVALID_INPUT', `escrow ${client}/${jobId} is needed to value its settlement`, {
      client,
      jobId,
    });
  return e;
}

/**
 * Balance history and flows, from the current balance and the address's committed transactions (any
 * order; sorted here by height and index).
 */
export function walletPerformance(
  address: string,
  currentBalance: bigint,
  txs: readonly WalletTx[],
  escrows: ReadonlyMap<string, EscrowTermsNeeded>,
): WalletPerformance {
  const ordered = [...txs].sort((a, b) => a.height - b.height || a.index - b.index);
  const effects = ordered.map((t) => transactionEffect(address, t, escrows));
  const total = effects.reduce((s, e) => s + e.delta, 0n);
  const flows = emptyFlows();
  let balance = currentBalance - total;
  const startBalance = balance;
  const points: BalancePoint[] = ordered.map((t, i) => {
    balance += effects[i].delta;
    for (const k of Object.keys(flows) as Array<keyof Flows>) flows[k] += effects[i].flows[k];
    return {
      height: t.height,
      ...(t.time === undefined ? {} : { time: t.time }),
      hash: t.hash,
      balance,
      delta: effects[i].delta,
    };
  });
  return { address, startBalance, balance: currentBalance, points, flows, txCount: ordered.length };
}

/** The escrows whose settlement touches `address` (their records are needed to value them). */
export function escrowsToFetch(txs: readonly WalletTx[]): Array<{ client: string; jobId: string }> {
  const seen = new Map<string, { client: string; jobId: string }>();
  for (const t of txs) {
    if (t.code !== 0) continue;
    if (t.tx.type === 'escrow_release' || t.tx.type === 'escrow_refund') {
      seen.set(escrowKey(t.tx.body.client, t.tx.body.jobId), {
        client: t.tx.body.client,
        jobId: t.tx.body.jobId,
      });
    }
  }
  return [...seen.values()];
}

/**
 * The balance history to draw: the balance before the first transaction, then after each one, against
 * block times (or heights when a time is missing). Numbers only for drawing; every printed amount is
 * formatted from the bigint. Empty when there is no transaction.
 */
export function balanceHistorySeries(perf: Pick<WalletPerformance, 'startBalance' | 'points'>): {
  time: number[];
  values: number[];
  labels: [string, string];
} {
  const pts = perf.points;
  if (pts.length === 0) return { time: [], values: [], labels: ['', ''] };
  const timed = pts.every((p) => p.time !== undefined);
  const x = pts.map((p) => (timed ? (p.time as number) : p.height));
  const label = (v: number) => (timed ? rfc3339(v).slice(0, 16) : `height ${v}`);
  return {
    time: [x[0], ...x],
    values: [perf.startBalance, ...pts.map((p) => p.balance)].map((b) => Number(b) / 1e6),
    labels: [label(x[0]), label(x[x.length - 1])],
  };
}
