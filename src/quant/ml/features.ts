/**
 * The ml strategy's inputs: standard indicators turned into scale-free numbers (ratios to price,
 * centred oscillators), so one model applies across price levels. Each is causal; the walk-forward
 * trainer re-checks that with the look-ahead guard anyway.
 */
import { atr, bbands, macd, rsi, sma } from '../indicators/index.js';
import { rateOfChange, rollingReturnSd } from '../strategies/series.js';
import type { Ohlcv } from '../types.js';
import type { FeatureSpec } from './walk-forward.js';

function map(n: number, f: (t: number) => number): Float64Array {
  const out = new Float64Array(n);
  for (let t = 0; t < n; t++) out[t] = f(t);
  return out;
}

/** The default feature set, in model order. */
export const DEFAULT_FEATURES: readonly FeatureSpec[] = [
  { name: 'ret_1', compute: (d: Ohlcv) => rateOfChange(d.close, 1) },
  { name: 'ret_5', compute: (d: Ohlcv) => rateOfChange(d.close, 5) },
  { name: 'ret_20', compute: (d: Ohlcv) => rateOfChange(d.close, 20) },
  { name: 'rsi_14', compute: (d: Ohlcv) => rsi(d.close, 14).map((v) => v / 100 - 0.5) },
  {
    name: 'macd_hist_to_price',
    compute: (d: Ohlcv) => {
      const h = macd(d.close, 12, 26, 9).hist;
      return map(h.length, (t) => h[t] / d.close[t]);
    },
  },
  {
    name: 'bb_percent_b',
    compute: (d: Ohlcv) => {
      const b = bbands(d.close, 20, 2);
      return map(d.close.length, (t) => {
        const w = b.upper[t] - b.lower[t];
        return w > 0 ? (d.close[t] - b.lower[t]) / w - 0.5 : 0;
      });
    },
  },
  {
    name: 'atr_14_to_price',
    compute: (d: Ohlcv) => {
      const a = atr(d.high, d.low, d.close, 14);
      return map(a.length, (t) => a[t] / d.close[t]);
    },
  },
  {
    name: 'close_to_sma_50',
    compute: (d: Ohlcv) => {
      const s = sma(d.close, 50);
      return map(s.length, (t) => d.close[t] / s[t] - 1);
    },
  },
  { name: 'return_sd_20', compute: (d: Ohlcv) => rollingReturnSd(d.close, 20) },
  {
    name: 'log_volume_to_sma_20',
    compute: (d: Ohlcv) => {
      const s = sma(d.volume, 20);
      // Missing or zero volume carries no information rather than an infinite value.
      return map(s.length, (t) =>
        Number.isNaN(s[t]) ? Number.NaN : s[t] > 0 && d.volume[t] > 0 ? Math.log(d.volume[t] / s[t]) : 0,
      );
    },
  },
];

/** Bars before every default feature has a value (SMA 50 is the longest). */
export const DEFAULT_FEATURES_WARMUP = 49;
