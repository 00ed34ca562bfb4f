/**
 * Alerts and account risk persisted under the home, in one SQLite database
 * (`<home>/surveillance/alerts.db`, better-sqlite3, WAL, synchronous=FULL). Every insert is its own
 * committed transaction before the watcher goes on, so an alert that was reported is on disk and
 * survives a SIGKILL of the watcher; readers (`status`, `alerts`, `risk-profile`) open the same file
 * from other processes, which WAL allows while the watcher writes.
 *
 * Tables: `runs` (one per scan or watcher: source, state, counters), `alerts` (unique per run and alert
 * id, so a re-detection is not stored twice), `alert_accounts` (for lookups by account) and `risks`
 * (the latest risk of each account per run).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type BetterSqlite3 from 'better-sqlite3';
import { AitbcError } from '../core/errors.js';
import type { AccountRisk } from './risk.js';
import type { Alert, AlertType, RiskLevel } from './types.js';

export type RunKind = 'scan' | 'watch';
export type RunStatus = 'running' | 'stopped' | 'finished' | 'failed';

export interface RunRecord {
  id: string;
  kind: RunKind;
  source: string;
  status: RunStatus;
  pid: number | null;
  startedAt: string;
  updatedAt: string;
  events: number;
  alerts: number;
  lastEventTime: string | null;
  /** malformed or rejected input so far, with the first few messages */
  rejected: number;
  problems: string[];
  error: string | null;
}

export interface StoredAlert extends Alert {
  runId: string;
  /** insertion order, for stable listing */
  seq: number;
  storedAt: string;
}

export interface AlertQuery {
  type?: AlertType;
  riskLevel?: RiskLevel;
  runId?: string;
  account?: string;
  limit?: number;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS runs (
  id TEXT PRIMARY KEY,
  kind TEXT NOT NULL,
  source TEXT NOT NULL,
  status TEXT NOT NULL,
  pid INTEGER,
  started_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  events INTEGER NOT NULL DEFAULT 0,
  alerts INTEGER NOT NULL DEFAULT 0,
  last_event_time TEXT,
  rejected INTEGER NOT NULL DEFAULT 0,
  problems TEXT NOT NULL DEFAULT '[]',
  error TEXT
);
CREATE TABLE IF NOT EXISTS alerts (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  run_id TEXT NOT NULL,
  id TEXT NOT NULL,
  type TEXT NOT NULL,
  accounts TEXT NOT NULL,
  start TEXT NOT NULL,
  end TEXT NOT NULL,
  score REAL NOT NULL,
  risk_level TEXT NOT NULL,
  detected_at TEXT NOT NULL,
  event_ids TEXT NOT NULL,
  evidence TEXT NOT NULL,
  stored_at TEXT NOT NULL,
  UNIQUE (run_id, id)
);
CREATE INDEX IF NOT EXISTS alerts_type ON alerts (type);
CREATE TABLE IF NOT EXISTS alert_accounts (
  alert_seq INTEGER NOT NULL,
  account TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS alert_accounts_account ON alert_accounts (account);
CREATE TABLE IF NOT EXISTS risks (
  run_id TEXT NOT NULL,
  account TEXT NOT NULL,
  score REAL NOT NULL,
  level TEXT NOT NULL,
  alerts INTEGER NOT NULL,
  by_type TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  PRIMARY KEY (run_id, account)
);
`;

type Row = Record<string, unknown>;

function runFromRow(r: Row): RunRecord {
  return {
    id: String(r.id),
    kind: r.kind as RunKind,
    source: String(r.source),
    status: r.status as RunStatus,
    pid: r.pid === null ? null : Number(r.pid),
    startedAt: String(r.started_at),
    updatedAt: String(r.updated_at),
    events: Number(r.events),
    alerts: Number(r.alerts),
    lastEventTime: r.last_event_time === null ? null : String(r.last_event_time),
    rejected: Number(r.rejected),
    problems: JSON.parse(String(r.problems)) as string[],
    error: r.error === null ? null : String(r.error),
  };
}

function alertFromRow(r: Row): StoredAlert {
  return {
    id: String(r.id),
    type: r.type as AlertType,
    accounts: JSON.parse(String(r.accounts)) as string[],
    start: String(r.start),
    end: String(r.end),
    eventIds: JSON.parse(String(r.event_ids)) as string[],
    evidence: JSON.parse(String(r.evidence)) as Alert['evidence'],
    score: Number(r.score),
    riskLevel: r.risk_level as RiskLevel,
    detectedAt: String(r.detected_at),
    runId: String(r.run_id),
    seq: Number(r.seq),
    storedAt: String(r.stored_at),
  };
}

/** Creates `file` with mode 0600 when missing (SQLite gives its -wal and -shm files the same mode). */
function createPrivate(file: string): void {
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const fd = fs.openSync(file, 'a', 0o600);
  try {
    fs.fchmodSync(fd, 0o600);
  } finally {
    fs.closeSync(fd);
  }
}

export class AlertStore {
  private constructor(
    private readonly db: BetterSqlite3.Database,
    readonly file: string,
  ) {}

  /**
   * Opens (creating when missing) the store at `file`. better-sqlite3 is imported here, lazily.
   * @throws AitbcError CONFIG when the database cannot be opened.
   */
  static async open(file: string, opts: { readonly?: boolean } = {}): Promise<AlertStore> {
    const { default: Database } = await import('better-sqlite3');
    if (!opts.readonly) createPrivate(file);
    let db: BetterSqlite3.Database;
    try {
      db = new Database(file, { readonly: opts.readonly ?? false, fileMustExist: opts.readonly ?? false });
      db.pragma('busy_timeout = 5000');
      if (!opts.readonly) {
        db.pragma('journal_mode = WAL');
        db.pragma('synchronous = FULL');
        db.exec(SCHEMA);
      }
    } catch (e) {
      throw new AitbcError('CONFIG', `cannot open the alert store ${file}: ${(e as Error).message}`, {
        file,
      });
    }
    return new AlertStore(db, file);
  }

  close(): void {
    this.db.close();
  }

  /** Records a new run. */
  createRun(run: { id: string; kind: RunKind; source: string; pid: number | null; now: string }): void {
    this.db
      .prepare(
        'INSERT INTO runs (id, kind, source, status, pid, started_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
      )
      .run(run.id, run.kind, run.source, 'running', run.pid, run.now, run.now);
  }

  /** Updates a run's counters and state. */
  updateRun(
    id: string,
    patch: Partial<
      Pick<RunRecord, 'status' | 'pid' | 'events' | 'lastEventTime' | 'rejected' | 'problems' | 'error'>
    > & {
      now: string;
    },
  ): void {
    const sets: string[] = ['updated_at = @now'];
    const params: Record<string, unknown> = { id, now: patch.now };
    const col: Record<string, string> = {
      status: 'status',
      pid: 'pid',
      events: 'events',
      lastEventTime: 'last_event_time',
      rejected: 'rejected',
      problems: 'problems',
      error: 'error',
    };
    for (const [k, c] of Object.entries(col)) {
      const v = (patch as Record<string, unknown>)[k];
      if (v === undefined) continue;
      sets.push(`${c} = @${k}`);
      params[k] = k === 'problems' ? JSON.stringify(v) : v;
    }
    this.db.prepare(`UPDATE runs SET ${sets.join(', ')} WHERE id = @id`).run(params);
  }

  run(id: string): RunRecord | undefined {
    const r = this.db.prepare('SELECT * FROM runs WHERE id = ?').get(id) as Row | undefined;
    return r ? runFromRow(r) : undefined;
  }

  runs(kind?: RunKind): RunRecord[] {
    const rows = (
      kind
        ? this.db.prepare('SELECT * FROM runs WHERE kind = ? ORDER BY started_at DESC').all(kind)
        : this.db.prepare('SELECT * FROM runs ORDER BY started_at DESC').all()
    ) as Row[];
    return rows.map(runFromRow);
  }

  /**
   * Stores alerts of a run in one transaction (committed, fsynced, before returning); alerts already
   * stored for the run (same id) are skipped. Returns the ones newly stored.
   */
  addAlerts(runId: string, alerts: readonly Alert[], now: string): Alert[] {
    const insert = this.db.prepare(
      `INSERT OR IGNORE INTO alerts (run_id, id, type, accounts, start, end, score, risk_level, detected_at, event_ids, evidence, stored_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    const link = this.db.prepare('INSERT INTO alert_accounts (alert_seq, account) VALUES (?, ?)');
    const bump = this.db.prepare('UPDATE runs SET alerts = alerts + ?, updated_at = ? WHERE id = ?');
    const added: Alert[] = [];
    this.db.transaction(() => {
      for (const a of alerts) {
        const res = insert.run(
          runId,
          a.id,
          a.type,
          JSON.stringify(a.accounts),
          a.start,
          a.end,
          a.score,
          a.riskLevel,
          a.detectedAt,
          JSON.stringify(a.eventIds),
          JSON.stringify(a.evidence),
          now,
        );
        if (res.changes === 0) continue;
        for (const acc of new Set(a.accounts)) link.run(res.lastInsertRowid, acc);
        added.push(a);
      }
      bump.run(added.length, now, runId);
    })();
    return added;
  }

  /** Replaces a run's account risks. */
  setRisks(runId: string, risks: readonly AccountRisk[], now: string): void {
    const del = this.db.prepare('DELETE FROM risks WHERE run_id = ?');
    const ins = this.db.prepare(
      'INSERT INTO risks (run_id, account, score, level, alerts, by_type, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
    );
    this.db.transaction(() => {
      del.run(runId);
      for (const r of risks)
        ins.run(runId, r.account, r.score, r.level, r.alerts, JSON.stringify(r.byType), now);
    })();
  }

  /** Alerts, newest first. */
  alerts(q: AlertQuery = {}): StoredAlert[] {
    const where: string[] = [];
    const params: unknown[] = [];
    if (q.type) {
      where.push('a.type = ?');
      params.push(q.type);
    }
    if (q.riskLevel) {
      where.push('a.risk_level = ?');
      params.push(q.riskLevel);
    }
    if (q.runId) {
      where.push('a.run_id = ?');
      params.push(q.runId);
    }
    if (q.account) {
      where.push('a.seq IN (SELECT alert_seq FROM alert_accounts WHERE account = ?)');
      params.push(q.account);
    }
    const sql = `SELECT a.* FROM alerts a ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY a.seq DESC ${
      q.limit ? 'LIMIT ?' : ''
    }`;
    if (q.limit) params.push(q.limit);
    return (this.db.prepare(sql).all(...params) as Row[]).map(alertFromRow);
  }

  /** Alert counts per type (all runs). */
  countsByType(): Partial<Record<AlertType, number>> {
    const out: Partial<Record<AlertType, number>> = {};
    for (const r of this.db.prepare('SELECT type, COUNT(*) AS n FROM alerts GROUP BY type').all() as Row[]) {
      out[r.type as AlertType] = Number(r.n);
    }
    return out;
  }

  /** The latest stored risk of an account in each run that rated it, newest first. */
  risksOf(account: string): Array<AccountRisk & { runId: string; updatedAt: string }> {
    const rows = this.db
      .prepare('SELECT * FROM risks WHERE account = ? ORDER BY updated_at DESC')
      .all(account) as Row[];
    return rows.map((r) => ({
      runId: String(r.run_id),
      account: String(r.account),
      score: Number(r.score),
      level: r.level as RiskLevel,
      alerts: Number(r.alerts),
      byType: JSON.parse(String(r.by_type)) as AccountRisk['byType'],
      updatedAt: String(r.updated_at),
    }));
  }
}
