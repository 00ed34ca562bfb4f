import { afterAll, describe, expect, it } from 'vitest';
import { CachedVerifier } from '../../../src/crypto/cached-verifier.js';
import { signerFromSecret } from '../../../src/crypto/ed25519.js';
import { VerifyPool } from '../../../src/crypto/verify-pool.js';

const signer = signerFromSecret(new Uint8Array(32).fill(3));
const msg = (s: string) => new TextEncoder().encode(s);
const pool = new VerifyPool(1);
afterAll(() => pool.close());

describe('CachedVerifier', () => {
  it('answers as the strict verifier, with or without pre-verification on the workers', async () => {
    for (const v of [new CachedVerifier(pool), new CachedVerifier()]) {
      const good = { sig: signer.sign(msg('a')), msg: msg('a'), pub: signer.publicKey };
      const bad = { sig: signer.sign(msg('a')), msg: msg('b'), pub: signer.publicKey };
      await v.preverify([good, bad]);
      expect(v.verify(good.sig, good.msg, good.pub)).toBe(true);
      expect(v.verify(bad.sig, bad.msg, bad.pub)).toBe(false);
      // a verified signature does not vouch for another message or key
      expect(v.verify(good.sig, msg('c'), good.pub)).toBe(false);
      expect(v.verify(good.sig, good.msg, signerFromSecret(new Uint8Array(32).fill(4)).publicKey)).toBe(
        false,
      );
    }
  });

  it('gathers the checks of one event-loop turn into one message to the workers', async () => {
    const v = new CachedVerifier(pool);
    let calls = 0;
    const verifyMany = pool.verifyMany.bind(pool);
    pool.verifyMany = (items) => {
      calls++;
      return verifyMany(items);
    };
    const checks = ['x', 'y', 'z'].map((m) => ({
      sig: signer.sign(msg(m)),
      msg: msg(m),
      pub: signer.publicKey,
    }));
    await Promise.all(checks.map((c) => v.preverify([c])));
    pool.verifyMany = verifyMany;
    expect(calls).toBe(1);
    for (const c of checks) expect(v.verify(c.sig, c.msg, c.pub)).toBe(true);
  });
});
