/**
 * The seeded benchmark: N test seeds from a seed base (disjoint from the calibration range), each a
 * labelled day at one difficulty and its benign-only twin. Our detectors run at the calibrated
 * thresholds, the baseline rules verbatim; both are scored by the same rule (src/surveillance/scoring.ts)
 * and pooled over the seeds. Every figure in the result is computed in the run that returns it.
 */
import { AitbcError } from '../core/errors.js';
import { CALIBRATION_SEEDS } from './calibration.js';
import type { Calibration } from './calibration-types.js';
import { detectionsAt } from './detect.js';
import { finalizeDetections } from './finalize.js';
import { DIFFICULTIES, type Difficulty } from './generator-params.js';
import { ANOMALY_SLACK_MS, type PreparedScenario, prepareScenario } from './harness.js';
import { accountRisks } from './risk.js';
import {
  matchedLatencies,
  type PatternScore,
  poolScores,
  rates,
  type Scorable,
  type ScoreReport,
  scoreAlerts,
  scoreWindows,
  type WindowScore,
} from './scoring.js';
import { ANOMALY_TYPES, MANIPULATION_TYPES } from './types.js';

export interface BenchOptions {
  seeds: number;
  seedBase: number;
  difficulty: Difficulty;
  calibration: Calibration;
  /** simulated duration of each scenario (default one day) */
  durationMs?: number;
  onProgress?: (p: { done: number; total: number; seed: number; kind: string }) => void;
}

/** The baseline's figures beside ours. */
export interface BaselineBrief {
  alerts: number;
  truePositives: number;
  precision: number;
  recall: number;
  f1: number;
}

export interface PatternRow extends PatternScore {
  baseline: BaselineBrief;
}

export interface AnomalyRow extends WindowScore {
  type: string;
  /** what the row is scored against */
  truthKind: 'news jumps and pumps' | 'labelled manipulators';
  /** alerts per simulated benign day */
  benignAlertsPerDay: number;
  baseline?: BaselineBrief;
}

export interface BenchResult {
  difficulty: Difficulty;
  seedBase: number;
  seeds: number[];
  calibrationSeeds: { base: number; count: number };
  scenarioDays: number;
  events: number;
  labels: number;
  macroF1: number;
  perPattern: PatternRow[];
  baseline: { macroF1: number };
  /** alerts of the four manipulation types per simulated day of benign-only data */
  falseAlertsPerDay: { ours: number; baseline: number; benignDays: number };
  anomalies: AnomalyRow[];
  risk: {
    /** share of accounts rated high that are labelled manipulators */
    highPrecision: number | null;
    /** share of labelled manipulators rated medium or high */
    manipulatorsAtMediumOrHigh: number | null;
    accountsRated: number;
  };
  medianOrderQty: number;
}

/** The default test seed base for a date: YYYYMMDD × 1000 (UTC). */
export function defaultSeedBase(date: Date): number {
  const ymd = date.getUTCFullYear() * 10_000 + (date.getUTCMonth() + 1) * 100 + date.getUTCDate();
  return ymd * 1000;
}

/** @throws AitbcError INVALID_INPUT when the test seeds overlap the calibration seeds. */
export function assertDisjoint(seedBase: number, seeds: number, cal: { base: number; count: number }): void {
  if (seedBase < cal.base + cal.count && cal.base < seedBase + seeds) {
    throw new AitbcError(
      'INVALID_INPUT',
      `test seeds ${seedBase}..${seedBase + seeds - 1} overlap the calibration seeds ${cal.base}..${cal.base + cal.count - 1}`,
      { seedBase, seeds, calibration: cal },
      { hint: 'choose another --seed-base' },
    );
  }
}

/**
 * Runs the benchmark.
 * @throws AitbcError INVALID_INPUT for bad options or test seeds overlapping the calibration range.
 */
export function runBenchmark(opts: BenchOptions): BenchResult {
  const { seeds, seedBase, difficulty, calibration } = opts;
  if (!Number.isSafeInteger(seeds) || seeds < 1 || seeds > 1000) {
    throw new AitbcError('INVALID_INPUT', `seeds must be an integer from 1 to 1000, got ${seeds}`, { seeds });
  }
  if (!Number.isSafeInteger(seedBase) || seedBase < 0) {
    throw new AitbcError('INVALID_INPUT', `seed base must be a non-negative integer, got ${seedBase}`, {
      seedBase,
    });
  }
  if (!DIFFICULTIES.includes(difficulty)) {
    throw new AitbcError('INVALID_INPUT', `difficulty must be easy, medium or hard, got "${difficulty}"`, {});
  }
  assertDisjoint(seedBase, seeds, calibration.seeds);
  assertDisjoint(seedBase, seeds, CALIBRATION_SEEDS);

  const ours: ScoreReport[] = [];
  const base: ScoreReport[] = [];
  const latencies = new Map<string, number[]>();
  let benignOurs = 0;
  let benignBase = 0;
  let benignDays = 0;
  let days = 0;
  let events = 0;
  let labels = 0;
  const medians: number[] = [];
  const anomalyRuns = new Map<string, { score: WindowScore[]; base: WindowScore[]; benign: number }>();
  const riskRows: Array<{ level: string; manipulator: boolean }> = [];
  const manipulatorsSeen: Array<{ level: string | undefined }> = [];
  const seedList = Array.from({ length: seeds }, (_, i) => seedBase + i);
  const manip = (d: { type: string }) => (MANIPULATION_TYPES as readonly string[]).includes(d.type);

  seedList.forEach((seed, i) => {
    opts.onProgress?.({ done: 2 * i, total: 2 * seeds, seed, kind: difficulty });
    const mixed = prepareScenario(seed, difficulty, { durationMs: opts.durationMs });
    opts.onProgress?.({ done: 2 * i + 1, total: 2 * seeds, seed, kind: 'benign' });
    const benign = prepareScenario(seed, null, { durationMs: opts.durationMs });
    days += mixed.days;
    benignDays += benign.days;
    events += mixed.events + benign.events;
    labels += mixed.labels.length;
    medians.push(mixed.medianOrderQty);

    const ourAlerts = finalizeDetections(detectionsAt(mixed.candidates, calibration.thresholds), calibration);
    const ourScorable = ourAlerts.map((a) => ({
      ...a,
      startMs: Date.parse(a.start),
      endMs: Date.parse(a.end),
      detectedAtMs: Date.parse(a.detectedAt),
    }));
    ours.push(scoreAlerts(ourScorable, mixed.labels));
    base.push(scoreAlerts(mixed.baseline, mixed.labels));
    for (const [type, list] of matchedLatencies(ourScorable, mixed.labels)) {
      latencies.set(type, [...(latencies.get(type) ?? []), ...list]);
    }
    const benignDetections = detectionsAt(benign.candidates, calibration.thresholds);
    benignOurs += benignDetections.filter(manip).length;
    benignBase += benign.baseline.filter(manip).length;

    for (const type of ANOMALY_TYPES) {
      const row = anomalyRuns.get(type) ?? { score: [], base: [], benign: 0 };
      const truthOf = (s: PreparedScenario) =>
        type === 'isolation_outlier' ? s.accountTruth : s.marketTruth;
      const slack = type === 'isolation_outlier' ? 60_000 : ANOMALY_SLACK_MS;
      const pick = <T extends Scorable>(ds: readonly T[]) => ds.filter((d) => d.type === type);
      row.score.push(scoreWindows(pick(ourScorable), truthOf(mixed), slack));
      row.score.push(scoreWindows(pick(benignDetections), truthOf(benign), slack));
      row.base.push(scoreWindows(pick(mixed.baseline), truthOf(mixed), slack));
      row.base.push(scoreWindows(pick(benign.baseline), truthOf(benign), slack));
      row.benign += pick(benignDetections).length;
      anomalyRuns.set(type, row);
    }

    const manipulators = new Set(mixed.labels.flatMap((l) => l.accounts));
    const rated = accountRisks(ourAlerts, calibration.riskCutoffs);
    for (const r of rated) riskRows.push({ level: r.level, manipulator: manipulators.has(r.account) });
    const levelOf = new Map(rated.map((r) => [r.account, r.level]));
    for (const m of manipulators) manipulatorsSeen.push({ level: levelOf.get(m) });
  });

  const pooled = poolScores(ours, latencies);
  const pooledBase = poolScores(base);
  const brief = (b: BaselineBrief) => ({
    alerts: b.alerts,
    truePositives: b.truePositives,
    precision: b.precision,
    recall: b.recall,
    f1: b.f1,
  });
  const perPattern: PatternRow[] = pooled.perPattern.map((p) => ({
    ...p,
    baseline: brief(pooledBase.perPattern.find((x) => x.type === p.type)!),
  }));
  const anomalies: AnomalyRow[] = ANOMALY_TYPES.map((type) => {
    const row = anomalyRuns.get(type)!;
    const sum = (list: WindowScore[]): WindowScore => {
      const alerts = list.reduce((n, w) => n + w.alerts, 0);
      const truth = list.reduce((n, w) => n + w.truth, 0);
      const tp = list.reduce((n, w) => n + w.truePositives, 0);
      return { alerts, truth, truePositives: tp, ...rates(tp, alerts, truth) };
    };
    return {
      type,
      truthKind: type === 'isolation_outlier' ? 'labelled manipulators' : 'news jumps and pumps',
      ...sum(row.score),
      benignAlertsPerDay: row.benign / benignDays,
      ...(type === 'isolation_outlier' ? {} : { baseline: brief(sum(row.base)) }),
    };
  });
  const high = riskRows.filter((r) => r.level === 'high');
  const sortedMedians = [...medians].sort((a, b) => a - b);
  return {
    difficulty,
    seedBase,
    seeds: seedList,
    calibrationSeeds: calibration.seeds,
    scenarioDays: days + benignDays,
    events,
    labels,
    macroF1: pooled.macroF1,
    perPattern,
    baseline: { macroF1: pooledBase.macroF1 },
    falseAlertsPerDay: { ours: benignOurs / benignDays, baseline: benignBase / benignDays, benignDays },
    anomalies,
    risk: {
      highPrecision: high.length === 0 ? null : high.filter((r) => r.manipulator).length / high.length,
      manipulatorsAtMediumOrHigh:
        manipulatorsSeen.length === 0
          ? null
          : manipulatorsSeen.filter((m) => m.level === 'medium' || m.level === 'high').length /
            manipulatorsSeen.length,
      accountsRated: riskRows.length,
    },
    medianOrderQty: sortedMedians[sortedMedians.length >> 1],
  };
}
