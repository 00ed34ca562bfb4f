/**
 * Runs the built binary's daemon commands (`node up`, `node start`) as real processes for the net
 * tests: waits for the NDJSON ready event, collects later events, and stops or SIGKILLs the process.
 */
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { BIN, cleanEnv, REPO_ROOT } from '../../helpers/cli.js';

export interface ReadyEvent {
  type: 'ready';
  chainId: string;
  endpoints: { rpc: string; ws: string; metrics: string };
  faucet: { address: string; maxPerRequest?: string } | null;
  home: string;
  initialised?: boolean;
  ephemeral?: boolean;
  warnings?: string[];
  [k: string]: unknown;
}

export interface RunningNode {
  child: ChildProcessWithoutNullStreams;
  ready: ReadyEvent;
  /** Every NDJSON event after the ready one. */
  events: Array<Record<string, unknown>>;
  stderr: () => string;
  /** Resolves with the exit code (or signal) once the process has ended. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  rpc: (method: string, params?: Record<string, unknown>) => Promise<{ result?: any; error?: any }>;
  kill: (signal?: NodeJS.Signals) => Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

const live = new Set<ChildProcessWithoutNullStreams>();

/** SIGKILLs every daemon these helpers started that is still running (for afterAll after a failure). */
export function killSpawned(): void {
  for (const c of live) c.kill('SIGKILL');
  live.clear();
}

/**
 * Spawns `bin/run.js <args> --json` and resolves at the ready event.
 * @throws when the process exits or prints an error first (with its output).
 */
export function spawnNode(
  args: string[],
  env: Record<string, string | undefined> = {},
): Promise<RunningNode> {
  const child = spawn(process.execPath, [BIN, ...args, '--json'], {
    cwd: REPO_ROOT,
    env: cleanEnv(env),
    stdio: 'pipe',
  });
  let stdout = '';
  let stderr = '';
  const events: Array<Record<string, unknown>> = [];
  live.add(child);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => {
      live.delete(child);
      resolve({ code, signal });
    }),
  );
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  return new Promise((resolve, reject) => {
    let ready: ReadyEvent | undefined;
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      stdout += d;
      let nl = stdout.indexOf('\n');
      while (nl >= 0) {
        const line = stdout.slice(0, nl);
        stdout = stdout.slice(nl + 1);
        nl = stdout.indexOf('\n');
        if (line.trim() === '') continue;
        const event = JSON.parse(line) as Record<string, unknown>;
        if (ready === undefined && event.type === 'ready') {
          ready = event as ReadyEvent;
          const r = ready;
          resolve({
            child,
            ready: r,
            events,
            stderr: () => stderr,
            exited,
            rpc: async (method, params = {}) => {
              const res = await fetch(r.endpoints.rpc, {
                method: 'POST',
                body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }),
              });
              return (await res.json()) as { result?: any; error?: any };
            },
            kill: (signal = 'SIGTERM') => {
              child.kill(signal);
              return exited;
            },
          });
        } else if (ready === undefined) {
          // Never leave a half-started daemon behind a failed test.
          child.kill('SIGKILL');
          reject(new Error(`node failed before ready: ${line}\n${stderr}`));
        } else events.push(event);
      }
    });
    void exited.then((x) => {
      if (ready === undefined)
        reject(new Error(`node exited (${x.code ?? x.signal}) before ready:\n${stdout}\n${stderr}`));
    });
  });
}
