/**
 * Calibration on a fixed range of seeds, disjoint from any test seeds: the market detectors' thresholds,
 * the isotonic maps from raw score to probability, and the risk-level cut-offs.
 *
 * - Manipulation types: the threshold from THRESHOLD_GRID that maximises F1 (pooled over the labelled
 *   scenarios, by the benchmark's scoring rule) among those raising at most FALSE_ALERT_BUDGET alerts
 *   of the type per simulated benign day; ties go to the higher threshold.
 * - Volume and price anomalies: the threshold maximising F1 against the news jumps and pumps (a match
 *   is an overlap within 5 minutes), over labelled and benign scenarios, among those raising at most
 *   ANOMALY_ALERT_BUDGET alerts per simulated benign day.
 * - Isolation outliers: likewise, against the labelled manipulators' activity windows (the alert must
 *   name the account and overlap within 60 s).
 * - Score maps: isotonic regression of "real manipulation" (a manipulation alert matching a label of
 *   its type; an anomaly alert at least half of whose accounts are labelled manipulators at the time)
 *   on the raw score, over every alert the thresholds let through.
 * - Risk cut-offs: over every account named by an alert in the labelled scenarios, an isotonic
 *   regression of "is a labelled manipulator" on the account's risk; the cut-off is the lowest risk
 *   whose fitted probability is at least 50 % (medium) or 90 % (high). When a level is never reached
 *   its cut-off is 1 (nothing is rated that high).
 */
import { AitbcError } from '../core/errors.js';
import type { Calibration } from './calibration-types.js';
import { detectionsAt, type Thresholds } from './detect.js';
import { isolationDetections } from './detect-isolation.js';
import { spoofDetections } from './detect-spoofing.js';
import { finalizeDetections } from './finalize.js';
import { DIFFICULTIES } from './generator-params.js';
import {
  ANOMALY_SLACK_MS,
  isManipulationRelated,
  type PreparedScenario,
  prepareScenario,
} from './harness.js';
import { fitIsotonic, type StepMap } from './isotonic.js';
import { accountRisks } from './risk.js';
import { alertMatchesLabel, rates, type Scorable, scoreAlerts, scoreWindows } from './scoring.js';
import { ANOMALY_TYPES, type Detection, MANIPULATION_TYPES, type MarketAlertType } from './types.js';

/** The fixed calibration range. Test seeds must not intersect it. */
export const CALIBRATION_SEEDS = { base: 1, count: 12 } as const;
/** Most alerts of one manipulation type per simulated benign day a threshold may raise. */
export const FALSE_ALERT_BUDGET = 0.2;
/** Most alerts of one anomaly type per simulated benign day (news jumps do happen on benign days). */
export const ANOMALY_ALERT_BUDGET = 2;

const range = (from: number, to: number, step: number) =>
  Array.from(
    { length: Math.round((to - from) / step) + 1 },
    (_, i) => Math.round((from + i * step) * 1e6) / 1e6,
  );
const geometric = (from: number, to: number, factor: number) => {
  const out: number[] = [];
  for (let v = from; v <= to * 1.0001; v *= factor) out.push(Math.round(v * 1e4) / 1e4);
  return out;
};

/** The candidate thresholds tried for each type. */
export const THRESHOLD_GRID: Record<MarketAlertType, number[]> = {
  wash_trading: range(0.05, 0.95, 0.025),
  spoofing: geometric(1.5, 40, 1.1),
  layering: geometric(1.5, 60, 1.1),
  pump_and_dump: range(0.02, 0.9, 0.02),
  volume_anomaly: range(3.5, 30, 0.5),
  price_anomaly: range(3.5, 40, 0.5),
  isolation_outlier: range(0.45, 0.95, 0.005),
};

/** The scenarios of a calibration (or any) seed range: each labelled day and its benign twin. */
export function scenarioPlan(
  base: number,
  count: number,
): Array<{ seed: number; difficulty: (typeof DIFFICULTIES)[number] }> {
  return Array.from({ length: count }, (_, i) => ({ seed: base + i, difficulty: DIFFICULTIES[i % 3] }));
}

/** Detections of one type at one threshold. */
function detectionsOfType(s: PreparedScenario, type: MarketAlertType, th: number): Detection[] {
  const c = s.candidates;
  switch (type) {
    case 'spoofing':
      return spoofDetections(c.index, c.cycles, { spoofing: th, layering: Number.POSITIVE_INFINITY });
    case 'layering':
      return spoofDetections(c.index, c.cycles, { spoofing: Number.POSITIVE_INFINITY, layering: th });
    case 'isolation_outlier':
      return isolationDetections(c.index, c.isolation, th);
    case 'wash_trading':
      return c.wash.filter((d) => d.raw >= th);
    case 'pump_and_dump':
      return c.pump.filter((d) => d.raw >= th);
    default:
      return c.anomalies.filter((d) => d.type === type && d.raw >= th);
  }
}

export interface CalibrationProgress {
  done: number;
  total: number;
  seed: number;
  difficulty: string;
}

/** One threshold's pooled figures on the calibration scenarios. */
export interface ThresholdFigures {
  threshold: number;
  f1: number;
  precision: number;
  recall: number;
  /** alerts of the type per simulated benign day (null when no threshold met the budget) */
  falseAlertsPerDay: number | null;
}

export interface CalibrationResult {
  calibration: Calibration;
  /** the chosen threshold's figures per type, on the calibration scenarios themselves */
  chosen: Record<MarketAlertType, ThresholdFigures>;
  scenarios: number;
  events: number;
}

/**
 * Runs the calibration. Deterministic in (base, count).
 * @throws AitbcError INVALID_INPUT for a bad range.
 */
export function calibrate(
  opts: {
    base?: number;
    count?: number;
    durationMs?: number;
    onProgress?: (p: CalibrationProgress) => void;
  } = {},
): CalibrationResult {
  const base = opts.base ?? CALIBRATION_SEEDS.base;
  const count = opts.count ?? CALIBRATION_SEEDS.count;
  if (!Number.isSafeInteger(base) || base < 0 || !Number.isSafeInteger(count) || count < 1) {
    throw new AitbcError('INVALID_INPUT', 'calibration needs a non-negative integer base and a count ≥ 1', {
      base,
      count,
    });
  }
  const mixed: PreparedScenario[] = [];
  const benign: PreparedScenario[] = [];
  const plan = scenarioPlan(base, count);
  plan.forEach(({ seed, difficulty }, i) => {
    opts.onProgress?.({ done: 2 * i, total: 2 * plan.length, seed, difficulty });
    mixed.push(prepareScenario(seed, difficulty, { durationMs: opts.durationMs }));
    opts.onProgress?.({ done: 2 * i + 1, total: 2 * plan.length, seed, difficulty: 'benign' });
    benign.push(prepareScenario(seed, null, { durationMs: opts.durationMs }));
  });
  const all = [...mixed, ...benign];
  const benignDays = benign.reduce((s, x) => s + x.days, 0);

  const thresholds = {} as Thresholds;
  const chosen = {} as Record<MarketAlertType, ThresholdFigures>;
  for (const type of MANIPULATION_TYPES) {
    let best: ThresholdFigures | undefined;
    for (const th of THRESHOLD_GRID[type]) {
      const dets = mixed.map((s) => detectionsOfType(s, type, th));
      const pooled = pool(
        dets,
        mixed.map((s) => s.labels),
        type,
      );
      const falseAlerts = benign.reduce((n, s) => n + detectionsOfType(s, type, th).length, 0) / benignDays;
      const fig = { threshold: th, ...pooled, falseAlertsPerDay: falseAlerts };
      if (falseAlerts > FALSE_ALERT_BUDGET) continue;
      if (best === undefined || fig.f1 >= best.f1) best = fig;
    }
    const fallback = THRESHOLD_GRID[type][THRESHOLD_GRID[type].length - 1];
    chosen[type] = best ?? { threshold: fallback, f1: 0, precision: 0, recall: 0, falseAlertsPerDay: null };
    thresholds[type] = chosen[type].threshold;
  }
  for (const type of ANOMALY_TYPES) {
    let best: ThresholdFigures | undefined;
    for (const th of THRESHOLD_GRID[type]) {
      let tp = 0;
      let alerts = 0;
      let truth = 0;
      const benignRate = benign.reduce((n, s) => n + detectionsOfType(s, type, th).length, 0) / benignDays;
      if (benignRate > ANOMALY_ALERT_BUDGET) continue;
      for (const s of all) {
        const dets = detectionsOfType(s, type, th);
        const w =
          type === 'isolation_outlier'
            ? scoreWindows(dets, s.accountTruth, 60_000)
            : scoreWindows(dets, s.marketTruth, ANOMALY_SLACK_MS);
        tp += w.truePositives;
        alerts += w.alerts;
        truth += w.truth;
      }
      const r = rates(tp, alerts, truth);
      if (best === undefined || r.f1 >= best.f1)
        best = { threshold: th, ...r, falseAlertsPerDay: benignRate };
    }
    const fallback = THRESHOLD_GRID[type][THRESHOLD_GRID[type].length - 1];
    chosen[type] = best ?? { threshold: fallback, f1: 0, precision: 0, recall: 0, falseAlertsPerDay: null };
    thresholds[type] = chosen[type].threshold;
  }

  // Score maps from every alert the thresholds let through.
  const samples = new Map<MarketAlertType, Array<{ raw: number; hit: boolean }>>();
  for (const s of all) {
    for (const d of detectionsAt(s.candidates, thresholds)) {
      const type = d.type as MarketAlertType;
      const hit = (MANIPULATION_TYPES as readonly string[]).includes(type)
        ? s.labels.some((l) => alertMatchesLabel(scorable(d), l))
        : isManipulationRelated(scorable(d), s.labels);
      const list = samples.get(type) ?? [];
      list.push({ raw: d.raw, hit });
      samples.set(type, list);
    }
  }
  const scoreMaps = {} as Calibration['scoreMaps'];
  for (const type of [...MANIPULATION_TYPES, ...ANOMALY_TYPES])
    scoreMaps[type] = fitIsotonic(samples.get(type) ?? []);

  // Risk cut-offs from account risks on the labelled scenarios.
  const provisional: Calibration = {
    version: 1,
    seeds: { base, count },
    thresholds,
    scoreMaps,
    riskCutoffs: { medium: 1, high: 1 },
  };
  const accounts: Array<{ risk: number; manipulator: boolean }> = [];
  for (const s of mixed) {
    const alerts = finalizeDetections(detectionsAt(s.candidates, thresholds), provisional);
    const manipulators = new Set(s.labels.flatMap((l) => l.accounts));
    for (const r of accountRisks(alerts, provisional.riskCutoffs)) {
      accounts.push({ risk: r.score, manipulator: manipulators.has(r.account) });
    }
  }
  const riskMap = fitIsotonic(accounts.map((a) => ({ raw: a.risk, hit: a.manipulator })));
  return {
    calibration: {
      ...provisional,
      riskCutoffs: { medium: cutoffFor(riskMap, 0.5), high: cutoffFor(riskMap, 0.9) },
    },
    chosen,
    scenarios: all.length,
    events: all.reduce((n, s) => n + s.events, 0),
  };
}

function scorable(d: Detection): Scorable {
  return d;
}

/** Pooled precision / recall / F1 of one type over several scenarios. */
function pool(
  dets: Detection[][],
  labels: Scorable[][],
  type: string,
): { f1: number; precision: number; recall: number } {
  let tp = 0;
  let alerts = 0;
  let truth = 0;
  dets.forEach((d, i) => {
    const p = scoreAlerts(d, labels[i], [type]).perPattern[0];
    tp += p.truePositives;
    alerts += p.alerts;
    truth += p.labels;
  });
  const precision = alerts === 0 ? 0 : tp / alerts;
  const recall = truth === 0 ? 0 : tp / truth;
  return {
    f1: precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall),
    precision,
    recall,
  };
}

/** The lowest raw value whose fitted probability is at least `p` (1 when none is). */
export function cutoffFor(map: StepMap, p: number): number {
  for (let i = 0; i < map.x.length; i++) if (map.y[i] >= p) return Math.max(map.x[i], 1e-6);
  return 1;
}
