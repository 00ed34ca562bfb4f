/**
 * The coordinator's database: better-sqlite3 in WAL mode with `synchronous=FULL` (a commit survives power
 * loss), at `<home>/coordinator/<chainId>/coordinator.db`, created 0600 in a 0700 directory. It holds
 * jobs, streamed tokens, miners, receipts, settlements and the replay window of signed requests; a
 * restart resumes from it alone.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import Database from 'better-sqlite3';
import { ensureSecureDir, FILE_MODE } from '../../cli/secure-fs.js';
import { AitbcError } from '../../core/errors.js';

const SCHEMA_VERSION = '1';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS jobs (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  job_id TEXT NOT NULL UNIQUE,
  client TEXT NOT NULL,
  model TEXT NOT NULL,
  prompt TEXT NOT NULL,
  params TEXT NOT NULL,
  input_hash TEXT NOT NULL,
  lock_tx TEXT NOT NULL,
  lock_status TEXT NOT NULL,
  refundable INTEGER NOT NULL DEFAULT 0,
  amount TEXT,
  max_unit_price TEXT,
  settlement_fee TEXT,
  max_tokens_in INTEGER,
  max_tokens INTEGER,
  expires_at INTEGER,
  deadline INTEGER,
  state TEXT NOT NULL,
  miner TEXT,
  unit_price TEXT,
  lease_expires_at INTEGER,
  assigned_at INTEGER,
  attempts INTEGER NOT NULL DEFAULT 0,
  cancel_requested INTEGER NOT NULL DEFAULT 0,
  cancel_requested_at INTEGER,
  tokens_streamed INTEGER NOT NULL DEFAULT 0,
  output TEXT,
  tokens_in INTEGER,
  tokens_out INTEGER,
  receipt_id TEXT,
  error_code TEXT,
  error_message TEXT,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  started_at INTEGER,
  completed_at INTEGER
);
CREATE INDEX IF NOT EXISTS jobs_by_client ON jobs (client, seq);
CREATE INDEX IF NOT EXISTS jobs_by_state ON jobs (state, seq);
CREATE INDEX IF NOT EXISTS jobs_by_miner ON jobs (miner, state);
CREATE INDEX IF NOT EXISTS jobs_by_lock ON jobs (lock_status, seq);
-- The dispatch round's query, run whenever a miner polls: only the queued jobs whose lock is confirmed,
-- in order, without stepping over the queued ones still waiting for their lock.
CREATE INDEX IF NOT EXISTS jobs_dispatchable ON jobs (seq) WHERE state = 'queued' AND lock_status = 'confirmed';
CREATE TABLE IF NOT EXISTS job_tokens (
  job_id TEXT NOT NULL,
  idx INTEGER NOT NULL,
  text TEXT NOT NULL,
  PRIMARY KEY (job_id, idx)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS miners (
  address TEXT PRIMARY KEY,
  pubkey TEXT NOT NULL,
  capability TEXT NOT NULL,
  registered_at INTEGER NOT NULL,
  last_seen_at INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS receipts (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  receipt_id TEXT NOT NULL UNIQUE,
  job_id TEXT NOT NULL UNIQUE,
  client TEXT NOT NULL,
  miner TEXT NOT NULL,
  pay_to TEXT NOT NULL,
  receipt TEXT NOT NULL,
  created_at INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS receipts_by_client ON receipts (client, seq);
CREATE INDEX IF NOT EXISTS receipts_by_miner ON receipts (miner, seq);
CREATE TABLE IF NOT EXISTS settlements (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  job_id TEXT NOT NULL,
  kind TEXT NOT NULL,
  client TEXT NOT NULL,
  status TEXT NOT NULL,
  nonce INTEGER,
  tx TEXT,
  tx_hash TEXT,
  height INTEGER,
  code INTEGER,
  log TEXT,
  error_code TEXT,
  attempts INTEGER NOT NULL DEFAULT 0,
  next_attempt_at INTEGER NOT NULL DEFAULT 0,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS settlements_by_status ON settlements (status, id);
CREATE INDEX IF NOT EXISTS settlements_by_job ON settlements (job_id, id);
CREATE TABLE IF NOT EXISTS request_nonces (
  pubkey TEXT NOT NULL,
  nonce TEXT NOT NULL,
  seen_at INTEGER NOT NULL,
  PRIMARY KEY (pubkey, nonce)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS request_nonces_by_time ON request_nonces (seen_at);
`;

/**
 * Opens (creating when absent) the database and checks it belongs to this coordinator and chain: a
 * database made under another key holds escrows that name another coordinator.
 * @throws AitbcError CONFIG when it belongs to another coordinator or chain, or has another schema;
 *   HOME_LOCKED when another coordinator process holds it.
 */
export function openCoordinatorDb(
  file: string,
  identity: { coordinator: string; chainId: string },
): Database.Database {
  ensureSecureDir(path.dirname(file));
  const fresh = !fs.existsSync(file);
  if (fresh) fs.closeSync(fs.openSync(file, 'a', FILE_MODE));
  fs.chmodSync(file, FILE_MODE);
  const db = new Database(file);
  try {
    lockExclusively(db, file);
    db.pragma('synchronous = FULL');
    db.exec(SCHEMA);
    for (const suffix of ['-wal', '-shm']) {
      if (fs.existsSync(file + suffix)) fs.chmodSync(file + suffix, FILE_MODE);
    }
    const get = db.prepare<[string], { value: string }>('SELECT value FROM meta WHERE key = ?');
    const put = db.prepare('INSERT INTO meta (key, value) VALUES (?, ?)');
    const expected: Record<string, string> = { schema: SCHEMA_VERSION, ...identity };
    for (const [key, value] of Object.entries(expected)) {
      const row = get.get(key);
      if (row === undefined) put.run(key, value);
      else if (row.value !== value)
        throw new AitbcError('CONFIG', `${file} belongs to ${key} ${row.value}, not ${value}`, {
          file,
          key,
          found: row.value,
        });
    }
    return db;
  } catch (e) {
    db.close();
    throw e;
  }
}

/**
 * Keeps a second coordinator off the same database: an exclusive lock that the OS drops when the process
 * dies, so a restart after SIGKILL is never blocked. `locking_mode=EXCLUSIVE` (set before WAL, so the
 * WAL index lives in process memory) takes the lock at the first write and holds it until close.
 */
function lockExclusively(db: Database.Database, file: string): void {
  db.pragma('busy_timeout = 0');
  db.pragma('locking_mode = EXCLUSIVE');
  try {
    db.pragma('journal_mode = WAL');
    db.exec('BEGIN IMMEDIATE; COMMIT;');
  } catch (e) {
    if ((e as { code?: string }).code === 'SQLITE_BUSY')
      throw new AitbcError('HOME_LOCKED', `another coordinator is using ${file}`, { file });
    throw e;
  }
}
