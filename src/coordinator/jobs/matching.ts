/**
 * Matching jobs to miners (DESIGN §8): a miner may take a job when it serves the job's model, its
 * `unitPrice` is at most the client's `maxUnitPrice`, and it has free capacity (`concurrency` minus the
 * jobs it holds). Among the miners waiting for work, a job goes to the cheapest, then the one with the
 * most free capacity, then the one that has waited longest. Pure and deterministic.
 */
import { AitbcError } from '../../core/errors.js';
import type { ModelSummary } from '../../protocol/types.js';

/** What matching needs to know about a miner. */
export interface MinerOffer {
  address: string;
  models: readonly string[];
  unitPrice: bigint;
  concurrency: number;
  /** jobs leased to it now */
  active: number;
}

/** A miner with open long-polls. */
export interface WaitingMiner extends MinerOffer {
  /** how many jobs its open polls will take at most */
  want: number;
  /** when its oldest open poll arrived (unix ms) */
  since: number;
}

export interface DispatchableJob {
  jobId: string;
  model: string;
  maxUnitPrice: bigint;
}

export interface Assignment {
  jobId: string;
  miner: string;
  unitPrice: bigint;
}

/** Free capacity of a miner. */
export function freeCapacity(m: MinerOffer): number {
  return Math.max(0, m.concurrency - m.active);
}

/**
 * Assigns jobs (in the order given: oldest first) to waiting miners. A job no waiting miner can take
 * stays queued; later jobs may still be matched.
 */
export function matchJobs(jobs: readonly DispatchableJob[], waiting: readonly WaitingMiner[]): Assignment[] {
  const slots = waiting
    .map((m) => ({ m, left: Math.min(m.want, freeCapacity(m)) }))
    .filter((s) => s.left > 0);
  const out: Assignment[] = [];
  for (const job of jobs) {
    let best: (typeof slots)[number] | undefined;
    for (const s of slots) {
      if (s.left === 0 || s.m.unitPrice > job.maxUnitPrice || !s.m.models.includes(job.model)) continue;
      if (best === undefined || better(s, best)) best = s;
    }
    if (best === undefined) continue;
    best.left--;
    best.m = { ...best.m, active: best.m.active + 1 };
    out.push({ jobId: job.jobId, miner: best.m.address, unitPrice: best.m.unitPrice });
    if (slots.every((s) => s.left === 0)) break;
  }
  return out;
}

function better(a: { m: WaitingMiner }, b: { m: WaitingMiner }): boolean {
  if (a.m.unitPrice !== b.m.unitPrice) return a.m.unitPrice < b.m.unitPrice;
  const fa = freeCapacity(a.m);
  const fb = freeCapacity(b.m);
  if (fa !== fb) return fa > fb;
  if (a.m.since !== b.m.since) return a.m.since < b.m.since;
  return a.m.address < b.m.address;
}

/**
 * Refuses a job no online miner can run: NO_MINER_FOR_MODEL (naming the models online) when none serves
 * the model, PRICE_TOO_LOW (naming the lowest price) when all that serve it ask more than `maxUnitPrice`.
 * Capacity is not checked: a busy miner will take the job when it frees up.
 * @throws AitbcError NO_MINER_FOR_MODEL | PRICE_TOO_LOW
 */
export function checkOffer(
  model: string,
  maxUnitPrice: bigint | undefined,
  online: readonly MinerOffer[],
): void {
  const serving = online.filter((m) => m.models.includes(model));
  if (serving.length === 0) {
    const models = [...new Set(online.flatMap((m) => m.models))].sort();
    throw new AitbcError(
      'NO_MINER_FOR_MODEL',
      models.length === 0
        ? `no miner is online, so nobody serves model "${model}"`
        : `no online miner serves model "${model}"; models online: ${models.join(', ')}`,
      { model, models },
    );
  }
  if (maxUnitPrice === undefined) return;
  const lowest = minOf(serving.map((m) => m.unitPrice));
  if (lowest > maxUnitPrice)
    throw new AitbcError(
      'PRICE_TOO_LOW',
      `max price ${maxUnitPrice} uait per 1k tokens is below every online miner's price for "${model}" (lowest ${lowest})`,
      { model, maxUnitPrice: maxUnitPrice.toString(), lowestUnitPrice: lowest.toString() },
    );
}

/** The models served by online miners, with price ranges and capacity, sorted by model id. */
export function modelSummaries(online: readonly MinerOffer[]): ModelSummary[] {
  const by = new Map<string, MinerOffer[]>();
  for (const m of online) for (const model of m.models) by.set(model, [...(by.get(model) ?? []), m]);
  return [...by.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([model, ms]) => {
      const prices = ms.map((m) => m.unitPrice);
      const min = minOf(prices);
      const max = -minOf(prices.map((p) => -p));
      return {
        model,
        miners: ms.length,
        minUnitPrice: min.toString(),
        maxUnitPrice: max.toString(),
        capacity: ms.reduce((n, m) => n + m.concurrency, 0),
        free: ms.reduce((n, m) => n + freeCapacity(m), 0),
      };
    });
}

/** The least of a non-empty list of bigints (Math.min takes no bigint). */
function minOf(values: readonly bigint[]): bigint {
  let lo = values[0];
  for (const v of values) if (v < lo) lo = v;
  return lo;
}
