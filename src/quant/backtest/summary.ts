/**
 * JSON-ready views of backtest results (times as RFC 3339 UTC, no typed arrays) and the `--plot`
 * picture: price with the strategy's indicators and its fills, equity against buy-and-hold, drawdown.
 */
import type { PlotPanel, PlotSpec } from '../charts/plot.js';
import { drawdownSeries } from '../metrics/index.js';
import type { Ohlcv } from '../types.js';
import type { BacktestRun } from './run.js';
import type { SweepResult } from './sweep.js';
import type { Trade } from './types.js';
import type { WalkForwardResult } from './walk-forward.js';

const iso = (ms: number) => new Date(ms).toISOString();

/** What a result says about its data. */
export interface DataSummary {
  source: string;
  bars: number;
  from: string;
  to: string;
  intervalMs: number;
  /** Gaps found in the bar times (see indicators.md). */
  gaps: number;
}

export function dataSummary(data: Ohlcv, source: string, intervalMs: number, gaps: number): DataSummary {
  const n = data.time.length;
  return { source, bars: n, from: iso(data.time[0]), to: iso(data.time[n - 1]), intervalMs, gaps };
}

export type TradeJson = Omit<Trade, 'entryTime' | 'exitTime'> & { entryTime: string; exitTime: string };

export function tradeJson(t: Trade): TradeJson {
  return { ...t, entryTime: iso(t.entryTime), exitTime: iso(t.exitTime) };
}

/** The sweep as JSON: every evaluated combination, best first. */
export function sweepJson(s: SweepResult) {
  return {
    objective: s.objective,
    axes: s.axes,
    combinations: s.combinations,
    evaluated: s.evaluated,
    skipped: s.skipped,
    barEvaluations: s.barEvaluations,
    best: s.results[0]?.params,
    results: s.results,
  };
}

/** Walk-forward as JSON (the stitched curve left out). */
export function walkForwardJson(w: WalkForwardResult) {
  return {
    folds: w.spec.folds,
    train: w.spec.train,
    objective: w.objective,
    optimised: w.optimised,
    inSampleMean: w.inSampleMean,
    outOfSampleMean: w.outOfSampleMean,
    efficiency: w.efficiency,
    outOfSample: w.outOfSample,
    perFold: w.folds.map((f) => ({
      fold: f.fold,
      inSample: {
        from: iso(f.inSample.fromTime),
        to: iso(f.inSample.toTime),
        bars: f.inSample.to - f.inSample.from,
      },
      outOfSample: {
        from: iso(f.outOfSample.fromTime),
        to: iso(f.outOfSample.toTime),
        bars: f.outOfSample.to - f.outOfSample.from,
      },
      params: f.params,
      inSampleMetrics: f.inSampleMetrics,
      outOfSampleMetrics: f.outOfSampleMetrics,
    })),
  };
}

/** Indicators drawn over price (same units), the rest get their own panel. */
function onPriceScale(name: string): boolean {
  return /^(sma|ema|wma|donchian_high|donchian_low|bbands|vwap)[:.]/.test(name);
}

/** The `--plot` spec of a backtest over its simulated bars. */
export function backtestPlotSpec(data: Ohlcv, run: BacktestRun, title: string): PlotSpec {
  const { start, end } = run;
  const n = end - start;
  const buys = new Float64Array(n).fill(Number.NaN);
  const sells = new Float64Array(n).fill(Number.NaN);
  for (const t of run.trades.toArray()) {
    const entry = t.side === 'long' ? buys : sells;
    const exit = t.side === 'long' ? sells : buys;
    if (t.entryBar >= start && t.entryBar < end) entry[t.entryBar - start] = t.entryPrice;
    if (t.exitBar >= start && t.exitBar < end) exit[t.exitBar - start] = t.exitPrice;
  }
  const price: PlotPanel = {
    title: 'price',
    series: [{ name: 'close', values: data.close.subarray(start, end) }],
  };
  const other: PlotPanel = { title: 'indicators', height: 150, series: [] };
  for (const [name, values] of Object.entries(run.indicators)) {
    (onPriceScale(name) ? price : other).series.push({ name, values: values.subarray(start, end) });
  }
  price.series.push(
    { name: 'buys', values: buys, style: 'marker' },
    { name: 'sells', values: sells, style: 'marker' },
  );
  const panels: PlotPanel[] = [price];
  if (other.series.length) panels.push(other);
  panels.push(
    {
      title: 'equity',
      height: 220,
      series: [
        { name: run.strategy.name, values: run.equity },
        { name: 'buy & hold', values: run.buyAndHoldEquity },
      ],
    },
    {
      title: 'drawdown',
      height: 130,
      series: [{ name: 'drawdown', values: drawdownSeries(run.equity), style: 'area' }],
    },
  );
  return { title, time: data.time.subarray(start, end), panels };
}
