/**
 * Market events in columnar form. Detectors walk typed arrays with accounts interned to integers,
 * which is what lets `scan` keep up with hundreds of thousands of events a second; strings (ids,
 * account names) are only made when an alert is written. Ids that are plain decimal integers (the
 * usual exchange sequence numbers) are kept as numbers, so parsing a row allocates nothing.
 *
 * Row semantics (docs/surveillance.md): an `order` row's order id is its `order_id` or, when empty, its
 * `id`; a `cancel` row names the cancelled order in `order_id`; a `trade` row's `account` and `side` are
 * the aggressor's, `counterparty` the resting account and `order_id` the resting order (may be empty).
 */
import { AitbcError } from '../core/errors.js';

export const ORDER = 0;
export const CANCEL = 1;
export const TRADE = 2;
export const EVENT_TYPE_NAMES = ['order', 'cancel', 'trade'] as const;
export type EventTypeName = (typeof EVENT_TYPE_NAMES)[number];

export const BUY = 1;
export const SELL = -1;

/** One event as a plain object (the generator's output and the row shape of the file formats). */
export interface MarketEvent {
  /** unix ms */
  time: number;
  type: EventTypeName;
  id: string;
  account: string;
  side: 'buy' | 'sell' | '';
  /** NaN when absent (a cancel may omit it) */
  price: number;
  qty: number;
  orderId: string;
  counterparty: string;
}

/** Events sorted by time, one entry per event in every array. */
export interface EventTable {
  length: number;
  /** unix ms */
  time: Float64Array;
  /** ORDER | CANCEL | TRADE */
  type: Uint8Array;
  /** BUY | SELL, 0 when unknown */
  side: Int8Array;
  /** index into `accounts` */
  account: Int32Array;
  /** index into `accounts`, −1 when none */
  counterparty: Int32Array;
  /** NaN when unknown */
  price: Float64Array;
  qty: Float64Array;
  /** for cancels and trades: index of the referenced order event, −1 when not in the data */
  orderRef: Int32Array;
  /** 1-based source line (or element number for a JSON array) */
  line: Int32Array;
  /** account names by index */
  accounts: string[];
  /** the id of event i */
  id(i: number): string;
}

/** A malformed row: its line number and what is wrong. */
export interface RowError {
  line: number;
  message: string;
}

/**
 * The value of t[a, b) when it is a canonical decimal integer of at most 15 digits (no sign, no
 * leading zero), whose String() is the same text; NaN otherwise.
 */
export function canonicalIntAt(t: string, a: number, b: number): number {
  const len = b - a;
  if (len < 1 || len > 15) return Number.NaN;
  let v = 0;
  for (let i = a; i < b; i++) {
    const d = t.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return Number.NaN;
    v = v * 10 + d;
  }
  if (len > 1 && t.charCodeAt(a) === 48) return Number.NaN;
  return v;
}

/**
 * Interns names given as ranges of a larger string without slicing them first: an open-addressing
 * table over an FNV-1a hash of the characters, compared in place. Only a new name is sliced.
 */
export class NameInterner {
  readonly names: string[] = [];
  private slots: Int32Array;
  private hashes: Int32Array;
  private mask: number;

  constructor() {
    this.slots = new Int32Array(1024).fill(-1);
    this.hashes = new Int32Array(1024);
    this.mask = 1023;
  }

  private static hash(t: string, a: number, b: number): number {
    let h = 0x811c9dc5;
    for (let i = a; i < b; i++) h = Math.imul(h ^ t.charCodeAt(i), 0x01000193);
    return h ^ (h >>> 15);
  }

  /** The index of t[a, b), adding it when new. */
  internRange(t: string, a: number, b: number): number {
    const h = NameInterner.hash(t, a, b);
    const len = b - a;
    let i = h & this.mask;
    for (;;) {
      const k = this.slots[i];
      if (k < 0) break;
      if (this.hashes[i] === h) {
        const name = this.names[k];
        if (name.length === len && t.startsWith(name, a)) return k;
      }
      i = (i + 1) & this.mask;
    }
    const k = this.names.length;
    this.names.push(t.slice(a, b));
    this.slots[i] = k;
    this.hashes[i] = h;
    if (this.names.length * 2 > this.mask) this.grow();
    return k;
  }

  intern(name: string): number {
    return this.internRange(name, 0, name.length);
  }

  private grow(): void {
    const size = (this.mask + 1) * 2;
    this.slots = new Int32Array(size).fill(-1);
    this.hashes = new Int32Array(size);
    this.mask = size - 1;
    this.names.forEach((name, k) => {
      const h = NameInterner.hash(name, 0, name.length);
      let i = h & this.mask;
      while (this.slots[i] >= 0) i = (i + 1) & this.mask;
      this.slots[i] = k;
      this.hashes[i] = h;
    });
  }
}

/**
 * One parsed row: numbers already parsed, text fields as trimmed [start, end) ranges of `src`
 * (empty range = absent). Reused from row to row; a sink must copy what it keeps.
 */
export interface RawRow {
  line: number;
  time: number;
  type: number;
  side: number;
  price: number;
  qty: number;
  src: string;
  id0: number;
  id1: number;
  acc0: number;
  acc1: number;
  oid0: number;
  oid1: number;
  cp0: number;
  cp1: number;
}

/** Ids kept as numbers while every one is a canonical integer, else as strings. */
class IdColumn {
  num: Float64Array;
  str: string[] | undefined;

  constructor(cap: number) {
    this.num = new Float64Array(cap);
  }

  grow(cap: number): void {
    const g = new Float64Array(cap);
    g.set(this.num);
    this.num = g;
  }

  /** Stores t[a, b) at row i ('' allowed: stored as NaN / ''). */
  set(i: number, t: string, a: number, b: number): void {
    if (this.str === undefined) {
      const v = a === b ? Number.NaN : canonicalIntAt(t, a, b);
      if (a === b || !Number.isNaN(v)) {
        this.num[i] = v;
        return;
      }
      this.str = Array.from(this.num.subarray(0, i), (x) => (Number.isNaN(x) ? '' : String(x)));
    }
    this.str[i] = t.slice(a, b);
  }

  get(i: number): string {
    if (this.str !== undefined) return this.str[i];
    const v = this.num[i];
    return Number.isNaN(v) ? '' : String(v);
  }
}

/**
 * Accumulates rows, then sorts and links them into an EventTable. Used by the file parsers, the live
 * watcher and the generator, so every path checks the same rules.
 */
export class EventTableBuilder {
  private n = 0;
  private cap: number;
  private time: Float64Array;
  private type: Uint8Array;
  private side: Int8Array;
  private account: Int32Array;
  private counterparty: Int32Array;
  private price: Float64Array;
  private qty: Float64Array;
  private line: Int32Array;
  private readonly ids: IdColumn;
  /** own order id for orders, the referenced order id otherwise ('' when none) */
  private readonly keys: IdColumn;
  private readonly names = new NameInterner();
  private outOfOrder = 0;
  private lastTime = Number.NEGATIVE_INFINITY;

  constructor(capacity = 1024) {
    this.cap = Math.max(16, capacity);
    this.time = new Float64Array(this.cap);
    this.type = new Uint8Array(this.cap);
    this.side = new Int8Array(this.cap);
    this.account = new Int32Array(this.cap);
    this.counterparty = new Int32Array(this.cap);
    this.price = new Float64Array(this.cap);
    this.qty = new Float64Array(this.cap);
    this.line = new Int32Array(this.cap);
    this.ids = new IdColumn(this.cap);
    this.keys = new IdColumn(this.cap);
  }

  get size(): number {
    return this.n;
  }

  /** How many rows arrived with a time earlier than the row before them. */
  get outOfOrderRows(): number {
    return this.outOfOrder;
  }

  private grow(): void {
    const cap = this.cap * 2;
    const g = <A extends Float64Array | Uint8Array | Int8Array | Int32Array>(
      a: A,
      C: new (n: number) => A,
    ): A => {
      const b = new C(cap);
      b.set(a);
      return b;
    };
    this.time = g(this.time, Float64Array);
    this.type = g(this.type, Uint8Array);
    this.side = g(this.side, Int8Array);
    this.account = g(this.account, Int32Array);
    this.counterparty = g(this.counterparty, Int32Array);
    this.price = g(this.price, Float64Array);
    this.qty = g(this.qty, Float64Array);
    this.line = g(this.line, Int32Array);
    this.ids.grow(cap);
    this.keys.grow(cap);
    this.cap = cap;
  }

  /** Adds one validated row. Repeated ids are found by `duplicateIds()` (one sort, no hash set). */
  addRow(r: RawRow): void {
    if (this.n === this.cap) this.grow();
    const i = this.n++;
    if (r.time < this.lastTime) this.outOfOrder++;
    else this.lastTime = r.time;
    const s = r.src;
    this.time[i] = r.time;
    this.type[i] = r.type;
    this.side[i] = r.side;
    this.account[i] = this.names.internRange(s, r.acc0, r.acc1);
    this.counterparty[i] = r.cp1 > r.cp0 ? this.names.internRange(s, r.cp0, r.cp1) : -1;
    this.price[i] = r.price;
    this.qty[i] = r.qty;
    this.line[i] = r.line;
    this.ids.set(i, s, r.id0, r.id1);
    if (r.type !== ORDER || r.oid1 > r.oid0) this.keys.set(i, s, r.oid0, r.oid1);
    else if (this.ids.str === undefined && this.keys.str === undefined) this.keys.num[i] = this.ids.num[i];
    else this.keys.set(i, s, r.id0, r.id1);
  }

  /** Adds a MarketEvent (the generator's and the live watcher's path). */
  addEvent(e: MarketEvent, line: number): void {
    const src = `${e.id}\u0000${e.account}\u0000${e.orderId}\u0000${e.counterparty}`;
    const a = e.id.length + 1;
    const b = a + e.account.length + 1;
    const c = b + e.orderId.length + 1;
    this.addRow({
      line,
      time: e.time,
      type: EVENT_TYPE_NAMES.indexOf(e.type),
      side: e.side === 'buy' ? BUY : e.side === 'sell' ? SELL : 0,
      price: e.price,
      qty: e.qty,
      src,
      id0: 0,
      id1: e.id.length,
      acc0: a,
      acc1: a + e.account.length,
      oid0: b,
      oid1: b + e.orderId.length,
      cp0: c,
      cp1: c + e.counterparty.length,
    });
  }

  /**
   * Rows whose id repeats an earlier row's, as errors with line numbers (every occurrence after the
   * first). Found with one native sort of the ids.
   */
  duplicateIds(): Array<RowError & { row: number }> {
    const n = this.n;
    let dup: Set<string> | Set<number>;
    if (this.ids.str === undefined) {
      const sorted = this.ids.num.slice(0, n).sort();
      const d = new Set<number>();
      for (let i = 1; i < n; i++) if (sorted[i] === sorted[i - 1]) d.add(sorted[i]);
      dup = d;
    } else {
      const sorted = this.ids.str.slice(0, n).sort();
      const d = new Set<string>();
      for (let i = 1; i < n; i++) if (sorted[i] === sorted[i - 1]) d.add(sorted[i]);
      dup = d;
    }
    if (dup.size === 0) return [];
    const firstLine = new Map<string, number>();
    const errors: Array<RowError & { row: number }> = [];
    for (let i = 0; i < n; i++) {
      const id = this.ids.get(i);
      if (!(dup as Set<string | number>).has(this.ids.str === undefined ? this.ids.num[i] : id)) continue;
      const first = firstLine.get(id);
      if (first === undefined) firstLine.set(id, this.line[i]);
      else
        errors.push({ row: i, line: this.line[i], message: `duplicate id "${id}" (first at line ${first})` });
    }
    return errors;
  }

  /**
   * Sorts rows by time (stable: rows with equal times keep file order), links cancels and trades to
   * their orders and fills a cancel's missing side, price and quantity from its order. Rows in
   * `dropRows` (repeated ids being skipped, by order of arrival) are left out.
   */
  finish(dropRows?: ReadonlySet<number>): EventTable {
    let keep: number[] | undefined;
    if (dropRows && dropRows.size > 0) {
      keep = [];
      for (let i = 0; i < this.n; i++) if (!dropRows.has(i)) keep.push(i);
    }
    const n = keep ? keep.length : this.n;
    let perm: Int32Array | undefined = keep ? Int32Array.from(keep) : undefined;
    if (this.outOfOrder > 0) {
      const t = this.time;
      const idx = perm ? Array.from(perm) : Array.from({ length: n }, (_, i) => i);
      perm = Int32Array.from(idx.sort((a, b) => t[a] - t[b] || a - b));
    }
    const pick = <A extends Float64Array | Uint8Array | Int8Array | Int32Array>(
      a: A,
      C: new (n: number) => A,
    ): A => {
      const out = new C(n);
      if (perm) for (let i = 0; i < n; i++) out[i] = a[perm[i]];
      else out.set(a.subarray(0, n));
      return out;
    };
    const pickIds = (col: IdColumn): IdColumn => {
      const out = new IdColumn(0);
      if (col.str === undefined) out.num = pick(col.num, Float64Array);
      else out.str = perm ? Array.from(perm, (p) => col.str![p]) : col.str.slice(0, n);
      return out;
    };
    const ids = pickIds(this.ids);
    const table: EventTable = {
      length: n,
      time: pick(this.time, Float64Array),
      type: pick(this.type, Uint8Array),
      side: pick(this.side, Int8Array),
      account: pick(this.account, Int32Array),
      counterparty: pick(this.counterparty, Int32Array),
      price: pick(this.price, Float64Array),
      qty: pick(this.qty, Float64Array),
      line: pick(this.line, Int32Array),
      orderRef: new Int32Array(n).fill(-1),
      accounts: this.names.names,
      id: (i) => ids.get(i),
    };
    linkOrders(table, pickIds(this.keys));
    return table;
  }
}

/**
 * Sets orderRef of every cancel and trade to the latest earlier order with the key it names, then
 * fills a cancel's missing fields from its order. Numeric keys that increase with time (exchange
 * sequence numbers) are joined by binary search; anything else by a sort join (two comparator sorts of
 * indices and a merge), which is several times cheaper here than a hash map of fresh strings.
 */
function linkOrders(table: EventTable, keys: IdColumn): void {
  const { type, orderRef, side, price, qty } = table;
  const n = table.length;
  let nOrders = 0;
  let nRefs = 0;
  const orderAt = new Int32Array(n);
  const refAt = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    if (type[i] === ORDER) orderAt[nOrders++] = i;
    else if (keys.str === undefined ? !Number.isNaN(keys.num[i]) : keys.str[i] !== '') refAt[nRefs++] = i;
  }
  const orders = orderAt.subarray(0, nOrders);
  const refs = refAt.subarray(0, nRefs);
  let increasing = keys.str === undefined;
  if (increasing) {
    const k = keys.num;
    for (let j = 1; j < nOrders && increasing; j++) increasing = k[orders[j]] > k[orders[j - 1]];
  }
  if (increasing) {
    const k = keys.num;
    const orderKeys = new Float64Array(nOrders);
    for (let j = 0; j < nOrders; j++) orderKeys[j] = k[orders[j]];
    for (const r of refs) {
      let lo = 0;
      let hi = orders.length;
      const x = k[r];
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (orderKeys[mid] < x) lo = mid + 1;
        else hi = mid;
      }
      if (lo < orders.length && orderKeys[lo] === x && orders[lo] < r) orderRef[r] = orders[lo];
    }
  } else {
    const keyOf = keys.str ?? Array.from({ length: n }, (_, i) => keys.get(i));
    const byKey = (a: number, b: number) => (keyOf[a] < keyOf[b] ? -1 : keyOf[a] > keyOf[b] ? 1 : a - b);
    const sortedOrders = Array.from(orders).sort(byKey);
    const sortedRefs = Array.from(refs).sort(byKey);
    let o = 0;
    for (const r of sortedRefs) {
      const k = keyOf[r];
      while (o < sortedOrders.length && keyOf[sortedOrders[o]] < k) o++;
      // Among orders with this key (ascending index), the latest one before the referring row.
      let best = -1;
      for (let j = o; j < sortedOrders.length && keyOf[sortedOrders[j]] === k; j++) {
        if (sortedOrders[j] < r) best = sortedOrders[j];
        else break;
      }
      orderRef[r] = best;
    }
  }
  for (const r of refs) {
    const ref = orderRef[r];
    if (ref < 0 || type[r] !== CANCEL) continue;
    if (side[r] === 0) side[r] = side[ref];
    if (Number.isNaN(price[r])) price[r] = price[ref];
    if (Number.isNaN(qty[r])) qty[r] = qty[ref];
  }
}

/**
 * An EventTable from plain events (generator output, the live watcher's buffer, tests).
 * @throws AitbcError INVALID_INPUT on a repeated id.
 */
export function tableFromEvents(events: readonly MarketEvent[]): EventTable {
  const b = new EventTableBuilder(events.length);
  for (let i = 0; i < events.length; i++) b.addEvent(events[i], i + 1);
  const dup = b.duplicateIds();
  if (dup.length > 0) {
    throw new AitbcError('INVALID_INPUT', `line ${dup[0].line}: ${dup[0].message}`, { line: dup[0].line });
  }
  return b.finish();
}

/** First index in sorted `a[lo, hi)` with a[index] ≥ x. */
export function lowerBound(a: ArrayLike<number>, x: number, lo = 0, hi = a.length): number {
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (a[mid] < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
