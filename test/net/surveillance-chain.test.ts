/**
 * The live chain watch against a real devnet (`aitbc node up --ephemeral --no-marketplace`, ports 0):
 * three wallets pass value around a cycle, and a detached `ai-surveillance start --source chain`
 * backfills the blocks, follows the WebSocket and stores a circular_transfer alert whose event ids are
 * the node's transaction hashes; `stop` ends it cleanly.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, cleanEnv, REPO_ROOT, runCli, tempDir } from '../helpers/cli.js';

interface Ready {
  endpoints: { rpc: string; ws: string };
}

async function startDevnet(): Promise<{ ready: Ready; stop: () => Promise<void> }> {
  const child: ChildProcess = spawn(
    process.execPath,
    [BIN, 'node', 'up', '--ephemeral', '--no-marketplace', '--json', '--rpc-port', '0', '--ws-port', '0'],
    { cwd: REPO_ROOT, env: cleanEnv(), stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stderr = '';
  child.stderr?.setEncoding('utf8').on('data', (d) => (stderr += d));
  const ready = await new Promise<Ready>((resolve, reject) => {
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
    ready,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

const home = tempDir('aitbc-surv-chain-');
let devnet: Awaited<ReturnType<typeof startDevnet>>;
const cli = (args: string[]) =>
  runCli(args, {
    home: home.dir,
    env: { AITBC_NODE: devnet.ready.endpoints.rpc, AITBC_PASSWORD: 'pw' },
    timeoutMs: 120_000,
  });

beforeAll(async () => {
  devnet = await startDevnet();
}, 120_000);

afterAll(async () => {
  await cli(['ai-surveillance', 'stop', '--all', '--json']);
  await devnet?.stop();
  home.cleanup();
});

describe('ai-surveillance on the chain', () => {
  it('finds value passed around a cycle of wallets', async () => {
    for (const w of ['a', 'b', 'c']) {
      expect((await cli(['wallet', 'create', w, '--scrypt-n', '16384', '--json'])).code).toBe(0);
    }
    expect((await cli(['wallet', 'faucet', '-w', 'a', '--json'])).code).toBe(0);
    const hashes: string[] = [];
    for (const [from, to, amount] of [
      ['a', 'b', '10AIT'],
      ['b', 'c', '9.9AIT'],
      ['c', 'a', '9.8AIT'],
    ]) {
      const r = await cli(['wallet', 'send', to, amount, '-w', from, '--json']);
      expect(r.code).toBe(0);
      hashes.push(r.json().hash);
    }
    const start = await cli([
      'ai-surveillance',
      'start',
      '--source',
      'chain',
      '--detach',
      '--id',
      'chainwatch',
      '--json',
    ]);
    expect(start.code).toBe(0);
    let items: Array<{ type: string; eventIds: string[]; accounts: string[] }> = [];
    for (let i = 0; i < 60 && items.length === 0; i++) {
      await new Promise((r) => setTimeout(r, 500));
      items = (await cli(['ai-surveillance', 'alerts', '--type', 'circular_transfer', '--json'])).json()
        .items;
    }
    expect(items).toHaveLength(1);
    expect(items[0].eventIds).toEqual(hashes);
    expect(items[0].accounts).toHaveLength(3);
    const stop = await cli(['ai-surveillance', 'stop', 'chainwatch', '--json']);
    expect(stop.json()).toMatchObject({ previous: 'running', status: 'stopped' });
  });
});
