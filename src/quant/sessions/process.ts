/**
 * The processes behind sessions: is the recorded pid alive and still ours, and stopping it from
 * another invocation (SIGTERM, which the session turns into a clean `stopped` state; SIGKILL only if
 * it does not exit in time).
 */
import * as fs from 'node:fs';
import { AitbcError } from '../../core/errors.js';
import { readPid, runsCommand, terminateProcess } from '../../core/processes.js';
import type { SessionState } from './runner.js';
import { readJson, type SecureFiles, type TradingPaths } from './store.js';

export { isAlive, readPid } from '../../core/processes.js';

/** What a session process's command line contains. */
const SESSION_COMMAND = 'ai-trading';

/**
 * True when `pid` is alive and, where /proc shows it, runs an `ai-trading` command — a pid reused by
 * an unrelated process after a crash is never signalled.
 */
export function isSessionProcess(pid: number): boolean {
  return runsCommand(pid, SESSION_COMMAND);
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
 * final state; SIGKILL after that. A dead session is marked `stopped`. `signal` is absent when the
 * process was gone by the time it was to be signalled.
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
  const signal = await terminateProcess(pid, { command: SESSION_COMMAND, ...opts });
  const after = readJson<SessionState>(p.state);
  if (after && after.status === 'running') {
    files.write(
      p.state,
      `${JSON.stringify({ ...after, status: 'stopped', endedAt: new Date(opts.now()).toISOString() })}\n`,
    );
  }
  fs.rmSync(p.pid, { force: true });
  return { id, previous, status: 'stopped', pid, ...(signal ? { signal } : {}) };
}
