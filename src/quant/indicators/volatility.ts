/**
 * Volatility indicators: Bollinger Bands (population σ) and Wilder's average true range.
 */
import { AitbcError } from '../../core/errors.js';
import {
  assertConvention,
  assertPeriod,
  assertSameLength,
  type Convention,
  firstFinite,
  nanArray,
  type Series,
  warmupArray,
} from './common.js';

export interface BbandsResult {
  upper: Float64Array;
  middle: Float64Array;
  lower: Float64Array;
}

/**
 * Bollinger Bands: middle = SMA(n), upper/lower = middle ± k·σ with σ the population standard
 * deviation of the same `n` values (TA-Lib and Tulip agree). σ comes from a sliding Welford update
 * (mean and sum of squared deviations), which avoids the cancellation of Σx² − (Σx)²/n on large prices.
 * @throws AitbcError INVALID_INPUT for a bad period or a multiplier that is not a finite number ≥ 0.
 * @example bbands(closes, 20, 2).upper
 */
export function bbands(values: Series, n: number, k: number): BbandsResult {
  assertPeriod('bbands', 'period', n);
  if (!Number.isFinite(k) || k < 0) {
    throw new AitbcError('INVALID_INPUT', `bbands: k must be a number ≥ 0, got ${k}`, {
      indicator: 'bbands',
      parameter: 'k',
      value: k,
    });
  }
  const len = values.length;
  const start = firstFinite(values);
  const first = len - start >= n ? start + n - 1 : len;
  const res: BbandsResult = {
    upper: warmupArray(len, first),
    middle: warmupArray(len, first),
    lower: warmupArray(len, first),
  };
  if (first === len) return res;
  const w = windowSeed(values, start, n);
  put(res, first, w[0], w[1], n, k);
  for (let i = start + n; i < len; i++) {
    windowSlide(w, values[i], values[i - n], n);
    put(res, i, w[0], w[1], n, k);
  }
  return res;
}

/**
 * How far each value sits from its Bollinger middle band in units of the k = 1 band width:
 * z = (x − middle) / (upper − middle) of bbands(values, n, 1), NaN during the warm-up and where σ = 0,
 * returned with the middle band. The same recurrence and the same operations as bbands, so every bit
 * agrees with computing z from its outputs, in one pass writing two arrays instead of three passes and
 * four arrays. The mean_reversion strategy's z-score.
 * @throws AitbcError INVALID_INPUT for a bad period.
 * @example bbandsZscore(closes, 20).z
 */
export function bbandsZscore(values: Series, n: number): { middle: Float64Array; z: Float64Array } {
  assertPeriod('bbands', 'period', n);
  const len = values.length;
  const start = firstFinite(values);
  const first = len - start >= n ? start + n - 1 : len;
  const middle = warmupArray(len, first);
  const z = warmupArray(len, first);
  if (first === len) return { middle, z };
  const w = windowSeed(values, start, n);
  middle[first] = w[0];
  z[first] = zOf(values[first], w[0], w[1], n);
  for (let i = start + n; i < len; i++) {
    windowSlide(w, values[i], values[i - n], n);
    middle[i] = w[0];
    z[i] = zOf(values[i], w[0], w[1], n);
  }
  return { middle, z };
}

/**
 * The sliding window both Bollinger kernels share, as [mean, m2] (m2: the sum of squared deviations):
 * seeded from values[start, start + n), then moved one value at a time with Welford's update, which
 * avoids the cancellation of Σx² − (Σx)²/n on large prices.
 */
function windowSeed(values: Series, start: number, n: number): Float64Array {
  let mean = 0;
  for (let i = start; i < start + n; i++) mean += values[i];
  mean /= n;
  let m2 = 0;
  for (let i = start; i < start + n; i++) {
    const dev = values[i] - mean;
    m2 += dev * dev;
  }
  return Float64Array.of(mean, m2);
}

/** `x` enters the window and `old` leaves it. */
function windowSlide(w: Float64Array, x: number, old: number, n: number): void {
  const prevMean = w[0];
  const delta = x - old;
  const mean = prevMean + delta / n;
  const m2 = w[1] + delta * (x - mean + old - prevMean);
  w[0] = mean;
  w[1] = Math.max(m2, 0);
}

/** (x − mean) / σ with σ taken as (upper − middle) of the k = 1 bands, exactly as bbands rounds them. */
function zOf(x: number, mean: number, m2: number, n: number): number {
  const sd = mean + Math.sqrt(m2 / n) - mean;
  return sd > 0 ? (x - mean) / sd : Number.NaN;
}

function put(res: BbandsResult, i: number, mean: number, m2: number, n: number, k: number): void {
  const band = k * Math.sqrt(m2 / n);
  res.middle[i] = mean;
  res.upper[i] = mean + band;
  res.lower[i] = mean - band;
}

/**
 * Average true range with Wilder's smoothing (1/n). True range = max(high − low, |high − prev close|,
 * |low − prev close|).
 * - `talib`: the first bar has no true range; ATR starts at index n with the mean of TR[1..n].
 * - `tulip`: TR[0] = high − low; ATR starts at index n − 1 with the mean of TR[0..n−1].
 * @throws AitbcError INVALID_INPUT for a bad period or inputs of different lengths.
 * @example atr(high, low, close, 14)
 */
export function atr(
  high: Series,
  low: Series,
  close: Series,
  n: number,
  conv: Convention = 'talib',
): Float64Array {
  assertPeriod('atr', 'period', n);
  assertConvention(conv);
  const len = assertSameLength('atr', high, low, close);
  const firstTr = conv === 'talib' ? 1 : 0;
  const firstOut = firstTr + n - 1;
  if (firstOut >= len) return nanArray(len);
  const out = warmupArray(len, firstOut);
  let sum = 0;
  for (let i = firstTr; i <= firstOut; i++) sum += trueRange(high, low, close, i);
  let value = sum / n;
  out[firstOut] = value;
  const keep = n - 1;
  for (let i = firstOut + 1; i < len; i++) {
    value = (value * keep + trueRange(high, low, close, i)) / n;
    out[i] = value;
  }
  return out;
}

function trueRange(high: Series, low: Series, close: Series, i: number): number {
  const h = high[i];
  const l = low[i];
  if (i === 0) return h - l;
  const pc = close[i - 1];
  return Math.max(h - l, Math.abs(h - pc), Math.abs(l - pc));
}
