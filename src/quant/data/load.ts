/**
 * Loading OHLCV from a file, an HTTP(S) URL or text (stdin is read by the CLI and passed as text):
 * parse, select a symbol, validate, filter by time, resample, and report the interval and gaps.
 */
import { readFile } from 'node:fs/promises';
import { AitbcError, isAitbcError } from '../../core/errors.js';
import type { Ohlcv } from '../types.js';
import { type ParsedRows, parseOhlcvText, sniffFormat, type TextFormat } from './parse.js';
import { filterRange, findGaps, type Gap, inferIntervalMs, resample } from './series.js';
import { validateOhlcv } from './validate.js';

export type OhlcvSource =
  | { path: string }
  | { url: string }
  | { text: string; format: TextFormat; name?: string };

export interface LoadOptions {
  /** Rows of this symbol, when the data has a symbol column (case-insensitive). */
  symbol?: string;
  /** Keep bars with fromMs ≤ time ≤ toMs. */
  fromMs?: number;
  toMs?: number;
  /** Aggregate to this coarser interval. */
  resampleMs?: number;
  /** Per-attempt timeout for URLs (default 30 s). */
  timeoutMs?: number;
}

export interface LoadedData {
  data: Ohlcv;
  /** Rows read from the source (before symbol selection, filtering and resampling). */
  rows: number;
  /** The bar interval after resampling (median spacing; 0 for a single bar). */
  intervalMs: number;
  gaps: Gap[];
  /** The file, URL or name the data came from. */
  source: string;
  /** Distinct symbols in the source, when it has a symbol column. */
  symbols?: string[];
  /** Things a user should know that did not stop the load (a missing volume column). */
  warnings: string[];
}

/**
 * Loads and checks OHLCV data.
 * @throws AitbcError INVALID_INPUT (unreadable file, malformed rows with line numbers, failed checks,
 *   unknown symbol, empty range), UNREACHABLE (URL down after retries), TIMEOUT.
 * @example await loadOhlcv({ path: 'examples/data/synthetic-1h.csv' }, { resampleMs: 4 * 3_600_000 })
 */
export async function loadOhlcv(source: OhlcvSource, opts: LoadOptions = {}): Promise<LoadedData> {
  let text: string;
  let format: TextFormat;
  let name: string;
  if ('path' in source) {
    name = source.path;
    text = await readDataFile(source.path);
    format = /\.(json|ndjson|jsonl)$/i.test(source.path)
      ? 'json'
      : /\.(csv|tsv|txt)$/i.test(source.path)
        ? 'csv'
        : sniffFormat(text);
  } else if ('url' in source) {
    name = source.url;
    const res = await fetchText(source.url, opts.timeoutMs ?? 30_000);
    text = res.text;
    format = /json/i.test(res.contentType)
      ? 'json'
      : /csv/i.test(res.contentType)
        ? 'csv'
        : sniffFormat(text);
  } else {
    name = source.name ?? 'input';
    text = source.text;
    format = source.format;
  }
  const parsed = parseOhlcvText(text, format, name);
  const { data, where, symbols, warnings } = selectSymbol(parsed, name, opts.symbol);
  validateOhlcv(data, { where, source: name });
  return prepareLoaded(data, { source: name, rows: parsed.time.length, symbols, warnings, ...opts });
}

/**
 * Filters, resamples and measures an already valid series (used for loaded and synthetic data).
 * @throws AitbcError INVALID_INPUT for an empty range or a finer resample interval.
 */
export function prepareLoaded(
  data: Ohlcv,
  opts: LoadOptions & { source: string; rows: number; symbols?: string[]; warnings?: string[] },
): LoadedData {
  let out = filterRange(data, opts.fromMs, opts.toMs);
  if (opts.resampleMs !== undefined) out = resample(out, opts.resampleMs);
  const intervalMs = inferIntervalMs(out);
  return {
    data: out,
    rows: opts.rows,
    intervalMs,
    gaps: findGaps(out, intervalMs),
    source: opts.source,
    ...(opts.symbols !== undefined ? { symbols: opts.symbols } : {}),
    warnings: opts.warnings ?? [],
  };
}

async function readDataFile(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a directory' : (e as Error).message;
    throw new AitbcError('INVALID_INPUT', `cannot read data file ${path}: ${why}`, { path, code });
  }
}

function selectSymbol(
  rows: ParsedRows,
  source: string,
  symbol: string | undefined,
): { data: Ohlcv; where: (i: number) => string; symbols?: string[]; warnings: string[] } {
  const warnings: string[] = [];
  if (rows.volumeMissing)
    warnings.push(`${source} has no volume column: volume is 0, so obv and vwap carry no information`);
  let keep: number[] | undefined;
  let chosen = symbol;
  let symbols: string[] | undefined;
  if (rows.symbol) {
    symbols = [...new Set(rows.symbol)];
    if (symbol === undefined) {
      if (symbols.length > 1) {
        throw new AitbcError(
          'INVALID_INPUT',
          `${source} holds ${symbols.length} symbols (${preview(symbols)}): choose one with --symbol`,
          { source, symbols },
        );
      }
      chosen = symbols[0];
    } else {
      const want = symbol.toLowerCase();
      const match = symbols.find((s) => s.toLowerCase() === want);
      if (match === undefined) {
        throw new AitbcError(
          'INVALID_INPUT',
          `${source} has no rows for symbol "${symbol}"; symbols: ${preview(symbols)}`,
          {
            source,
            symbol,
            symbols,
          },
        );
      }
      chosen = match;
      if (symbols.length > 1) {
        keep = [];
        for (let i = 0; i < rows.symbol.length; i++) if (rows.symbol[i] === match) keep.push(i);
      }
    }
  }
  const pick = (arr: number[]) => (keep ? Float64Array.from(keep, (i) => arr[i]) : Float64Array.from(arr));
  const data: Ohlcv = {
    time: pick(rows.time),
    open: pick(rows.open),
    high: pick(rows.high),
    low: pick(rows.low),
    close: pick(rows.close),
    volume: pick(rows.volume),
    ...(chosen !== undefined && chosen !== '' ? { symbol: chosen } : {}),
  };
  const idx = keep;
  return { data, where: (i) => rows.where[idx ? idx[i] : i], ...(symbols ? { symbols } : {}), warnings };
}

function preview(items: string[]): string {
  return items.length > 10 ? `${items.slice(0, 10).join(', ')}, …` : items.join(', ');
}

/**
 * GETs a URL with undici (imported here, not at startup), retrying twice with backoff on connection
 * errors and 5xx but never on 4xx (DESIGN §4).
 */
async function fetchText(url: string, timeoutMs: number): Promise<{ text: string; contentType: string }> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new AitbcError('INVALID_INPUT', `not a URL: ${url}`, { url });
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new AitbcError('INVALID_INPUT', `only http(s) URLs are supported, got ${parsed.protocol}`, { url });
  }
  const { fetch } = await import('undici');
  const attempts = 3;
  let last: AitbcError | undefined;
  for (let attempt = 1; attempt <= attempts; attempt++) {
    if (attempt > 1) await new Promise((r) => setTimeout(r, 250 * 2 ** (attempt - 2)));
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
      if (res.ok) return { text: await res.text(), contentType: res.headers.get('content-type') ?? '' };
      await res.body?.cancel();
      const message = `GET ${url}: HTTP ${res.status} ${res.statusText}`.trim();
      if (res.status < 500) throw new AitbcError('INVALID_INPUT', message, { url, status: res.status });
      last = new AitbcError('UNREACHABLE', message, { url, status: res.status, attempts: attempt });
    } catch (e) {
      if (isAitbcError(e)) throw e;
      const err = e as Error & { cause?: { code?: string; message?: string } };
      if (err.name === 'TimeoutError' || err.name === 'AbortError') {
        throw new AitbcError('TIMEOUT', `GET ${url}: no answer within ${timeoutMs / 1000} s`, {
          url,
          timeoutMs,
        });
      }
      const why = err.cause?.code ?? err.cause?.message ?? err.message;
      last = new AitbcError('UNREACHABLE', `GET ${url}: ${why}`, { url, attempts: attempt }, { cause: e });
    }
  }
  throw last as AitbcError;
}
