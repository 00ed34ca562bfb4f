/**
 * Moving averages: SMA, EMA (TA-Lib or Tulip seeding) and WMA. Each is a single O(n) pass with running
 * sums, never a loop over the window.
 */
import {
  assertConvention,
  assertPeriod,
  type Convention,
  firstFinite,
  nanArray,
  type Series,
  warmupArray,
} from './common.js';

/**
 * Writes the SMA of `values[start..]` into `out` (first output at `start + n - 1`). The running sum
 * adds the difference of the entering and leaving values, which keeps a flat window exactly flat.
 */
export function _smaInto(values: Series, n: number, start: number, out: Float64Array): void {
  const len = values.length;
  if (len - start < n) return;
  let sum = 0;
  for (let i = start; i < start + n; i++) sum += values[i];
  out[start + n - 1] = sum / n;
  for (let i = start + n; i < len; i++) {
    sum += values[i] - values[i - n];
    out[i] = sum / n;
  }
}

/**
 * Writes an EMA with smoothing `k` of `values[start..]` into `out`. `seed: 'sma'` (TA-Lib) starts with
 * the mean of the first `n` values at `start + n - 1`; `seed: 'first'` (Tulip) starts with the first
 * value itself at `start`.
 */
export function _emaInto(
  values: Series,
  n: number,
  k: number,
  start: number,
  seed: 'sma' | 'first',
  out: Float64Array,
): void {
  const len = values.length;
  let e: number;
  let i: number;
  if (seed === 'first') {
    if (start >= len) return;
    e = values[start];
    out[start] = e;
    i = start + 1;
  } else {
    if (len - start < n) return;
    let sum = 0;
    for (let j = start; j < start + n; j++) sum += values[j];
    e = sum / n;
    out[start + n - 1] = e;
    i = start + n;
  }
  for (; i < len; i++) {
    e = (values[i] - e) * k + e;
    out[i] = e;
  }
}

/**
 * Simple moving average: the mean of the last `n` values. First output at index n − 1 (both
 * conventions). Leading NaNs in `values` are skipped.
 * @throws AitbcError INVALID_INPUT for a period that is not an integer ≥ 1.
 * @example sma([1, 2, 3, 4], 2) // [NaN, 1.5, 2.5, 3.5]
 */
export function sma(values: Series, n: number): Float64Array {
  assertPeriod('sma', 'period', n);
  const len = values.length;
  const start = firstFinite(values);
  const out = warmupArray(len, len - start >= n ? start + n - 1 : len);
  _smaInto(values, n, start, out);
  return out;
}

/**
 * Exponential moving average with k = 2 / (n + 1). TA-Lib seeds with the SMA of the first `n` values
 * (first output at n − 1); Tulip seeds with the first value (first output at 0).
 * @throws AitbcError INVALID_INPUT for a bad period or convention.
 * @example ema([1, 2, 3], 2) // [NaN, 1.5, 2.5]
 */
export function ema(values: Series, n: number, conv: Convention = 'talib'): Float64Array {
  assertPeriod('ema', 'period', n);
  assertConvention(conv);
  const len = values.length;
  const start = firstFinite(values);
  const seed = conv === 'talib' ? 'sma' : 'first';
  const out = warmupArray(len, seed === 'first' ? start : len - start >= n ? start + n - 1 : len);
  _emaInto(values, n, 2 / (n + 1), start, seed, out);
  return out;
}

/**
 * Linearly weighted moving average: weights 1..n, the newest value heaviest. First output at n − 1.
 * Updated in O(1) per bar: the new weighted sum is the old one plus n·x_new minus the old window sum.
 * @throws AitbcError INVALID_INPUT for a bad period.
 * @example wma([1, 2, 3], 3) // [NaN, NaN, 14 / 6]
 */
export function wma(values: Series, n: number): Float64Array {
  assertPeriod('wma', 'period', n);
  const len = values.length;
  const start = firstFinite(values);
  if (len - start < n) return nanArray(len);
  const out = warmupArray(len, start + n - 1);
  const denominator = (n * (n + 1)) / 2;
  let weighted = 0;
  let sum = 0;
  for (let j = 0; j < n; j++) {
    const v = values[start + j];
    weighted += (j + 1) * v;
    sum += v;
  }
  out[start + n - 1] = weighted / denominator;
  for (let i = start + n; i < len; i++) {
    const v = values[i];
    weighted += n * v - sum;
    sum += v - values[i - n];
    out[i] = weighted / denominator;
  }
  return out;
}
