/**
 * Runs an `aitbc` daemon command (`node up`, `node coordinator`, `node miner`) as a child process with
 * `--json` and waits for its ready event: under --json a daemon writes NDJSON events on stdout, `ready`
 * (with its endpoints) once it serves, or `error` if it cannot start (docs/cli.md). For scripts, the
 * benchmark and the tests that drive daemons as separate processes. Only the lines up to `ready` are
 * parsed, unless `events` asks for all of them; later ones are otherwise drained unread, so a busy
 * daemon's log costs its reader nothing.
 */
import { type ChildProcess, spawn } from 'node:child_process';

export interface DaemonProcess<R> {
  child: ChildProcess;
  /** the ready event; rejects with the daemon's error event, or its stderr if it exits first */
  ready: Promise<R>;
  /** the exit code (null when killed by a signal) */
  exited: Promise<number | null>;
  /** SIGTERM unless it already exited, then waits for the exit */
  stop(): Promise<number | null>;
}

/**
 * @param bin the `aitbc` entry point (bin/run.js)
 * @param args the command and its flags; `--json` is added
 * @example const d = spawnDaemon('bin/run.js', ['node', 'up', '--ephemeral', '--rpc-port', '0']); const r = await d.ready; … await d.stop();
 */
export function spawnDaemon<R = { type: 'ready'; endpoints: Record<string, string> }>(
  bin: string,
  args: readonly string[],
  opts: {
    env?: NodeJS.ProcessEnv;
    cwd?: string;
    nodeFlags?: readonly string[];
    /** every event line is also pushed here, before and after `ready` */
    events?: unknown[];
  } = {},
): DaemonProcess<R> {
  const child = spawn(process.execPath, [...(opts.nodeFlags ?? []), bin, ...args, '--json'], {
    env: opts.env ?? process.env,
    ...(opts.cwd === undefined ? {} : { cwd: opts.cwd }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr?.setEncoding('utf8').on('data', (d: string) => {
    stderr += d;
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const ready = new Promise<R>((resolve, reject) => {
    let buf = '';
    let started = false;
    child.stdout?.setEncoding('utf8').on('data', (d: string) => {
      const all = opts.events;
      if (started && all === undefined) return;
      buf += d;
      for (let nl = buf.indexOf('\n'); nl >= 0 && (!started || all !== undefined); nl = buf.indexOf('\n')) {
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 1);
        let ev: { type?: string; error?: unknown };
        try {
          ev = JSON.parse(line);
        } catch {
          continue;
        }
        all?.push(ev);
        if (started) continue;
        if (ev.type === 'ready') {
          started = true;
          resolve(ev as R);
        } else if (ev.type === 'error')
          reject(new Error(`${args.slice(0, 2).join(' ')}: ${JSON.stringify(ev.error)}`));
      }
    });
    void exited.then((code) =>
      reject(new Error(`${args.slice(0, 2).join(' ')} exited ${code} before it was ready:\n${stderr}`)),
    );
  });
  return {
    child,
    ready,
    exited,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      return await exited;
    },
  };
}
