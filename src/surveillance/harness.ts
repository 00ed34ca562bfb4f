/**
 * Shared by calibration and the benchmark: a generated scenario run through the market detectors up to
 * their threshold-free candidates, with its ground truth in the forms scoring needs. Labels and news
 * stay here, beside the candidates; the detectors only ever see the event table.
 */
import { baselineDetections } from './baseline.js';
import { type MarketCandidates, marketCandidates } from './detect.js';
import { tableFromEvents } from './events.js';
import { generateScenario } from './generator.js';
import type { Difficulty } from './generator-params.js';
import type { Scorable, TruthWindow } from './scoring.js';
import type { Detection, Label } from './types.js';

/** How long after a news jump its informed flow can still move volume and price. */
export const NEWS_WINDOW_MS = 30 * 60_000;
/** Slack when matching anomaly alerts to truth windows (one anomaly bucket). */
export const ANOMALY_SLACK_MS = 5 * 60_000;

export interface PreparedScenario {
  seed: number;
  difficulty: Difficulty | null;
  benignOnly: boolean;
  /** simulated days */
  days: number;
  events: number;
  medianOrderQty: number;
  labels: Scorable[];
  /** news jumps and pumps: what the volume and price anomaly detectors should find */
  marketTruth: TruthWindow[];
  /** every labelled manipulator's activity window: what isolation outliers should find */
  accountTruth: TruthWindow[];
  candidates: MarketCandidates;
  baseline: Detection[];
}

/** A label with times in ms, as scoring reads it. */
export function labelScorable(l: Label): Scorable {
  return { ...l, startMs: Date.parse(l.start), endMs: Date.parse(l.end) };
}

/** Generates a scenario and runs the detectors and the baseline over it. */
export function prepareScenario(
  seed: number,
  difficulty: Difficulty | null,
  opts: { durationMs?: number } = {},
): PreparedScenario {
  const sc = generateScenario({
    seed,
    difficulty: difficulty ?? 'medium',
    benignOnly: difficulty === null,
    durationMs: opts.durationMs,
  });
  const table = tableFromEvents(sc.events);
  const candidates = marketCandidates(table);
  const labels = sc.labels.map(labelScorable);
  const marketTruth: TruthWindow[] = [
    ...sc.news.map((n) => ({ startMs: Date.parse(n.time), endMs: Date.parse(n.time) + NEWS_WINDOW_MS })),
    ...labels.filter((l) => l.type === 'pump_and_dump').map((l) => ({ startMs: l.startMs, endMs: l.endMs })),
  ];
  const accountTruth: TruthWindow[] = labels.flatMap((l) =>
    l.accounts.map((account) => ({ startMs: l.startMs, endMs: l.endMs, account })),
  );
  return {
    seed,
    difficulty,
    benignOnly: difficulty === null,
    days: (sc.endMs - sc.startMs) / 86_400_000,
    events: table.length,
    medianOrderQty: candidates.index.medianOrderQty,
    labels,
    marketTruth,
    accountTruth,
    candidates,
    baseline: baselineDetections(candidates.index),
  };
}

/** True when at least half of the detection's accounts are in a label overlapping it (±60 s). */
export function isManipulationRelated(d: Scorable, labels: readonly Scorable[]): boolean {
  return labels.some((l) => {
    if (d.startMs > l.endMs + 60_000 || d.endMs < l.startMs - 60_000) return false;
    const inLabel = new Set(l.accounts);
    const shared = d.accounts.filter((a) => inLabel.has(a)).length;
    return d.accounts.length > 0 && shared >= d.accounts.length / 2;
  });
}
