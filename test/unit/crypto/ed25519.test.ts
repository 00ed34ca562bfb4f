/**
 * Strict ed25519 (DESIGN §5): both verifiers — verifyStrict (noble + cofactorless check) and
 * createFastVerifier (node:crypto with the same pre-checks) — must give identical answers on the RFC 8032
 * vectors, the edge fixture, 1,000 seeded random signatures with corruptions, and a signature whose R
 * carries a small-order component.
 */
import { createHash } from 'node:crypto';
import * as ed from '@noble/ed25519';
import { describe, expect, it } from 'vitest';
import { fromHex, toHex, utf8 } from '../../../src/core/hex.js';
import { createPrng, type Prng } from '../../../src/core/prng.js';
import {
  createFastVerifier,
  isCanonicalPointEncoding,
  isCanonicalScalar,
  isValidPublicKey,
  publicKeyFromSecret,
  signEd25519,
  signerFromSecret,
  verifyStrict,
} from '../../../src/crypto/ed25519.js';
import { loadFixture } from '../../helpers/fixtures.js';

const L = 2n ** 252n + 27742317777372353535851937790883648493n;

interface Rfc8032 {
  vectors: Array<{ name: string; secretKey: string; publicKey: string; message: string; signature: string }>;
}
interface Edge {
  vectors: Array<{ why: string; publicKey: string; message: string; signature: string; expected: boolean }>;
}

const leToBigInt = (b: Uint8Array): bigint => {
  let n = 0n;
  for (let i = b.length - 1; i >= 0; i--) n = (n << 8n) | BigInt(b[i]);
  return n;
};
const bigIntToLe32 = (n: bigint): Uint8Array => {
  const out = new Uint8Array(32);
  for (let i = 0; i < 32; i++) {
    out[i] = Number(n & 0xffn);
    n >>= 8n;
  }
  return out;
};
const sha512 = (...parts: Uint8Array[]): Uint8Array => {
  const h = createHash('sha512');
  for (const p of parts) h.update(p);
  return new Uint8Array(h.digest());
};
const randomBytes = (rng: Prng, n: number): Uint8Array => Uint8Array.from({ length: n }, () => rng.int(256));

describe('RFC 8032 vectors', () => {
  const { vectors } = loadFixture<Rfc8032>('rfc8032-ed25519.json');
  const fast = createFastVerifier();

  it('has the three TEST vectors', () => {
    expect(vectors.map((v) => v.name)).toEqual(['TEST 1', 'TEST 2', 'TEST 3']);
  });

  it.each(vectors.map((v) => [v.name, v] as const))('%s: key, signature, both verifiers', (_n, v) => {
    const secret = fromHex(v.secretKey, 32);
    const msg = fromHex(v.message);
    const signer = signerFromSecret(secret);
    expect(toHex(signer.publicKey)).toBe(v.publicKey);
    expect(toHex(publicKeyFromSecret(secret))).toBe(v.publicKey);
    expect(toHex(signer.sign(msg))).toBe(v.signature);
    expect(toHex(signEd25519(msg, secret))).toBe(v.signature);
    const sig = fromHex(v.signature, 64);
    const pub = fromHex(v.publicKey, 32);
    expect(verifyStrict(sig, msg, pub)).toBe(true);
    expect(fast.verify(sig, msg, pub)).toBe(true);
    expect(isValidPublicKey(pub)).toBe(true);
  });

  it('refuses a secret that is not 32 bytes', () => {
    expect(() => signerFromSecret(new Uint8Array(31))).toThrow(RangeError);
    expect(() => signerFromSecret(new Uint8Array(64))).toThrow(RangeError);
  });
});

describe('ed25519-edge fixture through both verifiers', () => {
  const { vectors } = loadFixture<Edge>('ed25519-edge.json');
  const fast = createFastVerifier();

  it('has vectors, both accepted and rejected', () => {
    expect(vectors.length).toBeGreaterThanOrEqual(20);
    expect(vectors.some((v) => v.expected)).toBe(true);
    expect(vectors.some((v) => !v.expected)).toBe(true);
  });

  it.each(vectors.map((v, i) => [i, v.why, v] as const))('#%i %s', (_i, _why, v) => {
    const sig = fromHex(v.signature, 64);
    const msg = fromHex(v.message);
    const pub = fromHex(v.publicKey, 32);
    const strict = verifyStrict(sig, msg, pub);
    const quick = fast.verify(sig, msg, pub);
    expect(strict).toBe(v.expected);
    expect(quick).toBe(v.expected);
    // A fresh verifier (empty KeyObject cache) answers the same.
    expect(createFastVerifier().verify(sig, msg, pub)).toBe(v.expected);
  });

  it('classifies the small-order and non-canonical keys of the fixture as invalid public keys', () => {
    for (const v of vectors.filter((x) => /small-order public key|non-canonical public key/.test(x.why))) {
      expect(isValidPublicKey(fromHex(v.publicKey, 32))).toBe(false);
    }
  });
});

describe('1,000 seeded random signatures', () => {
  it('both verifiers agree on every one, and on every corruption', () => {
    const rng = createPrng('ed25519-random-1000');
    const keys = Array.from({ length: 16 }, () => signerFromSecret(randomBytes(rng, 32)));
    const fast = createFastVerifier();
    const kinds = ['valid', 'sig-bit', 'msg-bit', 'key-bit', 's-plus-l', 'other-key'] as const;
    const tally = new Map<string, number>();
    const disagreements: string[] = [];
    const wrong: string[] = [];
    for (let i = 0; i < 1000; i++) {
      const signer = rng.pick(keys);
      let msg = randomBytes(rng, rng.int(200));
      let sig = signer.sign(msg);
      let pub = signer.publicKey;
      const kind = rng.pick(kinds);
      tally.set(kind, (tally.get(kind) ?? 0) + 1);
      if (kind === 'sig-bit') {
        sig = Uint8Array.from(sig);
        const bit = rng.int(512);
        sig[bit >> 3] ^= 1 << (bit & 7);
      } else if (kind === 'msg-bit') {
        if (msg.length === 0) msg = new Uint8Array([rng.int(256)]);
        else {
          msg = Uint8Array.from(msg);
          const bit = rng.int(msg.length * 8);
          msg[bit >> 3] ^= 1 << (bit & 7);
        }
      } else if (kind === 'key-bit') {
        pub = Uint8Array.from(pub);
        const bit = rng.int(256);
        pub[bit >> 3] ^= 1 << (bit & 7);
      } else if (kind === 's-plus-l') {
        // The same signature with S + L: the classic malleation, valid under a lax verifier.
        const s = leToBigInt(sig.subarray(32));
        sig = Uint8Array.from(sig);
        sig.set(bigIntToLe32(s + L), 32);
        expect(isCanonicalScalar(sig.subarray(32))).toBe(false);
      } else if (kind === 'other-key') {
        const other = keys.find((k) => k !== signer)!;
        pub = other.publicKey;
      }
      const a = verifyStrict(sig, msg, pub);
      const b = fast.verify(sig, msg, pub);
      if (a !== b) disagreements.push(`#${i} ${kind}: strict=${a} fast=${b}`);
      if (a !== (kind === 'valid')) wrong.push(`#${i} ${kind}: ${a}`);
    }
    expect(disagreements).toEqual([]);
    expect(wrong).toEqual([]);
    // Every kind was exercised a fair number of times.
    for (const k of kinds) expect(tally.get(k) ?? 0).toBeGreaterThan(100);
  });

  it('refuses wrong lengths in both verifiers', () => {
    const signer = signerFromSecret(new Uint8Array(32).fill(7));
    const msg = utf8('x');
    const sig = signer.sign(msg);
    const fast = createFastVerifier();
    for (const [s, p] of [
      [sig.subarray(0, 63), signer.publicKey],
      [new Uint8Array([...sig, 0]), signer.publicKey],
      [sig, signer.publicKey.subarray(0, 31)],
    ] as const) {
      expect(verifyStrict(s, msg, p)).toBe(false);
      expect(fast.verify(s, msg, p)).toBe(false);
    }
  });

  it('keeps answering correctly when its KeyObject cache evicts', () => {
    const fast = createFastVerifier(2);
    const signers = [1, 2, 3, 4].map((b) => signerFromSecret(new Uint8Array(32).fill(b)));
    const smallOrder = fromHex('0100000000000000000000000000000000000000000000000000000000000000', 32);
    for (let round = 0; round < 3; round++) {
      for (const s of signers) {
        const msg = utf8(`round ${round}`);
        expect(fast.verify(s.sign(msg), msg, s.publicKey)).toBe(true);
        expect(fast.verify(s.sign(msg), utf8('other'), s.publicKey)).toBe(false);
        expect(fast.verify(s.sign(msg), msg, smallOrder)).toBe(false);
      }
    }
  });
});

describe('a signature whose R carries a small-order component', () => {
  // T of order 8 (a torsion point of the fixture) and its multiples of order 4 and 2.
  const T8 = ed.Point.fromBytes(
    fromHex('c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a', 32),
    false,
  );

  /** R' = rB + T, k = H(R'‖A‖M), S = r + k·a mod L, with a the clamped secret scalar. */
  function craft(secret: Uint8Array, message: Uint8Array, r: bigint, T: typeof T8) {
    const h = sha512(secret);
    const head = h.slice(0, 32);
    head[0] &= 248;
    head[31] &= 127;
    head[31] |= 64;
    const a = leToBigInt(head) % L;
    const A = ed.Point.BASE.multiply(a).toBytes();
    const Rp = ed.Point.BASE.multiply(r).add(T).toBytes();
    const k = leToBigInt(sha512(Rp, A, message)) % L;
    const S = (r + k * a) % L;
    const sig = new Uint8Array(64);
    sig.set(Rp, 0);
    sig.set(bigIntToLe32(S), 32);
    return { sig, pub: A };
  }

  const cases = [
    ['order 8', T8],
    ['order 4', T8.multiply(2n, false)],
    ['order 2', T8.multiply(4n, false)],
  ] as const;

  it('uses torsion points of the stated orders', () => {
    expect(T8.isSmallOrder()).toBe(true);
    expect(T8.multiply(4n, false).is0()).toBe(false);
    expect(T8.multiply(8n, false).is0()).toBe(true);
    expect(cases[1][1].multiply(2n, false).is0()).toBe(false);
    expect(cases[2][1].is0()).toBe(false);
    expect(cases[2][1].multiply(2n, false).is0()).toBe(true);
  });

  it.each(cases)('%s: both verifiers reject it; noble alone (cofactored) accepts it', (_name, T) => {
    const rng = createPrng(`small-order-R-${_name}`);
    const fast = createFastVerifier();
    for (let i = 0; i < 8; i++) {
      const secret = randomBytes(rng, 32);
      const message = randomBytes(rng, 1 + rng.int(64));
      const r = (leToBigInt(randomBytes(rng, 32)) % (L - 1n)) + 1n;
      const { sig, pub } = craft(secret, message, r, T);
      expect(toHex(pub)).toBe(toHex(signerFromSecret(secret).publicKey));
      // The encodings are canonical and the key is fine: only the equation tells.
      expect(isCanonicalPointEncoding(sig.subarray(0, 32))).toBe(true);
      expect(isCanonicalScalar(sig.subarray(32))).toBe(true);
      expect(isValidPublicKey(pub)).toBe(true);
      // Why the extra check exists: noble's strict mode still verifies with the cofactor.
      expect(ed.verify(sig, message, pub, { zip215: false })).toBe(true);
      expect(verifyStrict(sig, message, pub)).toBe(false);
      expect(fast.verify(sig, message, pub)).toBe(false);
    }
  });

  it('the same construction with T = identity is an ordinary valid signature (control)', () => {
    const secret = new Uint8Array(32).fill(9);
    const message = utf8('control');
    const { sig, pub } = craft(secret, message, 12345n, ed.Point.ZERO);
    expect(verifyStrict(sig, message, pub)).toBe(true);
    expect(createFastVerifier().verify(sig, message, pub)).toBe(true);
  });
});

describe('encoding checks', () => {
  const P = 2n ** 255n - 19n;
  it('rejects y ≥ p and x = 0 with the sign bit set', () => {
    expect(isCanonicalPointEncoding(bigIntToLe32(P))).toBe(false);
    expect(isCanonicalPointEncoding(bigIntToLe32(P + 1n))).toBe(false);
    expect(isCanonicalPointEncoding(bigIntToLe32(P - 2n))).toBe(true);
    const oneNeg = bigIntToLe32(1n);
    oneNeg[31] |= 0x80;
    expect(isCanonicalPointEncoding(oneNeg)).toBe(false);
    expect(isCanonicalPointEncoding(new Uint8Array(31))).toBe(false);
  });

  it('accepts S up to L − 1 only', () => {
    expect(isCanonicalScalar(bigIntToLe32(L - 1n))).toBe(true);
    expect(isCanonicalScalar(bigIntToLe32(L))).toBe(false);
    expect(isCanonicalScalar(new Uint8Array(31))).toBe(false);
  });

  it('rejects keys that are not on the curve', () => {
    // y = 2 has no x on ed25519.
    expect(isValidPublicKey(bigIntToLe32(2n))).toBe(false);
  });
});

describe('canonical-encoding checks (byte comparisons) against their BigInt definitions', () => {
  const P = 2n ** 255n - 19n;
  const L = 2n ** 252n + 27742317777372353535851937790883648493n;
  const le = (n: bigint, top = 0): Uint8Array => {
    const b = new Uint8Array(32);
    for (let i = 0; i < 32; i++) b[i] = Number((n >> BigInt(8 * i)) & 0xffn);
    b[31] |= top;
    return b;
  };
  const fromLe = (b: Uint8Array): bigint => b.reduceRight((n, x) => (n << 8n) | BigInt(x), 0n);
  const pointRef = (b: Uint8Array): boolean => {
    const sign = b[31] >> 7;
    const y = fromLe(Uint8Array.from(b, (x, i) => (i === 31 ? x & 0x7f : x)));
    return y < P && !(sign === 1 && (y === 1n || y === P - 1n));
  };

  it('agree on the edges and on random values', async () => {
    const { randomBytes } = await import('node:crypto');
    const edges = [0n, 1n, 2n, P - 2n, P - 1n, P, P + 1n, 2n ** 255n - 1n, L - 1n, L, L + 1n, 2n ** 252n];
    const cases: Uint8Array[] = [];
    for (const n of edges) for (const top of [0, 0x80]) if (n < 2n ** 255n) cases.push(le(n, top));
    for (let i = 0; i < 5_000; i++) cases.push(new Uint8Array(randomBytes(32)));
    // values whose top bytes are all ones, where the comparisons are decided by the low byte
    for (let lo = 0xe0; lo <= 0xff; lo++)
      for (const top of [0, 0x80]) cases.push(le(P - 0xedn + BigInt(lo), top));
    for (const b of cases) {
      expect(isCanonicalPointEncoding(b)).toBe(pointRef(b));
      expect(isCanonicalScalar(b)).toBe(fromLe(b) < L);
    }
  });
});
