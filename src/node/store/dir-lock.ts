/**
 * The data-directory lock (DESIGN §7 Storage): an exclusive SQLite lock on `node/node.lock`, held by
 * the operating system for as long as the process lives. SQLite's unix VFS takes a POSIX advisory lock,
 * which the kernel drops when the process dies, so a SIGKILLed node never blocks its own restart — no
 * stale pid file to clean up. A second node on the same directory (another process or the same one)
 * gets SQLITE_BUSY at once.
 */
import * as fs from 'node:fs';
import Database from 'better-sqlite3';
import { AitbcError } from '../../core/errors.js';
import { createEmptySecureFile } from './chain-db.js';

export interface DirLock {
  readonly file: string;
  /** Releases the lock (idempotent). */
  release(): void;
}

/**
 * Takes the lock or fails at once.
 * @throws AitbcError HOME_LOCKED when another node holds it.
 * @example const lock = acquireDirLock(layout.lock); … lock.release();
 */
export function acquireDirLock(file: string): DirLock {
  let db: Database.Database | undefined;
  try {
    // A short busy timeout rides out a concurrent `isDirLocked` probe; a live holder never lets go.
    createEmptySecureFile(file);
    db = new Database(file, { timeout: 250 });
    db.pragma('locking_mode = EXCLUSIVE');
    // The first write in exclusive locking mode takes the EXCLUSIVE lock and keeps it until close.
    db.exec('BEGIN EXCLUSIVE; CREATE TABLE IF NOT EXISTS holder (pid INTEGER); COMMIT;');
    db.prepare('DELETE FROM holder').run();
    db.prepare('INSERT INTO holder (pid) VALUES (?)').run(process.pid);
  } catch (e) {
    db?.close();
    if (
      (e as { code?: string }).code === 'SQLITE_BUSY' ||
      (e as { code?: string }).code === 'SQLITE_LOCKED'
    ) {
      throw new AitbcError(
        'HOME_LOCKED',
        `another node is running on this home (${file} is locked)`,
        { file },
        { hint: 'stop the other node, or give a different --home' },
      );
    }
    throw e;
  }
  const held = db;
  let released = false;
  return {
    file,
    release() {
      if (released) return;
      released = true;
      held.close();
    },
  };
}

/**
 * True when a live process holds the lock. Probes with a read (a shared lock for a moment), which the
 * holder's exclusive lock refuses.
 */
export function isDirLocked(file: string): boolean {
  if (!fs.existsSync(file)) return false;
  const db = new Database(file, { timeout: 0, readonly: true, fileMustExist: true });
  try {
    db.prepare('SELECT count(*) FROM sqlite_master').get();
    return false;
  } catch (e) {
    if ((e as { code?: string }).code === 'SQLITE_BUSY') return true;
    throw e;
  } finally {
    db.close();
  }
}
