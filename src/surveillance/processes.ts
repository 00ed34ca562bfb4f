/**
 * Watcher processes seen from other invocations: the pid file `<home>/surveillance/<id>/pid`, whether
 * that pid still runs a surveillance watcher, and stopping it (SIGTERM, which the watcher turns into a
 * clean `stopped` run; SIGKILL only when it does not exit in time).
 */
import * as path from 'node:path';
import { runsCommand, terminateProcess } from '../core/processes.js';

export { readPid } from '../core/processes.js';

/** What a watcher process's command line contains. */
const WATCHER_COMMAND = 'ai-surveillance';

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

/**
 * True when `pid` is running, is not a zombie, and — where /proc shows it — runs an `ai-surveillance`
 * command, so a pid reused by another process after a crash is never signalled.
 */
export function isWatcherProcess(pid: number): boolean {
  return runsCommand(pid, WATCHER_COMMAND);
}

/**
 * Stops the watcher with this pid: SIGTERM, then SIGKILL after `timeoutMs`. Returns the signal that
 * ended it, or undefined when it was not running.
 */
export function stopProcess(pid: number, timeoutMs: number): Promise<'SIGTERM' | 'SIGKILL' | undefined> {
  return terminateProcess(pid, { command: WATCHER_COMMAND, timeoutMs });
}
