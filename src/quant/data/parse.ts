/**
 * Parsing OHLCV text: CSV (comma, semicolon or tab; header row; RFC 4180 quotes on one line) and JSON
 * (an array of row objects or `[time, open, high, low, close, volume]` arrays, the same under a
 * `data`/`candles`/`bars`/`rows`/`ohlcv` key, a columnar object, or NDJSON). Column names are
 * case-insensitive. Malformed rows are collected with their line (CSV, NDJSON) or item index (JSON) and
 * reported together.
 */
import { AitbcError } from '../../core/errors.js';
import { parseTimestamp } from './time.js';

/** Parsed rows in file order, before symbol selection and validation. */
export interface ParsedRows {
  time: number[];
  open: number[];
  high: number[];
  low: number[];
  close: number[];
  volume: number[];
  /** Present when the input has a symbol column. */
  symbol?: string[];
  /** Where each row came from, for error messages (`line 12`, `item 3`). */
  where: string[];
  /** Set when the input has no volume column (volume is then 0). */
  volumeMissing: boolean;
}

export type TextFormat = 'csv' | 'json';

const TIME_COLUMNS = ['timestamp', 'time', 'date', 'datetime'];
const PRICE_COLUMNS = ['open', 'high', 'low', 'close'] as const;
const MAX_REPORTED = 1000;

interface RowError {
  where: string;
  problem: string;
}

/**
 * Guesses the format of a text from its first non-blank character (`[` or `{` is JSON).
 * @example sniffFormat('time,open,…') // 'csv'
 */
export function sniffFormat(text: string): TextFormat {
  const m = /\S/.exec(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  return m && (m[0] === '[' || m[0] === '{') ? 'json' : 'csv';
}

/**
 * Parses OHLCV text.
 * @throws AitbcError INVALID_INPUT for missing columns or malformed rows (with line numbers, the first
 *   few in the message and up to 1000 in `details.rows`), or an empty input.
 */
export function parseOhlcvText(text: string, format: TextFormat, source: string): ParsedRows {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const rows = format === 'csv' ? parseCsv(body, source) : parseJsonText(body, source);
  if (rows.time.length === 0) {
    throw new AitbcError('INVALID_INPUT', `${source}: no data rows`, { source });
  }
  return rows;
}

function emptyRows(hasSymbol: boolean, volumeMissing: boolean): ParsedRows {
  return {
    time: [],
    open: [],
    high: [],
    low: [],
    close: [],
    volume: [],
    ...(hasSymbol ? { symbol: [] } : {}),
    where: [],
    volumeMissing,
  };
}

function fail(source: string, errors: RowError[], total: number): never {
  const shown = errors
    .slice(0, 5)
    .map((e) => `${e.where}: ${e.problem}`)
    .join('; ');
  const more = total > 5 ? ` (and ${total - 5} more)` : '';
  throw new AitbcError(
    'INVALID_INPUT',
    `${source}: ${total} malformed row${total === 1 ? '' : 's'}: ${shown}${more}`,
    { source, malformedRows: total, rows: errors },
  );
}

/** Splits one CSV line, honouring double quotes ("" inside quotes is a quote). */
function splitCsvLine(line: string, delimiter: string): string[] | undefined {
  if (!line.includes('"')) return line.split(delimiter);
  const cells: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (quoted) {
      if (ch === '"') {
        if (line[i + 1] === '"') {
          cell += '"';
          i++;
        } else quoted = false;
      } else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === delimiter) {
      cells.push(cell);
      cell = '';
    } else cell += ch;
  }
  if (quoted) return undefined;
  cells.push(cell);
  return cells;
}

function missingColumns(source: string, have: string[], missing: string[]): never {
  throw new AitbcError(
    'INVALID_INPUT',
    `${source}: missing column${missing.length === 1 ? '' : 's'} ${missing.join(', ')} (found: ${have.join(', ') || 'none'}); need time|timestamp|date, open, high, low, close and optionally volume, symbol`,
    { source, missing, found: have },
  );
}

/** Index of each needed column in a header, case-insensitively. */
function locateColumns(header: string[], source: string) {
  const names = header.map((h) => h.trim().replace(/^"|"$/g, '').trim().toLowerCase());
  const timeName = TIME_COLUMNS.find((c) => names.includes(c));
  const missing = [
    ...(timeName === undefined ? ['time'] : []),
    ...PRICE_COLUMNS.filter((c) => !names.includes(c)),
  ];
  if (missing.length > 0) missingColumns(source, names, missing);
  return {
    time: names.indexOf(timeName as string),
    open: names.indexOf('open'),
    high: names.indexOf('high'),
    low: names.indexOf('low'),
    close: names.indexOf('close'),
    volume: names.indexOf('volume'),
    symbol: names.indexOf('symbol'),
  };
}

function parseCsv(text: string, source: string): ParsedRows {
  const lines = text.split(/\r?\n/);
  let headerLine = 0;
  while (
    headerLine < lines.length &&
    (lines[headerLine].trim() === '' || lines[headerLine].startsWith('#'))
  ) {
    headerLine++;
  }
  if (headerLine >= lines.length) throw new AitbcError('INVALID_INPUT', `${source}: empty input`, { source });
  const headerText = lines[headerLine];
  const delimiter = headerText.includes(',')
    ? ','
    : headerText.includes(';')
      ? ';'
      : headerText.includes('\t')
        ? '\t'
        : ',';
  const header = splitCsvLine(headerText, delimiter) ?? [];
  const col = locateColumns(header, source);
  const rows = emptyRows(col.symbol >= 0, col.volume < 0);
  const errors: RowError[] = [];
  let errorCount = 0;
  const width = header.length;
  for (let li = headerLine + 1; li < lines.length; li++) {
    const line = lines[li];
    if (line.trim() === '' || line.startsWith('#')) continue;
    const where = `line ${li + 1}`;
    const cells = splitCsvLine(line, delimiter);
    let problem: string | undefined;
    if (cells === undefined) problem = 'unterminated quote';
    else if (cells.length !== width) problem = `expected ${width} fields, got ${cells.length}`;
    else problem = pushRow(rows, where, (c) => (c >= 0 ? cells[c] : undefined), col);
    if (problem !== undefined) {
      errorCount++;
      if (errors.length < MAX_REPORTED) errors.push({ where, problem });
    }
  }
  if (errorCount > 0) fail(source, errors, errorCount);
  return rows;
}

type ColumnIndex = ReturnType<typeof locateColumns>;

/** Parses one row's cells; returns a problem description or undefined when the row was added. */
function pushRow<K extends string | number>(
  rows: ParsedRows,
  where: string,
  cell: (k: K) => unknown,
  col: Record<keyof ColumnIndex, K | -1>,
): string | undefined {
  const rawTime = cell(col.time as K);
  const t = parseTimestamp(rawTime);
  if (Number.isNaN(t)) return `time ${show(rawTime)} is not an ISO date or epoch number`;
  const values: number[] = [];
  for (const name of PRICE_COLUMNS) {
    const raw = cell(col[name] as K);
    const v = toNumber(raw);
    if (!Number.isFinite(v)) return `${name} ${show(raw)} is not a finite number`;
    values.push(v);
  }
  let volume = 0;
  if (col.volume !== -1) {
    const raw = cell(col.volume as K);
    volume = toNumber(raw);
    if (!Number.isFinite(volume)) return `volume ${show(raw)} is not a finite number`;
  }
  rows.time.push(t);
  rows.open.push(values[0]);
  rows.high.push(values[1]);
  rows.low.push(values[2]);
  rows.close.push(values[3]);
  rows.volume.push(volume);
  if (rows.symbol) rows.symbol.push(String(cell(col.symbol as K) ?? '').trim());
  rows.where.push(where);
  return undefined;
}

function toNumber(raw: unknown): number {
  if (typeof raw === 'number') return raw;
  if (typeof raw !== 'string') return Number.NaN;
  const t = raw.trim();
  return t === '' ? Number.NaN : Number(t);
}

function show(raw: unknown): string {
  if (raw === undefined) return '(missing)';
  const s = typeof raw === 'string' ? raw : JSON.stringify(raw);
  return `"${s.length > 40 ? `${s.slice(0, 40)}…` : s}"`;
}

const CONTAINER_KEYS = ['data', 'candles', 'bars', 'rows', 'ohlcv'];

function parseJsonText(text: string, source: string): ParsedRows {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '');
    if (lines.length > 1 && lines.every((l) => l.trim().startsWith('{'))) return parseNdjson(text, source);
    throw new AitbcError('INVALID_INPUT', `${source}: not valid JSON (${(e as Error).message})`, { source });
  }
  if (doc !== null && typeof doc === 'object' && !Array.isArray(doc)) {
    const obj = lowerKeys(doc as Record<string, unknown>);
    const key = CONTAINER_KEYS.find((k) => Array.isArray(obj[k]));
    if (key !== undefined) {
      return parseJsonItems(
        obj[key] as unknown[],
        source,
        typeof obj.symbol === 'string' ? obj.symbol : undefined,
      );
    }
    return parseColumnar(obj, source);
  }
  if (!Array.isArray(doc)) {
    throw new AitbcError(
      'INVALID_INPUT',
      `${source}: expected a JSON array of bars or an object of columns`,
      {
        source,
      },
    );
  }
  return parseJsonItems(doc, source);
}

function lowerKeys(o: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(o)) out[k.trim().toLowerCase()] = v;
  return out;
}

const OBJECT_COLUMNS = (keys: string[], source: string): Record<keyof ColumnIndex, string | -1> => {
  const timeName = TIME_COLUMNS.find((c) => keys.includes(c));
  const missing = [
    ...(timeName === undefined ? ['time'] : []),
    ...PRICE_COLUMNS.filter((c) => !keys.includes(c)),
  ];
  if (missing.length > 0) missingColumns(source, keys, missing);
  return {
    time: timeName as string,
    open: 'open',
    high: 'high',
    low: 'low',
    close: 'close',
    volume: keys.includes('volume') ? 'volume' : -1,
    symbol: keys.includes('symbol') ? 'symbol' : -1,
  };
};

const ARRAY_COLUMNS: Record<keyof ColumnIndex, number | -1> = {
  time: 0,
  open: 1,
  high: 2,
  low: 3,
  close: 4,
  volume: 5,
  symbol: -1,
};

function parseJsonItems(
  items: unknown[],
  source: string,
  topSymbol?: string,
  whereOf = (i: number) => `item ${i}`,
): ParsedRows {
  if (items.length === 0) throw new AitbcError('INVALID_INPUT', `${source}: no data rows`, { source });
  const first = items[0];
  const arrays = Array.isArray(first);
  let col: Record<keyof ColumnIndex, string | number | -1>;
  if (arrays) col = ARRAY_COLUMNS;
  else if (first !== null && typeof first === 'object')
    col = OBJECT_COLUMNS(Object.keys(lowerKeys(first as Record<string, unknown>)), source);
  else
    throw new AitbcError('INVALID_INPUT', `${source}: ${whereOf(0)} is not an object or array`, { source });
  const rows = emptyRows(col.symbol !== -1 || topSymbol !== undefined, col.volume === -1);
  const errors: RowError[] = [];
  let errorCount = 0;
  for (let i = 0; i < items.length; i++) {
    const item = items[i];
    const where = whereOf(i);
    let problem: string | undefined;
    if (arrays) {
      if (!Array.isArray(item) || item.length < 5)
        problem = 'expected [time, open, high, low, close, volume]';
      else
        problem = pushRow(rows, where, (c: number) => item[c], col as Record<keyof ColumnIndex, number | -1>);
    } else if (item === null || typeof item !== 'object' || Array.isArray(item)) {
      problem = 'expected an object with time, open, high, low, close';
    } else {
      const obj = lowerKeys(item as Record<string, unknown>);
      problem = pushRow(rows, where, (c: string) => obj[c], col as Record<keyof ColumnIndex, string | -1>);
    }
    if (problem !== undefined) {
      errorCount++;
      if (errors.length < MAX_REPORTED) errors.push({ where, problem });
    }
  }
  if (errorCount > 0) fail(source, errors, errorCount);
  if (topSymbol !== undefined && col.symbol === -1) rows.symbol = rows.time.map(() => topSymbol);
  return rows;
}

function parseNdjson(text: string, source: string): ParsedRows {
  const items: unknown[] = [];
  const lineNo: number[] = [];
  const errors: RowError[] = [];
  text.split(/\r?\n/).forEach((line, i) => {
    if (line.trim() === '') return;
    try {
      items.push(JSON.parse(line));
      lineNo.push(i + 1);
    } catch {
      errors.push({ where: `line ${i + 1}`, problem: 'not valid JSON' });
    }
  });
  if (errors.length > 0) fail(source, errors, errors.length);
  return parseJsonItems(items, source, undefined, (i) => `line ${lineNo[i]}`);
}

function parseColumnar(obj: Record<string, unknown>, source: string): ParsedRows {
  const keys = Object.keys(obj).filter((k) => Array.isArray(obj[k]));
  const col = OBJECT_COLUMNS(keys, source);
  const n = (obj[col.time as string] as unknown[]).length;
  for (const k of Object.values(col)) {
    if (k !== -1 && (obj[k] as unknown[]).length !== n) {
      throw new AitbcError(
        'INVALID_INPUT',
        `${source}: column ${k} has ${(obj[k] as unknown[]).length} values, ${col.time} has ${n}`,
        {
          source,
        },
      );
    }
  }
  const items = Array.from({ length: n }, (_, i) => {
    const row: Record<string, unknown> = {};
    for (const k of Object.values(col)) if (k !== -1) row[k] = (obj[k] as unknown[])[i];
    return row;
  });
  return parseJsonItems(
    items,
    source,
    typeof obj.symbol === 'string' ? obj.symbol : undefined,
    (i) => `index ${i}`,
  );
}
