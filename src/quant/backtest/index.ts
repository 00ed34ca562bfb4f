/** The backtest engine, sweeps, walk-forward validation and exports (conventions in docs/quant.md). */
export { assertCausal } from './causality.js';
export { equityCsv, tradesCsv } from './csv.js';
export { runEngine, validateConfig } from './engine.js';
export { type Account, equityAt, moveTo, newAccount } from './fills.js';
export { type BacktestRun, buyAndHold, engineMetrics, type RunMetrics, runBacktest } from './run.js';
export {
  expandGrid,
  OBJECTIVE_NAMES,
  type Objective,
  parseObjective,
  parseSweepSpec,
  runSweep,
  type SweepAxis,
  type SweepResult,
} from './sweep.js';
export { TradeLog } from './trade-log.js';
export type { BacktestConfig, EngineResult, FillMode, Sizing, Trade } from './types.js';
export {
  parseWalkForwardSpec,
  runWalkForward,
  type WalkForwardResult,
  type WalkForwardSpec,
} from './walk-forward.js';
