/**
 * The processes behind sessions: is the recorded pid alive and still ours, and stopping it from
 * another invocation (SIGTERM, which the session turns into a clean `stopped` state; SIGKILL only if
 * it does not exit in time).
 */
import * as fs from 'node:fs';
import { setTimeout as delay } from 'node:timers/promises';
import { AitbcError } from '../../core/errors.js';
import type { SessionState } from './runner.js';
import { readJson, type SecureFiles, type TradingPaths } from './store.js';

/** The pid in a session's pid file, if any. */
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
    return stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z');
  } catch {
    return false;
  }
}

/**
 * True when a process with this pid is running (signal 0 probes without sending anything). A zombie —
 * exited, not yet reaped by its parent — counts as gone.
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
 * True when `pid` is alive and, where /proc shows it, runs an `ai-trading` command — a pid reused by
 * an unrelated process after a crash is never signalled.
 */
export function isSessionProcess(pid: number): boolean {
  if (!isAlive(pid)) return false;
  try {
    const cmd = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    return cmd.includes('ai-trading');
  } catch {
    return true;
  }
}

export type LiveStatus = SessionState['status'] | 'dead';

/**
 * A session's status as seen from outside: a state that says `running` whose process is gone is
 * `dead` (killed without a chance to record its end).
 */
export function liveStatus(paths: TradingPaths, id: string, state: SessionState | undefined): LiveStatus {
  if (!state) return 'dead';
  if (state.status !== 'running') return state.status;
  const pid = readPid(paths.session(id).pid) ?? state.pid;
  return isSessionProcess(pid) ? 'running' : 'dead';
}

export interface StopResult {
  id: string;
  /** What was found: the session was running, had already ended, or its process had died. */
  previous: LiveStatus;
  status: LiveStatus;
  pid?: number;
  signal?: 'SIGTERM' | 'SIGKILL';
}

/**
 * Stops session `id`: SIGTERM, then waits up to `timeoutMs` for the process to exit and record its
 * final state; SIGKILL after that. A dead session is marked `stopped`.
 * @throws AitbcError SESSION_NOT_FOUND when there is no such session.
 */
export async function stopSession(
  paths: TradingPaths,
  files: SecureFiles,
  id: string,
  opts: { timeoutMs: number; now: () => number },
): Promise<StopResult> {
  const p = paths.session(id);
  const state = readJson<SessionState>(p.state);
  if (!fs.existsSync(p.config)) {
    throw new AitbcError(
      'SESSION_NOT_FOUND',
      `no trading session "${id}"`,
      { id },
      { hint: 'aitbc ai-trading status' },
    );
  }
  const previous = liveStatus(paths, id, state);
  const pid = readPid(p.pid) ?? state?.pid;
  if (previous !== 'running' || pid === undefined) {
    if (previous === 'dead' && state) {
      files.write(
        p.state,
        `${JSON.stringify({ ...state, status: 'stopped', endedAt: new Date(opts.now()).toISOString() })}\n`,
      );
    }
    fs.rmSync(p.pid, { force: true });
    return { id, previous, status: previous === 'dead' ? 'stopped' : previous };
  }
  process.kill(pid, 'SIGTERM');
  let signal: StopResult['signal'] = 'SIGTERM';
  const deadline = opts.now() + opts.timeoutMs;
  while (isAlive(pid) && opts.now() < deadline) await delay(50);
  if (isAlive(pid)) {
    process.kill(pid, 'SIGKILL');
    signal = 'SIGKILL';
    const hard = opts.now() + 5000;
    while (isAlive(pid) && opts.now() < hard) await delay(20);
  }
  const after = readJson<SessionState>(p.state);
  if (after && after.status === 'running') {
    files.write(
      p.state,
      `${JSON.stringify({ ...after, status: 'stopped', endedAt: new Date(opts.now()).toISOString() })}\n`,
    );
  }
  fs.rmSync(p.pid, { force: true });
  return { id, previous, status: 'stopped', pid, signal };
}
