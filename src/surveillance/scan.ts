/**
 * `scan`: parse an event file, run the market detectors at the calibrated thresholds, score the alerts
 * and rate the accounts. Timing is measured here (parse and detection separately) so the command can
 * report the throughput of the very run it made.
 */
import type { Calibration } from './calibration-types.js';
import { DEFAULT_CALIBRATION } from './default-calibration.js';
import { detectionsAt, marketCandidates } from './detect.js';
import type { EventTable, RowError } from './events.js';
import { finalizeDetections } from './finalize.js';
import { type EventFormat, parseEventsFile } from './parse.js';
import { type AccountRisk, accountRisks } from './risk.js';
import { type Alert, type AlertType, isoTime } from './types.js';

export interface ScanOptions {
  calibration?: Calibration;
  /** 'fail' (default): malformed rows abort the scan; 'skip': they are dropped and reported */
  onInvalid?: 'fail' | 'skip';
  /** a monotonic clock in ms (default performance.now), injectable for tests */
  now?: () => number;
}

export interface ScanResult {
  source: string;
  format: EventFormat;
  events: number;
  accounts: number;
  /** RFC 3339 of the first and last event (null when there are none) */
  from: string | null;
  to: string | null;
  /** rows that arrived earlier than the row before them; they were sorted into place */
  outOfOrder: number;
  /** malformed rows dropped (only with onInvalid 'skip') */
  skipped: number;
  errors: RowError[];
  alerts: Alert[];
  byType: Partial<Record<AlertType, number>>;
  risks: AccountRisk[];
  timing: { parseMs: number; detectMs: number; eventsPerSecond: number; bytes: number };
}

/** Runs the detectors over a table. */
export function analyseTable(table: EventTable, cal: Calibration): { alerts: Alert[]; risks: AccountRisk[] } {
  const alerts = finalizeDetections(detectionsAt(marketCandidates(table), cal.thresholds), cal);
  return { alerts, risks: accountRisks(alerts, cal.riskCutoffs) };
}

/**
 * Scans an event file.
 * @throws AitbcError MISSING_INPUT when the file cannot be read, INVALID_INPUT on malformed rows.
 */
export function scanFile(file: string, opts: ScanOptions = {}): ScanResult {
  const cal = opts.calibration ?? DEFAULT_CALIBRATION;
  const now = opts.now ?? (() => performance.now());
  const t0 = now();
  const parsed = parseEventsFile(file, { onInvalid: opts.onInvalid });
  const t1 = now();
  const { alerts, risks } = analyseTable(parsed.table, cal);
  const t2 = now();
  const table = parsed.table;
  const byType: Partial<Record<AlertType, number>> = {};
  for (const a of alerts) byType[a.type] = (byType[a.type] ?? 0) + 1;
  const totalMs = t2 - t0;
  return {
    source: file,
    format: parsed.format,
    events: table.length,
    accounts: table.accounts.length,
    from: table.length > 0 ? isoTime(table.time[0]) : null,
    to: table.length > 0 ? isoTime(table.time[table.length - 1]) : null,
    outOfOrder: parsed.outOfOrder,
    skipped: parsed.errorCount,
    errors: parsed.errors,
    alerts,
    byType,
    risks,
    timing: {
      parseMs: round1(t1 - t0),
      detectMs: round1(t2 - t1),
      eventsPerSecond: totalMs > 0 ? Math.round((table.length / totalMs) * 1000) : 0,
      bytes: parsed.bytes,
    },
  };
}

function round1(x: number): number {
  return Math.round(x * 10) / 10;
}
