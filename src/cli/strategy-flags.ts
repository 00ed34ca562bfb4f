/**
 * The strategy and account flags of the paper-trading commands `ai-trading backtest` and `ai-trading
 * start`: which strategy with which parameters, and the capital, costs, fills and sizing it trades
 * with. Flags only; the commands parse them with src/quant/backtest/config.ts.
 */
import { Flags } from './oclif.js';

/** Strategy selection, shared by backtest and start. */
export const strategyFlags = {
  strategy: Flags.string({
    char: 's',
    description: 'built-in strategy (see `ai-trading strategies`) or a path to a .js strategy module',
    required: true,
  }),
  param: Flags.string({
    char: 'p',
    description: 'strategy parameter name=value (repeatable, or comma-separated)',
    multiple: true,
  }),
};

/** Capital, costs, fills and sizing, shared by backtest and start. */
export const accountFlags = {
  capital: Flags.string({
    description: 'starting capital in quote currency (default 10000)',
    helpGroup: 'ACCOUNT',
  }),
  'fee-bps': Flags.string({
    description: 'fee per fill in basis points of notional (default 10)',
    helpGroup: 'ACCOUNT',
  }),
  'slippage-bps': Flags.string({
    description: 'slippage per fill in basis points, against you (default 5)',
    helpGroup: 'ACCOUNT',
  }),
  fill: Flags.string({
    description: 'open: fill at the next bar’s open (default); close: at the signal bar’s close (optimistic)',
    options: ['open', 'close'],
    helpGroup: 'ACCOUNT',
  }),
  size: Flags.string({
    description: 'per entry: all-in (default), a percentage of equity (50%), or a fixed quote amount (1000)',
    helpGroup: 'ACCOUNT',
  }),
  short: Flags.boolean({
    description: 'allow short positions (otherwise short signals mean flat)',
    helpGroup: 'ACCOUNT',
  }),
  'periods-per-year': Flags.string({
    description: 'bars per year for annualising (default: from the bar spacing, 24/7 over 365 days)',
    helpGroup: 'ACCOUNT',
  }),
};
