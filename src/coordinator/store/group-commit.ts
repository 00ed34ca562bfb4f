/**
 * Group commit: every state change is a synchronous operation queued here; all operations queued in one
 * turn of the event loop run inside ONE SQLite transaction, each in its own savepoint, so a failing
 * operation rolls back alone while the others commit. Each promise settles only after the COMMIT
 * (fsynced: WAL with synchronous=FULL), so nothing is answered before it is durable, and under load one
 * fsync covers many requests instead of one each.
 *
 * Operations run one after another and see each other's writes, so an operation that reads, decides and
 * writes (a replay check, a state transition) is atomic with respect to every other.
 *
 * A commit blocks the event loop for its fsync (better-sqlite3 is synchronous). So that commits cannot
 * take the whole loop under load — each holding only the one or two operations that arrived while the
 * previous one blocked — the next commit starts no sooner than the last one took after it ended: at most
 * half of the loop goes to commits, and each commit gathers everything that arrived meanwhile.
 */
import type Database from 'better-sqlite3';

/** The longest a commit waits for the previous one's shadow (a slow fsync must not stall answers). */
const MAX_SPACING_MS = 20;

interface Pending {
  op: () => unknown;
  resolve: (v: unknown) => void;
  reject: (e: unknown) => void;
}

export class GroupCommit {
  private queue: Pending[] = [];
  private scheduled = false;
  private closed = false;
  /** when the last commit ended and how long it took (performance.now() ms) */
  private lastEnd = 0;
  private lastTook = 0;
  private readonly begin: Database.Statement;
  private readonly commit: Database.Statement;
  private readonly rollback: Database.Statement;
  private readonly savepoint: Database.Statement;
  private readonly release: Database.Statement;
  private readonly rollbackTo: Database.Statement;
  /** Transactions committed so far (for metrics). */
  commits = 0;

  constructor(
    private readonly db: Database.Database,
    private readonly maxOpsPerCommit = 2_000,
  ) {
    this.begin = db.prepare('BEGIN IMMEDIATE');
    this.commit = db.prepare('COMMIT');
    this.rollback = db.prepare('ROLLBACK');
    this.savepoint = db.prepare('SAVEPOINT op');
    this.release = db.prepare('RELEASE op');
    this.rollbackTo = db.prepare('ROLLBACK TO op');
  }

  /**
   * Runs `op` inside the next group transaction; resolves with its result once committed, or rejects
   * with what it threw (its writes rolled back) or with the commit's failure.
   */
  run<T>(op: () => T): Promise<T> {
    if (this.closed) return Promise.reject(new Error('the coordinator database is closed'));
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ op, resolve: resolve as (v: unknown) => void, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        const wait = this.lastEnd + this.lastTook - performance.now();
        if (wait <= 0) setImmediate(() => this.flush());
        else setTimeout(() => this.flush(), Math.min(wait, MAX_SPACING_MS));
      }
    });
  }

  /** Runs what is queued now and refuses anything later. */
  close(): void {
    this.flush();
    this.closed = true;
  }

  private flush(): void {
    this.scheduled = false;
    const started = performance.now();
    while (this.queue.length > 0) {
      const batch = this.queue.splice(0, this.maxOpsPerCommit);
      const outcomes: Array<{ ok: true; value: unknown } | { ok: false; error: unknown }> = [];
      try {
        this.begin.run();
      } catch (e) {
        for (const p of batch) p.reject(e);
        continue;
      }
      for (const p of batch) {
        this.savepoint.run();
        try {
          const value = p.op();
          this.release.run();
          outcomes.push({ ok: true, value });
        } catch (error) {
          this.rollbackTo.run();
          this.release.run();
          outcomes.push({ ok: false, error });
        }
      }
      try {
        this.commit.run();
        this.commits++;
      } catch (e) {
        if (this.db.inTransaction) this.rollback.run();
        for (const p of batch) p.reject(e);
        continue;
      }
      batch.forEach((p, i) => {
        const o = outcomes[i];
        if (o.ok) p.resolve(o.value);
        else p.reject(o.error);
      });
    }
    this.lastEnd = performance.now();
    this.lastTook = this.lastEnd - started;
  }
}
