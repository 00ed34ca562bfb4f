/**
 * Isolation outliers: an isolation forest (src/surveillance/iforest.ts) grown on account-window
 * features of the data being scanned, one point per account and WINDOW_MS window in which the account
 * did anything (windows with fewer than MIN_EVENTS events are fitted on but not scored). Features
 * (FEATURE_NAMES): activity (log orders, log trades), cancel rate, order size
 * against the market median, concentration on one counterparty, one-sidedness of trading, self-trade
 * share, aggressor share and share of the window's market volume; the activity, cancel, size, aggressor
 * and market-share features are taken relative to the account's own median window (RELATIVE), so
 * steady market makers do not fill the outliers. The forest is seeded from the data's own shape, so a
 * file always scores the same. Windows scoring at or above the calibrated threshold
 * become alerts; consecutive windows of one account merge.
 */

import { CANCEL, lowerBound, ORDER, TRADE } from './events.js';
import { fitIsolationForest, scoreIsolationForest } from './iforest.js';
import type { MarketIndex } from './market-index.js';
import { type Detection, round4 } from './types.js';

export const ISOLATION = {
  WINDOW_MS: 3_600_000,
  TREES: 100,
  SAMPLE_SIZE: 256,
  MAX_EVENT_IDS: 50,
  /** an account-window with fewer events says nothing about behaviour and is not a point */
  MIN_EVENTS: 2,
} as const;

export const FEATURE_NAMES = [
  'logOrders',
  'logTrades',
  'cancelRate',
  'logOrderSizeRatio',
  'topCounterpartyShare',
  'netShare',
  'selfTradeShare',
  'aggressorShare',
  'marketVolumeShare',
] as const;
/**
 * Features measured against the account's own median over its windows: a market maker is always busy
 * and always cancels, so what stands out is an account behaving unlike itself.
 */
const RELATIVE = [0, 1, 2, 3, 7, 8];
const DIMS = FEATURE_NAMES.length;

/** One account in one window: where its events start and end (event indices), for evidence. */
export interface Slot {
  account: number;
  window: number;
  first: number;
  last: number;
  /** orders, cancels and trades of the account in the window */
  events: number;
}

/** Per account-window features, in slot order. */
export interface AccountWindows {
  slots: Slot[];
  points: Float64Array;
  windowStart: number;
}

/**
 * Account-window features in one pass: events are in time order, so each account's current window
 * only moves forward and its slot is found through two arrays instead of a hash map per event.
 */
export function accountWindows(ix: MarketIndex): AccountWindows {
  const t = ix.table;
  const n = t.length;
  const windowStart = n > 0 ? Math.floor(t.time[0] / ISOLATION.WINDOW_MS) * ISOLATION.WINDOW_MS : 0;
  const nAcc = ix.accountCount;
  const curWindow = new Int32Array(nAcc).fill(-1);
  const curSlot = new Int32Array(nAcc);
  const slots: Slot[] = [];
  // Accumulators per slot, grown as slots appear.
  let cap = 1024;
  let acc = new Float64Array(cap * 10);
  const ORD = 0;
  const CAN = 1;
  const OQTY = 2;
  const TRD = 3;
  const AGG = 4;
  const BUYQ = 5;
  const SELLQ = 6;
  const SELFQ = 7;
  const VOL = 8;
  const TOP = 9;
  const slotOf = (a: number, w: number, i: number): number => {
    if (curWindow[a] === w) {
      const k = curSlot[a];
      slots[k].last = i;
      return k;
    }
    const k = slots.length;
    if (k === cap) {
      cap *= 2;
      const grown = new Float64Array(cap * 10);
      grown.set(acc);
      acc = grown;
    }
    slots.push({ account: a, window: w, first: i, last: i, events: 0 });
    curWindow[a] = w;
    curSlot[a] = k;
    return k;
  };
  const marketVolume: number[] = [];
  const pairQty = new Map<number, number>();
  for (let i = 0; i < n; i++) {
    const w = Math.floor((t.time[i] - windowStart) / ISOLATION.WINDOW_MS);
    const a = t.account[i];
    const ty = t.type[i];
    if (ty === ORDER) {
      const o = slotOf(a, w, i) * 10;
      acc[o + ORD]++;
      acc[o + OQTY] += t.qty[i];
    } else if (ty === CANCEL) {
      acc[slotOf(a, w, i) * 10 + CAN]++;
    } else if (ty === TRADE) {
      const q = t.qty[i];
      const c = t.counterparty[i];
      marketVolume[w] = (marketVolume[w] ?? 0) + q;
      const k = slotOf(a, w, i);
      const o = k * 10;
      acc[o + TRD]++;
      acc[o + AGG]++;
      acc[o + VOL] += q;
      acc[o + (t.side[i] > 0 ? BUYQ : SELLQ)] += q;
      if (c === a) {
        acc[o + SELFQ] += q;
        acc[o + (t.side[i] > 0 ? SELLQ : BUYQ)] += q;
        continue;
      }
      if (c < 0) continue;
      const r = slotOf(c, w, i);
      const ro = r * 10;
      acc[ro + TRD]++;
      acc[ro + VOL] += q;
      acc[ro + (t.side[i] > 0 ? SELLQ : BUYQ)] += q;
      // Quantity per (slot, counterparty), for the top counterparty share.
      for (const [s, other] of [
        [k, c],
        [r, a],
      ]) {
        const key = s * nAcc + other;
        const v = (pairQty.get(key) ?? 0) + q;
        pairQty.set(key, v);
        if (v > acc[s * 10 + TOP]) acc[s * 10 + TOP] = v;
      }
    }
  }
  const points = new Float64Array(slots.length * DIMS);
  const med = ix.medianOrderQty;
  slots.forEach((s, k) => {
    const o = k * 10;
    s.events = acc[o + ORD] + acc[o + CAN] + acc[o + TRD];
    const orders = acc[o + ORD];
    const volume = acc[o + VOL];
    const gross = acc[o + BUYQ] + acc[o + SELLQ];
    const p = k * DIMS;
    points[p] = Math.log1p(orders);
    points[p + 1] = Math.log1p(acc[o + TRD]);
    points[p + 2] = orders > 0 ? Math.min(1, acc[o + CAN] / orders) : 0;
    points[p + 3] = orders > 0 ? Math.log(acc[o + OQTY] / orders / med) : 0;
    points[p + 4] = volume > 0 ? acc[o + TOP] / volume : 0;
    points[p + 5] = gross > 0 ? Math.abs(acc[o + BUYQ] - acc[o + SELLQ]) / gross : 0;
    points[p + 6] = volume > 0 ? acc[o + SELFQ] / volume : 0;
    points[p + 7] = acc[o + TRD] > 0 ? acc[o + AGG] / acc[o + TRD] : 0;
    points[p + 8] = volume > 0 ? volume / (marketVolume[s.window] ?? volume) : 0;
  });
  // Subtract each account's median window from the relative features.
  const byAccount = new Map<number, number[]>();
  slots.forEach((s, k) => {
    const l = byAccount.get(s.account);
    if (l) l.push(k);
    else byAccount.set(s.account, [k]);
  });
  const column = new Float64Array(slots.length);
  for (const ks of byAccount.values()) {
    for (const d of RELATIVE) {
      const vals = column.subarray(0, ks.length);
      ks.forEach((k, j) => {
        vals[j] = points[k * DIMS + d];
      });
      vals.sort();
      const m = ks.length >> 1;
      const med = ks.length % 2 === 1 ? vals[m] : (vals[m - 1] + vals[m]) / 2;
      for (const k of ks) points[k * DIMS + d] -= med;
    }
  }
  return { slots, points, windowStart };
}

/**
 * Isolation scores of every account-window (0 for windows under MIN_EVENTS, which are fitted on but
 * not scored — most of them, which is what keeps scoring cheap).
 */
export function isolationScores(ix: MarketIndex): { windows: AccountWindows; scores: Float64Array } {
  const windows = accountWindows(ix);
  const scores = new Float64Array(windows.slots.length);
  if (windows.slots.length === 0) return { windows, scores };
  const forest = fitIsolationForest(windows.points, DIMS, {
    trees: ISOLATION.TREES,
    sampleSize: ISOLATION.SAMPLE_SIZE,
    seed: `aitbc/iforest/${ix.table.length}/${windows.slots.length}`,
  });
  const scored: number[] = [];
  windows.slots.forEach((s, k) => {
    if (s.events >= ISOLATION.MIN_EVENTS) scored.push(k);
  });
  const subset = new Float64Array(scored.length * DIMS);
  scored.forEach((k, j) => {
    subset.set(windows.points.subarray(k * DIMS, (k + 1) * DIMS), j * DIMS);
  });
  const s = scoreIsolationForest(forest, subset);
  scored.forEach((k, j) => {
    scores[k] = s[j];
  });
  return { windows, scores };
}

/** Alerts for account-windows scoring at least `threshold`; consecutive windows of an account merge. */
export function isolationDetections(
  ix: MarketIndex,
  iso: { windows: AccountWindows; scores: Float64Array },
  threshold: number,
): Detection[] {
  const t = ix.table;
  const { slots, points, windowStart } = iso.windows;
  const hits = slots.map((s, k) => ({ s, k })).filter(({ k }) => iso.scores[k] >= threshold);
  hits.sort((x, y) => x.s.account - y.s.account || x.s.window - y.s.window);
  const out: Detection[] = [];
  let i = 0;
  while (i < hits.length) {
    let j = i;
    while (
      j + 1 < hits.length &&
      hits[j + 1].s.account === hits[i].s.account &&
      hits[j + 1].s.window === hits[j].s.window + 1
    ) {
      j++;
    }
    const run = hits.slice(i, j + 1);
    const best = run.reduce((m, h) => (iso.scores[h.k] > iso.scores[m.k] ? h : m));
    const a = run[0].s.account;
    const from = windowStart + run[0].s.window * ISOLATION.WINDOW_MS;
    const to = windowStart + (run[run.length - 1].s.window + 1) * ISOLATION.WINDOW_MS - 1;
    // Evidence: the account's trades in the run, else (an account that only placed orders) the run's
    // first and last events of the account.
    const ids: string[] = [];
    let first = Number.POSITIVE_INFINITY;
    let last = 0;
    const hi = ix.tradeOff[a + 1];
    for (let k = lowerBound(ix.tradeTime, from, ix.tradeOff[a], hi); k < hi; k++) {
      if (ix.tradeTime[k] > to || ids.length >= ISOLATION.MAX_EVENT_IDS) break;
      ids.push(t.id(ix.tradeIdx[k]));
      first = Math.min(first, ix.tradeTime[k]);
      last = Math.max(last, ix.tradeTime[k]);
    }
    if (ids.length === 0) {
      for (const e of [run[0].s.first, run[run.length - 1].s.last]) {
        if (!ids.includes(t.id(e))) ids.push(t.id(e));
        first = Math.min(first, t.time[e]);
        last = Math.max(last, t.time[e]);
      }
    }
    const features: Record<string, number> = {};
    FEATURE_NAMES.forEach((name, d) => {
      features[name] = round4(points[best.k * DIMS + d]);
    });
    out.push({
      type: 'isolation_outlier',
      accounts: [t.accounts[a]],
      startMs: first,
      endMs: last,
      eventIds: ids,
      evidence: { isolationScore: round4(iso.scores[best.k]), windows: run.length, ...features },
      raw: iso.scores[best.k],
      detectedAtMs: last,
    });
    i = j + 1;
  }
  return out.sort((x, y) => x.startMs - y.startMs);
}
