/**
 * Parameter sweeps: `fast=5:50:5,slow=20:200:20` expands to the grid of every combination; each is
 * backtested on the same bars with a shared indicator cache, and ranked by an objective. Combinations
 * the strategy refuses (fast ≥ slow …) are listed as skipped, not silently dropped.
 */
import { AitbcError, isAitbcError } from '../../core/errors.js';
import { checkParam } from '../strategies/params.js';
import { createContext, type Params, type Strategy, type StrategyContext } from '../strategies/types.js';
import type { Ohlcv } from '../types.js';
import { type EngineRange, runEngine, validateConfig } from './engine.js';
import { engineMetrics, type RunMetrics } from './run.js';
import type { BacktestConfig } from './types.js';

export interface SweepAxis {
  name: string;
  values: number[];
}

/** Ranking objectives: the metric and whether higher is better. */
export const OBJECTIVES = {
  sharpe: { metric: 'sharpe', higherIsBetter: true },
  sortino: { metric: 'sortino', higherIsBetter: true },
  calmar: { metric: 'calmar', higherIsBetter: true },
  total_return: { metric: 'totalReturn', higherIsBetter: true },
  cagr: { metric: 'cagr', higherIsBetter: true },
  profit_factor: { metric: 'profitFactor', higherIsBetter: true },
  win_rate: { metric: 'winRate', higherIsBetter: true },
  expectancy: { metric: 'expectancy', higherIsBetter: true },
  max_drawdown: { metric: 'maxDrawdown', higherIsBetter: false },
} as const satisfies Record<string, { metric: keyof RunMetrics; higherIsBetter: boolean }>;

export type Objective = keyof typeof OBJECTIVES;
export const OBJECTIVE_NAMES = Object.keys(OBJECTIVES) as Objective[];

/** Most combinations a sweep may expand to. */
export const MAX_COMBINATIONS = 10_000;

/**
 * The objective named `name`.
 * @throws AitbcError INVALID_INPUT listing the valid objectives.
 */
export function parseObjective(name: string): Objective {
  if (!(OBJECTIVE_NAMES as string[]).includes(name)) {
    throw new AitbcError(
      'INVALID_INPUT',
      `unknown objective "${name}"; valid: ${OBJECTIVE_NAMES.join(', ')}`,
      {
        objective: name,
        valid: OBJECTIVE_NAMES,
      },
    );
  }
  return name as Objective;
}

function rangeValues(name: string, text: string): number[] {
  const bad = (why: string): never => {
    throw new AitbcError('INVALID_INPUT', `sweep ${name}=${text}: ${why}`, { param: name, spec: text });
  };
  if (text.includes('|')) {
    const vs = text.split('|').map((s) => Number(s.trim()));
    if (vs.some((v) => !Number.isFinite(v))) bad('every listed value must be a number');
    return vs;
  }
  const parts = text.split(':').map((s) => Number(s.trim()));
  if (parts.some((v) => !Number.isFinite(v))) bad('use start:stop:step, a|b|c or a single number');
  if (parts.length === 1) return parts;
  if (parts.length !== 3) bad('use start:stop:step');
  const [a, b, step] = parts;
  if (!(step > 0)) bad('step must be positive');
  if (b < a) bad('stop must be ≥ start');
  const out: number[] = [];
  const count = Math.floor((b - a) / step + 1e-9) + 1;
  if (count > MAX_COMBINATIONS) bad(`expands to ${count} values (most ${MAX_COMBINATIONS})`);
  // Computed from the index, so 0.1 steps do not accumulate rounding.
  for (let k = 0; k < count; k++) out.push(Number((a + k * step).toPrecision(12)));
  return out;
}

/**
 * Parses a sweep spec against the strategy's parameters.
 * @throws AitbcError INVALID_INPUT for a malformed item, an unknown parameter (listing the valid ones)
 *   or a grid larger than MAX_COMBINATIONS.
 * @example parseSweepSpec('fast=5:50:5,slow=20:200:20', smaCross) // 2 axes of 10 values
 */
export function parseSweepSpec(spec: string, strategy: Strategy): SweepAxis[] {
  const axes: SweepAxis[] = [];
  for (const item of spec.split(',')) {
    const s = item.trim();
    if (s === '') continue;
    const eq = s.indexOf('=');
    if (eq <= 0)
      throw new AitbcError('INVALID_INPUT', `sweep item "${s}" is not name=start:stop:step`, { item: s });
    const name = s.slice(0, eq).trim();
    const values = rangeValues(name, s.slice(eq + 1).trim());
    for (const v of values) checkParam(strategy, name, v);
    if (axes.some((a) => a.name === name)) {
      throw new AitbcError('INVALID_INPUT', `sweep names ${name} twice`, { param: name });
    }
    axes.push({ name, values });
  }
  if (axes.length === 0) throw new AitbcError('INVALID_INPUT', 'empty sweep spec', { spec });
  const total = axes.reduce((p, a) => p * a.values.length, 1);
  if (total > MAX_COMBINATIONS) {
    throw new AitbcError(
      'INVALID_INPUT',
      `sweep expands to ${total} combinations (most ${MAX_COMBINATIONS})`,
      {
        combinations: total,
      },
    );
  }
  return axes;
}

/** Every combination of the axes over `base`, first axis slowest. */
export function expandGrid(axes: readonly SweepAxis[], base: Params): Params[] {
  let grid: Params[] = [{ ...base }];
  for (const axis of axes) {
    const next: Params[] = [];
    for (const p of grid) for (const v of axis.values) next.push({ ...p, [axis.name]: v });
    grid = next;
  }
  return grid;
}

/** Sorts by the objective, best first; null values last; ties keep grid order. */
export function rankByObjective<T extends { metrics: RunMetrics }>(rows: T[], objective: Objective): T[] {
  const { metric, higherIsBetter } = OBJECTIVES[objective];
  const score = (r: T): number => {
    const v = r.metrics[metric] as number | null;
    if (v === null || !Number.isFinite(v)) return Number.NEGATIVE_INFINITY;
    return higherIsBetter ? v : -v;
  };
  return rows
    .map((r, i) => ({ r, i, s: score(r) }))
    .sort((x, y) => y.s - x.s || x.i - y.i)
    .map((x) => x.r);
}

export interface SweepRow {
  params: Params;
  metrics: RunMetrics;
}

export interface SweepResult {
  axes: SweepAxis[];
  objective: Objective;
  combinations: number;
  evaluated: number;
  skipped: Array<{ params: Params; reason: string }>;
  /** Bars simulated summed over evaluated combinations. */
  barEvaluations: number;
  /** Best first. */
  results: SweepRow[];
}

/**
 * Backtests every combination of `axes` over `base` on bars `range`.
 * @throws AitbcError INVALID_INPUT for a bad configuration, or when every combination is refused.
 */
export function runSweep(
  data: Ohlcv,
  strategy: Strategy,
  base: Params,
  axes: readonly SweepAxis[],
  cfg: BacktestConfig,
  objective: Objective,
  opts: { ctx?: StrategyContext; range?: EngineRange } = {},
): SweepResult {
  validateConfig(cfg);
  const ctx = opts.ctx ?? createContext();
  const grid = expandGrid(axes, base);
  const skipped: SweepResult['skipped'] = [];
  const rows: SweepRow[] = [];
  let barEvaluations = 0;
  // Only metrics are kept, so every run writes its curve into the same buffers.
  const bars = data.close.length;
  const buffers = { equity: new Float64Array(bars), position: new Int8Array(bars) };
  for (const params of grid) {
    try {
      strategy.validate?.(params);
    } catch (e) {
      if (!isAitbcError(e)) throw e;
      skipped.push({ params, reason: e.message });
      continue;
    }
    const out = strategy.run(data, params, ctx);
    const r = runEngine(data, out.target, cfg, opts.range, buffers);
    barEvaluations += r.end - r.start;
    rows.push({ params, metrics: engineMetrics(data, r, cfg.periodsPerYear) });
  }
  if (rows.length === 0) {
    throw new AitbcError('INVALID_INPUT', `every one of the ${grid.length} sweep combinations was refused`, {
      skipped: skipped.slice(0, 5),
    });
  }
  return {
    axes: [...axes],
    objective,
    combinations: grid.length,
    evaluated: rows.length,
    skipped,
    barEvaluations,
    results: rankByObjective(rows, objective),
  };
}
