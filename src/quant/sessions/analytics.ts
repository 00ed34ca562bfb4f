/**
 * Performance of paper-trading sessions and recorded backtests, read from the home: every metric is
 * recomputed here from the stored equity curves and trades (docs/quant.md has the formulas).
 */
import * as fs from 'node:fs';
import { computeMetrics, type PerformanceMetrics, tradeOutcomes } from '../metrics/index.js';
import { type LiveStatus, liveStatus } from './process.js';
import { type BacktestRecord, listBacktestRecords } from './records.js';
import type { SessionConfigFile, SessionState } from './runner.js';
import { listSessionIds, readJson, type TradingPaths } from './store.js';

export interface SessionSummary {
  id: string;
  status: LiveStatus;
  strategy: string;
  params: SessionConfigFile['strategy']['params'];
  feed: string;
  startedAt?: string;
  updatedAt?: string;
  lastBarTime?: string;
  tradedBars: number;
  position: -1 | 0 | 1;
  capital: number;
  equity: number;
  metrics: PerformanceMetrics | null;
  curve: SessionState['curve'] | null;
  error?: string;
}

/** One session's summary from its files. */
export function summarizeSession(paths: TradingPaths, id: string): SessionSummary {
  const p = paths.session(id);
  const cfg = readJson<SessionConfigFile>(p.config);
  const state = readJson<SessionState>(p.state);
  const capital = cfg?.config.capital ?? 0;
  let metrics: PerformanceMetrics | null = null;
  if (state && cfg && state.curve.equity.length >= 2) {
    const stride = state.curve.stride;
    metrics = computeMetrics({
      equity: Float64Array.from(state.curve.equity),
      time: Float64Array.from(state.curve.time),
      periodsPerYear: cfg.config.periodsPerYear / stride,
      barsInMarket: 0,
      trades: tradeOutcomes(state.trades),
    });
    metrics.exposure = state.tradedBars > 0 ? state.barsInMarket / state.tradedBars : 0;
    metrics.bars = state.tradedBars;
  }
  return {
    id,
    status: liveStatus(paths, id, state),
    strategy: cfg?.strategy.name ?? '?',
    params: cfg?.strategy.params ?? {},
    feed: cfg ? `${cfg.feed.kind} ${cfg.feed.source}` : '?',
    ...(state?.startedAt ? { startedAt: state.startedAt } : {}),
    ...(state?.updatedAt ? { updatedAt: state.updatedAt } : {}),
    ...(state?.lastBarTime ? { lastBarTime: state.lastBarTime } : {}),
    tradedBars: state?.tradedBars ?? 0,
    position: state?.position ?? 0,
    capital,
    equity: state?.equity ?? capital,
    metrics,
    curve: state?.curve ?? null,
    ...(state?.error ? { error: `${state.error.code}: ${state.error.message}` } : {}),
  };
}

export interface TradingAnalytics {
  sessions: SessionSummary[];
  backtests: BacktestRecord[];
  problems: Array<{ file: string; error: string }>;
  /** Sessions taken together: Σ equity / Σ capital − 1. */
  portfolio: { sessions: number; capital: number; equity: number; totalReturn: number | null };
}

/** Everything under `<home>/trading`. */
export function tradingAnalytics(paths: TradingPaths): TradingAnalytics {
  const sessions: SessionSummary[] = [];
  const problems: Array<{ file: string; error: string }> = [];
  if (fs.existsSync(paths.root)) {
    for (const id of listSessionIds(paths)) {
      try {
        sessions.push(summarizeSession(paths, id));
      } catch (e) {
        problems.push({ file: paths.session(id).dir, error: (e as Error).message });
      }
    }
  }
  const bt = listBacktestRecords(paths);
  const capital = sessions.reduce((a, s) => a + s.capital, 0);
  const equity = sessions.reduce((a, s) => a + s.equity, 0);
  return {
    sessions,
    backtests: bt.records,
    problems: [...problems, ...bt.problems],
    portfolio: {
      sessions: sessions.length,
      capital,
      equity,
      totalReturn: capital > 0 ? equity / capital - 1 : null,
    },
  };
}
