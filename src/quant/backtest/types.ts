/**
 * Shapes of the backtest engine: its configuration (fills, costs, sizing, shorting) and what it returns.
 * Positions are targets in {-1, 0, +1} per bar (short, flat, long), decided on the bar's close.
 */
import type { TradeLog } from './trade-log.js';

/** How much capital an entry commits. */
export type Sizing =
  | { mode: 'all-in' }
  /** A fraction (0, 1] of the equity at the moment of entry. */
  | { mode: 'fraction'; fraction: number }
  /** A fixed amount of quote currency per entry, capped by the equity. */
  | { mode: 'fixed'; quote: number };

/**
 * When a signal fills: `open` — at the next bar's open (the default, realistic); `close` — at the
 * signal bar's own close, which assumes you could trade at the price that produced the signal
 * (optimistic; always labelled so).
 */
export type FillMode = 'open' | 'close';

export interface BacktestConfig {
  capital: number;
  /** Fee per fill in basis points of the notional. */
  feeBps: number;
  /** Slippage per fill in basis points: buys fill that much above, sells below, the reference price. */
  slippageBps: number;
  fill: FillMode;
  sizing: Sizing;
  /** When false, short targets (-1) mean flat. */
  allowShort: boolean;
  periodsPerYear: number;
}

export type Side = 'long' | 'short';

/** One round trip. Prices are fill prices (after slippage); pnl is after fees on both legs. */
export interface Trade {
  side: Side;
  entryBar: number;
  entryTime: number;
  entryPrice: number;
  exitBar: number;
  exitTime: number;
  exitPrice: number;
  units: number;
  /** Quote currency committed at entry (cost of a long, proceeds-sized margin of a short). */
  entryValue: number;
  fees: number;
  pnl: number;
  returnPct: number;
  barsHeld: number;
  /** `signal` when the strategy closed it, `end` when the data ran out (closed at the last close). */
  exitReason: 'signal' | 'end';
}

/** The engine's raw output over the simulated range [start, end). */
export interface EngineResult {
  start: number;
  end: number;
  /** Equity marked to market at each bar's close, index 0 = bar `start`. */
  equity: Float64Array;
  /** Position held at each bar's close: -1, 0 or 1. */
  position: Int8Array;
  barsInMarket: number;
  trades: TradeLog;
  feesPaid: number;
  /** Quote currency lost to slippage (|fill − reference| × units, summed). */
  slippageCost: number;
}
