/**
 * Starts `aitbc node up --ephemeral --json` with every port 0 as a separate process and resolves with
 * its ready event (DESIGN §4), for tests that need a live devnet.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { BIN, cleanEnv, REPO_ROOT } from './cli.js';

export interface Devnet<R> {
  child: ChildProcess;
  ready: R;
  /** SIGTERM, then waits for the exit. */
  stop: () => Promise<void>;
}

export async function startDevnet<R = { chainId: string; endpoints: Record<string, string> }>(
  extraArgs: string[] = [],
): Promise<Devnet<R>> {
  const child = spawn(
    process.execPath,
    [BIN, 'node', 'up', '--ephemeral', ...extraArgs, '--json', '--rpc-port', '0', '--ws-port', '0'],
    { cwd: REPO_ROOT, env: cleanEnv(), stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stderr = '';
  child.stderr?.setEncoding('utf8').on('data', (d) => (stderr += d));
  const ready = await new Promise<R>((resolve, reject) => {
    let buf = '';
    child.stdout?.setEncoding('utf8').on('data', (d: string) => {
      buf += d;
      for (let nl = buf.indexOf('\n'); nl >= 0; nl = buf.indexOf('\n')) {
        const ev = JSON.parse(buf.slice(0, nl));
        buf = buf.slice(nl + 1);
        if (ev.type === 'ready') resolve(ev);
      }
    });
    child.once('exit', (code) => reject(new Error(`node up exited ${code}: ${stderr}`)));
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    child,
    ready,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}
