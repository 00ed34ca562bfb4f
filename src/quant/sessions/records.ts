/**
 * Recorded backtests (`<home>/trading/backtests/<id>.json`): what `analytics` and
 * `advanced-analytics report` summarise later. A record keeps the metrics and a downsampled equity
 * curve (at most RECORD_CURVE_POINTS), not the bars.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { BacktestRun, RunMetrics } from '../backtest/run.js';
import type { DataSummary, sweepJson, walkForwardJson } from '../backtest/summary.js';
import type { BacktestConfig } from '../backtest/types.js';
import type { Params } from '../strategies/types.js';
import type { Ohlcv } from '../types.js';
import { assertId, readJson, type SecureFiles, type TradingPaths } from './store.js';

export const RECORD_CURVE_POINTS = 2000;

export interface BacktestRecord {
  version: 1;
  id: string;
  createdAt: string;
  strategy: { name: string; source: string; params: Params };
  data: DataSummary;
  config: BacktestConfig;
  metrics: RunMetrics;
  buyAndHold: RunMetrics;
  /** Every stride-th simulated bar, plus the last. */
  curve: { stride: number; time: number[]; equity: number[]; buyAndHold: number[] };
  walkForward?: {
    folds: number;
    train: number;
    objective: string;
    inSampleMean: number | null;
    outOfSampleMean: number | null;
    outOfSampleTotalReturn: number;
    efficiency: number | null;
  };
  sweep?: { objective: string; combinations: number; best: Params };
  model?: { accuracy: number | null; chanceAccuracy: number | null; sigma: number | null; rows: number };
}

/** Every `stride`-th point of the curves plus the last, with stride chosen to fit `max` points. */
export function downsampleCurve(
  time: ArrayLike<number>,
  series: ReadonlyArray<ArrayLike<number>>,
  max = RECORD_CURVE_POINTS,
): { stride: number; time: number[]; series: number[][] } {
  const n = time.length;
  const stride = Math.max(1, Math.ceil(n / max));
  const idx: number[] = [];
  for (let i = 0; i < n; i += stride) idx.push(i);
  if (n > 0 && idx[idx.length - 1] !== n - 1) idx.push(n - 1);
  return { stride, time: idx.map((i) => time[i]), series: series.map((s) => idx.map((i) => s[i])) };
}

/** The record of a finished backtest (with its walk-forward, sweep and model summaries when present). */
export function makeBacktestRecord(input: {
  id: string;
  createdAt: string;
  data: Ohlcv;
  summary: DataSummary;
  run: BacktestRun;
  walkForward?: ReturnType<typeof walkForwardJson>;
  sweep?: ReturnType<typeof sweepJson>;
}): BacktestRecord {
  const { run, walkForward: wf, sweep } = input;
  const curve = downsampleCurve(input.data.time.subarray(run.start, run.end), [
    run.equity,
    run.buyAndHoldEquity,
  ]);
  const oos = run.report?.outOfSample as
    | { accuracy: number | null; chanceAccuracy: number | null; sigma: number | null; rows: number }
    | undefined;
  return {
    version: 1,
    id: input.id,
    createdAt: input.createdAt,
    strategy: { name: run.strategy.name, source: run.strategy.source, params: run.strategy.params },
    data: input.summary,
    config: run.config,
    metrics: run.metrics,
    buyAndHold: run.buyAndHold,
    curve: { stride: curve.stride, time: curve.time, equity: curve.series[0], buyAndHold: curve.series[1] },
    ...(wf
      ? {
          walkForward: {
            folds: wf.folds,
            train: wf.train,
            objective: wf.objective,
            inSampleMean: wf.inSampleMean,
            outOfSampleMean: wf.outOfSampleMean,
            outOfSampleTotalReturn: wf.outOfSample.totalReturn,
            efficiency: wf.efficiency,
          },
        }
      : {}),
    ...(sweep?.best
      ? { sweep: { objective: sweep.objective, combinations: sweep.combinations, best: sweep.best } }
      : {}),
    ...(oos
      ? {
          model: {
            accuracy: oos.accuracy,
            chanceAccuracy: oos.chanceAccuracy,
            sigma: oos.sigma,
            rows: oos.rows,
          },
        }
      : {}),
  };
}

/** Saves a record; returns its file. */
export function saveBacktestRecord(paths: TradingPaths, files: SecureFiles, record: BacktestRecord): string {
  assertId('backtest', record.id);
  const file = path.join(paths.backtests, `${record.id}.json`);
  files.write(file, `${JSON.stringify(record)}\n`);
  return file;
}

/** Every readable record, oldest first; unreadable files are returned as problems, not thrown. */
export function listBacktestRecords(paths: TradingPaths): {
  records: BacktestRecord[];
  problems: Array<{ file: string; error: string }>;
} {
  let names: string[];
  try {
    names = fs.readdirSync(paths.backtests).filter((f) => f.endsWith('.json'));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { records: [], problems: [] };
    throw e;
  }
  const records: BacktestRecord[] = [];
  const problems: Array<{ file: string; error: string }> = [];
  for (const name of names.sort()) {
    const file = path.join(paths.backtests, name);
    try {
      const r = readJson<BacktestRecord>(file);
      if (r && r.version === 1 && r.metrics && r.curve) records.push(r);
      else problems.push({ file, error: 'not a backtest record' });
    } catch (e) {
      problems.push({ file, error: (e as Error).message });
    }
  }
  records.sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id));
  return { records, problems };
}
