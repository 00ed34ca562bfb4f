import type { BacktestConfig } from '../../../src/quant/backtest/types.js';

/** The backtest setup most quant tests use: 10,000 capital, 10 bps fee, 5 bps slippage, next-open fills, all-in, shorts allowed, hourly bars. */
export const HOURLY_CONFIG: BacktestConfig = {
  capital: 10_000,
  feeBps: 10,
  slippageBps: 5,
  fill: 'open',
  sizing: { mode: 'all-in' },
  allowShort: true,
  periodsPerYear: 8760,
};
