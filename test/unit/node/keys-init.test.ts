import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  DEFAULT_FAUCET_LIMITS,
  FaucetRateLimiter,
  faucetAmount,
  isLoopbackHost,
} from '../../../src/node/faucet.js';
import { initNode, paramsForBlockTime, parseBlockTime } from '../../../src/node/init.js';
import { ensureKeyFile, isUnencryptedKeyFile, loadKeyFile } from '../../../src/node/keys.js';
import { listChainIds, nodeLayout } from '../../../src/node/layout.js';
import { readNodeStatus } from '../../../src/node/status.js';
import { genesisHash } from '../../../src/protocol/genesis.js';
import { tempDir } from '../../helpers/cli.js';
import { alice, codeOf } from './helpers.js';

async function codeOfAsync(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return 'ok';
  } catch (e) {
    return (e as { code?: string }).code ?? String(e);
  }
}

describe('daemon keys', () => {
  let dir: { dir: string; cleanup: () => void };
  beforeEach(() => {
    dir = tempDir();
  });
  afterEach(() => dir.cleanup());

  it('writes an unencrypted devnet key 0600 that says what it is, and reads it back', async () => {
    const file = path.join(dir.dir, 'node', 'validator.json');
    const { key, created } = await ensureKeyFile(file, { name: 'validator' });
    expect(created).toBe(true);
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(isUnencryptedKeyFile(file)).toBe(true);
    expect(JSON.parse(fs.readFileSync(file, 'utf8')).warning).toMatch(/UNENCRYPTED/);
    const again = await ensureKeyFile(file, { name: 'validator' });
    expect(again.created).toBe(false);
    expect(again.key.address).toBe(key.address);
    const loaded = await loadKeyFile(file, () => {
      throw new Error('no password needed');
    });
    expect(loaded.publicKeyHex).toBe(key.publicKeyHex);
    const doc = JSON.parse(fs.readFileSync(file, 'utf8'));
    fs.writeFileSync(file, JSON.stringify({ ...doc, address: alice.address }));
    expect(await codeOfAsync(loadKeyFile(file, () => ''))).toBe('KEYSTORE_CORRUPT');
  });

  it('writes an encrypted keystore and unlocks it only with its password', async () => {
    const file = path.join(dir.dir, 'k.json');
    const { key } = await ensureKeyFile(file, { name: 'validator', password: 'pw', scryptN: 2 ** 14 });
    expect(isUnencryptedKeyFile(file)).toBe(false);
    expect((await loadKeyFile(file, () => 'pw')).address).toBe(key.address);
    expect(await codeOfAsync(loadKeyFile(file, () => 'nope'))).toBe('WRONG_PASSWORD');
    expect(await codeOfAsync(ensureKeyFile(file, { name: 'validator' }))).toBe('MISSING_INPUT');
    expect(await codeOfAsync(loadKeyFile(path.join(dir.dir, 'missing.json'), () => 'pw'))).toBe('CONFIG');
  });
});

describe('node init', () => {
  let dir: { dir: string; cleanup: () => void };
  beforeEach(() => {
    dir = tempDir();
  });
  afterEach(() => dir.cleanup());

  it('writes a genesis per chain, keeps the first as default, and never overwrites one', async () => {
    const a = await initNode({
      home: dir.dir,
      chainId: 'zeta',
      allocations: [{ address: alice.address, amount: 5n }],
      faucet: { amount: 1000n, maxPerRequest: 10n },
      time: 1_800_000_000_000,
    });
    expect(a.isDefault).toBe(true);
    expect(a.genesis.allocations).toHaveLength(2);
    expect(a.genesis.faucet).toEqual({ address: a.faucet?.address, maxPerRequest: '10' });
    expect(genesisHash(JSON.parse(fs.readFileSync(a.genesisFile, 'utf8')))).toBe(a.genesisHash);
    const b = await initNode({
      home: dir.dir,
      chainId: 'alpha',
      time: 1_800_000_000_000,
      params: paramsForBlockTime(7000, 5000),
    });
    expect(b.isDefault).toBe(false);
    expect(b.validator.address).toBe(a.validator.address);
    expect(b.genesis.params).toMatchObject({ blockTimeMs: 7000, heartbeatMs: 7000 });
    expect(listChainIds(nodeLayout(dir.dir))).toEqual(['zeta', 'alpha']);
    expect(await codeOfAsync(initNode({ home: dir.dir, chainId: 'zeta', time: 1 }))).toBe('CONFIG');
    expect(await codeOfAsync(initNode({ home: dir.dir, chainId: 'Bad/Id', time: 1 }))).toBe('INVALID_INPUT');
    const status = readNodeStatus(dir.dir);
    expect(status).toMatchObject({
      initialised: true,
      running: false,
      validator: { address: a.validator.address, encrypted: false },
    });
    expect(status.chains.map((c) => [c.chainId, c.default, c.height, c.faucet !== null])).toEqual([
      ['zeta', true, 0, true],
      ['alpha', false, 0, false],
    ]);
  });

  it('reads block times as typed', () => {
    expect(parseBlockTime('1s')).toBe(1000);
    expect(parseBlockTime('250ms')).toBe(250);
    expect(parseBlockTime('1500')).toBe(1500);
    expect(parseBlockTime('1.5s')).toBe(1500);
    for (const bad of ['', '5', 'fast', '-1s', '0.001s'])
      expect(codeOf(() => parseBlockTime(bad))).toBe('INVALID_INPUT');
  });
});

describe('faucet rules', () => {
  it('caps each payout and defaults to the cap', () => {
    expect(faucetAmount(undefined, 10n)).toBe(10n);
    expect(faucetAmount(3n, 10n)).toBe(3n);
    expect(codeOf(() => faucetAmount(11n, 10n))).toBe('INVALID_AMOUNT');
    expect(codeOf(() => faucetAmount(0n, 10n))).toBe('INVALID_AMOUNT');
  });

  it('limits requests per address in a sliding window', () => {
    const l = new FaucetRateLimiter({ perAddress: 2, windowMs: 1000 });
    l.take('a', 0);
    l.take('a', 500);
    l.take('b', 600);
    let retry: unknown;
    try {
      l.take('a', 900);
    } catch (e) {
      retry = (e as { code: string; details: { retryAfterMs: number } }).details.retryAfterMs;
      expect((e as { code: string }).code).toBe('RATE_LIMITED');
    }
    expect(retry).toBe(100);
    l.take('a', 1001);
    expect(DEFAULT_FAUCET_LIMITS.perAddress).toBeGreaterThan(0);
  });

  it('knows which binds are loopback', () => {
    for (const h of ['127.0.0.1', '127.1.2.3', 'localhost', '::1', '[::1]'])
      expect(isLoopbackHost(h)).toBe(true);
    for (const h of ['0.0.0.0', '::', '192.168.1.5', 'example.com']) expect(isLoopbackHost(h)).toBe(false);
  });
});
