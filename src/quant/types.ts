/**
 * The shared shape of market data in src/quant: columnar Float64Arrays, one entry per bar, sorted by
 * time. Indicators take and return Float64Array aligned with the input (NaN during warm-up; `null` in
 * JSON).
 */

export interface Ohlcv {
  /** unix milliseconds, strictly increasing */
  time: Float64Array;
  open: Float64Array;
  high: Float64Array;
  low: Float64Array;
  close: Float64Array;
  volume: Float64Array;
  symbol?: string;
}

/** Number of bars. */
export function barCount(d: Ohlcv): number {
  return d.time.length;
}
