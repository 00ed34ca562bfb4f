/**
 * Market data for src/quant (DESIGN §9): loading OHLCV from CSV/JSON files, URLs and text, the seeded
 * synthetic generator, validation, gaps, time filters and resampling. Formats are documented in
 * docs/indicators.md ("Data formats").
 */
export { type LoadedData, type LoadOptions, loadOhlcv, type OhlcvSource, prepareLoaded } from './load.js';
export {
  type MarketStats,
  type MarketStatsJson,
  type MarketStatsOptions,
  marketStats,
  marketStatsJson,
  type VolumeBin,
} from './market-stats.js';
export { type ParsedRows, parseOhlcvText, sniffFormat, type TextFormat } from './parse.js';
export { filterRange, findGaps, type Gap, inferIntervalMs, resample, sliceOhlcv } from './series.js';
export {
  SYNTHETIC_DEFAULT_INTERVAL_MS,
  SYNTHETIC_MODEL,
  SYNTHETIC_REGIMES,
  SYNTHETIC_START_MS,
  type SyntheticOptions,
  syntheticOhlcv,
} from './synthetic.js';
export {
  epochToMs,
  formatIntervalMs,
  isoToMs,
  parseIntervalMs,
  parseTimeFlag,
  parseTimestamp,
  rfc3339,
} from './time.js';
export { findIssues, type ValidationIssue, validateOhlcv } from './validate.js';
