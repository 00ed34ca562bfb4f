/** Strategies: the interface, the built-ins, user modules and parameter handling. */
export { assertEnoughBars, checkParam, parseParamPairs, resolveParams } from './params.js';
export { BUILTIN_STRATEGIES, getStrategy, resolveStrategy, STRATEGY_NAMES } from './registry.js';
export { type LatestSignal, latestSignals, type SignalName } from './signals.js';
export {
  createContext,
  type ParamSpec,
  type Params,
  type Strategy,
  type StrategyContext,
  type StrategyOutput,
} from './types.js';
export { loadStrategyModule, looksLikeModulePath, STRATEGY_LIB } from './user-module.js';
