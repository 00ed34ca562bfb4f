/**
 * Event file parsing: CSV (header row, case-insensitive columns), NDJSON (one object per line) and a
 * JSON array. Every malformed row is reported with its line number (for a JSON array: the line where
 * the element starts). Rows out of time order are sorted stably by time and counted
 * (docs/surveillance.md). The CSV path parses fields in place with char codes because the parse is
 * most of `scan`'s time.
 */
import * as fs from 'node:fs';
import { StringDecoder } from 'node:string_decoder';
import { AitbcError } from '../core/errors.js';
import {
  BUY,
  CANCEL,
  EVENT_TYPE_NAMES,
  type EventTable,
  EventTableBuilder,
  type MarketEvent,
  ORDER,
  type RawRow,
  type RowError,
  SELL,
  TRADE,
} from './events.js';

export type EventFormat = 'csv' | 'ndjson' | 'json';

export interface ParseOptions {
  /** 'fail' (default) throws INVALID_INPUT listing the bad rows; 'skip' drops them and reports them. */
  onInvalid?: 'fail' | 'skip';
  /** How many row errors to keep in the report (all are counted). Default 50. */
  maxErrors?: number;
}

export interface ParseResult {
  table: EventTable;
  format: EventFormat;
  /** the first `maxErrors` malformed rows */
  errors: RowError[];
  /** every malformed row */
  errorCount: number;
  /** rows whose time was earlier than the row before them (they were sorted into place) */
  outOfOrder: number;
  bytes: number;
}

/** Receives validated rows (a reused RawRow: copy what you keep); returns an error message to reject one. */
export interface RowSink {
  row(r: RawRow): string | undefined;
}

/** A sink that fills an EventTableBuilder. */
export function builderSink(b: EventTableBuilder): RowSink {
  return {
    row: (r) => {
      b.addRow(r);
      return undefined;
    },
  };
}

/** A sink that hands each row over as a MarketEvent (the live feed's path). */
export function eventSink(onEvent: (e: MarketEvent, line: number) => string | undefined): RowSink {
  return {
    row: (r) => {
      const s = r.src;
      const orderId = s.slice(r.oid0, r.oid1);
      return onEvent(
        {
          time: r.time,
          type: EVENT_TYPE_NAMES[r.type],
          id: s.slice(r.id0, r.id1),
          account: s.slice(r.acc0, r.acc1),
          side: r.side > 0 ? 'buy' : r.side < 0 ? 'sell' : '',
          price: r.price,
          qty: r.qty,
          orderId,
          counterparty: s.slice(r.cp0, r.cp1),
        },
        r.line,
      );
    },
  };
}

const COLUMN_ALIASES: Record<string, Column> = {
  time: 'time',
  timestamp: 'time',
  type: 'type',
  id: 'id',
  account: 'account',
  side: 'side',
  price: 'price',
  qty: 'qty',
  quantity: 'qty',
  order_id: 'order_id',
  orderid: 'order_id',
  counterparty: 'counterparty',
};
const COLUMNS = [
  'time',
  'type',
  'id',
  'account',
  'side',
  'price',
  'qty',
  'order_id',
  'counterparty',
] as const;
type Column = (typeof COLUMNS)[number];
const REQUIRED_COLUMNS: Column[] = ['time', 'type', 'id', 'account'];

/**
 * Parses a timestamp: epoch milliseconds (digits, optional fraction) or ISO 8601. An ISO time without
 * a zone is read as UTC. Returns NaN when it is neither.
 */
export function parseTimestamp(s: string): number {
  return parseTimeAt(s, 0, s.length);
}

/** Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil). */
export function daysFromCivil(y: number, m: number, d: number): number {
  const yy = m <= 2 ? y - 1 : y;
  const era = Math.floor(yy / 400);
  const yoe = yy - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146_097 + doe - 719_468;
}

function digit(c: number): number {
  return c >= 48 && c <= 57 ? c - 48 : -1;
}

/** Two decimal digits at t[i], or −1000 when either is not a digit. */
function twoDigits(t: string, i: number): number {
  const hi = t.charCodeAt(i) - 48;
  const lo = t.charCodeAt(i + 1) - 48;
  return hi < 0 || hi > 9 || lo < 0 || lo > 9 ? -1000 : hi * 10 + lo;
}

/** The UTC day start (ms) of the last date parsed, so rows of one day skip the calendar arithmetic. */
let lastDayKey = -1;
let lastDayMs = 0;
function parseTimeAt(t: string, a: number, b: number): number {
  while (a < b && t.charCodeAt(a) === 32) a++;
  while (b > a && t.charCodeAt(b - 1) === 32) b--;
  if (a >= b) return Number.NaN;
  // Fast path: YYYY-MM-DDTHH:MM:SS[.fff]Z, the shape the generator and most exporters write.
  if (
    b - a >= 20 &&
    t.charCodeAt(a + 4) === 45 &&
    t.charCodeAt(a + 10) === 84 &&
    t.charCodeAt(b - 1) === 90
  ) {
    const century = twoDigits(t, a);
    const yy = twoDigits(t, a + 2);
    const year = century < 0 || yy < 0 ? -1 : century * 100 + yy;
    const mon = twoDigits(t, a + 5);
    const day = twoDigits(t, a + 8);
    const hh = twoDigits(t, a + 11);
    const mm = twoDigits(t, a + 14);
    const ss = twoDigits(t, a + 17);
    let ms = 0;
    let ok = t.charCodeAt(a + 7) === 45 && t.charCodeAt(a + 13) === 58 && t.charCodeAt(a + 16) === 58;
    const fracEnd = b - 1;
    if (a + 19 < fracEnd) {
      if (t.charCodeAt(a + 19) !== 46) ok = false;
      let scale = 100;
      for (let i = a + 20; i < fracEnd; i++) {
        const d = digit(t.charCodeAt(i));
        if (d < 0) ok = false;
        ms += d * scale;
        scale /= 10;
      }
    }
    if (ok && year >= 1000 && mon >= 1 && mon <= 12 && day >= 1 && day <= 31 && hh >= 0 && hh < 24) {
      if (mm >= 0 && mm < 60 && ss >= 0 && ss < 60) {
        const key = (year * 100 + mon) * 100 + day;
        if (key !== lastDayKey) {
          lastDayKey = key;
          lastDayMs = daysFromCivil(year, mon, day) * 86_400_000;
        }
        return lastDayMs + ((hh * 60 + mm) * 60 + ss) * 1000 + Math.floor(ms);
      }
    }
  }
  const s = t.slice(a, b);
  if (/^[0-9]+(\.[0-9]+)?$/.test(s)) return Number(s);
  if (!/^[0-9]{4}-[0-9]{2}-[0-9]{2}/.test(s)) return Number.NaN;
  const zoned = /(Z|[+-][0-9]{2}:?[0-9]{2})$/i.test(s) ? s : `${s.replace(' ', 'T')}Z`;
  return Date.parse(zoned);
}

/** A decimal number from t[a, b): digits with one optional point and sign; NaN otherwise. */
function parseNumberAt(t: string, a: number, b: number): number {
  while (a < b && t.charCodeAt(a) === 32) a++;
  while (b > a && t.charCodeAt(b - 1) === 32) b--;
  if (a >= b) return Number.NaN;
  let neg = false;
  let i = a;
  if (t.charCodeAt(i) === 45) {
    neg = true;
    i++;
  }
  let v = 0;
  let digits = 0;
  for (; i < b; i++) {
    const d = digit(t.charCodeAt(i));
    if (d < 0) break;
    v = v * 10 + d;
    digits++;
  }
  if (i < b && t.charCodeAt(i) === 46) {
    i++;
    let scale = 0.1;
    let frac = 0;
    for (; i < b; i++) {
      const d = digit(t.charCodeAt(i));
      if (d < 0) break;
      frac += d * scale;
      scale /= 10;
      digits++;
    }
    // Summing scaled digits loses the last ulp on long fractions; re-parse those exactly.
    if (i === b && digits > 15) return Number(t.slice(a, b));
    v += frac;
  }
  if (i !== b || digits === 0 || digits > 15) {
    const n = Number(t.slice(a, b));
    return Number.isFinite(n) ? n : Number.NaN;
  }
  return neg ? -v : v;
}

/** Classifies a field as event type (−1 when unknown). */
function typeAt(t: string, a: number, b: number): number {
  const len = b - a;
  if (len === 5 && t.startsWith('order', a)) return ORDER;
  if (len === 5 && t.startsWith('trade', a)) return TRADE;
  if (len === 6 && t.startsWith('cancel', a)) return CANCEL;
  const s = t.slice(a, b).trim().toLowerCase();
  return (EVENT_TYPE_NAMES as readonly string[]).indexOf(s);
}

/** BUY, SELL, 0 for empty, NaN when unknown. */
function sideAt(t: string, a: number, b: number): number {
  const len = b - a;
  if (len === 3 && t.startsWith('buy', a)) return BUY;
  if (len === 4 && t.startsWith('sell', a)) return SELL;
  const s = t.slice(a, b).trim().toLowerCase();
  if (s === '') return 0;
  if (s === 'buy') return BUY;
  if (s === 'sell') return SELL;
  return Number.NaN;
}

type CheckedField = 'type' | 'side' | 'price' | 'qty';

/** Gives the raw text of a field of the current row, for error messages only. */
interface FieldText {
  fieldText(field: CheckedField): string;
}

/**
 * Checks one row (numbers parsed, text as ranges) and returns what is wrong, or undefined. The texts
 * of the type, side, price and qty fields are only needed for the message, so they are fetched lazily.
 */
function validateRow(r: RawRow, src: FieldText): string | undefined {
  if (r.type < 0) return `unknown type "${src.fieldText('type')}" (expected order, cancel or trade)`;
  if (!Number.isFinite(r.time) || r.time < 0) return 'time is not an ISO 8601 time or epoch milliseconds';
  if (r.id1 === r.id0) return 'id is empty';
  if (r.acc1 === r.acc0) return 'account is empty';
  if (Number.isNaN(r.side)) return `side must be buy or sell, got "${src.fieldText('side')}"`;
  const full = r.type !== CANCEL;
  if (full && r.side === 0) return `side is required on a${r.type === ORDER ? 'n order' : ' trade'}`;
  if (!(r.price > 0)) {
    const raw = src.fieldText('price');
    if (full || raw !== '') return `price must be a positive number, got "${raw}"`;
    r.price = Number.NaN;
  }
  if (!(r.qty > 0)) {
    const raw = src.fieldText('qty');
    if (full || raw !== '') return `qty must be a positive number, got "${raw}"`;
    r.qty = Number.NaN;
  }
  if (r.type === CANCEL && r.oid1 === r.oid0) return 'a cancel needs order_id';
  if (r.type === TRADE && r.cp1 === r.cp0) return 'a trade needs counterparty (the resting account)';
  if (r.type !== TRADE) r.cp1 = r.cp0;
  return undefined;
}

/** The first index of t[a, b) that is not a space. */
function trimStart(t: string, a: number, b: number): number {
  while (a < b && t.charCodeAt(a) === 32) a++;
  return a;
}

/** One past the last index of t[a, b) that is not a space. */
function trimEnd(t: string, a: number, b: number): number {
  while (b > a && t.charCodeAt(b - 1) === 32) b--;
  return b;
}

/** Splits an RFC 4180 line with quotes into fields (the slow path for lines holding `"`). */
function splitQuoted(line: string): string[] | undefined {
  const out: string[] = [];
  let i = 0;
  let cur = '';
  let quoted = false;
  while (i < line.length) {
    const c = line[i];
    if (quoted) {
      if (c === '"') {
        if (line[i + 1] === '"') {
          cur += '"';
          i += 2;
          continue;
        }
        quoted = false;
        i++;
        continue;
      }
      cur += c;
      i++;
      continue;
    }
    if (c === '"') {
      if (cur.trim() !== '') return undefined;
      cur = '';
      quoted = true;
    } else if (c === ',') {
      out.push(cur);
      cur = '';
    } else cur += c;
    i++;
  }
  if (quoted) return undefined;
  out.push(cur);
  return out;
}

/**
 * An incremental parser: feed text chunks in order, call `end()` once. Detects the format from the
 * first non-blank character: `[` a JSON array (buffered whole), `{` NDJSON, anything else CSV with a
 * header row.
 */
export class EventStreamParser {
  private carry = '';
  private lineNo = 0;
  private format: EventFormat | undefined;
  private columnOf: Int32Array | undefined;
  private ncols = 0;
  private jsonText: string[] = [];
  private ended = false;
  errorCount = 0;
  readonly errors: RowError[] = [];
  private readonly maxErrors: number;

  constructor(
    private readonly sink: RowSink,
    opts: { maxErrors?: number; format?: EventFormat } = {},
  ) {
    this.maxErrors = opts.maxErrors ?? 50;
    this.format = opts.format;
  }

  get detectedFormat(): EventFormat | undefined {
    return this.format;
  }

  private error(line: number, message: string): void {
    this.errorCount++;
    if (this.errors.length < this.maxErrors) this.errors.push({ line, message });
  }

  /** Parses every complete line in `chunk` (the rest waits for the next chunk). */
  push(chunk: string): void {
    if (this.ended) throw new AitbcError('INTERNAL', 'parser already ended');
    if (this.format === undefined) {
      const probe = (this.carry + chunk).trimStart();
      if (probe === '') {
        this.carry += chunk;
        return;
      }
      const c = probe[0];
      this.format = c === '[' ? 'json' : c === '{' ? 'ndjson' : 'csv';
    }
    if (this.format === 'json') {
      this.jsonText.push(chunk);
      return;
    }
    const text = this.carry === '' ? chunk : this.carry + chunk;
    const last = text.lastIndexOf('\n');
    if (last < 0) {
      this.carry = text;
      return;
    }
    this.carry = text.slice(last + 1);
    this.lines(text, 0, last + 1);
  }

  /** Parses what is left. */
  end(): void {
    if (this.ended) return;
    this.ended = true;
    if (this.format === 'json') {
      this.jsonArray((this.carry + this.jsonText.join('')).trim());
      return;
    }
    if (this.carry !== '') {
      const t = this.carry;
      this.carry = '';
      this.lines(t, 0, t.length);
    }
    if (this.format !== 'ndjson' && this.columnOf === undefined && this.errorCount === 0) {
      this.error(1, 'empty file: expected a CSV header row');
    }
  }

  /** Position of the next `"` in the current text at or after the current line (−1: none left). */
  private nextQuote = -1;

  private lines(text: string, from: number, to: number): void {
    let pos = from;
    this.nextQuote = text.indexOf('"', from);
    while (pos < to) {
      let nl = text.indexOf('\n', pos);
      if (nl < 0 || nl >= to) nl = to;
      let end = nl;
      if (end > pos && text.charCodeAt(end - 1) === 13) end--;
      this.lineNo++;
      if (end > pos) {
        if (this.format === 'csv') this.csvLine(text, pos, end);
        else this.ndjsonLine(text.slice(pos, end));
      }
      pos = nl + 1;
    }
  }

  private csvHeader(text: string, a: number, b: number): void {
    const line = text.slice(a, b).replace(/^\uFEFF/, '');
    const names = (line.includes('"') ? (splitQuoted(line) ?? []) : line.split(',')).map((s) =>
      s.trim().toLowerCase(),
    );
    const columnOf = new Int32Array(COLUMNS.length).fill(-1);
    names.forEach((name, i) => {
      const col = COLUMN_ALIASES[name];
      if (col !== undefined && columnOf[COLUMNS.indexOf(col)] < 0) columnOf[COLUMNS.indexOf(col)] = i;
    });
    const missing = REQUIRED_COLUMNS.filter((c) => columnOf[COLUMNS.indexOf(c)] < 0);
    if (missing.length > 0) {
      throw new AitbcError(
        'INVALID_INPUT',
        `line ${this.lineNo}: the CSV header lacks column(s) ${missing.join(', ')} (columns: ${COLUMNS.join(', ')})`,
        { line: this.lineNo, missing },
      );
    }
    this.columnOf = columnOf;
    this.ncols = names.length;
  }

  /** Field boundaries of the current CSV line: [start, end) pairs. */
  private readonly bounds = new Int32Array(64);
  /** Column number per field kind (COLUMNS order), −1 when the header lacks it. */
  private col: Int32Array = new Int32Array(COLUMNS.length);

  /** The row being parsed (reused). */
  private readonly raw: RawRow = {
    line: 0,
    time: 0,
    type: 0,
    side: 0,
    price: 0,
    qty: 0,
    src: '',
    id0: 0,
    id1: 0,
    acc0: 0,
    acc1: 0,
    oid0: 0,
    oid1: 0,
    cp0: 0,
    cp1: 0,
  };

  /** The trimmed text of a column of the current line ('' when the header lacks the column). */
  private field(src: string, column: number): string {
    const c = this.col[column];
    if (c < 0) return '';
    const a = trimStart(src, this.bounds[2 * c], this.bounds[2 * c + 1]);
    return src.slice(a, trimEnd(src, a, this.bounds[2 * c + 1]));
  }

  /** The trimmed start of a text column (0 when the header lacks it). */
  private from(src: string, column: number): number {
    const c = this.col[column];
    return c < 0 ? 0 : trimStart(src, this.bounds[2 * c], this.bounds[2 * c + 1]);
  }

  /** The trimmed end of a text column that starts at `a` (0 when the header lacks it). */
  private to(src: string, column: number, a: number): number {
    const c = this.col[column];
    return c < 0 ? 0 : trimEnd(src, a, this.bounds[2 * c + 1]);
  }

  private csvLine(text: string, a: number, b: number): void {
    if (this.columnOf === undefined) {
      this.csvHeader(text, a, b);
      this.col = this.columnOf!;
      return;
    }
    const line = this.lineNo;
    const bounds = this.bounds;
    let src = text;
    let nf = 0;
    // Quoted fields take the slow path through splitQuoted.
    if (this.nextQuote >= 0 && this.nextQuote < a) this.nextQuote = text.indexOf('"', a);
    if (this.nextQuote >= 0 && this.nextQuote < b) {
      const fields = splitQuoted(text.slice(a, b));
      if (fields === undefined) return this.error(line, 'unbalanced quotes');
      src = fields.join('\u0000');
      let p = 0;
      for (const f of fields) {
        if (nf >= 31) break;
        bounds[2 * nf] = p;
        bounds[2 * nf + 1] = p + f.length;
        p += f.length + 1;
        nf++;
      }
    } else {
      let p = a;
      while (nf < 31) {
        let c = text.indexOf(',', p);
        if (c < 0 || c > b) c = b;
        bounds[2 * nf] = p;
        bounds[2 * nf + 1] = c;
        nf++;
        if (c >= b) break;
        p = c + 1;
      }
    }
    if (nf < this.ncols) {
      if (src.slice(bounds[0], bounds[2 * nf - 1]).trim() === '') return;
      return this.error(line, `expected ${this.ncols} fields, got ${nf}`);
    }
    const col = this.col;
    const r = this.raw;
    r.line = line;
    r.src = src;
    const c0 = 2 * col[0];
    r.time = parseTimeAt(src, bounds[c0], bounds[c0 + 1]);
    const ct = 2 * col[1];
    r.type = typeAt(src, bounds[ct], bounds[ct + 1]);
    const cs = 2 * col[4];
    r.side = cs >= 0 ? sideAt(src, bounds[cs], bounds[cs + 1]) : 0;
    const cp = 2 * col[5];
    r.price = cp >= 0 ? parseNumberAt(src, bounds[cp], bounds[cp + 1]) : Number.NaN;
    const cq = 2 * col[6];
    r.qty = cq >= 0 ? parseNumberAt(src, bounds[cq], bounds[cq + 1]) : Number.NaN;
    r.id0 = this.from(src, 2);
    r.id1 = this.to(src, 2, r.id0);
    r.acc0 = this.from(src, 3);
    r.acc1 = this.to(src, 3, r.acc0);
    r.oid0 = this.from(src, 7);
    r.oid1 = this.to(src, 7, r.oid0);
    r.cp0 = this.from(src, 8);
    r.cp1 = this.to(src, 8, r.cp0);
    const err = validateRow(r, this) ?? this.sink.row(r);
    if (err !== undefined) this.error(line, err);
  }

  /** The raw text of a checked field of the current CSV row (for messages). */
  fieldText(f: CheckedField): string {
    return this.field(this.raw.src, f === 'type' ? 1 : f === 'side' ? 4 : f === 'price' ? 5 : 6);
  }

  private ndjsonLine(raw: string): void {
    const line = this.lineNo;
    const trimmed = raw.trim();
    if (trimmed === '') return;
    let obj: unknown;
    try {
      obj = JSON.parse(trimmed);
    } catch {
      return this.error(line, 'not a JSON object');
    }
    this.objectRow(obj, line);
  }

  private objectRow(obj: unknown, line: number, element?: number): void {
    const where = element === undefined ? '' : `element ${element}: `;
    if (typeof obj !== 'object' || obj === null || Array.isArray(obj)) {
      return this.error(line, `${where}not a JSON object`);
    }
    const o: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(obj)) {
      const col = COLUMN_ALIASES[k.toLowerCase()];
      if (col !== undefined && !(col in o)) o[col] = v;
    }
    const text = (v: unknown) => (v === undefined || v === null ? '' : String(v).trim());
    const num = (v: unknown) => (typeof v === 'number' ? v : text(v) === '' ? Number.NaN : Number(text(v)));
    const id = text(o.id);
    const account = text(o.account);
    const orderId = text(o.order_id);
    const cp = text(o.counterparty);
    const r = this.raw;
    r.line = line;
    r.src = `${id}\u0000${account}\u0000${orderId}\u0000${cp}`;
    r.id0 = 0;
    r.id1 = id.length;
    r.acc0 = id.length + 1;
    r.acc1 = r.acc0 + account.length;
    r.oid0 = r.acc1 + 1;
    r.oid1 = r.oid0 + orderId.length;
    r.cp0 = r.oid1 + 1;
    r.cp1 = r.cp0 + cp.length;
    const typeText = text(o.type).toLowerCase();
    const sideText = text(o.side);
    r.type = (EVENT_TYPE_NAMES as readonly string[]).indexOf(typeText);
    r.side = sideAt(sideText.toLowerCase(), 0, sideText.length);
    r.time = typeof o.time === 'number' ? o.time : parseTimestamp(text(o.time));
    r.price = num(o.price);
    r.qty = num(o.qty);
    const fields: FieldText = {
      fieldText: (f) => (f === 'type' ? typeText : f === 'side' ? sideText : text(o[f])),
    };
    const err = validateRow(r, fields) ?? this.sink.row(r);
    if (err !== undefined) this.error(line, where + err);
  }

  private jsonArray(text: string): void {
    let arr: unknown;
    try {
      arr = JSON.parse(text);
    } catch (e) {
      throw new AitbcError('INVALID_INPUT', `not valid JSON: ${(e as Error).message}`, {});
    }
    if (!Array.isArray(arr))
      throw new AitbcError('INVALID_INPUT', 'a JSON event file must hold an array', {});
    const lines = elementLines(text, arr.length);
    for (let i = 0; i < arr.length; i++) this.objectRow(arr[i], lines[i], i + 1);
  }
}

/** The 1-based line where each top-level element of a JSON array starts. */
function elementLines(text: string, count: number): Int32Array {
  const out = new Int32Array(count);
  let line = 1;
  let depth = 0;
  let inString = false;
  let k = 0;
  let expectStart = false;
  for (let i = 0; i < text.length && k < count; i++) {
    const c = text.charCodeAt(i);
    if (c === 10) line++;
    if (inString) {
      if (c === 92) i++;
      else if (c === 34) inString = false;
      continue;
    }
    if (c === 34) inString = true;
    if (depth === 1 && expectStart && c > 32 && c !== 44) {
      out[k++] = line;
      expectStart = false;
    }
    if (c === 91 || c === 123) {
      depth++;
      if (depth === 1) expectStart = true;
    } else if (c === 93 || c === 125) depth--;
    else if (c === 44 && depth === 1) expectStart = true;
  }
  return out;
}

function finishParse(
  builder: EventTableBuilder,
  parser: EventStreamParser,
  opts: ParseOptions,
  bytes: number,
): ParseResult {
  const dups = builder.duplicateIds();
  const maxErrors = opts.maxErrors ?? 50;
  const errorCount = parser.errorCount + dups.length;
  const errors = [...parser.errors, ...dups.map(({ line, message }) => ({ line, message }))]
    .sort((a, b) => a.line - b.line)
    .slice(0, maxErrors);
  if (errorCount > 0 && (opts.onInvalid ?? 'fail') === 'fail') {
    const first = errors[0];
    throw new AitbcError(
      'INVALID_INPUT',
      `${errorCount} malformed event row(s); first at line ${first.line}: ${first.message}`,
      { errorCount, errors },
      { hint: 'fix the rows, or pass --skip-invalid to drop them' },
    );
  }
  return {
    table: builder.finish(new Set(dups.map((d) => d.row))),
    format: parser.detectedFormat ?? 'csv',
    errors,
    errorCount,
    outOfOrder: builder.outOfOrderRows,
    bytes,
  };
}

/** Parses events from text. @throws AitbcError INVALID_INPUT on malformed rows (unless skipping). */
export function parseEventsText(text: string, opts: ParseOptions = {}): ParseResult {
  const builder = new EventTableBuilder(estimateRows(text.length));
  const parser = new EventStreamParser(builderSink(builder), opts);
  parser.push(text);
  parser.end();
  return finishParse(builder, parser, opts, Buffer.byteLength(text));
}

/** A row-count guess from the byte size, to size the columns once. */
function estimateRows(bytes: number): number {
  return Math.ceil(bytes / 60) + 16;
}

/**
 * Parses an event file in 8 MiB chunks (no file-size limit from string length).
 * @throws AitbcError MISSING_INPUT when the file cannot be read; INVALID_INPUT on malformed rows.
 */
export function parseEventsFile(file: string, opts: ParseOptions = {}): ParseResult {
  let fd: number;
  try {
    fd = fs.openSync(file, 'r');
  } catch (e) {
    throw new AitbcError('MISSING_INPUT', `cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? e}`, {
      file,
    });
  }
  try {
    const size = fs.fstatSync(fd).size;
    const builder = new EventTableBuilder(estimateRows(size));
    const parser = new EventStreamParser(builderSink(builder), opts);
    const decoder = new StringDecoder('utf8');
    const buf = Buffer.allocUnsafe(8 << 20);
    let total = 0;
    for (;;) {
      const n = fs.readSync(fd, buf, 0, buf.length, null);
      if (n === 0) break;
      total += n;
      parser.push(decoder.write(buf.subarray(0, n)));
    }
    const rest = decoder.end();
    if (rest) parser.push(rest);
    parser.end();
    return finishParse(builder, parser, opts, total);
  } finally {
    fs.closeSync(fd);
  }
}

/** The CSV header the writers use. */
export const CSV_HEADER = 'time,type,id,account,side,price,qty,order_id,counterparty';

function csvField(s: string): string {
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** One event as a CSV line (no newline), times as RFC 3339. */
export function eventToCsv(e: MarketEvent): string {
  return [
    new Date(e.time).toISOString(),
    e.type,
    csvField(e.id),
    csvField(e.account),
    e.side,
    Number.isNaN(e.price) ? '' : String(e.price),
    Number.isNaN(e.qty) ? '' : String(e.qty),
    csvField(e.orderId),
    csvField(e.counterparty),
  ].join(',');
}

/** One event as an NDJSON object (times as RFC 3339). */
export function eventToJson(e: MarketEvent): Record<string, unknown> {
  return {
    time: new Date(e.time).toISOString(),
    type: e.type,
    id: e.id,
    account: e.account,
    side: e.side,
    price: Number.isNaN(e.price) ? null : e.price,
    qty: Number.isNaN(e.qty) ? null : e.qty,
    order_id: e.orderId,
    counterparty: e.counterparty,
  };
}
