/**
 * On-chain detectors, run only on transfers read from a node (never on market files):
 *
 * - circular transfers: value leaving an account and coming back to it through 1–4 other accounts,
 *   each hop after the previous one within CYCLE_WINDOW_MS of the first, every hop's amount within
 *   AMOUNT_TOLERANCE of the first hop's (fees and small skims allowed). Score: 1 − the largest
 *   relative amount change along the cycle.
 * - fan-out funding: one account sending to at least MIN_FRESH accounts that had never appeared before
 *   (as sender or recipient), within FAN_OUT_WINDOW_MS. Score: the share of the funder's transfers
 *   in that window that went to fresh accounts.
 *
 * Neither is calibrated (there is no chain benchmark); their scores are the shares named above.
 */

import { type Detection, round4 } from './types.js';

/** A committed transfer as the chain source reads it. */
export interface Transfer {
  hash: string;
  height: number;
  /** block time, unix ms */
  time: number;
  from: string;
  to: string;
  /** uait */
  amount: bigint;
}

export const CHAIN = {
  CYCLE_WINDOW_MS: 3_600_000,
  MAX_CYCLE_LENGTH: 5,
  AMOUNT_TOLERANCE: 0.1,
  MAX_BRANCHING: 20,
  FAN_OUT_WINDOW_MS: 3_600_000,
  MIN_FRESH: 10,
} as const;

function ordered(transfers: readonly Transfer[]): Transfer[] {
  return [...transfers].sort((a, b) => a.time - b.time || a.height - b.height);
}

/** |a − b| ≤ tol × b in exact integer arithmetic (tolerance in parts per million). */
function within(a: bigint, b: bigint, tolPpm: bigint): boolean {
  const d = a > b ? a - b : b - a;
  return d * 1_000_000n <= tolPpm * b;
}

/** Circular transfers. Each cycle is reported once, from its earliest hop. */
export function detectCircularTransfers(transfers: readonly Transfer[]): Detection[] {
  const list = ordered(transfers).filter((t) => t.from !== t.to && t.amount > 0n);
  const out: Map<string, number[]> = new Map();
  const outgoing = new Map<string, number[]>();
  list.forEach((t, i) => {
    const l = outgoing.get(t.from);
    if (l) l.push(i);
    else outgoing.set(t.from, [i]);
  });
  const tolPpm = BigInt(Math.round(CHAIN.AMOUNT_TOLERANCE * 1_000_000));
  const detections: Detection[] = [];
  const used = new Set<number>();
  list.forEach((first, i) => {
    if (used.has(i)) return;
    const deadline = first.time + CHAIN.CYCLE_WINDOW_MS;
    const found = (path: number[]): number[] | undefined => {
      const last = list[path[path.length - 1]];
      if (last.to === first.from && path.length >= 2) return path;
      if (path.length >= CHAIN.MAX_CYCLE_LENGTH) return undefined;
      const visited = new Set(path.map((p) => list[p].from));
      let tried = 0;
      for (const j of outgoing.get(last.to) ?? []) {
        const next = list[j];
        if (j <= path[path.length - 1] || next.time > deadline || used.has(j)) continue;
        if (next.to !== first.from && visited.has(next.to)) continue;
        if (!within(next.amount, first.amount, tolPpm)) continue;
        if (++tried > CHAIN.MAX_BRANCHING) break;
        const r = found([...path, j]);
        if (r) return r;
      }
      return undefined;
    };
    const cycle = found([i]);
    if (!cycle) return;
    for (const c of cycle) used.add(c);
    out.set(cycle.join(','), cycle);
  });
  for (const cycle of out.values()) {
    const hops = cycle.map((c) => list[c]);
    const base = Number(hops[0].amount);
    const drift = Math.max(...hops.map((h) => Math.abs(Number(h.amount) - base) / base));
    detections.push({
      type: 'circular_transfer',
      accounts: hops.map((h) => h.from),
      startMs: hops[0].time,
      endMs: hops[hops.length - 1].time,
      eventIds: hops.map((h) => h.hash),
      evidence: {
        hops: hops.length,
        amounts: hops.map((h) => h.amount.toString()),
        heights: hops.map((h) => h.height),
        maxAmountDrift: round4(drift),
      },
      raw: 1 - drift,
      detectedAtMs: hops[hops.length - 1].time,
    });
  }
  return detections.sort((a, b) => a.startMs - b.startMs);
}

/**
 * Fan-out funding of fresh accounts. `known` lists accounts seen before these transfers (they are not
 * fresh). One alert per funder and burst: the window closes when no fresh account was funded for
 * FAN_OUT_WINDOW_MS.
 */
export function detectFanOutFunding(
  transfers: readonly Transfer[],
  known: ReadonlySet<string> = new Set(),
): Detection[] {
  const list = ordered(transfers);
  const seen = new Set(known);
  const fresh: Array<{ t: Transfer; funder: string }> = [];
  for (const t of list) {
    if (!seen.has(t.to) && t.to !== t.from) fresh.push({ t, funder: t.from });
    seen.add(t.from);
    seen.add(t.to);
  }
  const byFunder = new Map<string, Transfer[]>();
  for (const f of fresh) {
    const l = byFunder.get(f.funder);
    if (l) l.push(f.t);
    else byFunder.set(f.funder, [f.t]);
  }
  const sentBy = new Map<string, Transfer[]>();
  for (const t of list) {
    const l = sentBy.get(t.from);
    if (l) l.push(t);
    else sentBy.set(t.from, [t]);
  }
  const out: Detection[] = [];
  for (const [funder, fundings] of byFunder) {
    let s = 0;
    for (let k = 1; k <= fundings.length; k++) {
      if (k < fundings.length && fundings[k].time - fundings[k - 1].time <= CHAIN.FAN_OUT_WINDOW_MS) continue;
      const burst = fundings.slice(s, k);
      s = k;
      if (burst.length < CHAIN.MIN_FRESH) continue;
      const start = burst[0].time;
      const end = burst[burst.length - 1].time;
      const sent = (sentBy.get(funder) ?? []).filter((t) => t.time >= start && t.time <= end).length;
      const total = burst.reduce((x, t) => x + t.amount, 0n);
      out.push({
        type: 'fan_out_funding',
        accounts: [funder, ...burst.map((t) => t.to)],
        startMs: start,
        endMs: end,
        eventIds: burst.map((t) => t.hash),
        evidence: { funder, freshAccounts: burst.length, transfersSent: sent, totalAmount: total.toString() },
        raw: burst.length / Math.max(1, sent),
        detectedAtMs: end,
      });
    }
  }
  return out.sort((a, b) => a.startMs - b.startMs);
}
