/**
 * `--detach` for long-running commands (DESIGN §9): re-runs this same command as a detached child with
 * `--detached-child`, records its pid, logs to a 0600 file, and waits until the child reports itself
 * started (the caller's `ready` check), so `status` and `stop` work from any other invocation.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import { setTimeout as delay } from 'node:timers/promises';
import { AitbcError } from '../core/errors.js';
import { ensureSecureDir, writeFileAtomic } from './secure-fs.js';

export interface DetachOptions<T> {
  /** Arguments for the child (this command's argv without --detach); `--detached-child` is appended. */
  argv: string[];
  dir: string;
  logFile: string;
  pidFile: string;
  homeRoot: string;
  /** "watcher abc", "session abc": named in errors. */
  what: string;
  id: string;
  /** Returns the child's first report once it exists, else undefined. */
  ready: (pid: number) => Promise<T | undefined> | T | undefined;
  timeoutMs?: number;
}

/**
 * @throws AitbcError INTERNAL when the child exits before it is ready, TIMEOUT when it never reports;
 *   both quote the last lines of its log.
 */
export async function startDetached<T>(o: DetachOptions<T>): Promise<{ pid: number; value: T }> {
  ensureSecureDir(o.dir);
  const log = fs.openSync(o.logFile, 'a', 0o600);
  fs.fchmodSync(log, 0o600);
  const child = spawn(process.execPath, [process.argv[1], ...o.argv, '--detached-child'], {
    detached: true,
    stdio: ['ignore', log, log],
    cwd: process.cwd(),
    env: { ...process.env, AITBC_HOME: o.homeRoot },
  });
  fs.closeSync(log);
  const pid = child.pid;
  if (pid === undefined)
    throw new AitbcError('INTERNAL', `could not start the ${o.what} process`, { id: o.id });
  writeFileAtomic(o.pidFile, `${pid}\n`);
  let exited = false;
  child.once('exit', () => {
    exited = true;
  });
  child.unref();
  const deadline = Date.now() + (o.timeoutMs ?? 30_000);
  for (;;) {
    const value = await o.ready(pid);
    if (value !== undefined) return { pid, value };
    if (exited || Date.now() > deadline) break;
    await delay(100);
  }
  const tail = fs.existsSync(o.logFile)
    ? fs.readFileSync(o.logFile, 'utf8').trim().split('\n').slice(-3).join(' ')
    : '';
  throw new AitbcError(exited ? 'INTERNAL' : 'TIMEOUT', `${o.what} did not start${tail ? `: ${tail}` : ''}`, {
    id: o.id,
    log: o.logFile,
  });
}
