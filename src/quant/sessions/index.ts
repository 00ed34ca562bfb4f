/** Paper-trading sessions, recorded backtests, their analytics and reports. */
export {
  type SessionSummary,
  summarizeSession,
  type TradingAnalytics,
  tradingAnalytics,
} from './analytics.js';
export { curveCharts } from './charts.js';
export { barAt, type Feed, type FeedItem, pollFeed, replayFeed } from './feed.js';
export { type Bar, PaperTrader } from './paper.js';
export {
  isAlive,
  isSessionProcess,
  type LiveStatus,
  liveStatus,
  readPid,
  type StopResult,
  stopSession,
} from './process.js';
export {
  type BacktestRecord,
  downsampleCurve,
  listBacktestRecords,
  makeBacktestRecord,
  saveBacktestRecord,
} from './records.js';
export { REPORT_TYPES, type ReportFormat, type ReportType, renderReport } from './report.js';
export {
  runSession,
  type SessionConfigFile,
  type SessionState,
  type SessionStatus,
  writeState,
} from './runner.js';
export {
  assertId,
  listSessionIds,
  newId,
  readJson,
  type SecureFiles,
  type TradingPaths,
  tradingPaths,
} from './store.js';
