/**
 * `aitbc miner earnings`: a miner's receipts summed by model, and what the chain actually paid — each
 * receipt's escrow must be released with that very receipt to count as settled.
 */
import { AitbcError } from '../core/errors.js';
import type { Receipt } from '../protocol/types.js';
import type { CoordinatorClient } from './coordinator.js';
import type { NodeRpc } from './node-rpc.js';

export interface MinerEarnings {
  miner: string;
  receipts: number;
  /** Σ price of receipts paying this address, uait */
  earned: string;
  /** Σ price of those whose escrow the chain released with that receipt; null when the node did not answer */
  settled: string | null;
  balance: string | null;
  byModel: Array<{ model: string; jobs: number; tokensIn: number; tokensOut: number; earned: string }>;
}

/** @throws AitbcError of the coordinator (UNREACHABLE, UNAUTHORIZED, …). */
export async function minerEarnings(
  coord: CoordinatorClient,
  rpc: NodeRpc,
  miner: string,
  maxReceipts: number,
): Promise<MinerEarnings> {
  const mine: Receipt[] = [];
  let cursor: string | undefined;
  do {
    const page = await coord.receipts({ limit: 100, ...(cursor === undefined ? {} : { cursor }) });
    for (const r of page.items) if (r.payTo === miner || r.miner === miner) mine.push(r);
    cursor = page.nextCursor;
  } while (cursor !== undefined && mine.length < maxReceipts);
  const byModel = new Map<
    string,
    { model: string; jobs: number; tokensIn: number; tokensOut: number; earned: bigint }
  >();
  let earned = 0n;
  for (const r of mine.slice(0, maxReceipts)) {
    const row = byModel.get(r.model) ?? { model: r.model, jobs: 0, tokensIn: 0, tokensOut: 0, earned: 0n };
    row.jobs++;
    row.tokensIn += r.tokensIn;
    row.tokensOut += r.tokensOut;
    if (r.payTo === miner) {
      row.earned += BigInt(r.price);
      earned += BigInt(r.price);
    }
    byModel.set(r.model, row);
  }
  let settled: bigint | null = 0n;
  let balance: string | null = null;
  try {
    for (const r of mine.slice(0, maxReceipts)) {
      if (r.payTo !== miner) continue;
      const escrow = await rpc.getEscrow(r.client, r.jobId).catch((e) => {
        if (e instanceof AitbcError && e.code === 'ESCROW_NOT_FOUND') return undefined;
        throw e;
      });
      if (escrow?.status === 'released' && escrow.receiptId === r.receiptId) settled += BigInt(r.price);
    }
    balance = (await rpc.getBalance(miner)).balance;
  } catch (e) {
    if (!(e instanceof AitbcError) || !['UNREACHABLE', 'TIMEOUT'].includes(e.code)) throw e;
    settled = null;
  }
  return {
    miner,
    receipts: Math.min(mine.length, maxReceipts),
    earned: earned.toString(),
    settled: settled === null ? null : settled.toString(),
    balance,
    byModel: [...byModel.values()].map((m) => ({ ...m, earned: m.earned.toString() })),
  };
}
