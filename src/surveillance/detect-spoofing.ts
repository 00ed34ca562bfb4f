/**
 * Spoofing and layering: large orders near the price, cancelled before they execute, while the same
 * account trades on the other side. One large order is spoofing; orders at three or more successive
 * price levels placed together are layering.
 *
 * A candidate order is cancelled within MAX_LIFETIME_MS, at most MAX_FILL_SHARE filled, within
 * NEAR_SHARE of the last trade price when placed, and at least MIN_SIZE_RATIO × the market's median
 * order size. Candidates of one account and side placed within CYCLE_GAP_MS of each other form a cycle;
 * a cycle counts only if the account traded on the opposite side between the first placement and
 * OPPOSITE_GRACE_MS after the last cancel. Market makers also cancel nearly every order and trade both
 * sides, but they quote both sides at once: the cycle's `oneSided` factor (cycle size over cycle size
 * plus the most the account had resting on the opposite side while the cycle lived) separates the two.
 * Size and levels are read when the most of the cycle rested at once. Raw score: spoofing = largest
 * order / median × oneSided; layering = total resting size / median × oneSided. Cycles above
 * the calibrated threshold of their type, of one account, at most CAMPAIGN_GAP_MS apart, make one alert.
 */

import { CANCEL, lowerBound, ORDER } from './events.js';
import { type MarketIndex, sideInTrade } from './market-index.js';
import { type Detection, round4 } from './types.js';

export const SPOOF = {
  MAX_LIFETIME_MS: 120_000,
  MAX_FILL_SHARE: 0.2,
  NEAR_SHARE: 0.005,
  MIN_SIZE_RATIO: 1.5,
  CYCLE_GAP_MS: 5_000,
  OPPOSITE_GRACE_MS: 5_000,
  CAMPAIGN_GAP_MS: 5 * 60_000,
  MIN_LAYER_LEVELS: 3,
} as const;

/** One burst of large cancelled orders of one account on one side. */
export interface SpoofCycle {
  account: number;
  side: number;
  kind: 'spoofing' | 'layering';
  orders: number[];
  cancels: number[];
  oppositeTrades: number[];
  start: number;
  end: number;
  levels: number;
  /** the most the account had resting on the opposite side while the cycle lived */
  openOpposite: number;
  /** largest order resting at the cycle's peak */
  maxQty: number;
  /** quantity resting together at the cycle's peak */
  totalQty: number;
  oneSided: number;
  oppositeQty: number;
  raw: number;
}

/** Finds every cycle (independent of thresholds; campaigns are cut by `spoofDetections`). */
export function spoofCycles(ix: MarketIndex): SpoofCycle[] {
  const t = ix.table;
  const n = t.length;
  const candidates: number[] = [];
  const med = ix.medianOrderQty;
  for (let i = 0; i < n; i++) {
    if (t.type[i] !== ORDER) continue;
    const q = t.qty[i];
    const c = ix.cancelOf[i];
    if (c < 0 || q < SPOOF.MIN_SIZE_RATIO * med) continue;
    if (t.time[c] - t.time[i] > SPOOF.MAX_LIFETIME_MS) continue;
    if (ix.filledQty[i] > SPOOF.MAX_FILL_SHARE * q) continue;
    const ref = ix.refPrice[i];
    if (!(Math.abs(t.price[i] - ref) <= SPOOF.NEAR_SHARE * ref)) continue;
    candidates.push(i);
  }
  // Group candidates into cycles per (account, side).
  const open = new Map<number, SpoofCycle>();
  const cycles: SpoofCycle[] = [];
  const close = (c: SpoofCycle) => {
    if (finishCycle(ix, c)) cycles.push(c);
  };
  for (const i of candidates) {
    const key = t.account[i] * 2 + (t.side[i] > 0 ? 1 : 0);
    const c = open.get(key);
    const time = t.time[i];
    if (c !== undefined && time - t.time[c.orders[c.orders.length - 1]] <= SPOOF.CYCLE_GAP_MS) {
      c.orders.push(i);
      continue;
    }
    if (c !== undefined) close(c);
    open.set(key, newCycle(t.account[i], t.side[i], i));
  }
  for (const c of open.values()) close(c);
  cycles.sort((x, y) => x.start - y.start);
  measureOpposite(ix, cycles);
  for (const c of cycles) {
    c.oneSided = c.totalQty / (c.totalQty + c.openOpposite);
    c.raw = ((c.kind === 'layering' ? c.totalQty : c.maxQty) / med) * c.oneSided;
  }
  return cycles;
}

/**
 * Sets each cycle's openOpposite: the most its account had resting on the other side at any moment of
 * the cycle. One pass over the events tracks resting quantity, only for accounts that have cycles.
 */
function measureOpposite(ix: MarketIndex, cycles: SpoofCycle[]): void {
  const t = ix.table;
  const byAccount: Array<SpoofCycle[] | undefined> = new Array(ix.accountCount);
  for (const c of cycles) (byAccount[c.account] ??= []).push(c);
  const openBuy = new Float64Array(ix.accountCount);
  const openSell = new Float64Array(ix.accountCount);
  const remaining = new Float64Array(t.length);
  const next = new Int32Array(ix.accountCount);
  for (let i = 0; i < t.length; i++) {
    const ty = t.type[i];
    let owner: number;
    if (ty === ORDER) {
      owner = t.account[i];
      if (byAccount[owner] === undefined) continue;
      remaining[i] = t.qty[i];
      if (t.side[i] > 0) openBuy[owner] += t.qty[i];
      else openSell[owner] += t.qty[i];
    } else {
      const r = t.orderRef[i];
      if (r < 0) continue;
      owner = t.account[r];
      if (byAccount[owner] === undefined) continue;
      const q = ty === CANCEL ? remaining[r] : Math.min(remaining[r], t.qty[i]);
      remaining[r] -= q;
      if (t.side[r] > 0) openBuy[owner] -= q;
      else openSell[owner] -= q;
    }
    // Update the cycles of this account that are live at this time.
    const list = byAccount[owner]!;
    const time = t.time[i];
    let k = next[owner];
    while (k < list.length && list[k].end < time) k++;
    next[owner] = k;
    for (let j = k; j < list.length && list[j].start <= time; j++) {
      const c = list[j];
      if (c.end < time) continue;
      const opp = c.side > 0 ? openSell[owner] : openBuy[owner];
      if (opp > c.openOpposite) c.openOpposite = opp;
    }
  }
}

function newCycle(account: number, side: number, first: number): SpoofCycle {
  return {
    account,
    side,
    kind: 'spoofing',
    orders: [first],
    cancels: [],
    oppositeTrades: [],
    start: 0,
    end: 0,
    levels: 0,
    openOpposite: 0,
    maxQty: 0,
    totalQty: 0,
    oneSided: 0,
    oppositeQty: 0,
    raw: 0,
  };
}

/**
 * Fills in a cycle's measures; false when the account did not trade on the other side. Size and levels
 * are read at the moment the most of the cycle's quantity rested at once (a market maker replacing a
 * ladder twice in a few seconds never rests both ladders together; a layerer rests all levels).
 */
function finishCycle(ix: MarketIndex, c: SpoofCycle): boolean {
  const t = ix.table;
  let end = 0;
  for (const o of c.orders) {
    const cancel = ix.cancelOf[o];
    c.cancels.push(cancel);
    end = Math.max(end, t.time[cancel]);
  }
  c.start = t.time[c.orders[0]];
  c.end = end;
  let best = -1;
  for (const o of c.orders) {
    // Orders resting when order o was placed (o itself included).
    const at = t.time[o];
    let total = 0;
    for (const p of c.orders) if (t.time[p] <= at && t.time[ix.cancelOf[p]] > at) total += t.qty[p];
    if (total > c.totalQty) {
      c.totalQty = total;
      best = o;
    }
  }
  if (best < 0) return false;
  const at = t.time[best];
  const prices = new Set<number>();
  for (const p of c.orders) {
    if (t.time[p] <= at && t.time[ix.cancelOf[p]] > at) {
      prices.add(t.price[p]);
      c.maxQty = Math.max(c.maxQty, t.qty[p]);
    }
  }
  const a = c.account;
  const hi = ix.tradeOff[a + 1];
  let oppQty = 0;
  for (let k = lowerBound(ix.tradeTime, c.start, ix.tradeOff[a], hi); k < hi; k++) {
    const tt = ix.tradeTime[k];
    if (tt > end + SPOOF.OPPOSITE_GRACE_MS) break;
    const i = ix.tradeIdx[k];
    if (t.account[i] === t.counterparty[i] || sideInTrade(t, i, a) !== -c.side) continue;
    c.oppositeTrades.push(i);
    oppQty += t.qty[i];
  }
  if (oppQty === 0) return false;
  c.levels = prices.size;
  c.kind = c.levels >= SPOOF.MIN_LAYER_LEVELS ? 'layering' : 'spoofing';
  c.oppositeQty = oppQty;
  return true;
}

/** Campaign alerts from cycles at or above each type's threshold. */
export function spoofDetections(
  ix: MarketIndex,
  cycles: readonly SpoofCycle[],
  thresholds: { spoofing: number; layering: number },
): Detection[] {
  const t = ix.table;
  const out: Detection[] = [];
  const open = new Map<string, { list: SpoofCycle[]; end: number }>();
  const flush = (list: SpoofCycle[]) => {
    const first = list[0];
    const ids = new Set<string>();
    for (const c of list) {
      for (const i of [...c.orders, ...c.cancels, ...c.oppositeTrades].sort((x, y) => x - y))
        ids.add(t.id(i));
    }
    const start = Math.min(...list.map((c) => c.start));
    const end = Math.max(...list.map((c) => c.end));
    const best = list.reduce((m, c) => (c.raw > m.raw ? c : m));
    out.push({
      type: first.kind,
      accounts: [t.accounts[first.account]],
      startMs: start,
      endMs: end,
      eventIds: [...ids],
      evidence: {
        cycles: list.length,
        side: first.side > 0 ? 'buy' : 'sell',
        levels: best.levels,
        largestOrderQty: best.maxQty,
        cycleQty: best.totalQty,
        medianOrderQty: ix.medianOrderQty,
        sizeRatio: round4((first.kind === 'layering' ? best.totalQty : best.maxQty) / ix.medianOrderQty),
        oneSided: round4(best.oneSided),
        oppositeQty: list.reduce((s, c) => s + c.oppositeQty, 0),
        maxLifetimeMs: Math.max(
          ...list.flatMap((c) => c.orders.map((o) => t.time[ix.cancelOf[o]] - t.time[o])),
        ),
      },
      raw: best.raw,
      detectedAtMs: end,
    });
  };
  for (const c of cycles) {
    if (c.raw < thresholds[c.kind]) continue;
    const key = `${c.account}:${c.kind}`;
    const camp = open.get(key);
    if (camp && c.start - camp.end <= SPOOF.CAMPAIGN_GAP_MS) {
      camp.list.push(c);
      camp.end = Math.max(camp.end, c.end);
      continue;
    }
    if (camp) flush(camp.list);
    open.set(key, { list: [c], end: c.end });
  }
  for (const camp of open.values()) flush(camp.list);
  return out.sort((x, y) => x.startMs - y.startMs);
}
