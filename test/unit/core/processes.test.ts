import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { isAlive, readPid, runsCommand, terminateProcess, waitForExit } from '../../../src/core/processes.js';
import { tempDir } from '../../helpers/cli.js';

/** Appears on the children's command lines, so runsCommand can tell them from anything else. */
const MARKER = `aitbc-processes-test-${process.pid}`;

const children: ChildProcess[] = [];

/** A child node process that prints `ready` once it is listening for signals. */
async function startChild(ignoreSigterm: boolean): Promise<ChildProcess & { pid: number }> {
  const script = `${ignoreSigterm ? "process.on('SIGTERM', () => {});" : ''} setInterval(() => {}, 1000); console.log('ready');`;
  const child = spawn(process.execPath, ['-e', script, MARKER], { stdio: ['ignore', 'pipe', 'inherit'] });
  children.push(child);
  await new Promise<void>((resolve, reject) => {
    child.stdout?.once('data', () => resolve());
    child.once('exit', (code) => reject(new Error(`child exited early (${code})`)));
  });
  return child as ChildProcess & { pid: number };
}

afterEach(() => {
  for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
});

describe('readPid', () => {
  it('reads a positive integer and nothing else', () => {
    const t = tempDir();
    try {
      const file = path.join(t.dir, 'pid');
      expect(readPid(file)).toBeUndefined();
      for (const [text, want] of [
        ['4242\n', 4242],
        [' 17 ', 17],
        ['0\n', undefined],
        ['-3\n', undefined],
        ['1.5\n', undefined],
        ['abc\n', undefined],
        ['', undefined],
        ['99999999999999999999\n', undefined],
      ] as const) {
        fs.writeFileSync(file, text);
        expect(readPid(file), JSON.stringify(text)).toBe(want);
      }
    } finally {
      t.cleanup();
    }
  });
});

describe('isAlive / runsCommand', () => {
  it('sees a running child, by its command line, and not after it exits', async () => {
    expect(isAlive(process.pid)).toBe(true);
    const child = await startChild(false);
    expect(isAlive(child.pid)).toBe(true);
    expect(runsCommand(child.pid, MARKER)).toBe(true);
    expect(runsCommand(child.pid, `${MARKER}-other`)).toBe(false);
    child.kill('SIGKILL');
    await once(child, 'exit');
    expect(isAlive(child.pid)).toBe(false);
    expect(runsCommand(child.pid, MARKER)).toBe(false);
  });
});

describe('waitForExit', () => {
  it('gives up on a live process when the injected clock passes the deadline', async () => {
    let t = 0;
    const now = () => (t += 10);
    expect(await waitForExit(process.pid, 25, { now, intervalMs: 1 })).toBe(false);
  });

  it('returns true once the process has exited', async () => {
    const child = await startChild(false);
    child.kill('SIGTERM');
    expect(await waitForExit(child.pid, 60_000)).toBe(true);
  });
});

describe('terminateProcess', () => {
  it('ends a process with SIGTERM when it exits on it', async () => {
    const child = await startChild(false);
    expect(await terminateProcess(child.pid, { command: MARKER, timeoutMs: 60_000 })).toBe('SIGTERM');
    expect(isAlive(child.pid)).toBe(false);
  });

  it('falls back to SIGKILL when SIGTERM is ignored', async () => {
    const child = await startChild(true);
    expect(await terminateProcess(child.pid, { command: MARKER, timeoutMs: 200 })).toBe('SIGKILL');
    expect(isAlive(child.pid)).toBe(false);
  });

  it('signals nothing that does not run the command, nor a pid that is gone', async () => {
    const child = await startChild(false);
    expect(await terminateProcess(child.pid, { command: `${MARKER}-other`, timeoutMs: 10 })).toBeUndefined();
    expect(isAlive(child.pid)).toBe(true);
    child.kill('SIGKILL');
    await once(child, 'exit');
    expect(await terminateProcess(child.pid, { command: MARKER, timeoutMs: 10 })).toBeUndefined();
  });
});
