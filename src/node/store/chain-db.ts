/**
 * One chain's database (DESIGN §7 Storage): better-sqlite3 in WAL mode with `synchronous=FULL`, so a
 * committed transaction survives power loss. Blocks by height and hash, each block's own commit,
 * transactions by hash and by address (with height, index and result), the state's key/values and the
 * sparse Merkle tree's nodes. The block executor writes a block and every state change it causes inside
 * one `transaction()`; nothing is reported committed before that returns.
 */

import * as fs from 'node:fs';
import Database from 'better-sqlite3';
import { FILE_MODE } from '../../cli/secure-fs.js';
import { AitbcError } from '../../core/errors.js';

const SCHEMA_VERSION = '1';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS blocks (
  height INTEGER PRIMARY KEY,
  hash TEXT NOT NULL UNIQUE,
  time INTEGER NOT NULL,
  header TEXT NOT NULL,
  last_commit TEXT,
  block_commit TEXT NOT NULL,
  tx_count INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS txs (
  height INTEGER NOT NULL,
  idx INTEGER NOT NULL,
  hash TEXT NOT NULL UNIQUE,
  tx TEXT NOT NULL,
  code INTEGER NOT NULL,
  log TEXT NOT NULL,
  PRIMARY KEY (height, idx)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS tx_addresses (
  address TEXT NOT NULL,
  height INTEGER NOT NULL,
  idx INTEGER NOT NULL,
  PRIMARY KEY (address, height, idx)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS state (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS smt_nodes (id TEXT PRIMARY KEY, node TEXT NOT NULL) WITHOUT ROWID;
`;

/** A block row as stored (JSON texts are canonical JSON of the signed objects). */
export interface BlockRow {
  height: number;
  hash: string;
  time: number;
  header: string;
  last_commit: string | null;
  block_commit: string;
  tx_count: number;
}

/** A transaction row as stored. */
export interface TxRow {
  height: number;
  idx: number;
  hash: string;
  tx: string;
  code: number;
  log: string;
}

/** What the executor writes for one block. */
export interface BlockWrite {
  height: number;
  hash: string;
  time: number;
  header: string;
  lastCommit: string | null;
  commit: string;
  txs: ReadonlyArray<{ hash: string; tx: string; code: number; log: string; addresses: readonly string[] }>;
}

/** Options for opening a chain database. */
export interface OpenChainDbOptions {
  readonly?: boolean;
}

/**
 * A chain's SQLite database with prepared statements for every query the node makes.
 * @example const db = openChainDb(layout.database('aitbc-devnet')); db.latestHeight();
 */
export class ChainDb {
  readonly db: Database.Database;
  private readonly s: ReturnType<typeof prepare>;

  constructor(db: Database.Database) {
    this.db = db;
    this.s = prepare(db);
  }

  /** Runs `fn` inside one SQLite transaction (BEGIN IMMEDIATE … COMMIT, rolled back on throw). */
  transaction<T>(fn: () => T): T {
    return this.db.transaction(fn).immediate();
  }

  getMeta(key: string): string | undefined {
    return (this.s.metaGet.get(key) as { value: string } | undefined)?.value;
  }

  setMeta(key: string, value: string): void {
    this.s.metaPut.run(key, value);
  }

  /** The highest stored block, 0 before block 1. */
  latestHeight(): number {
    return (this.s.maxHeight.get() as { h: number | null }).h ?? 0;
  }

  blockByHeight(height: number): BlockRow | undefined {
    return this.s.blockByHeight.get(height) as BlockRow | undefined;
  }

  blockByHash(hash: string): BlockRow | undefined {
    return this.s.blockByHash.get(hash) as BlockRow | undefined;
  }

  /** Block rows from `from` going `order`, at most `limit`. */
  blocks(from: number, limit: number, order: 'asc' | 'desc'): BlockRow[] {
    return (order === 'asc' ? this.s.blocksAsc : this.s.blocksDesc).all(from, limit) as BlockRow[];
  }

  /** The transactions of one block in block order. */
  blockTxs(height: number): TxRow[] {
    return this.s.txsOfBlock.all(height) as TxRow[];
  }

  txByHash(hash: string): TxRow | undefined {
    return this.s.txByHash.get(hash) as TxRow | undefined;
  }

  /**
   * Transactions touching `address`, newest first, strictly before position (beforeHeight, beforeIdx).
   */
  txsByAddress(address: string, limit: number, before?: { height: number; idx: number }): TxRow[] {
    const b = before ?? { height: Number.MAX_SAFE_INTEGER, idx: 0 };
    return this.s.txsByAddress.all(address, b.height, b.height, b.idx, limit) as TxRow[];
  }

  /** Writes a block, its commit and its transactions (call inside `transaction`). */
  putBlock(w: BlockWrite): void {
    this.s.blockPut.run(w.height, w.hash, w.time, w.header, w.lastCommit, w.commit, w.txs.length);
    for (let i = 0; i < w.txs.length; i++) {
      const t = w.txs[i];
      this.s.txPut.run(w.height, i, t.hash, t.tx, t.code, t.log);
      for (const a of t.addresses) this.s.addrPut.run(a, w.height, i);
    }
  }

  stateGet(key: string): string | undefined {
    return (this.s.stateGet.get(key) as { value: string } | undefined)?.value;
  }

  statePut(key: string, value: string): void {
    this.s.statePut.run(key, value);
  }

  stateDelete(key: string): void {
    this.s.stateDel.run(key);
  }

  /** State entries whose key starts with `prefix` (a range scan on the primary key). */
  stateEntriesWithPrefix(prefix: string): Array<[string, string]> {
    const rows =
      prefix === ''
        ? (this.s.stateAll.all() as Array<{ key: string; value: string }>)
        : (this.s.stateRange.all(prefix, prefixEnd(prefix)) as Array<{ key: string; value: string }>);
    return rows.map((r) => [r.key, r.value]);
  }

  /** Every state key/value (replay checks, tests). */
  stateEntries(): Array<{ key: string; value: string }> {
    return this.s.stateAll.all() as Array<{ key: string; value: string }>;
  }

  nodeGet(id: string): string | undefined {
    return (this.s.nodeGet.get(id) as { node: string } | undefined)?.node;
  }

  nodePut(id: string, node: string): void {
    this.s.nodePut.run(id, node);
  }

  nodeDelete(id: string): void {
    this.s.nodeDel.run(id);
  }

  /** `PRAGMA integrity_check` → "ok" when the file is sound. */
  integrityCheck(): string {
    return (this.db.pragma('integrity_check') as Array<{ integrity_check: string }>)
      .map((r) => r.integrity_check)
      .join('; ');
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}

/** The smallest string above every string starting with `prefix` (non-empty). */
function prefixEnd(prefix: string): string {
  return prefix.slice(0, -1) + String.fromCharCode(prefix.charCodeAt(prefix.length - 1) + 1);
}

function prepare(db: Database.Database) {
  return {
    metaGet: db.prepare('SELECT value FROM meta WHERE key = ?'),
    metaPut: db.prepare(
      'INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value',
    ),
    maxHeight: db.prepare('SELECT max(height) AS h FROM blocks'),
    blockByHeight: db.prepare('SELECT * FROM blocks WHERE height = ?'),
    blockByHash: db.prepare('SELECT * FROM blocks WHERE hash = ?'),
    blocksAsc: db.prepare('SELECT * FROM blocks WHERE height >= ? ORDER BY height ASC LIMIT ?'),
    blocksDesc: db.prepare('SELECT * FROM blocks WHERE height <= ? ORDER BY height DESC LIMIT ?'),
    blockPut: db.prepare(
      'INSERT INTO blocks (height, hash, time, header, last_commit, block_commit, tx_count) VALUES (?, ?, ?, ?, ?, ?, ?)',
    ),
    txsOfBlock: db.prepare('SELECT * FROM txs WHERE height = ? ORDER BY idx'),
    txByHash: db.prepare('SELECT * FROM txs WHERE hash = ?'),
    txsByAddress: db.prepare(
      `SELECT t.* FROM tx_addresses a JOIN txs t ON t.height = a.height AND t.idx = a.idx
       WHERE a.address = ? AND (a.height < ? OR (a.height = ? AND a.idx < ?))
       ORDER BY a.height DESC, a.idx DESC LIMIT ?`,
    ),
    txPut: db.prepare('INSERT INTO txs (height, idx, hash, tx, code, log) VALUES (?, ?, ?, ?, ?, ?)'),
    addrPut: db.prepare('INSERT OR IGNORE INTO tx_addresses (address, height, idx) VALUES (?, ?, ?)'),
    stateGet: db.prepare('SELECT value FROM state WHERE key = ?'),
    statePut: db.prepare(
      'INSERT INTO state (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value',
    ),
    stateDel: db.prepare('DELETE FROM state WHERE key = ?'),
    stateAll: db.prepare('SELECT key, value FROM state ORDER BY key'),
    stateRange: db.prepare('SELECT key, value FROM state WHERE key >= ? AND key < ? ORDER BY key'),
    nodeGet: db.prepare('SELECT node FROM smt_nodes WHERE id = ?'),
    nodePut: db.prepare(
      'INSERT INTO smt_nodes (id, node) VALUES (?, ?) ON CONFLICT(id) DO UPDATE SET node = excluded.node',
    ),
    nodeDel: db.prepare('DELETE FROM smt_nodes WHERE id = ?'),
  };
}

/**
 * Opens (creating when needed) a chain database: WAL, `synchronous=FULL`, the schema.
 * @throws AitbcError CONFIG when the file belongs to another schema version.
 */
export function openChainDb(file: string, opts: OpenChainDbOptions = {}): ChainDb {
  const existed = fs.existsSync(file);
  if (opts.readonly && !existed)
    throw new AitbcError('CHAIN_NOT_FOUND', `no chain database at ${file}`, { file });
  // SQLite creates its files with the database's mode, so a database born 0600 keeps -wal and -shm 0600.
  if (!existed) createEmptySecureFile(file);
  const db = new Database(file, { readonly: opts.readonly ?? false, timeout: 5_000 });
  try {
    if (!opts.readonly) {
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = FULL');
      db.pragma('foreign_keys = OFF');
      db.exec(SCHEMA);
      const v = db.prepare("SELECT value FROM meta WHERE key = 'schema'").get() as
        | { value: string }
        | undefined;
      if (v === undefined)
        db.prepare("INSERT INTO meta (key, value) VALUES ('schema', ?)").run(SCHEMA_VERSION);
      else if (v.value !== SCHEMA_VERSION)
        throw new AitbcError('CONFIG', `${file} has schema ${v.value}; this node reads ${SCHEMA_VERSION}`, {
          file,
        });
    }
    db.pragma('cache_size = -65536');
  } catch (e) {
    db.close();
    throw e;
  }
  return new ChainDb(db);
}

/** Creates an empty file with mode 0600 whatever the umask (no-op when it exists). */
export function createEmptySecureFile(file: string): void {
  try {
    fs.closeSync(fs.openSync(file, 'wx', FILE_MODE));
    fs.chmodSync(file, FILE_MODE);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
  }
}
