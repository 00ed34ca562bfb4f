/**
 * The llama-cpp backend end to end, every daemon a real process on loopback: a chain node (`node up
 * --no-marketplace`), the coordinator, and `node miner --backend llama-cpp --model-file tiny.gguf
 * --models tiny`; then `submit` pays for a job through on-chain escrow and `receipts verify` checks the
 * receipt and its settlement.
 *
 * No GGUF model exists on this machine and none can be downloaded (DESIGN §8), so the test writes one:
 * a tiny random-weight `llama` model (test/helpers/tiny-gguf.ts). Its output is gibberish by design; what
 * is tested is the real llama.cpp inference path behind a paid job, and that the receipt names the
 * backend, the model and the file's SHA-256. Runtime: about 10–20 s, most of it process start-up.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DaemonProcess, spawnDaemon } from '../../src/client/daemon-process.js';
import { NodeRpc } from '../../src/client/node-rpc.js';
import { ensureKeyFile } from '../../src/node/keys.js';
import { BIN, cleanEnv, runCli, tempDir } from '../helpers/cli.js';
import { type Devnet, startChainNode } from '../helpers/devnet.js';
import { writeTinyGguf } from '../helpers/tiny-gguf.js';

type Ready = { type: 'ready'; chainId: string; endpoints: Record<string, string>; [k: string]: unknown };

const daemons: Array<DaemonProcess<Ready>> = [];
let chain: Devnet<{ chainId: string; endpoints: Record<string, string> }> | undefined;
let cleanup: () => void;
let home: string;
let rpc: NodeRpc;
let coordUrl: string;
let clientHome: string;
let gguf: string;

function daemon(args: string[], daemonHome: string): DaemonProcess<Ready> {
  const d = spawnDaemon<Ready>(BIN, args, { env: cleanEnv({ AITBC_HOME: daemonHome }) });
  daemons.push(d);
  return d;
}

function cli(args: string[]) {
  return runCli([...args, '--json'], {
    home: clientHome,
    env: { AITBC_NODE: rpc.url, AITBC_COORDINATOR: coordUrl, AITBC_PASSWORD: 'pw', AITBC_WALLET: 'client' },
    timeoutMs: 90_000,
  });
}

async function minerKey(name: string): Promise<string> {
  const file = path.join(home, `${name}.json`);
  await ensureKeyFile(file, { name });
  return file;
}

function minerArgs(keyFile: string, modelFile: string): string[] {
  return [
    'node',
    'miner',
    '--coordinator',
    coordUrl,
    '--key-file',
    keyFile,
    '--backend',
    'llama-cpp',
    '--model-file',
    modelFile,
    '--models',
    'tiny',
    '--health-port',
    '0',
  ];
}

beforeAll(async () => {
  const t = tempDir('aitbc-llama-net-');
  cleanup = t.cleanup;
  home = t.dir;
  gguf = writeTinyGguf(path.join(home, 'tiny.gguf'), { seed: 11 });
  chain = await startChainNode();
  rpc = new NodeRpc({ url: chain.ready.endpoints.rpc as string });
  const coordKeyFile = path.join(home, 'coordinator.json');
  const { key } = await ensureKeyFile(coordKeyFile, { name: 'coordinator' });
  await rpc.faucet(key.address, 10n ** 8n, 'committed');
  const coordinator = daemon(
    [
      'node',
      'coordinator',
      '--home',
      path.join(home, 'coord-home'),
      '--key-file',
      coordKeyFile,
      '--node',
      rpc.url,
      '--port',
      '0',
    ],
    home,
  );
  coordUrl = (await coordinator.ready).endpoints.api as string;
  clientHome = path.join(home, 'client');
  const created = await runCli(['wallet', 'create', 'client', '--scrypt-n', '16384', '--json'], {
    home: clientHome,
    env: { AITBC_PASSWORD: 'pw' },
  });
  expect(created.code, created.stderr).toBe(0);
  await rpc.faucet(created.json().address, 10n ** 9n, 'committed');
});

afterAll(async () => {
  for (const d of daemons.reverse()) await d.stop();
  await chain?.stop();
  await rpc?.close();
  cleanup?.();
});

describe('llama-cpp miner over loopback', () => {
  it('refuses to start on a truncated GGUF file, naming the file', async () => {
    const bad = path.join(home, 'truncated.gguf');
    const bytes = fs.readFileSync(gguf);
    fs.writeFileSync(bad, bytes.subarray(0, bytes.length >> 1));
    const r = await runCli([...minerArgs(await minerKey('miner-bad'), bad), '--json'], {
      home: path.join(home, 'miner-bad-home'),
    });
    expect(r.code).toBe(2);
    expect(r.stdout).toMatch(/llama\.cpp cannot load the GGUF model .*truncated\.gguf/);
  });

  it('runs a paid job on the GGUF model: the receipt names llama-cpp, the model and the file digest, and verifies', async () => {
    const miner = daemon(minerArgs(await minerKey('miner'), gguf), path.join(home, 'miner-home'));
    const ready = await miner.ready;
    expect(ready).toMatchObject({ backend: 'llama-cpp', models: ['tiny'] });

    const r = await cli(['submit', 'hello', '--model', 'tiny', '--max-tokens', '8']);
    expect(r.code, r.stderr + r.stdout).toBe(0);
    const job = r.json();
    const digest = `sha256:${createHash('sha256').update(fs.readFileSync(gguf)).digest('hex')}`;
    expect(job.state).toBe('completed');
    expect(job.output.length).toBeGreaterThan(0);
    expect(job.receipt).toMatchObject({ backend: 'llama-cpp', model: 'tiny', modelDigest: digest });
    expect(job.receipt.tokensIn).toBeGreaterThan(0);
    expect(job.receipt.tokensOut).toBeGreaterThanOrEqual(1);
    expect(job.receipt.tokensOut).toBeLessThanOrEqual(8);

    const verify = await cli(['receipts', 'verify', job.jobId]);
    expect(verify.code, verify.stdout).toBe(0);
    const checks = verify.json().checks as Array<{ check: string; ok: boolean }>;
    expect(checks.every((c) => c.ok)).toBe(true);
    expect(checks.find((c) => c.check === 'settlement')?.ok).toBe(true);
  });
});
