/**
 * Operations on whole OHLCV series: the bar interval, gaps, time filtering and resampling to a coarser
 * interval.
 */
import { AitbcError } from '../../core/errors.js';
import type { Ohlcv } from '../types.js';
import { formatIntervalMs, rfc3339 } from './time.js';

export interface Gap {
  /** Time of the last bar before the gap. */
  fromMs: number;
  /** Time of the first bar after the gap. */
  toMs: number;
  /** Bars the interval says are missing in between. */
  missingBars: number;
}

/**
 * The bar interval: the median spacing of consecutive bars (robust to weekends, holidays and outages,
 * which only lengthen a minority of spacings). 0 for fewer than two bars.
 * @example inferIntervalMs(hourlyData) // 3_600_000
 */
export function inferIntervalMs(data: Ohlcv): number {
  const t = data.time;
  if (t.length < 2) return 0;
  const diffs = new Float64Array(t.length - 1);
  for (let i = 1; i < t.length; i++) diffs[i - 1] = t[i] - t[i - 1];
  diffs.sort();
  return diffs[(diffs.length - 1) >> 1];
}

/**
 * Spacings longer than 1.5 intervals, with the number of bars missing in each.
 * @example findGaps(data, 3_600_000) // [{fromMs, toMs, missingBars: 2}]
 */
export function findGaps(data: Ohlcv, intervalMs: number): Gap[] {
  const gaps: Gap[] = [];
  if (!(intervalMs > 0)) return gaps;
  const t = data.time;
  for (let i = 1; i < t.length; i++) {
    const d = t[i] - t[i - 1];
    if (d > 1.5 * intervalMs)
      gaps.push({ fromMs: t[i - 1], toMs: t[i], missingBars: Math.round(d / intervalMs) - 1 });
  }
  return gaps;
}

/** The bars in [from, to) as views (no copy). */
export function sliceOhlcv(data: Ohlcv, from: number, to: number): Ohlcv {
  return {
    time: data.time.subarray(from, to),
    open: data.open.subarray(from, to),
    high: data.high.subarray(from, to),
    low: data.low.subarray(from, to),
    close: data.close.subarray(from, to),
    volume: data.volume.subarray(from, to),
    ...(data.symbol !== undefined ? { symbol: data.symbol } : {}),
  };
}

/** First index whose time is ≥ t (binary search over sorted times). */
function lowerBound(time: Float64Array, t: number): number {
  let lo = 0;
  let hi = time.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (time[mid] < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * The bars with fromMs ≤ time ≤ toMs (both inclusive; either may be omitted).
 * @throws AitbcError INVALID_INPUT when from is after to or no bar is left.
 */
export function filterRange(data: Ohlcv, fromMs?: number, toMs?: number): Ohlcv {
  if (fromMs === undefined && toMs === undefined) return data;
  if (fromMs !== undefined && toMs !== undefined && fromMs > toMs) {
    throw new AitbcError('INVALID_INPUT', `--from ${rfc3339(fromMs)} is after --to ${rfc3339(toMs)}`, {
      from: rfc3339(fromMs),
      to: rfc3339(toMs),
    });
  }
  const a = fromMs === undefined ? 0 : lowerBound(data.time, fromMs);
  const b = toMs === undefined ? data.time.length : lowerBound(data.time, toMs + 1);
  if (b <= a) {
    const n = data.time.length;
    throw new AitbcError(
      'INVALID_INPUT',
      `no bars between ${fromMs === undefined ? 'the start' : rfc3339(fromMs)} and ${toMs === undefined ? 'the end' : rfc3339(toMs)}; the data covers ${n > 0 ? `${rfc3339(data.time[0])} to ${rfc3339(data.time[n - 1])}` : 'nothing'}`,
      { bars: n },
    );
  }
  return sliceOhlcv(data, a, b);
}

/**
 * Aggregates bars into buckets of `intervalMs` aligned to multiples of the interval since the Unix
 * epoch (UTC): open = first open, high = max, low = min, close = last close, volume = sum, time = the
 * bucket's start. Empty buckets stay absent (they show up as gaps).
 * @throws AitbcError INVALID_INPUT when the interval is not a positive whole number of ms or is finer
 *   than the data's own interval.
 * @example resample(minuteBars, 3_600_000) // hourly bars
 */
export function resample(data: Ohlcv, intervalMs: number): Ohlcv {
  if (!Number.isSafeInteger(intervalMs) || intervalMs <= 0) {
    throw new AitbcError(
      'INVALID_INPUT',
      `resample interval must be a positive whole number of ms, got ${intervalMs}`,
      {
        resampleMs: intervalMs,
      },
    );
  }
  const current = inferIntervalMs(data);
  if (current > intervalMs) {
    throw new AitbcError(
      'INVALID_INPUT',
      `cannot resample ${formatIntervalMs(current)} bars to the finer ${formatIntervalMs(intervalMs)}: --resample must be coarser than the data`,
      { dataIntervalMs: current, resampleMs: intervalMs },
    );
  }
  const n = data.time.length;
  const time: number[] = [];
  const open: number[] = [];
  const high: number[] = [];
  const low: number[] = [];
  const close: number[] = [];
  const volume: number[] = [];
  let bucket = Number.NaN;
  for (let i = 0; i < n; i++) {
    const b = Math.floor(data.time[i] / intervalMs) * intervalMs;
    if (b !== bucket) {
      bucket = b;
      time.push(b);
      open.push(data.open[i]);
      high.push(data.high[i]);
      low.push(data.low[i]);
      close.push(data.close[i]);
      volume.push(data.volume[i]);
    } else {
      const j = time.length - 1;
      if (data.high[i] > high[j]) high[j] = data.high[i];
      if (data.low[i] < low[j]) low[j] = data.low[i];
      close[j] = data.close[i];
      volume[j] += data.volume[i];
    }
  }
  return {
    time: Float64Array.from(time),
    open: Float64Array.from(open),
    high: Float64Array.from(high),
    low: Float64Array.from(low),
    close: Float64Array.from(close),
    volume: Float64Array.from(volume),
    ...(data.symbol !== undefined ? { symbol: data.symbol } : {}),
  };
}
