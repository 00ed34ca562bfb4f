/**
 * Detached processes seen from another invocation: the pid in a pid file, whether that pid still runs
 * one of our commands, and stopping it (SIGTERM, which the process turns into a clean end; SIGKILL only
 * when it does not exit in time). Linux semantics: `/proc` is read where it exists, and where it does
 * not the checks fall back to what signal 0 says.
 */
import * as fs from 'node:fs';
import { setTimeout as delay } from 'node:timers/promises';

/** How long to wait for a process to vanish after SIGKILL before giving up on it. */
const KILL_GRACE_MS = 5000;

/**
 * The pid recorded in a pid file, or undefined when the file is missing, unreadable or holds anything
 * but a positive integer.
 * @example readPid('/home/u/.aitbc/surveillance/watch-1/pid') // 4242
 */
export function readPid(file: string): number | undefined {
  try {
    const n = Number(fs.readFileSync(file, 'utf8').trim());
    return Number.isSafeInteger(n) && n > 0 ? n : undefined;
  } catch {
    return undefined;
  }
}

/** True when /proc says the process has exited but was not reaped yet. */
function isZombie(pid: number): boolean {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The state letter follows the command name, which is in parentheses and may itself hold ')'.
    return stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z');
  } catch {
    return false;
  }
}

/**
 * True when a process with this pid is running. Signal 0 probes without sending anything (EPERM means
 * it exists under another user); a zombie — exited, not yet reaped by its parent — counts as gone.
 * @example isAlive(process.pid) // true
 */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  return !isZombie(pid);
}

/**
 * True when `pid` is alive and, where /proc shows its command line, that line contains `command` — so
 * a pid reused by an unrelated process after a crash is never taken for ours, nor signalled.
 * @example runsCommand(pid, 'ai-surveillance')
 */
export function runsCommand(pid: number, command: string): boolean {
  if (!isAlive(pid)) return false;
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(command);
  } catch {
    return true;
  }
}

/**
 * Polls every `intervalMs` until `pid` has exited or `timeoutMs` has passed on the `now` clock.
 * Returns true when it exited.
 */
export async function waitForExit(
  pid: number,
  timeoutMs: number,
  opts: { now?: () => number; intervalMs?: number } = {},
): Promise<boolean> {
  const now = opts.now ?? Date.now;
  const deadline = now() + timeoutMs;
  while (isAlive(pid)) {
    if (now() >= deadline) return false;
    await delay(opts.intervalMs ?? 50);
  }
  return true;
}

export interface TerminateOptions {
  /** What the process's command line must contain (see {@link runsCommand}). */
  command: string;
  /** How long SIGTERM has to end it before SIGKILL. */
  timeoutMs: number;
  /** The clock for the deadlines (default `Date.now`). */
  now?: () => number;
}

/**
 * Stops `pid` if it runs `command`: SIGTERM, then SIGKILL when it has not exited after `timeoutMs`
 * (and up to 5 s more for the kill to take). Returns the signal that ended it, or undefined when it
 * was not running `command` or could not be signalled (gone in between, or another user's).
 * @example await terminateProcess(pid, { command: 'ai-trading', timeoutMs: 10_000 }) // 'SIGTERM'
 */
export async function terminateProcess(
  pid: number,
  opts: TerminateOptions,
): Promise<'SIGTERM' | 'SIGKILL' | undefined> {
  if (!runsCommand(pid, opts.command)) return undefined;
  try {
    process.kill(pid, 'SIGTERM');
  } catch {
    return undefined;
  }
  if (await waitForExit(pid, opts.timeoutMs, { now: opts.now })) return 'SIGTERM';
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // It exited between the last probe and the kill.
    return 'SIGTERM';
  }
  await waitForExit(pid, KILL_GRACE_MS, { now: opts.now, intervalMs: 20 });
  return 'SIGKILL';
}
