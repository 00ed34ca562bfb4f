import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { acquireDirLock, isDirLocked } from '../../../src/node/store/dir-lock.js';
import { REPO_ROOT, tempDir } from '../../helpers/cli.js';

/** A child process that takes the lock, says "locked" and waits to be killed. */
function lockInChild(file: string): Promise<{ kill: () => Promise<void> }> {
  const script = `
    const Database = require('better-sqlite3');
    const db = new Database(${JSON.stringify(file)}, { timeout: 0 });
    db.pragma('locking_mode = EXCLUSIVE');
    db.exec('BEGIN EXCLUSIVE; CREATE TABLE IF NOT EXISTS holder (pid INTEGER); COMMIT;');
    process.stdout.write('locked\\n');
    setInterval(() => {}, 1000);`;
  const child = spawn(process.execPath, ['-e', script], {
    cwd: REPO_ROOT,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.stdout.on('data', (d: Buffer) => {
      if (d.toString().includes('locked'))
        resolve({
          kill: () =>
            new Promise((done) => {
              child.on('exit', () => done());
              child.kill('SIGKILL');
            }),
        });
    });
  });
}

describe('data-directory lock', () => {
  let dir: { dir: string; cleanup: () => void };
  let file: string;
  beforeEach(() => {
    dir = tempDir();
    file = path.join(dir.dir, 'node.lock');
  });
  afterEach(() => dir.cleanup());

  it('keeps a second holder out in the same process, and lets go on release', () => {
    const lock = acquireDirLock(file);
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(() => acquireDirLock(file)).toThrowError(/another node is running/);
    expect(isDirLocked(file)).toBe(true);
    lock.release();
    lock.release();
    expect(isDirLocked(file)).toBe(false);
    acquireDirLock(file).release();
  });

  it('keeps another process out, and never blocks a restart after SIGKILL', async () => {
    const child = await lockInChild(file);
    try {
      expect(isDirLocked(file)).toBe(true);
      let code: string | undefined;
      try {
        acquireDirLock(file);
      } catch (e) {
        code = (e as { code: string }).code;
      }
      expect(code).toBe('HOME_LOCKED');
    } finally {
      await child.kill();
    }
    const lock = acquireDirLock(file);
    lock.release();
  });

  it('reports an unlocked state for a missing file', () => {
    expect(isDirLocked(path.join(dir.dir, 'missing.lock'))).toBe(false);
  });
});
