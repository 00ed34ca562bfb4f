/** Performance metrics and annualisation (formulas in docs/quant.md). */
export {
  computeMetrics,
  drawdownSeries,
  type MetricsInput,
  type PerformanceMetrics,
  type TradeOutcomes,
  tradeOutcomes,
} from './performance.js';
export { periodsPerYear, resolvePeriodsPerYear, YEAR_MS } from './periods.js';
