/**
 * Technical indicators (DESIGN §9): Float64Array in, Float64Array out, aligned with the input, NaN
 * during warm-up, O(n). TA-Lib conventions by default; `'tulip'` where the two references differ.
 * Formulas, warm-up lengths and the JSON shape are in docs/indicators.md.
 */
export { CONVENTIONS, type Convention, type Series } from './common.js';
export {
  type IndicatorDocument,
  indicatorCsv,
  indicatorDocument,
  type JsonSeries,
  writeIndicatorFile,
} from './document.js';
export { type MacdResult, macd, rsi, type StochResult, stoch } from './momentum.js';
export { ema, sma, wma } from './moving-averages.js';
export { indicatorSnapshot, type SnapshotRow } from './snapshot.js';
export {
  assertEnoughBars,
  type ComputedSeries,
  computeIndicator,
  computeIndicators,
  INDICATOR_IDS,
  INDICATOR_OUTPUTS,
  INDICATOR_SYNTAX,
  type IndicatorName,
  type IndicatorOutput,
  type IndicatorSpec,
  parseIndicatorList,
  parseIndicatorSpec,
  warmupBars,
} from './spec.js';
export { atr, type BbandsResult, bbands, bbandsZscore } from './volatility.js';
export { obv, VWAP_ANCHORS, type VwapAnchor, vwap } from './volume.js';
