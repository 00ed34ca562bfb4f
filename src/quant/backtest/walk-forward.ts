/**
 * Walk-forward validation (`folds=5,train=0.7`): the bars are cut into `folds` consecutive segments;
 * in each, the first `train` share is in-sample and the rest out-of-sample. With a sweep, the best
 * combination in-sample (by the objective) is the one traded out-of-sample; without one, the given
 * parameters are measured in both. Signals come from one run over all bars — strategies use only past
 * bars, so a segment's signals equal those computed with the data up to it, and later segments get
 * their warm-up from earlier bars. The out-of-sample segments are stitched into one equity curve.
 */
import { AitbcError } from '../../core/errors.js';
import { computeMetrics } from '../metrics/index.js';
import { createContext, type Params, type Strategy } from '../strategies/types.js';
import type { Ohlcv } from '../types.js';
import { runEngine, validateConfig } from './engine.js';
import { engineMetrics, type RunMetrics } from './run.js';
import { expandGrid, OBJECTIVES, type Objective, rankByObjective, type SweepAxis } from './sweep.js';
import { TradeLog } from './trade-log.js';
import type { BacktestConfig } from './types.js';

export interface WalkForwardSpec {
  folds: number;
  train: number;
}

/**
 * Parses `folds=N,train=F`.
 * @throws AitbcError INVALID_INPUT for unknown keys or values out of range.
 * @example parseWalkForwardSpec('folds=5,train=0.7') // {folds: 5, train: 0.7}
 */
export function parseWalkForwardSpec(spec: string): WalkForwardSpec {
  const out: WalkForwardSpec = { folds: 5, train: 0.7 };
  for (const item of spec.split(',')) {
    const s = item.trim();
    if (s === '') continue;
    const [k, v, ...rest] = s.split('=');
    const value = Number(v);
    if (rest.length || v === undefined || !Number.isFinite(value)) {
      throw new AitbcError(
        'INVALID_INPUT',
        `walk-forward item "${s}" is not key=number (keys: folds, train)`,
        {
          item: s,
        },
      );
    }
    if (k === 'folds') {
      if (!Number.isInteger(value) || value < 1 || value > 1000) {
        throw new AitbcError(
          'INVALID_INPUT',
          `walk-forward folds must be an integer in [1, 1000], got ${v}`,
          {
            folds: value,
          },
        );
      }
      out.folds = value;
    } else if (k === 'train') {
      if (!(value > 0 && value < 1)) {
        throw new AitbcError('INVALID_INPUT', `walk-forward train must be in (0, 1), got ${v}`, {
          train: value,
        });
      }
      out.train = value;
    } else {
      throw new AitbcError('INVALID_INPUT', `unknown walk-forward key "${k}"; valid keys: folds, train`, {
        key: k,
        valid: ['folds', 'train'],
      });
    }
  }
  return out;
}

export interface WalkForwardFold {
  fold: number;
  inSample: { from: number; to: number; fromTime: number; toTime: number };
  outOfSample: { from: number; to: number; fromTime: number; toTime: number };
  params: Params;
  inSampleMetrics: RunMetrics;
  outOfSampleMetrics: RunMetrics;
}

export interface WalkForwardResult {
  spec: WalkForwardSpec;
  objective: Objective;
  optimised: boolean;
  folds: WalkForwardFold[];
  /** Means over folds of the objective's metric. */
  inSampleMean: number | null;
  outOfSampleMean: number | null;
  /** Metrics of the stitched out-of-sample equity curve. */
  outOfSample: ReturnType<typeof computeMetrics>;
  /** Mean out-of-sample CAGR / mean in-sample CAGR (walk-forward efficiency); null when in-sample ≤ 0. */
  efficiency: number | null;
  stitchedEquity: Float64Array;
  stitchedTime: Float64Array;
}

function mean(xs: Array<number | null>): number | null {
  const v = xs.filter((x): x is number => x !== null && Number.isFinite(x));
  return v.length ? v.reduce((a, b) => a + b, 0) / v.length : null;
}

/**
 * Runs walk-forward validation; `axes` (may be empty) is the in-sample search grid.
 * @throws AitbcError INVALID_INPUT when a segment is too short to hold 2 in-sample and 2 out-of-sample bars.
 */
export function runWalkForward(
  data: Ohlcv,
  strategy: Strategy,
  base: Params,
  axes: readonly SweepAxis[],
  cfg: BacktestConfig,
  spec: WalkForwardSpec,
  objective: Objective,
): WalkForwardResult {
  validateConfig(cfg);
  const n = data.close.length;
  const seg = Math.floor(n / spec.folds);
  const isLen = Math.floor(seg * spec.train);
  if (isLen < 2 || seg - isLen < 2) {
    throw new AitbcError(
      'INVALID_INPUT',
      `series too short for walk-forward: ${n} bars in ${spec.folds} folds give ${isLen} in-sample and ` +
        `${seg - isLen} out-of-sample bars per fold; each needs at least 2`,
      { bars: n, folds: spec.folds, train: spec.train },
    );
  }
  const ctx = createContext();
  const grid = axes.length ? expandGrid(axes, base) : [base];
  const candidates = grid.filter((p) => {
    try {
      strategy.validate?.(p);
      return true;
    } catch {
      return false;
    }
  });
  if (candidates.length === 0) {
    throw new AitbcError(
      'INVALID_INPUT',
      'walk-forward: the strategy refused every parameter combination',
      {},
    );
  }
  const targets = new Map<string, Int8Array>();
  const targetOf = (p: Params): Int8Array => {
    const key = JSON.stringify(p);
    let t = targets.get(key);
    if (!t) {
      t = strategy.run(data, p, ctx).target;
      targets.set(key, t);
    }
    return t;
  };
  const folds: WalkForwardFold[] = [];
  const metric = OBJECTIVES[objective].metric;
  const stitchedEquity: number[] = [];
  const stitchedTime: number[] = [];
  const oosTrades = new TradeLog();
  let oosBarsInMarket = 0;
  let carry = cfg.capital;
  const buffers = { equity: new Float64Array(n), position: new Int8Array(n) };
  for (let k = 0; k < spec.folds; k++) {
    const s = k * seg;
    const e = k === spec.folds - 1 ? n : s + seg;
    const mid = s + isLen;
    const ranked = rankByObjective(
      candidates.map((p) => {
        const r = runEngine(data, targetOf(p), cfg, { start: s, end: mid }, buffers);
        return { params: p, metrics: engineMetrics(data, r, cfg.periodsPerYear) };
      }),
      objective,
    );
    const best = ranked[0];
    // Each out-of-sample segment starts with the equity the previous one ended with.
    const oos = runEngine(
      data,
      targetOf(best.params),
      { ...cfg, capital: carry },
      { start: mid, end: e },
      buffers,
    );
    for (let i = 0; i < oos.equity.length; i++) {
      stitchedEquity.push(oos.equity[i]);
      stitchedTime.push(data.time[mid + i]);
    }
    carry = oos.equity[oos.equity.length - 1];
    if (!(carry > 0)) carry = Number.MIN_VALUE;
    oosTrades.append(oos.trades);
    oosBarsInMarket += oos.barsInMarket;
    folds.push({
      fold: k + 1,
      inSample: { from: s, to: mid, fromTime: data.time[s], toTime: data.time[mid - 1] },
      outOfSample: { from: mid, to: e, fromTime: data.time[mid], toTime: data.time[e - 1] },
      params: best.params,
      inSampleMetrics: best.metrics,
      outOfSampleMetrics: engineMetrics(data, oos, cfg.periodsPerYear),
    });
  }
  const eq = Float64Array.from(stitchedEquity);
  const tm = Float64Array.from(stitchedTime);
  const isCagr = mean(folds.map((f) => f.inSampleMetrics.cagr));
  const oosCagr = mean(folds.map((f) => f.outOfSampleMetrics.cagr));
  return {
    spec,
    objective,
    optimised: axes.length > 0,
    folds,
    inSampleMean: mean(folds.map((f) => f.inSampleMetrics[metric] as number | null)),
    outOfSampleMean: mean(folds.map((f) => f.outOfSampleMetrics[metric] as number | null)),
    outOfSample: computeMetrics({
      equity: eq,
      time: tm,
      periodsPerYear: cfg.periodsPerYear,
      barsInMarket: oosBarsInMarket,
      trades: oosTrades,
    }),
    efficiency: isCagr !== null && oosCagr !== null && isCagr > 0 ? oosCagr / isCagr : null,
    stitchedEquity: eq,
    stitchedTime: tm,
  };
}
