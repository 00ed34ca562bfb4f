/**
 * Starts `aitbc node up --ephemeral --json` with every port 0 as a separate process and resolves with
 * its ready event (DESIGN §4), for tests that need a live devnet.
 */
import type { ChildProcess } from 'node:child_process';
import { spawnDaemon } from '../../src/client/daemon-process.js';
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
  const d = spawnDaemon<R>(
    BIN,
    ['node', 'up', '--ephemeral', ...extraArgs, '--rpc-port', '0', '--ws-port', '0'],
    {
      cwd: REPO_ROOT,
      env: cleanEnv(),
    },
  );
  return {
    child: d.child,
    ready: await d.ready,
    stop: async () => {
      await d.stop();
    },
  };
}

/**
 * A chain node alone (`node up --no-marketplace`) with 200 ms blocks, for tests that start their own
 * coordinator and miners as processes.
 */
export function startChainNode<R = { chainId: string; endpoints: Record<string, string> }>(): Promise<
  Devnet<R>
> {
  return startDevnet<R>(['--no-marketplace', '--block-time', '200ms']);
}
