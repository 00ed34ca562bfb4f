import { randomBytes } from 'node:crypto';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createFastVerifier } from '../../../src/crypto/ed25519.js';
import { type SigCheck, VerifyPool } from '../../../src/crypto/verify-pool.js';
import type { SignedTx } from '../../../src/protocol/types.js';
import { tempDir } from '../../helpers/cli.js';
import { loadFixture } from '../../helpers/fixtures.js';
import { AIT, alice, bob, harness, testGenesis, testKey, transfer } from './helpers.js';

const hex = (s: string) => new Uint8Array(Buffer.from(s, 'hex'));

describe('VerifyPool', () => {
  const pool = new VerifyPool(2);
  afterAll(() => pool.close());

  it('agrees with createFastVerifier on every edge case and on random signatures', async () => {
    const fixture = loadFixture<{
      vectors: Array<{ publicKey: string; message: string; signature: string; expected: boolean }>;
    }>('ed25519-edge.json');
    const fast = createFastVerifier();
    const items: SigCheck[] = fixture.vectors.map((v) => ({
      sig: hex(v.signature),
      msg: hex(v.message),
      pub: hex(v.publicKey),
    }));
    const keys = Array.from({ length: 20 }, (_, i) => testKey(100 + i));
    for (let i = 0; i < 200; i++) {
      const k = keys[i % keys.length];
      const msg = new Uint8Array(randomBytes(1 + (i % 300)));
      const sig = k.signer.sign(msg);
      if (i % 3 === 0) sig[i % 64] ^= 1 << (i % 8);
      items.push({ sig, msg, pub: k.publicKey });
    }
    const got = await pool.verifyMany(items);
    expect(got).toEqual(items.map((c) => fast.verify(c.sig, c.msg, c.pub)));
    expect(got.slice(0, fixture.vectors.length)).toEqual(fixture.vectors.map((v) => v.expected));
    expect(await pool.verifyMany([])).toEqual([]);
  });
});

describe('admission through the verification workers', () => {
  let dir: { dir: string; cleanup: () => void };
  let pool: VerifyPool;
  beforeEach(() => {
    dir = tempDir();
    pool = new VerifyPool(1);
  });
  afterEach(async () => {
    await pool.close();
    dir.cleanup();
  });

  it('admits in arrival order, refuses a forged signature, and commits as before', async () => {
    const { node, engine } = harness(dir.dir, testGenesis(), { verifyPool: pool });
    const first = node.broadcast(transfer(alice, bob.address, 1n, 0), 'accepted');
    const second = node.broadcast(transfer(alice, bob.address, 2n, 1), 'committed');
    const forged = { ...transfer(alice, bob.address, 3n, 2) } as SignedTx;
    forged.sig = transfer(alice, bob.address, 4n, 2).sig;
    const bad = node.broadcast(forged, 'accepted');
    await expect(first).resolves.toMatchObject({ status: 'accepted' });
    await expect(bad).rejects.toMatchObject({ code: 'BAD_SIGNATURE', details: { reason: 'bad_signature' } });
    expect(node.account(alice.address).pendingNonce).toBe(2);
    engine.produceBlock();
    await expect(second).resolves.toMatchObject({ status: 'committed', index: 1 });
    expect(node.account(bob.address).balance).toBe('3');
    expect(node.account(alice.address).balance).toBe((1000n * AIT - 3n - 2000n).toString());
    node.close();
  });
});
