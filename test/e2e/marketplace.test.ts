/**
 * The marketplace's happy path as a new user runs it, every step the built binary in its own process:
 * `node up` (node, coordinator, echo miner on free ports), a funded wallet, a paid `submit`, the answer,
 * `receipts verify` (offline and on chain), `status`, `jobs`, `models`, `miner list|show|earnings`;
 * plus the refusals that need no network.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, cleanEnv, runCli, tempDir } from '../helpers/cli.js';

let up: ChildProcess;
let ready: any;
const t = tempDir('aitbc-e2e-market-');
const env = () => ({
  AITBC_PASSWORD: 'pw',
  AITBC_NODE: ready.endpoints.rpc,
  AITBC_COORDINATOR: ready.endpoints.coordinator,
});
const cli = (args: string[]) => runCli([...args, '--json'], { home: t.dir, env: env() });

beforeAll(async () => {
  up = spawn(
    process.execPath,
    [BIN, 'node', 'up', '--ephemeral', '--json', '--rpc-port', '0', '--ws-port', '0'],
    {
      env: cleanEnv(),
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  ready = await new Promise((resolve, reject) => {
    let buf = '';
    up.stdout?.setEncoding('utf8').on('data', (d: string) => {
      buf += d;
      const i = buf.indexOf('\n');
      if (i >= 0) resolve(JSON.parse(buf.slice(0, i)));
    });
    up.once('exit', (code) => reject(new Error(`node up exited ${code}`)));
  });
  expect(
    (
      await runCli(['wallet', 'create', 'alice', '--scrypt-n', '16384', '--json'], {
        home: t.dir,
        env: { AITBC_PASSWORD: 'pw' },
      })
    ).code,
  ).toBe(0);
  expect((await cli(['wallet', 'faucet'])).code).toBe(0);
});

afterAll(async () => {
  if (up && up.exitCode === null) {
    up.kill('SIGTERM');
    await new Promise((r) => up.once('exit', r));
  }
  t.cleanup();
});

describe('marketplace over the CLI', () => {
  it('node up reports the coordinator and an echo miner (no Ollama here)', () => {
    expect(ready.services).toEqual(['node', 'coordinator', 'miner']);
    expect(ready.endpoints.coordinator).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(ready.miner).toMatchObject({ backend: 'echo', models: ['echo'] });
    expect(ready.miner.backendReason).toMatch(/no usable Ollama/);
  });

  it('submit pays for a job; the receipt verifies offline and on chain', async () => {
    const models = await cli(['models']);
    expect(models.json().items).toEqual([
      expect.objectContaining({ model: 'echo', miners: 1, minUnitPrice: '1000' }),
    ]);
    const r = await cli(['submit', 'What is AITBC?', '--model', 'echo']);
    expect(r.code, r.stdout).toBe(0);
    const job = r.json();
    expect(job).toMatchObject({
      state: 'completed',
      model: 'echo',
      output: '[echo] What is AITBC?',
      tokensIn: 3,
      tokensOut: 4,
      price: '7',
    });
    expect(job.settlement).toMatchObject({ kind: 'release', status: 'committed', code: 0 });
    expect(job.receipt).toMatchObject({
      backend: 'echo',
      model: 'echo',
      miner: ready.miner.address,
      coordinator: ready.coordinator.address,
    });

    const v = await cli(['receipts', 'verify', job.jobId]);
    expect(v.code, v.stdout).toBe(0);
    expect(v.json().checks.every((c: any) => c.ok === true)).toBe(true);
    const file = path.join(t.dir, 'receipt.json');
    const out = path.join(t.dir, 'out.txt');
    writeFileSync(file, JSON.stringify(job.receipt));
    writeFileSync(out, job.output);
    expect((await cli(['receipts', 'verify', '--file', file, '--output-file', out])).code).toBe(0);
    writeFileSync(out, `${job.output}!`);
    const bad = await cli(['receipts', 'verify', '--file', file, '--output-file', out]);
    expect(bad.code).toBe(6);
    expect(bad.json().error.code).toBe('RECEIPT_INVALID');
    writeFileSync(file, JSON.stringify({ ...job.receipt, payTo: ready.coordinator.address }));
    expect((await cli(['receipts', 'verify', '--file', file, '--offline'])).code).toBe(6);

    expect((await cli(['status', job.jobId])).json()).toMatchObject({ jobId: job.jobId, state: 'completed' });
    expect((await cli(['jobs'])).json().items[0].jobId).toBe(job.jobId);
    expect((await cli(['receipts'])).json().items[0].receiptId).toBe(job.receiptId);
    expect((await cli(['receipts', job.jobId])).json().receiptId).toBe(job.receiptId);
    expect((await cli(['miner', 'list'])).json().items[0]).toMatchObject({
      miner: ready.miner.address,
      online: true,
    });
    expect((await cli(['miner', 'show', ready.miner.address])).json()).toMatchObject({
      backend: 'echo',
      unitPrice: '1000',
    });
    const earnings = await runCli(
      ['miner', 'earnings', '--key-file', path.join(ready.home, 'miner', 'key.json'), '--json'],
      { home: t.dir, env: env() },
    );
    expect(earnings.json()).toMatchObject({
      miner: ready.miner.address,
      receipts: 1,
      earned: '7',
      settled: '7',
      balance: '7',
    });
  });

  it('refuses an unserved model, a price below every miner, a short balance — before locking', async () => {
    const before = (await cli(['wallet', 'balance'])).json();
    const none = await cli(['submit', 'x', '--model', 'llama3.2']);
    expect(none.code).toBe(6);
    expect(none.json().error).toMatchObject({ code: 'NO_MINER_FOR_MODEL', details: { models: ['echo'] } });
    const cheap = await cli(['submit', 'x', '--model', 'echo', '--max-price', '999uait']);
    expect(cheap.json().error).toMatchObject({ code: 'PRICE_TOO_LOW', details: { lowestUnitPrice: '1000' } });
    const poor = await cli([
      'submit',
      'x',
      '--model',
      'echo',
      '--max-tokens',
      '10000000',
      '--max-price',
      '100AIT',
    ]);
    expect(poor.json().error.code).toBe('INSUFFICIENT_FUNDS');
    expect((await cli(['wallet', 'balance'])).json()).toMatchObject({
      balance: before.balance,
      nonce: before.nonce,
    });
  });

  it('refuses llama-cpp without --model-file, a bad job id, and an unreachable coordinator with their exit codes', async () => {
    const llama = await runCli(['node', 'miner', '--backend', 'llama-cpp', '--json'], { home: t.dir });
    expect(llama.code).toBe(2);
    expect(llama.stdout).toMatch(/needs a GGUF model file: give --model-file/);
    expect((await cli(['status', 'nope'])).json().error.code).toBe('INVALID_INPUT');
    const down = await runCli(['models', '--coordinator', 'http://127.0.0.1:9', '--timeout', '2', '--json'], {
      home: t.dir,
    });
    expect(down.code).toBe(5);
  });
});
