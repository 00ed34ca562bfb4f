/**
 * Watcher processes seen from other invocations: the pid file `<home>/surveillance/<id>/pid`, whether
 * that pid still runs a surveillance watcher, and stopping it (SIGTERM, which the watcher turns into a
 * clean `stopped` run; SIGKILL only when it does not exit in time).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';

/** Where a watcher keeps its files, under `<home>/surveillance`. */
export function watcherPaths(root: string, id: string): { dir: string; pid: string; log: string } {
  const dir = path.join(root, id);
  return { dir, pid: path.join(dir, 'pid'), log: path.join(dir, 'watch.log') };
}

/** The alert database under `<home>/surveillance`. */
export function storeFile(root: string): string {
  return path.join(root, 'alerts.db');
}

/** Run ids: letters, digits, `-` and `_`, so they are safe as directory names. */
export const RUN_ID = /^[A-Za-z0-9_-]{1,64}$/;

/** A new run id from a time and random bytes, e.g. `watch-20250101T120000-ab12`. */
export function newRunId(prefix: 'watch' | 'scan', now: number, random: Uint8Array): string {
  const stamp = new Date(now)
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, '');
  return `${prefix}-${stamp}-${Buffer.from(random).toString('hex').slice(0, 4)}`;
}

/** The pid recorded in a pid file, if any. */
export function readPid(file: string): number | undefined {
  try {
    const n = Number(fs.readFileSync(file, 'utf8').trim());
    return Number.isSafeInteger(n) && n > 0 ? n : undefined;
  } catch {
    return undefined;
  }
}

/**
 * True when `pid` is running (signal 0 probes), is not a zombie, and — where /proc shows it — runs an
 * `ai-surveillance` command, so a pid reused by another process after a crash is never signalled.
 */
export function isWatcherProcess(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    if (stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z')) return false;
    return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('ai-surveillance');
  } catch {
    return true;
  }
}

/**
 * Stops the watcher with this pid: SIGTERM, then SIGKILL after `timeoutMs`. Returns the signal that
 * ended it, or undefined when it was not running.
 */
export async function stopProcess(
  pid: number,
  timeoutMs: number,
): Promise<'SIGTERM' | 'SIGKILL' | undefined> {
  if (!isWatcherProcess(pid)) return undefined;
  try {
    process.kill(pid, 'SIGTERM');
  } catch {
    return undefined;
  }
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!isWatcherProcess(pid)) return 'SIGTERM';
    await delay(50);
  }
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    return 'SIGTERM';
  }
  while (isWatcherProcess(pid)) await delay(20);
  return 'SIGKILL';
}
