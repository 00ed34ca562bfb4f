/**
 * Indicator results as documents: the `--json` shape of DESIGN §9
 * (`{time: [...], series: {"sma:20": [...], "bbands:20:2": {upper, middle, lower}}}`, warm-up as
 * null) and the CSV / JSON files written by `--out`.
 */
import { writeFileSync } from 'node:fs';
import { extname } from 'node:path';
import { AitbcError } from '../../core/errors.js';
import type { Ohlcv } from '../types.js';
import type { ComputedSeries } from './spec.js';

export type JsonSeries = Array<number | null>;

export interface IndicatorDocument {
  /** Bar times, RFC 3339 UTC with milliseconds. */
  time: string[];
  series: Record<string, JsonSeries | Record<string, JsonSeries>>;
}

const toJson = (a: ArrayLike<number>): JsonSeries => Array.from(a, (v) => (Number.isFinite(v) ? v : null));

/**
 * The `{time, series}` document.
 * @example indicatorDocument(data, [{ spec, output }]).series['rsi:14'][13] // null (warm-up)
 */
export function indicatorDocument(data: Ohlcv, computed: readonly ComputedSeries[]): IndicatorDocument {
  const series: IndicatorDocument['series'] = {};
  for (const c of computed) {
    if (c.output instanceof Float64Array) series[c.spec.id] = toJson(c.output);
    else series[c.spec.id] = Object.fromEntries(Object.entries(c.output).map(([k, v]) => [k, toJson(v)]));
  }
  return { time: Array.from(data.time, (t) => new Date(t).toISOString()), series };
}

/** CSV cells need quoting only when they hold a comma, quote or newline; ids never do, but be safe. */
function cell(s: string): string {
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/**
 * CSV with the bars and one column per output (`time,open,high,low,close,volume,rsi:14,macd:12:26:9.macd,…`);
 * warm-up cells are empty. The file loads back as OHLCV data (extra columns are ignored).
 */
export function indicatorCsv(data: Ohlcv, computed: readonly ComputedSeries[]): string {
  const columns: Array<{ name: string; values: ArrayLike<number> }> = [];
  for (const c of computed) {
    if (c.output instanceof Float64Array) columns.push({ name: c.spec.id, values: c.output });
    else
      for (const [k, v] of Object.entries(c.output)) columns.push({ name: `${c.spec.id}.${k}`, values: v });
  }
  const head = ['time', 'open', 'high', 'low', 'close', 'volume', ...columns.map((c) => c.name)]
    .map(cell)
    .join(',');
  const lines = [head];
  const n = data.time.length;
  for (let i = 0; i < n; i++) {
    let line = `${new Date(data.time[i]).toISOString()},${data.open[i]},${data.high[i]},${data.low[i]},${data.close[i]},${data.volume[i]}`;
    for (const c of columns) {
      const v = c.values[i];
      line += Number.isFinite(v) ? `,${v}` : ',';
    }
    lines.push(line);
  }
  return `${lines.join('\n')}\n`;
}

/**
 * Writes `--out FILE`: CSV for .csv, the JSON document (plus `extra` fields) for .json.
 * @throws AitbcError INVALID_INPUT for another extension or a file that cannot be written.
 */
export function writeIndicatorFile(
  file: string,
  data: Ohlcv,
  computed: readonly ComputedSeries[],
  extra: Record<string, unknown> = {},
): { file: string; format: 'csv' | 'json'; bytes: number } {
  const ext = extname(file).toLowerCase();
  let text: string;
  let format: 'csv' | 'json';
  if (ext === '.csv') {
    format = 'csv';
    text = indicatorCsv(data, computed);
  } else if (ext === '.json') {
    format = 'json';
    text = `${JSON.stringify({ ...extra, ...indicatorDocument(data, computed) })}\n`;
  } else {
    throw new AitbcError('INVALID_INPUT', `--out ${file}: the file must end in .csv or .json`, { file });
  }
  try {
    writeFileSync(file, text);
  } catch (e) {
    throw new AitbcError('INVALID_INPUT', `cannot write ${file}: ${(e as Error).message}`, { file });
  }
  return { file, format, bytes: Buffer.byteLength(text) };
}
