import { describe, expect, it } from 'vitest';
import { signerFromSecret } from '../../../src/crypto/ed25519.js';
import { VerifiedSigs } from '../../../src/crypto/verified-sigs.js';

const signer = signerFromSecret(new Uint8Array(32).fill(7));
const other = signerFromSecret(new Uint8Array(32).fill(8));
const msg = new TextEncoder().encode('hello');
const sig = signer.sign(msg);

describe('VerifiedSigs', () => {
  it('answers true only for the exact (signature, message, key) recorded', () => {
    const v = new VerifiedSigs();
    expect(v.has(sig, msg, signer.publicKey)).toBe(false);
    v.add({ sig, msg, pub: signer.publicKey });
    expect(v.has(sig, msg, signer.publicKey)).toBe(true);
    expect(v.has(sig, new TextEncoder().encode('hellp'), signer.publicKey)).toBe(false);
    expect(v.has(sig, msg, other.publicKey)).toBe(false);
    const altered = Uint8Array.from(sig);
    altered[0] ^= 1;
    expect(v.has(altered, msg, signer.publicKey)).toBe(false);
  });

  it('keeps at most its capacity, dropping the oldest', () => {
    const v = new VerifiedSigs(2);
    const triples = [1, 2, 3].map((i) => {
      const m = Uint8Array.of(i);
      return { sig: signer.sign(m), msg: m, pub: signer.publicKey };
    });
    for (const t of triples) v.add(t);
    expect(v.size).toBe(2);
    expect(v.has(triples[0].sig, triples[0].msg, triples[0].pub)).toBe(false);
    expect(v.has(triples[2].sig, triples[2].msg, triples[2].pub)).toBe(true);
  });
});
