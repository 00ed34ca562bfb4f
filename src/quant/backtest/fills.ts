/**
 * Fills: the one place that turns a change of target position into cash, units, fees, slippage and
 * trades. The backtest engine and paper-trading sessions both call it, so a paper session fills exactly
 * as a backtest of the same bars would.
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

/** Quote currency an entry commits given the equity at the fill price. */
function entryNotional(equity: number, sizing: BacktestConfig['sizing']): number {
  if (sizing.mode === 'all-in') return equity;
  if (sizing.mode === 'fraction') return equity * sizing.fraction;
  return Math.min(sizing.quote, equity);
}

/**
 * Brings the account from its direction to `want` at reference `price`: closes an open position (one
 * trade appended to `log`), then opens the new one sized from the equity after the close. An account
 * whose equity is ≤ 0 cannot open.
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
  const fee = costs.feeBps / 10_000;
  const slip = costs.slippageBps / 10_000;
  if (acct.dir !== 0) {
    const long = acct.dir === 1;
    const units = acct.entryUnits;
    const fillPrice = long ? price * (1 - slip) : price * (1 + slip);
    const gross = units * fillPrice;
    const exitFee = gross * fee;
    // A long sells its units; a short buys its units back.
    acct.cash += long ? gross - exitFee : -(gross + exitFee);
    acct.feesPaid += exitFee;
    acct.slippageCost += units * Math.abs(fillPrice - price);
    const pnl = long ? gross - exitFee - acct.entryValue : acct.entryValue - gross - exitFee;
    log.push(
      acct.dir,
      acct.entryBar,
      acct.entryTime,
      acct.entryPrice,
      bar,
      time,
      fillPrice,
      units,
      acct.entryValue,
      acct.entryFees + exitFee,
      pnl,
      acct.entryValue > 0 ? pnl / acct.entryValue : 0,
      reason,
    );
    acct.units = 0;
    acct.dir = 0;
    acct.entryBar = Number.NaN;
    acct.entryTime = Number.NaN;
    acct.entryPrice = Number.NaN;
    acct.entryUnits = 0;
    acct.entryValue = 0;
    acct.entryFees = 0;
  }
  if (want === 0) return;
  const equity = acct.cash;
  const notional = entryNotional(equity, costs.sizing);
  if (!(notional > 0)) return;
  if (want === 1) {
    const fillPrice = price * (1 + slip);
    // The notional pays for the units and their fee, so an all-in long never borrows.
    const units = notional / (fillPrice * (1 + fee));
    const entryFee = units * fillPrice * fee;
    acct.cash -= notional;
    acct.units = units;
    acct.feesPaid += entryFee;
    acct.slippageCost += units * (fillPrice - price);
    acct.entryPrice = fillPrice;
    acct.entryUnits = units;
    acct.entryValue = notional;
    acct.entryFees = entryFee;
  } else {
    const fillPrice = price * (1 - slip);
    const units = notional / fillPrice;
    const proceeds = units * fillPrice;
    const entryFee = proceeds * fee;
    acct.cash += proceeds - entryFee;
    acct.units = -units;
    acct.feesPaid += entryFee;
    acct.slippageCost += units * (price - fillPrice);
    // A short's committed capital is the proceeds less the fee; pnl = that minus the cost to cover.
    acct.entryPrice = fillPrice;
    acct.entryUnits = units;
    acct.entryValue = proceeds - entryFee;
    acct.entryFees = entryFee;
  }
  acct.entryBar = bar;
  acct.entryTime = time;
  acct.dir = want;
}

/** Equity marked at `price`. */
export function equityAt(acct: Account, price: number): number {
  return acct.cash + acct.units * price;
}
