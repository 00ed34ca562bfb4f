/**
 * The daemon commands end to end: `node init`, `node status`, `node start` and `node up` as real
 * processes of the built binary, on temporary homes, every port 0.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { addressFromPublicKey } from '../../src/crypto/address.js';
import { runCli, tempDir } from '../helpers/cli.js';
import { killSpawned, spawnNode } from '../unit/node/spawn-node.js';

const PORTS = ['--rpc-port', '0', '--ws-port', '0'];

afterAll(() => killSpawned());
const ALICE = addressFromPublicKey(new Uint8Array(32).fill(9));

describe('aitbc node init | status | start', () => {
  const t = tempDir();
  const home = t.dir;
  const env = { AITBC_PASSWORD: 'correct horse' };
  afterAll(() => t.cleanup());

  it('initialises an encrypted validator key and a genesis, and refuses what it cannot do', async () => {
    const noPassword = await runCli(['node', 'init', '--chain-id', 'c1', '--json'], { home });
    expect(noPassword.code).toBe(2);
    expect(noPassword.json().error.code).toBe('MISSING_INPUT');
    const badAlloc = await runCli(['node', 'init', '--chain-id', 'c1', '--alloc', 'nope', '--json'], {
      home,
      env,
    });
    expect(badAlloc.code).toBe(2);
    const r = await runCli(
      [
        'node',
        'init',
        '--chain-id',
        'c1',
        '--faucet',
        '1000',
        '--block-time',
        '200ms',
        '--scrypt-n',
        '16384',
        '--json',
      ],
      { home, env },
    );
    expect(r.code).toBe(0);
    const out = r.json();
    expect(out).toMatchObject({
      chainId: 'c1',
      isDefault: true,
      validator: { created: true, encrypted: true },
      warnings: [],
    });
    expect(out.faucet.maxPerRequest).toBe('100000000');
    const nodeDir = path.join(home, 'node');
    expect(fs.statSync(nodeDir).mode & 0o777).toBe(0o700);
    for (const f of [out.genesisFile, out.validator.file, out.faucet.file])
      expect(fs.statSync(f).mode & 0o777).toBe(0o600);
    const ks = JSON.parse(fs.readFileSync(out.validator.file, 'utf8'));
    expect(ks.cipher.name).toBe('aes-256-gcm');
    expect(ks.kind).toBeUndefined();
    const genesis = JSON.parse(fs.readFileSync(out.genesisFile, 'utf8'));
    expect(genesis.params.blockTimeMs).toBe(200);
    const again = await runCli(['node', 'init', '--chain-id', 'c1', '--json'], { home, env });
    expect(again.code).toBe(3);
    expect(again.json().error.code).toBe('CONFIG');
  });

  it('reports the home with node status before, during and after a run', async () => {
    const before = await runCli(['node', 'status', '--json'], { home });
    expect(before.code).toBe(0);
    expect(before.json()).toMatchObject({
      initialised: true,
      running: false,
      chains: [{ chainId: 'c1', height: 0, default: true }],
    });
    const locked = await spawnNode(['node', 'start', '--home', home, ...PORTS], env).catch((e) => e as Error);
    expect(locked).not.toBeInstanceOf(Error);
    const node = locked as Awaited<ReturnType<typeof spawnNode>>;
    try {
      expect(node.ready).toMatchObject({
        type: 'ready',
        chainId: 'c1',
        faucet: { address: expect.stringMatching(/^ait1/) },
      });
      const during = (await runCli(['node', 'status', '--json'], { home })).json();
      expect(during).toMatchObject({ running: true, pid: node.child.pid, endpoints: node.ready.endpoints });
      const second = await runCli(['node', 'start', ...PORTS, '--json'], { home, env });
      expect(second.code).toBe(3);
      const line = JSON.parse(second.stdout.trim());
      expect(line).toMatchObject({ type: 'error', error: { code: 'HOME_LOCKED', exitCode: 3 } });
      const paid = await node.rpc('faucet', { address: ALICE, wait: 'committed' });
      expect(paid.result).toMatchObject({ status: 'committed', code: 0 });
    } finally {
      const exit = await node.kill('SIGTERM');
      expect(exit.code).toBe(0);
    }
    expect(node.events.at(-1)).toMatchObject({ type: 'stopped', signal: 'SIGTERM' });
    expect(node.events.some((e) => e.type === 'block' && (e.txs as number) === 1)).toBe(true);
    const after = (await runCli(['node', 'status', '--json'], { home })).json();
    expect(after.running).toBe(false);
    expect(after.chains[0].height).toBeGreaterThanOrEqual(1);
  });

  it('needs the password of an encrypted validator key, or takes --key-file', async () => {
    const noPw = await runCli(['node', 'start', ...PORTS, '--json'], { home });
    expect(noPw.code).toBe(2);
    expect(JSON.parse(noPw.stdout.trim()).error.code).toBe('MISSING_INPUT');
    const wrong = await runCli(['node', 'start', ...PORTS, '--json'], {
      home,
      env: { AITBC_PASSWORD: 'wrong' },
    });
    expect(wrong.code).toBe(3);
    const other = tempDir();
    try {
      const init = await runCli(['node', 'init', '--chain-id', 'k1', '--unencrypted', '--json'], {
        home: other.dir,
      });
      expect(init.json().warnings[0]).toMatch(/UNENCRYPTED/);
      const keyFile = path.join(other.dir, 'moved-validator.json');
      fs.renameSync(init.json().validator.file, keyFile);
      const node = await spawnNode(['node', 'start', '--home', other.dir, '--key-file', keyFile, ...PORTS]);
      expect(node.ready.chainId).toBe('k1');
      expect((await node.kill('SIGINT')).code).toBe(0);
    } finally {
      other.cleanup();
    }
  });
});

describe('aitbc node up', () => {
  it('initialises a home on the first run and resumes it, never re-initialising', async () => {
    const t = tempDir();
    try {
      const home = path.join(t.dir, 'devnet');
      const first = await spawnNode(['node', 'up', '--home', home, '--block-time', '100ms', ...PORTS]);
      expect(first.ready).toMatchObject({
        initialised: true,
        ephemeral: false,
        chainId: 'aitbc-devnet',
        home,
      });
      expect(first.ready.warnings?.[0]).toMatch(/UNENCRYPTED/);
      const validatorFile = path.join(home, 'node', 'validator.json');
      expect(fs.statSync(validatorFile).mode & 0o777).toBe(0o600);
      expect(JSON.parse(fs.readFileSync(validatorFile, 'utf8')).kind).toBe('unencrypted');
      const status1 = (await first.rpc('status')).result;
      await first.rpc('faucet', { address: ALICE, wait: 'committed' });
      expect((await first.kill()).code).toBe(0);
      const second = await spawnNode(['node', 'up', '--home', home, ...PORTS]);
      expect(second.ready).toMatchObject({ initialised: false, chainId: 'aitbc-devnet' });
      const status2 = (await second.rpc('status')).result;
      expect(status2.genesisHash).toBe(status1.genesisHash);
      expect(status2.params.blockTimeMs).toBe(100);
      expect((await second.rpc('get_balance', { address: ALICE })).result.balance).toBe('1000000000');
      expect((await second.kill()).code).toBe(0);
    } finally {
      t.cleanup();
    }
  });

  it('runs an ephemeral devnet in a temporary home it removes on exit', async () => {
    const node = await spawnNode(['node', 'up', '--ephemeral', ...PORTS]);
    expect(node.ready.ephemeral).toBe(true);
    expect(fs.existsSync(node.ready.home)).toBe(true);
    expect(node.ready.endpoints.metrics).toBe(`${node.ready.endpoints.rpc}/metrics`);
    const exit = await node.kill();
    expect(exit, `${JSON.stringify(node.events)}\n${node.stderr()}`).toEqual({ code: 0, signal: null });
    expect(fs.existsSync(node.ready.home)).toBe(false);
    const both = await runCli(['node', 'up', '--ephemeral', '--home', '/tmp/x', '--json', ...PORTS]);
    expect(both.code).toBe(2);
  });
});
