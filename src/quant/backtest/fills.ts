/**
 * Fills: the one place that turns a change of target position into cash, units, fees, slippage and
 * trades. The backtest engine and paper-trading sessions both use it, so a paper session fills exactly
 * as a backtest of the same bars would.
 *
 * The arithmetic lives in `fillBook`, which works on a book — the account as a Float64Array — and on
 * the costs as numbers. The engine calls it from its per-bar loop, where an object account would bring
 * hidden-class checks (and their deoptimisations, which throw a 10^6-bar loop back to the interpreter)
 * and a boxed number for every double passed; a typed array and plain numbers bring neither. Sessions
 * keep the readable `Account` object: `moveTo` copies it into a book, fills, and copies it back.
 */
import type { TradeLog } from './trade-log.js';
import type { BacktestConfig, Trade } from './types.js';

/**
 * The mutable book of one simulated account. The open round trip is kept in plain number fields (NaN
 * when flat) rather than an object, so a fill allocates nothing.
 */
export interface Account {
  cash: number;
  /** Signed units held (negative when short). */
  units: number;
  /** Current direction: -1 short, 0 flat, 1 long. */
  dir: -1 | 0 | 1;
  feesPaid: number;
  slippageCost: number;
  entryBar: number;
  entryTime: number;
  entryPrice: number;
  /** Units of the open trade (positive for both sides). */
  entryUnits: number;
  /** Quote currency committed at entry. */
  entryValue: number;
  entryFees: number;
}

export type FillCosts = Pick<BacktestConfig, 'feeBps' | 'slippageBps' | 'sizing'>;

// Slots of a book (the fields of Account, in its order).
const CASH = 0;
const UNITS = 1;
const DIR = 2;
const FEES_PAID = 3;
const SLIPPAGE_COST = 4;
const ENTRY_BAR = 5;
const ENTRY_TIME = 6;
const ENTRY_PRICE = 7;
const ENTRY_UNITS = 8;
const ENTRY_VALUE = 9;
const ENTRY_FEES = 10;
const BOOK_SLOTS = 11;

/** Slots of a cost vector: fee and slippage as fractions, the sizing mode and its amount. */
const FEE = 0;
const SLIP = 1;
const SIZE_MODE = 2;
const SIZE_AMOUNT = 3;
const SIZE_ALL_IN = 0;
const SIZE_FRACTION = 1;
const SIZE_FIXED = 2;

/** A fresh flat account. */
export function newAccount(capital: number): Account {
  // Every field present from the start keeps the object's shape stable for the JIT.
  return {
    cash: capital,
    units: 0,
    dir: 0,
    feesPaid: 0,
    slippageCost: 0,
    entryBar: Number.NaN,
    entryTime: Number.NaN,
    entryPrice: Number.NaN,
    entryUnits: 0,
    entryValue: 0,
    entryFees: 0,
  };
}

/** A fresh flat account as a book (see fillBook). */
export function newBook(capital: number): Float64Array {
  const b = new Float64Array(BOOK_SLOTS);
  b[CASH] = capital;
  b[ENTRY_BAR] = Number.NaN;
  b[ENTRY_TIME] = Number.NaN;
  b[ENTRY_PRICE] = Number.NaN;
  return b;
}

/** Cash, units, direction, fees and slippage of a book. */
export function bookCash(b: Float64Array): number {
  return b[CASH];
}
export function bookUnits(b: Float64Array): number {
  return b[UNITS];
}
export function bookDir(b: Float64Array): number {
  return b[DIR];
}
export function bookFeesPaid(b: Float64Array): number {
  return b[FEES_PAID];
}
export function bookSlippageCost(b: Float64Array): number {
  return b[SLIPPAGE_COST];
}

/** The costs of a configuration as the vector fillBook reads (written into `c` when given). */
export function costVector(costs: FillCosts, c: Float64Array = new Float64Array(4)): Float64Array {
  c[FEE] = costs.feeBps / 10_000;
  c[SLIP] = costs.slippageBps / 10_000;
  const s = costs.sizing;
  if (s.mode === 'all-in') {
    c[SIZE_MODE] = SIZE_ALL_IN;
    c[SIZE_AMOUNT] = 0;
  } else if (s.mode === 'fraction') {
    c[SIZE_MODE] = SIZE_FRACTION;
    c[SIZE_AMOUNT] = s.fraction;
  } else {
    c[SIZE_MODE] = SIZE_FIXED;
    c[SIZE_AMOUNT] = s.quote;
  }
  return c;
}

/**
 * Brings book `b` from its direction to `want` at reference price prices[at]: closes an open position
 * (one trade appended to `log`, with exit bar `bar` and time times[at]), then opens the new one sized
 * from the equity after the close. An account whose equity is ≤ 0 cannot open. `exitEnd` marks a
 * close forced by the end of the data. Prices and times are read from arrays so that no double
 * crosses the call boxed.
 */
export function fillBook(
  b: Float64Array,
  want: number,
  prices: Float64Array,
  times: Float64Array,
  at: number,
  bar: number,
  c: Float64Array,
  log: TradeLog,
  exitEnd: boolean,
): void {
  const dir = b[DIR];
  if (want === dir) return;
  const price = prices[at];
  const time = times[at];
  const fee = c[FEE];
  const slip = c[SLIP];
  if (dir !== 0) {
    const long = dir === 1;
    const units = b[ENTRY_UNITS];
    const entryValue = b[ENTRY_VALUE];
    const fillPrice = long ? price * (1 - slip) : price * (1 + slip);
    const gross = units * fillPrice;
    const exitFee = gross * fee;
    // A long sells its units; a short buys its units back.
    b[CASH] += long ? gross - exitFee : -(gross + exitFee);
    b[FEES_PAID] += exitFee;
    b[SLIPPAGE_COST] += units * Math.abs(fillPrice - price);
    const pnl = long ? gross - exitFee - entryValue : entryValue - gross - exitFee;
    log.push(
      dir as 1 | -1,
      b[ENTRY_BAR],
      b[ENTRY_TIME],
      b[ENTRY_PRICE],
      bar,
      time,
      fillPrice,
      units,
      entryValue,
      b[ENTRY_FEES] + exitFee,
      pnl,
      entryValue > 0 ? pnl / entryValue : 0,
      exitEnd ? 'end' : 'signal',
    );
    b[UNITS] = 0;
    b[DIR] = 0;
    b[ENTRY_BAR] = Number.NaN;
    b[ENTRY_TIME] = Number.NaN;
    b[ENTRY_PRICE] = Number.NaN;
    b[ENTRY_UNITS] = 0;
    b[ENTRY_VALUE] = 0;
    b[ENTRY_FEES] = 0;
  }
  if (want === 0) return;
  const equity = b[CASH];
  // The quote currency the entry commits.
  const mode = c[SIZE_MODE];
  const notional =
    mode === SIZE_ALL_IN
      ? equity
      : mode === SIZE_FRACTION
        ? equity * c[SIZE_AMOUNT]
        : Math.min(c[SIZE_AMOUNT], equity);
  if (!(notional > 0)) return;
  if (want === 1) {
    const fillPrice = price * (1 + slip);
    // The notional pays for the units and their fee, so an all-in long never borrows.
    const units = notional / (fillPrice * (1 + fee));
    const entryFee = units * fillPrice * fee;
    b[CASH] -= notional;
    b[UNITS] = units;
    b[FEES_PAID] += entryFee;
    b[SLIPPAGE_COST] += units * (fillPrice - price);
    b[ENTRY_PRICE] = fillPrice;
    b[ENTRY_UNITS] = units;
    b[ENTRY_VALUE] = notional;
    b[ENTRY_FEES] = entryFee;
  } else {
    const fillPrice = price * (1 - slip);
    const units = notional / fillPrice;
    const proceeds = units * fillPrice;
    const entryFee = proceeds * fee;
    b[CASH] += proceeds - entryFee;
    b[UNITS] = -units;
    b[FEES_PAID] += entryFee;
    b[SLIPPAGE_COST] += units * (price - fillPrice);
    // A short's committed capital is the proceeds less the fee; pnl = that minus the cost to cover.
    b[ENTRY_PRICE] = fillPrice;
    b[ENTRY_UNITS] = units;
    b[ENTRY_VALUE] = proceeds - entryFee;
    b[ENTRY_FEES] = entryFee;
  }
  b[ENTRY_BAR] = bar;
  b[ENTRY_TIME] = time;
  b[DIR] = want;
}

/** moveTo's working copies (JavaScript runs one call at a time, and fillBook never calls back). */
const scratch = {
  book: new Float64Array(BOOK_SLOTS),
  price: new Float64Array(1),
  time: new Float64Array(1),
  costs: new Float64Array(4),
};

/**
 * Brings the account from its direction to `want` at reference `price`: closes an open position (one
 * trade appended to `log`), then opens the new one sized from the equity after the close. An account
 * whose equity is ≤ 0 cannot open. The same arithmetic as the engine's, through fillBook.
 */
export function moveTo(
  acct: Account,
  want: -1 | 0 | 1,
  price: number,
  bar: number,
  time: number,
  costs: FillCosts,
  log: TradeLog,
  reason: Trade['exitReason'] = 'signal',
): void {
  if (want === acct.dir) return;
  const b = scratch.book;
  b[CASH] = acct.cash;
  b[UNITS] = acct.units;
  b[DIR] = acct.dir;
  b[FEES_PAID] = acct.feesPaid;
  b[SLIPPAGE_COST] = acct.slippageCost;
  b[ENTRY_BAR] = acct.entryBar;
  b[ENTRY_TIME] = acct.entryTime;
  b[ENTRY_PRICE] = acct.entryPrice;
  b[ENTRY_UNITS] = acct.entryUnits;
  b[ENTRY_VALUE] = acct.entryValue;
  b[ENTRY_FEES] = acct.entryFees;
  scratch.price[0] = price;
  scratch.time[0] = time;
  const c = costVector(costs, scratch.costs);
  fillBook(b, want, scratch.price, scratch.time, 0, bar, c, log, reason === 'end');
  acct.cash = b[CASH];
  acct.units = b[UNITS];
  acct.dir = b[DIR] as -1 | 0 | 1;
  acct.feesPaid = b[FEES_PAID];
  acct.slippageCost = b[SLIPPAGE_COST];
  acct.entryBar = b[ENTRY_BAR];
  acct.entryTime = b[ENTRY_TIME];
  acct.entryPrice = b[ENTRY_PRICE];
  acct.entryUnits = b[ENTRY_UNITS];
  acct.entryValue = b[ENTRY_VALUE];
  acct.entryFees = b[ENTRY_FEES];
}

/** Equity marked at `price`. */
export function equityAt(acct: Account, price: number): number {
  return acct.cash + acct.units * price;
}
