/**
 * One backtest end to end: strategy signals → engine → metrics, with buy-and-hold on the same bars,
 * fills and costs alongside.
 */
import { computeMetrics, type PerformanceMetrics } from '../metrics/index.js';
import { createContext, type Params, type Strategy, type StrategyContext } from '../strategies/types.js';
import type { Ohlcv } from '../types.js';
import { type EngineRange, runEngine, runHold, validateConfig } from './engine.js';
import type { TradeLog } from './trade-log.js';
import type { BacktestConfig, EngineResult } from './types.js';

export interface RunMetrics extends PerformanceMetrics {
  feesPaid: number;
  slippageCost: number;
}

export interface BacktestRun {
  strategy: { name: string; source: string; params: Params };
  config: BacktestConfig;
  /** Simulated bars [start, end). */
  start: number;
  end: number;
  metrics: RunMetrics;
  buyAndHold: RunMetrics;
  trades: TradeLog;
  equity: Float64Array;
  buyAndHoldEquity: Float64Array;
  position: Int8Array;
  /** Full-length indicator series behind the signals. */
  indicators: Record<string, Float64Array>;
  target: Int8Array;
  report?: Record<string, unknown>;
}

/** Metrics of one engine result. */
export function engineMetrics(data: Ohlcv, r: EngineResult, periodsPerYear: number): RunMetrics {
  return {
    ...computeMetrics({
      equity: r.equity,
      time: data.time,
      timeOffset: r.start,
      periodsPerYear,
      barsInMarket: r.barsInMarket,
      trades: r.trades,
    }),
    feesPaid: r.feesPaid,
    slippageCost: r.slippageCost,
  };
}

const ALL_IN: BacktestConfig['sizing'] = { mode: 'all-in' };

/** Buy at the first possible fill, hold, sell at the last close: all-in, long, same costs. */
export function buyAndHold(data: Ohlcv, cfg: BacktestConfig, range: EngineRange = {}): EngineResult {
  return runHold(data, { ...cfg, sizing: ALL_IN }, range);
}

/**
 * Runs `strategy` with `params` on `data` (bars `range`, default all).
 * @throws AitbcError INVALID_INPUT for a bad configuration or what the strategy refuses.
 */
export function runBacktest(
  data: Ohlcv,
  strategy: Strategy,
  params: Params,
  cfg: BacktestConfig,
  opts: { ctx?: StrategyContext; range?: EngineRange } = {},
): BacktestRun {
  validateConfig(cfg);
  const out = strategy.run(data, params, opts.ctx ?? createContext());
  const r = runEngine(data, out.target, cfg, opts.range);
  const bh = buyAndHold(data, cfg, opts.range);
  const run: BacktestRun = {
    strategy: { name: strategy.name, source: strategy.source, params },
    config: cfg,
    start: r.start,
    end: r.end,
    metrics: engineMetrics(data, r, cfg.periodsPerYear),
    buyAndHold: engineMetrics(data, bh, cfg.periodsPerYear),
    trades: r.trades,
    equity: r.equity,
    buyAndHoldEquity: bh.equity,
    position: r.position,
    indicators: out.indicators,
    target: out.target,
  };
  if (out.report) run.report = out.report;
  return run;
}
