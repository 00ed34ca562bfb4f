/**
 * Table rows for people, from the same objects `--json` prints: the alert tables of `scan`, `alerts`
 * and `risk-profile` share these columns.
 */
import type { PatternScore } from './scoring.js';
import type { Alert } from './types.js';

/** Columns of the alert tables (scan, alerts). */
export const ALERT_COLUMNS = [
  { key: 'type' },
  { key: 'accounts' },
  { key: 'start' },
  { key: 'end' },
  { key: 'score' },
  { key: 'riskLevel', header: 'risk' },
  { key: 'id' },
];

/** Table rows for alerts: accounts shortened, score to 3 decimals. */
export function alertRows(alerts: readonly Alert[]): Array<Record<string, unknown>> {
  return alerts.map((a) => ({
    type: a.type,
    accounts:
      a.accounts.length > 3
        ? `${a.accounts.slice(0, 3).join(',')} +${a.accounts.length - 3}`
        : a.accounts.join(','),
    start: a.start,
    end: a.end,
    score: a.score.toFixed(3),
    riskLevel: a.riskLevel,
    id: a.id,
  }));
}

/** Columns of per-pattern score tables (score, bench). */
export const PATTERN_COLUMNS = [
  { key: 'type' },
  { key: 'labels' },
  { key: 'alerts' },
  { key: 'tp', header: 'TP' },
  { key: 'dup' },
  { key: 'fp', header: 'FP' },
  { key: 'precision' },
  { key: 'recall' },
  { key: 'f1', header: 'F1' },
  { key: 'latency', header: 'latency s (median/p90)' },
];

function fmt(x: number | null | undefined, digits = 3): string {
  return x === null || x === undefined ? '–' : x.toFixed(digits);
}

/** Table rows of per-pattern scores. */
export function patternRows(rows: readonly PatternScore[]): Array<Record<string, unknown>> {
  return rows.map((p) => ({
    type: p.type,
    labels: p.labels,
    alerts: p.alerts,
    tp: p.truePositives,
    dup: p.duplicates,
    fp: p.falsePositives,
    precision: fmt(p.precision),
    recall: fmt(p.recall),
    f1: fmt(p.f1),
    latency: p.latencyMedianS === null ? '–' : `${fmt(p.latencyMedianS, 0)} / ${fmt(p.latencyP90S, 0)}`,
  }));
}

export { fmt as formatFigure };

function csvCell(v: string): string {
  return /[",\n\r]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}

/** Alerts as CSV: one row each, lists joined with `;`, evidence as JSON. */
export function alertsCsv(alerts: readonly Alert[]): string {
  const head = 'id,type,accounts,start,end,score,riskLevel,detectedAt,eventIds,evidence';
  const rows = alerts.map((a) =>
    [
      a.id,
      a.type,
      a.accounts.join(';'),
      a.start,
      a.end,
      String(a.score),
      a.riskLevel,
      a.detectedAt,
      a.eventIds.join(';'),
      JSON.stringify(a.evidence),
    ]
      .map(csvCell)
      .join(','),
  );
  return `${[head, ...rows].join('\n')}\n`;
}
