/**
 * Volume and price anomalies with robust statistics. Trades are bucketed into BUCKET_MS buckets; a
 * bucket's statistic is compared with the median and MAD of the previous TRAILING buckets (at least
 * MIN_HISTORY; refreshed every REFRESH buckets, a day's baseline barely moves in an hour), as the
 * modified z-score (x − median) / (1.4826 · MAD), which a few earlier spikes do
 * not distort the way a mean and standard deviation would. Volume uses log(1 + volume); price uses the
 * absolute log return from the previous bucket's close. Consecutive buckets above the calibrated
 * threshold make one alert naming the accounts with the most volume in it.
 */

import { TRADE } from './events.js';
import { type MarketIndex, type TradeBars, tradeBars } from './market-index.js';
import { type Detection, round4 } from './types.js';

export const ANOMALY = {
  BUCKET_MS: 5 * 60_000,
  TRAILING: 288,
  MIN_HISTORY: 24,
  /** the trailing median and MAD are recomputed every REFRESH buckets (hourly) */
  REFRESH: 12,
  TOP_ACCOUNTS: 3,
  MAX_EVENT_IDS: 50,
} as const;

/** Modified z-score of x[k] against x[k − TRAILING .. k − 1]; NaN without enough history. */
export function trailingRobustZ(x: Float64Array): Float64Array {
  const z = new Float64Array(x.length).fill(Number.NaN);
  const ring = new Float64Array(ANOMALY.TRAILING);
  const sorted = new Float64Array(ANOMALY.TRAILING);
  const dev = new Float64Array(ANOMALY.TRAILING);
  let count = 0;
  let head = 0;
  let med = Number.NaN;
  let mad = Number.NaN;
  let age: number = ANOMALY.REFRESH;
  for (let k = 0; k < x.length; k++) {
    if (count >= ANOMALY.MIN_HISTORY && (age >= ANOMALY.REFRESH || Number.isNaN(med))) {
      age = 0;
      const s = sorted.subarray(0, count);
      s.set(count === ANOMALY.TRAILING ? ring : ring.subarray(0, count));
      s.sort();
      med = medianSorted(s);
      const d = dev.subarray(0, count);
      for (let i = 0; i < count; i++) d[i] = Math.abs(s[i] - med);
      d.sort();
      mad = medianSorted(d);
    }
    age++;
    if (mad > 0) z[k] = (x[k] - med) / (1.4826 * mad);
    if (!Number.isNaN(x[k])) {
      ring[head] = x[k];
      head = (head + 1) % ANOMALY.TRAILING;
      if (count < ANOMALY.TRAILING) count++;
    }
  }
  return z;
}

function medianSorted(a: Float64Array): number {
  const m = a.length >> 1;
  return a.length % 2 === 1 ? a[m] : (a[m - 1] + a[m]) / 2;
}

/** Volume and price anomaly candidates (raw = the largest z in the run of buckets). */
export function anomalyCandidates(ix: MarketIndex): Detection[] {
  const b = tradeBars(ix, ANOMALY.BUCKET_MS);
  if (!b) return [];
  const nb = b.volume.length;
  const logVol = Float64Array.from(b.volume, (v) => Math.log1p(v));
  const absRet = new Float64Array(nb).fill(Number.NaN);
  for (let k = 1; k < nb; k++) absRet[k] = Math.abs(Math.log(b.close[k] / b.close[k - 1]));
  return [
    ...runs(ix, b, trailingRobustZ(logVol), 'volume_anomaly'),
    ...runs(ix, b, trailingRobustZ(absRet), 'price_anomaly'),
  ];
}

/**
 * Every maximal run of buckets with z above MIN_Z becomes one candidate; the calibrated threshold is
 * applied to the run's peak z, so runs are the same whatever the threshold.
 */
const MIN_Z = 3.5;

function runs(
  ix: MarketIndex,
  b: TradeBars,
  z: Float64Array,
  type: 'volume_anomaly' | 'price_anomaly',
): Detection[] {
  const out: Detection[] = [];
  const nb = z.length;
  let k = 0;
  while (k < nb) {
    if (!(z[k] >= MIN_Z)) {
      k++;
      continue;
    }
    let e = k;
    let peak = k;
    while (e + 1 < nb && z[e + 1] >= MIN_Z) {
      e++;
      if (z[e] > z[peak]) peak = e;
    }
    const d = describe(ix, b, k, e, z[peak], type);
    if (d) out.push(d);
    k = e + 1;
  }
  return out;
}

function describe(
  ix: MarketIndex,
  b: TradeBars,
  from: number,
  to: number,
  z: number,
  type: 'volume_anomaly' | 'price_anomaly',
): Detection | undefined {
  const t = ix.table;
  let lo = -1;
  let hi = -1;
  let volume = 0;
  for (let k = from; k <= to; k++) {
    volume += b.volume[k];
    if (b.first[k] < 0) continue;
    if (lo < 0) lo = b.first[k];
    hi = b.last[k];
  }
  if (lo < 0) return undefined;
  const byAccount = new Map<number, number>();
  for (let i = lo; i < hi; i++) {
    if (t.type[i] !== TRADE) continue;
    byAccount.set(t.account[i], (byAccount.get(t.account[i]) ?? 0) + t.qty[i]);
    const c = t.counterparty[i];
    if (c >= 0 && c !== t.account[i]) byAccount.set(c, (byAccount.get(c) ?? 0) + t.qty[i]);
  }
  const top = [...byAccount.entries()].sort((x, y) => y[1] - x[1]).slice(0, ANOMALY.TOP_ACCOUNTS);
  const topSet = new Set(top.map(([a]) => a));
  const trades: number[] = [];
  for (let i = lo; i < hi; i++) {
    if (t.type[i] === TRADE && (topSet.has(t.account[i]) || topSet.has(t.counterparty[i]))) trades.push(i);
  }
  trades.sort((x, y) => t.qty[y] - t.qty[x]);
  const startMs = b.start + from * ANOMALY.BUCKET_MS;
  const endMs = b.start + (to + 1) * ANOMALY.BUCKET_MS - 1;
  const prev = from > 0 ? b.close[from - 1] : b.close[from];
  return {
    type,
    accounts: top.map(([a]) => t.accounts[a]),
    startMs,
    endMs,
    eventIds: trades
      .slice(0, ANOMALY.MAX_EVENT_IDS)
      .sort((x, y) => x - y)
      .map((i) => t.id(i)),
    evidence: {
      robustZ: round4(z),
      buckets: to - from + 1,
      bucketMinutes: ANOMALY.BUCKET_MS / 60_000,
      volume,
      priceMove: round4(Math.log(b.close[to] / prev)),
    },
    raw: z,
    detectedAtMs: endMs,
  };
}
