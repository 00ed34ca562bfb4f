/**
 * Scoring alerts against labels, by the benchmark's rule: an alert matches a label of the same type
 * when (1) they share an event id or their windows overlap within ±60 s, (2) the alert's window is no
 * longer than 4× the label's plus 2 minutes, and (3) at least half of the alert's accounts are in the
 * label. Each label credits at most one alert: the assignment is a maximum bipartite matching, so the
 * count of true positives does not depend on alert order; an alert that matches only labels credited
 * to other alerts is a duplicate. Precision = TP / all alerts of the type (duplicates and unmatched
 * alerts both count against it), recall = TP / labels, F1 their harmonic mean (0 when both are 0).
 */
import { MANIPULATION_TYPES } from './types.js';

export const SCORING = {
  OVERLAP_SLACK_MS: 60_000,
  WINDOW_FACTOR: 4,
  WINDOW_EXTRA_MS: 120_000,
  MIN_ACCOUNT_SHARE: 0.5,
} as const;

/** The fields scoring reads; times as ms. */
export interface Scorable {
  type: string;
  accounts: readonly string[];
  startMs: number;
  endMs: number;
  eventIds: readonly string[];
}

/** The fields scoring reads from an alert, plus when it was raised (for latency). */
export interface ScorableAlert extends Scorable {
  detectedAtMs?: number;
}

/** True when `alert` matches `label` by the rule above (ids: the label's event ids as a set). */
export function alertMatchesLabel(alert: Scorable, label: Scorable, labelIds?: ReadonlySet<string>): boolean {
  if (alert.type !== label.type) return false;
  const alertLen = alert.endMs - alert.startMs;
  const labelLen = label.endMs - label.startMs;
  if (alertLen > SCORING.WINDOW_FACTOR * labelLen + SCORING.WINDOW_EXTRA_MS) return false;
  const inLabel = new Set(label.accounts);
  let shared = 0;
  for (const a of alert.accounts) if (inLabel.has(a)) shared++;
  if (alert.accounts.length === 0 || shared < SCORING.MIN_ACCOUNT_SHARE * alert.accounts.length) return false;
  const overlaps =
    alert.startMs <= label.endMs + SCORING.OVERLAP_SLACK_MS &&
    alert.endMs >= label.startMs - SCORING.OVERLAP_SLACK_MS;
  if (overlaps) return true;
  const ids = labelIds ?? new Set(label.eventIds);
  return alert.eventIds.some((id) => ids.has(id));
}

export interface PatternScore {
  type: string;
  labels: number;
  alerts: number;
  truePositives: number;
  duplicates: number;
  falsePositives: number;
  precision: number;
  recall: number;
  f1: number;
  /** seconds from label start to the matched alert's detectedAt: median and 90th percentile */
  latencyMedianS: number | null;
  latencyP90S: number | null;
}

export interface ScoreReport {
  perPattern: PatternScore[];
  /** mean F1 over wash_trading, spoofing, layering, pump_and_dump */
  macroF1: number;
}

/** The maximum matching of alerts to labels (Kuhn's augmenting paths). match[alert] = label or −1. */
export function matchAlerts(alerts: readonly Scorable[], labels: readonly Scorable[]): Int32Array {
  const labelIds = labels.map((l) => new Set(l.eventIds));
  return maxMatching(
    alerts.map((a) => {
      const list: number[] = [];
      labels.forEach((l, j) => {
        if (alertMatchesLabel(a, l, labelIds[j])) list.push(j);
      });
      return list;
    }),
    labels.length,
  );
}

/** Maximum bipartite matching: adj[i] lists the right-side items i may take. Returns right[i] or −1. */
export function maxMatching(adj: readonly number[][], rightCount: number): Int32Array {
  const rightTo = new Int32Array(rightCount).fill(-1);
  for (let i = 0; i < adj.length; i++) {
    if (adj[i].length === 0) continue;
    const seen = new Uint8Array(rightCount);
    const augment = (u: number): boolean => {
      for (const v of adj[u]) {
        if (seen[v]) continue;
        seen[v] = 1;
        if (rightTo[v] < 0 || augment(rightTo[v])) {
          rightTo[v] = u;
          return true;
        }
      }
      return false;
    };
    augment(i);
  }
  const leftTo = new Int32Array(adj.length).fill(-1);
  rightTo.forEach((l, r) => {
    if (l >= 0) leftTo[l] = r;
  });
  return leftTo;
}

/** A window of ground truth for the anomaly detectors (news jumps, pumps, manipulators' activity). */
export interface TruthWindow {
  startMs: number;
  endMs: number;
  /** when set, the alert must name this account */
  account?: string;
}

export interface WindowScore {
  alerts: number;
  truth: number;
  truePositives: number;
  precision: number;
  recall: number;
  f1: number;
}

/**
 * Scores alerts against truth windows: an alert matches a window it overlaps within `slackMs` (and
 * names its account, when the window has one); each window credits at most one alert.
 */
export function scoreWindows(
  alerts: readonly Scorable[],
  truth: readonly TruthWindow[],
  slackMs: number,
): WindowScore {
  const adj = alerts.map((a) => {
    const list: number[] = [];
    truth.forEach((w, j) => {
      if (a.startMs > w.endMs + slackMs || a.endMs < w.startMs - slackMs) return;
      if (w.account !== undefined && !a.accounts.includes(w.account)) return;
      list.push(j);
    });
    return list;
  });
  const match = maxMatching(adj, truth.length);
  let tp = 0;
  for (const m of match) if (m >= 0) tp++;
  return {
    alerts: alerts.length,
    truth: truth.length,
    truePositives: tp,
    ...rates(tp, alerts.length, truth.length),
  };
}

function quantile(sorted: number[], q: number): number | null {
  if (sorted.length === 0) return null;
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

/** Precision, recall and F1 from counts (each 0 when its denominator is). */
export function rates(
  truePositives: number,
  alerts: number,
  truth: number,
): { precision: number; recall: number; f1: number } {
  const precision = alerts === 0 ? 0 : truePositives / alerts;
  const recall = truth === 0 ? 0 : truePositives / truth;
  return {
    precision,
    recall,
    f1: precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall),
  };
}

/** One pattern's row from its counts and the latencies of its true positives. */
function patternScore(
  type: string,
  c: { labels: number; alerts: number; truePositives: number; duplicates: number; falsePositives: number },
  latencies: number[],
): PatternScore {
  const sorted = [...latencies].sort((x, y) => x - y);
  return {
    type,
    ...c,
    ...rates(c.truePositives, c.alerts, c.labels),
    latencyMedianS: quantile(sorted, 0.5),
    latencyP90S: quantile(sorted, 0.9),
  };
}

/** Macro-F1 over the manipulation types present in `rows`. */
function macroF1(rows: PatternScore[]): number {
  const macro = rows.filter((p) => (MANIPULATION_TYPES as readonly string[]).includes(p.type));
  return macro.length === 0 ? 0 : macro.reduce((s, p) => s + p.f1, 0) / macro.length;
}

/**
 * Scores alerts against labels per pattern type. `types` lists the types to report (default: the four
 * manipulation types, which also make up the macro-F1).
 */
export function scoreAlerts(
  alerts: readonly ScorableAlert[],
  labels: readonly Scorable[],
  types: readonly string[] = MANIPULATION_TYPES,
): ScoreReport {
  const perPattern = types.map((type) => {
    const as = alerts.filter((a) => a.type === type);
    const ls = labels.filter((l) => l.type === type);
    const match = matchAlerts(as, ls);
    const labelIds = ls.map((l) => new Set(l.eventIds));
    let tp = 0;
    let dup = 0;
    const latencies: number[] = [];
    as.forEach((a, i) => {
      if (match[i] >= 0) {
        tp++;
        const l = ls[match[i]];
        if (a.detectedAtMs !== undefined) latencies.push(Math.max(0, (a.detectedAtMs - l.startMs) / 1000));
      } else if (ls.some((l, j) => alertMatchesLabel(a, l, labelIds[j]))) dup++;
    });
    return patternScore(
      type,
      {
        labels: ls.length,
        alerts: as.length,
        truePositives: tp,
        duplicates: dup,
        falsePositives: as.length - tp - dup,
      },
      latencies,
    );
  });
  return { perPattern, macroF1: macroF1(perPattern) };
}

/** Sums per-pattern counts of several reports (one per seed) and recomputes the rates. */
export function poolScores(reports: readonly ScoreReport[], latencies?: Map<string, number[]>): ScoreReport {
  if (reports.length === 0) return { perPattern: [], macroF1: 0 };
  const types = reports[0].perPattern.map((p) => p.type);
  const perPattern = types.map((type) => {
    const rows = reports.map((r) => r.perPattern.find((p) => p.type === type)!);
    const sum = (k: 'labels' | 'alerts' | 'truePositives' | 'duplicates' | 'falsePositives') =>
      rows.reduce((s, p) => s + p[k], 0);
    return patternScore(
      type,
      {
        labels: sum('labels'),
        alerts: sum('alerts'),
        truePositives: sum('truePositives'),
        duplicates: sum('duplicates'),
        falsePositives: sum('falsePositives'),
      },
      latencies?.get(type) ?? [],
    );
  });
  return { perPattern, macroF1: macroF1(perPattern) };
}

/** Latencies (s) of the true positives of one scoring, by type, for pooling. */
export function matchedLatencies(
  alerts: readonly ScorableAlert[],
  labels: readonly Scorable[],
  types: readonly string[] = MANIPULATION_TYPES,
): Map<string, number[]> {
  const out = new Map<string, number[]>();
  for (const type of types) {
    const as = alerts.filter((a) => a.type === type);
    const ls = labels.filter((l) => l.type === type);
    const match = matchAlerts(as, ls);
    const list: number[] = [];
    as.forEach((a, i) => {
      if (match[i] >= 0 && a.detectedAtMs !== undefined) {
        list.push(Math.max(0, (a.detectedAtMs - ls[match[i]].startMs) / 1000));
      }
    });
    out.set(type, list);
  }
  return out;
}
