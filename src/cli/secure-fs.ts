/**
 * Files under the home: every file 0600 and every directory 0700 whatever the umask (DESIGN §4), and
 * written atomically (temp file, fsync, rename), so a crash never leaves half a file.
 */
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';

export const FILE_MODE = 0o600;
export const DIR_MODE = 0o700;

/** Creates `dir` and any missing parents up to (and including) `root` with mode 0700. */
export function ensureSecureDir(dir: string): void {
  if (fs.existsSync(dir)) return;
  ensureSecureDir(path.dirname(dir));
  try {
    fs.mkdirSync(dir, { mode: DIR_MODE });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
  }
  fs.chmodSync(dir, DIR_MODE);
}

function fsyncDir(dir: string): void {
  let fd: number | undefined;
  try {
    fd = fs.openSync(dir, 'r');
    fs.fsyncSync(fd);
  } catch {
    // Some filesystems refuse fsync on directories; the rename is still atomic.
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}

function writeTemp(file: string, data: string | Uint8Array): string {
  ensureSecureDir(path.dirname(file));
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.${randomBytes(6).toString('hex')}.tmp`);
  const fd = fs.openSync(tmp, 'wx', FILE_MODE);
  try {
    fs.fchmodSync(fd, FILE_MODE);
    fs.writeFileSync(fd, data);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  return tmp;
}

/** Writes `file` atomically with mode 0600, replacing any existing file. */
export function writeFileAtomic(file: string, data: string | Uint8Array): void {
  const tmp = writeTemp(file, data);
  try {
    fs.renameSync(tmp, file);
  } catch (e) {
    fs.rmSync(tmp, { force: true });
    throw e;
  }
  fsyncDir(path.dirname(file));
}

/**
 * Writes `file` atomically with mode 0600 only if it does not exist yet (hard link, which fails with
 * EEXIST instead of overwriting). Returns false when the file already existed.
 */
export function createFileAtomic(file: string, data: string | Uint8Array): boolean {
  const tmp = writeTemp(file, data);
  try {
    fs.linkSync(tmp, file);
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw e;
  } finally {
    fs.rmSync(tmp, { force: true });
    fsyncDir(path.dirname(file));
  }
}
