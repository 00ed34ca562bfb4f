/**
 * The latest value of each indicator with a plain reading of it, for `advanced-analytics dashboard`.
 * Readings are fixed rules on the computed numbers (the thresholds are the textbook ones and are
 * listed in docs/indicators.md); nothing here is a forecast.
 */
import type { Ohlcv } from '../types.js';
import type { ComputedSeries } from './spec.js';

export interface SnapshotRow {
  indicator: string;
  /** The output of a multi-output indicator (`hist`, `upper`…). */
  output?: string;
  value: number | null;
  previous: number | null;
  reading: string;
}

const at = (a: ArrayLike<number>, i: number): number | null =>
  i >= 0 && Number.isFinite(a[i]) ? a[i] : null;

function pct(x: number): string {
  return `${x >= 0 ? '+' : ''}${(x * 100).toFixed(2)}%`;
}

/**
 * One row per output at the last bar, with the previous bar's value and a reading.
 * @example indicatorSnapshot(data, computed)[0] // {indicator: 'rsi:14', value: 71.2, previous: 68.9, reading: 'overbought (≥ 70)'}
 */
export function indicatorSnapshot(data: Ohlcv, computed: readonly ComputedSeries[]): SnapshotRow[] {
  const n = data.time.length;
  const last = n - 1;
  const close = data.close[last];
  const rows: SnapshotRow[] = [];
  for (const { spec, output } of computed) {
    const id = spec.id;
    if (output instanceof Float64Array) {
      const value = at(output, last);
      const previous = at(output, last - 1);
      rows.push({
        indicator: id,
        value,
        previous,
        reading: value === null ? 'warming up' : singleReading(spec.kind, value, previous, close),
      });
      continue;
    }
    const reading = multiReading(spec.kind, output, last, close);
    for (const [k, v] of Object.entries(output)) {
      rows.push({
        indicator: id,
        output: k,
        value: at(v, last),
        previous: at(v, last - 1),
        reading: reading[k] ?? '',
      });
    }
  }
  return rows;
}

function singleReading(kind: string, value: number, previous: number | null, close: number): string {
  switch (kind) {
    case 'sma':
    case 'ema':
    case 'wma':
    case 'vwap':
      return `close ${close >= value ? 'above' : 'below'} (${pct(close / value - 1)})`;
    case 'rsi':
      return value >= 70 ? 'overbought (≥ 70)' : value <= 30 ? 'oversold (≤ 30)' : 'neutral (30–70)';
    case 'atr':
      return `${((value / close) * 100).toFixed(2)}% of close`;
    case 'obv':
      return previous === null ? '' : value > previous ? 'rising' : value < previous ? 'falling' : 'flat';
    default:
      return '';
  }
}

function multiReading(
  kind: string,
  out: Record<string, Float64Array>,
  i: number,
  close: number,
): Record<string, string> {
  if (kind === 'macd') {
    const h = at(out.hist, i);
    const p = at(out.hist, i - 1);
    if (h === null) return { hist: 'warming up' };
    const cross =
      p !== null && Math.sign(h) !== Math.sign(p) && h !== 0
        ? h > 0
          ? 'bullish cross'
          : 'bearish cross'
        : h > 0
          ? 'macd above signal'
          : h < 0
            ? 'macd below signal'
            : 'macd at signal';
    return { hist: cross };
  }
  if (kind === 'bbands') {
    const u = at(out.upper, i);
    const l = at(out.lower, i);
    if (u === null || l === null) return { middle: 'warming up' };
    if (u === l) return { middle: 'bands closed (no variation)' };
    const b = (close - l) / (u - l);
    return {
      middle: `%B ${b.toFixed(2)}${b > 1 ? ' (above upper band)' : b < 0 ? ' (below lower band)' : ''}`,
    };
  }
  if (kind === 'stoch') {
    const k = at(out.k, i);
    if (k === null) return { k: 'warming up' };
    return { k: k >= 80 ? 'overbought (≥ 80)' : k <= 20 ? 'oversold (≤ 20)' : 'neutral (20–80)' };
  }
  return {};
}
