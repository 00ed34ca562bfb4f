/**
 * Indexes over an EventTable that several detectors share, each built in one linear pass: every
 * account's trades in time order with cumulative volume (so "an account's volume in [a, b)" is two
 * binary searches), each order's cancel and filled quantity, the last trade price before every event
 * and the market's median order size.
 */
import { CANCEL, type EventTable, lowerBound, ORDER, TRADE } from './events.js';

export interface MarketIndex {
  table: EventTable;
  accountCount: number;
  /** median quantity of `order` rows (1 when there are none) */
  medianOrderQty: number;
  /** CSR: trades of account a are tradeIdx[tradeOff[a] .. tradeOff[a+1]) in time order */
  tradeOff: Int32Array;
  tradeIdx: Int32Array;
  /** time of each entry of tradeIdx */
  tradeTime: Float64Array;
  /** cumulative volume of the account up to and including each entry (a self-trade counts both sides) */
  tradeCumQty: Float64Array;
  /** per event: for orders, the index of its cancel (−1 if none) */
  cancelOf: Int32Array;
  /** per event: for orders, the quantity filled against it */
  filledQty: Float64Array;
  /** per event: price of the last trade strictly before it (NaN before the first trade) */
  refPrice: Float64Array;
  /** index of the first trade event, −1 when there is none */
  firstTrade: number;
}

/** Median of a sample (sorts a copy). */
export function median(values: Float64Array | number[]): number {
  if (values.length === 0) return Number.NaN;
  const a = Float64Array.from(values).sort();
  const m = a.length >> 1;
  return a.length % 2 === 1 ? a[m] : (a[m - 1] + a[m]) / 2;
}

/**
 * Builds the indexes. `medianOrderQty` overrides the table's own median (the live watcher passes the
 * median of everything it has seen, so a quiet hour in its window does not change what "large" means).
 */
export function buildMarketIndex(table: EventTable, opts: { medianOrderQty?: number } = {}): MarketIndex {
  const n = table.length;
  const nAcc = table.accounts.length;
  const { type, account, counterparty, qty, price, orderRef } = table;
  const counts = new Int32Array(nAcc + 1);
  const cancelOf = new Int32Array(n).fill(-1);
  const filledQty = new Float64Array(n);
  const refPrice = new Float64Array(n);
  let orders = 0;
  let last = Number.NaN;
  let firstTrade = -1;
  for (let i = 0; i < n; i++) {
    refPrice[i] = last;
    const ty = type[i];
    if (ty === TRADE) {
      if (firstTrade < 0) firstTrade = i;
      counts[account[i]]++;
      const c = counterparty[i];
      if (c >= 0 && c !== account[i]) counts[c]++;
      const r = orderRef[i];
      if (r >= 0) filledQty[r] += qty[i];
      last = price[i];
    } else if (ty === CANCEL) {
      const r = orderRef[i];
      if (r >= 0 && cancelOf[r] < 0) cancelOf[r] = i;
    } else if (ty === ORDER) orders++;
  }
  const tradeOff = new Int32Array(nAcc + 1);
  for (let a = 0; a < nAcc; a++) tradeOff[a + 1] = tradeOff[a] + counts[a];
  const total = tradeOff[nAcc];
  const tradeIdx = new Int32Array(total);
  const tradeTime = new Float64Array(total);
  const tradeCumQty = new Float64Array(total);
  const fillPos = tradeOff.slice(0, nAcc);
  const orderQty = new Float64Array(orders);
  let k = 0;
  for (let i = 0; i < n; i++) {
    const ty = type[i];
    if (ty === ORDER) {
      orderQty[k++] = qty[i];
      continue;
    }
    if (ty !== TRADE) continue;
    const a = account[i];
    const c = counterparty[i];
    const self = c === a;
    let p = fillPos[a]++;
    tradeIdx[p] = i;
    tradeTime[p] = table.time[i];
    tradeCumQty[p] = (p > tradeOff[a] ? tradeCumQty[p - 1] : 0) + (self ? 2 : 1) * qty[i];
    if (c >= 0 && !self) {
      p = fillPos[c]++;
      tradeIdx[p] = i;
      tradeTime[p] = table.time[i];
      tradeCumQty[p] = (p > tradeOff[c] ? tradeCumQty[p - 1] : 0) + qty[i];
    }
  }
  const med = opts.medianOrderQty ?? median(orderQty);
  return {
    table,
    accountCount: nAcc,
    medianOrderQty: Number.isFinite(med) && med > 0 ? med : 1,
    tradeOff,
    tradeIdx,
    tradeTime,
    tradeCumQty,
    cancelOf,
    filledQty,
    refPrice,
    firstTrade,
  };
}

/** Total volume account `a` traded with time in [from, to] (a self-trade counts both sides). */
export function accountVolume(ix: MarketIndex, a: number, from: number, to: number): number {
  const lo = ix.tradeOff[a];
  const hi = ix.tradeOff[a + 1];
  const i = lowerBound(ix.tradeTime, from, lo, hi);
  const j = upperBound(ix.tradeTime, to, lo, hi);
  if (j <= i) return 0;
  return ix.tradeCumQty[j - 1] - (i > lo ? ix.tradeCumQty[i - 1] : 0);
}

/** First index in sorted `a[lo, hi)` with a[index] > x. */
export function upperBound(a: ArrayLike<number>, x: number, lo = 0, hi = a.length): number {
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (a[mid] <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The account's side in a trade: the aggressor's side, or its opposite for the resting account. */
export function sideInTrade(table: EventTable, i: number, a: number): number {
  return table.account[i] === a ? table.side[i] : -table.side[i];
}

/** Trades cut into fixed time bars. */
export interface TradeBars {
  /** start of bar 0 (unix ms) */
  start: number;
  barMs: number;
  /** last trade price per bar, carried forward through empty bars */
  close: Float64Array;
  volume: Float64Array;
  /** first and one-past-last trade event index per bar (−1 when empty) */
  first: Int32Array;
  last: Int32Array;
}

/** The trades in bars of `barMs`, from the first trade's bar to the last event's; undefined without trades. */
export function tradeBars(ix: MarketIndex, barMs: number): TradeBars | undefined {
  const t = ix.table;
  if (ix.firstTrade < 0) return undefined;
  const start = Math.floor(t.time[ix.firstTrade] / barMs) * barMs;
  const nb = Math.floor((t.time[t.length - 1] - start) / barMs) + 1;
  const close = new Float64Array(nb).fill(Number.NaN);
  const volume = new Float64Array(nb);
  const first = new Int32Array(nb).fill(-1);
  const last = new Int32Array(nb).fill(-1);
  for (let i = ix.firstTrade; i < t.length; i++) {
    if (t.type[i] !== TRADE) continue;
    const b = Math.floor((t.time[i] - start) / barMs);
    close[b] = t.price[i];
    volume[b] += t.qty[i];
    if (first[b] < 0) first[b] = i;
    last[b] = i + 1;
  }
  for (let b = 1; b < nb; b++) if (Number.isNaN(close[b])) close[b] = close[b - 1];
  return { start, barMs, close, volume, first, last };
}
