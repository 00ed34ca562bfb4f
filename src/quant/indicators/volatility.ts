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
  const res: BbandsResult = { upper: nanArray(len), middle: nanArray(len), lower: nanArray(len) };
  const start = firstFinite(values);
  if (len - start < n) return res;
  let mean = 0;
  for (let i = start; i < start + n; i++) mean += values[i];
  mean /= n;
  let m2 = 0;
  for (let i = start; i < start + n; i++) {
    const dev = values[i] - mean;
    m2 += dev * dev;
  }
  put(res, start + n - 1, mean, m2, n, k);
  for (let i = start + n; i < len; i++) {
    const x = values[i];
    const old = values[i - n];
    const delta = x - old;
    const prevMean = mean;
    mean += delta / n;
    m2 += delta * (x - mean + old - prevMean);
    if (m2 < 0) m2 = 0;
    put(res, i, mean, m2, n, k);
  }
  return res;
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
  const out = nanArray(len);
  const firstTr = conv === 'talib' ? 1 : 0;
  const firstOut = firstTr + n - 1;
  if (firstOut >= len) return out;
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
