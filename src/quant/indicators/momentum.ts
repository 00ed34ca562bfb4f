/**
 * Momentum indicators: Wilder's RSI, MACD and the (slow) stochastic oscillator.
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
import { _smaInto } from './moving-averages.js';

/**
 * Wilder's relative strength index: 100 · avgGain / (avgGain + avgLoss), the averages seeded with the
 * mean of the first `n` changes and then smoothed with 1/n. First output at index n (both conventions
 * agree). A window without any change gives 0 as in TA-Lib (Tulip divides 0 by 0 there); TA-Lib's
 * "treat sums below 1e-8 as zero" shortcut is not copied, so very small prices still get an RSI.
 * @throws AitbcError INVALID_INPUT for a bad period or convention.
 * @example rsi(closes, 14)[14] // the first RSI value
 */
export function rsi(values: Series, n: number, conv: Convention = 'talib'): Float64Array {
  assertPeriod('rsi', 'period', n);
  assertConvention(conv);
  const len = values.length;
  const start = firstFinite(values);
  if (len - start < n + 1) return nanArray(len);
  const out = warmupArray(len, start + n);
  let gain = 0;
  let loss = 0;
  for (let i = start + 1; i <= start + n; i++) {
    const d = values[i] - values[i - 1];
    if (d > 0) gain += d;
    else loss -= d;
  }
  gain /= n;
  loss /= n;
  out[start + n] = rsiOf(gain, loss);
  const keep = n - 1;
  for (let i = start + n + 1; i < len; i++) {
    const d = values[i] - values[i - 1];
    gain *= keep;
    loss *= keep;
    if (d > 0) gain += d;
    else loss -= d;
    gain /= n;
    loss /= n;
    out[i] = rsiOf(gain, loss);
  }
  return out;
}

function rsiOf(gain: number, loss: number): number {
  const total = gain + loss;
  return total === 0 ? 0 : (100 * gain) / total;
}

export interface MacdResult {
  macd: Float64Array;
  signal: Float64Array;
  hist: Float64Array;
}

/**
 * MACD: EMA(fast) − EMA(slow), its EMA(signal), and the difference (histogram).
 * - `talib`: both EMAs are seeded with SMAs that end on the same bar (slow − 1), the signal EMA with the
 *   SMA of the first `signal` MACD values; all three outputs start at (slow − 1) + (signal − 1).
 * - `tulip`: EMAs seeded with the first value, outputs start at slow − 1 with the signal seeded by the
 *   first MACD value; (12, 26) uses Tulip's fixed smoothing 0.15 / 0.075 instead of 2/13 and 2/27.
 * @throws AitbcError INVALID_INPUT unless 1 ≤ fast < slow and signal ≥ 1.
 * @example macd(closes, 12, 26, 9).hist
 */
export function macd(
  values: Series,
  fast: number,
  slow: number,
  signal: number,
  conv: Convention = 'talib',
): MacdResult {
  assertPeriod('macd', 'fast', fast);
  assertPeriod('macd', 'slow', slow, 2);
  assertPeriod('macd', 'signal', signal);
  assertConvention(conv);
  if (fast >= slow) {
    throw new AitbcError('INVALID_INPUT', `macd: fast (${fast}) must be shorter than slow (${slow})`, {
      indicator: 'macd',
      fast,
      slow,
    });
  }
  const len = values.length;
  const start = firstFinite(values);
  // Outputs start at `firstOut`; only the warm-up before it is filled with NaN.
  const firstOut = conv === 'talib' ? start + slow + signal - 2 : start + slow - 1;
  const res: MacdResult = {
    macd: warmupArray(len, firstOut),
    signal: warmupArray(len, firstOut),
    hist: warmupArray(len, firstOut),
  };
  if (firstOut >= len) return res;
  const kg = 2 / (signal + 1);
  if (conv === 'talib') {
    const first = start + slow - 1;
    const kf = 2 / (fast + 1);
    const ks = 2 / (slow + 1);
    let f = 0;
    let s = 0;
    for (let i = first - fast + 1; i <= first; i++) f += values[i];
    for (let i = start; i <= first; i++) s += values[i];
    f /= fast;
    s /= slow;
    let m = f - s;
    let g = m;
    for (let i = first + 1; i <= firstOut; i++) {
      const v = values[i];
      f = (v - f) * kf + f;
      s = (v - s) * ks + s;
      m = f - s;
      g += m;
    }
    g /= signal;
    write(res, firstOut, m, g);
    for (let i = firstOut + 1; i < len; i++) {
      const v = values[i];
      f = (v - f) * kf + f;
      s = (v - s) * ks + s;
      m = f - s;
      g = (m - g) * kg + g;
      write(res, i, m, g);
    }
    return res;
  }
  const first = firstOut;
  const tulipFixed = fast === 12 && slow === 26;
  const kf = tulipFixed ? 0.15 : 2 / (fast + 1);
  const ks = tulipFixed ? 0.075 : 2 / (slow + 1);
  let f = values[start];
  let s = f;
  for (let i = start + 1; i < first; i++) {
    const v = values[i];
    f = (v - f) * kf + f;
    s = (v - s) * ks + s;
  }
  let g = 0;
  for (let i = first; i < len; i++) {
    const v = values[i];
    f = (v - f) * kf + f;
    s = (v - s) * ks + s;
    const m = f - s;
    g = i === first ? m : (m - g) * kg + g;
    write(res, i, m, g);
  }
  return res;
}

function write(res: MacdResult, i: number, m: number, g: number): void {
  res.macd[i] = m;
  res.signal[i] = g;
  res.hist[i] = m - g;
}

export interface StochResult {
  k: Float64Array;
  d: Float64Array;
}

/**
 * Slow stochastic oscillator: fast %K = 100 · (close − lowest low) / (highest high − lowest low) over
 * `k` bars (0 when the range is empty, as in TA-Lib and Tulip), %K = SMA(kSlow) of it, %D = SMA(d) of
 * %K. Both outputs start at (k − 1) + (kSlow − 1) + (d − 1) in both conventions. The window extremes
 * come from monotonic queues, so the cost is O(n) whatever `k` is.
 * @throws AitbcError INVALID_INPUT for bad periods or inputs of different lengths.
 * @example stoch(high, low, close, 14, 3, 3).k
 */
export function stoch(
  high: Series,
  low: Series,
  close: Series,
  k: number,
  kSlow: number,
  d: number,
  conv: Convention = 'talib',
): StochResult {
  assertPeriod('stoch', 'k', k);
  assertPeriod('stoch', 'kSlow', kSlow);
  assertPeriod('stoch', 'd', d);
  assertConvention(conv);
  const len = assertSameLength('stoch', high, low, close);
  const lookback = k + kSlow + d - 3;
  const res: StochResult = { k: nanArray(len), d: nanArray(len) };
  if (lookback >= len) return res;
  const fastK = nanArray(len);
  const maxQ = new Int32Array(len);
  const minQ = new Int32Array(len);
  let maxHead = 0;
  let maxTail = 0;
  let minHead = 0;
  let minTail = 0;
  for (let i = 0; i < len; i++) {
    const h = high[i];
    const l = low[i];
    while (maxTail > maxHead && high[maxQ[maxTail - 1]] <= h) maxTail--;
    maxQ[maxTail++] = i;
    while (minTail > minHead && low[minQ[minTail - 1]] >= l) minTail--;
    minQ[minTail++] = i;
    const windowStart = i - k + 1;
    if (maxQ[maxHead] < windowStart) maxHead++;
    if (minQ[minHead] < windowStart) minHead++;
    if (windowStart >= 0) {
      const hh = high[maxQ[maxHead]];
      const ll = low[minQ[minHead]];
      const range = hh - ll;
      fastK[i] = range > 0 ? (100 * (close[i] - ll)) / range : 0;
    }
  }
  _smaInto(fastK, kSlow, k - 1, res.k);
  _smaInto(res.k, d, k + kSlow - 2, res.d);
  res.k.fill(Number.NaN, 0, lookback);
  return res;
}
