/**
 * ed25519 (RFC 8032) with strict verification, identical in the CLI and the daemons (DESIGN §5):
 * S < L, canonical encodings of A and R, no small-order public key, and the cofactorless equation
 * [S]B = R + [k]A (the one OpenSSL checks, so `verifyStrict` and `createFastVerifier` never disagree).
 * Signing and key derivation use node:crypto; the pure-JS verifier is @noble/ed25519.
 */
import {
  createHash,
  createPrivateKey,
  createPublicKey,
  type KeyObject,
  sign as nodeSign,
  verify as nodeVerify,
} from 'node:crypto';
import * as ed from '@noble/ed25519';

const sha512 = (m: Uint8Array): Uint8Array => new Uint8Array(createHash('sha512').update(m).digest());
ed.hashes.sha512 = sha512 as typeof ed.hashes.sha512;

/** Group order L. */
const L = 2n ** 252n + 27742317777372353535851937790883648493n;

// DER prefixes that wrap a raw 32-byte key as PKCS#8 / SPKI for node:crypto.
const PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');
const SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');

function leToBigInt(bytes: Uint8Array): bigint {
  let n = 0n;
  for (let i = bytes.length - 1; i >= 0; i--) n = (n << 8n) | BigInt(bytes[i]);
  return n;
}

// Little-endian bytes of the group order L and of the field prime p, for comparisons byte by byte
// (these checks run on every signature a daemon sees; BigInt conversions made them a visible cost).
const L_BYTES = Uint8Array.from(
  Buffer.from('edd3f55c1a631258d69cf7a2def9de1400000000000000000000000000000010', 'hex'),
);

/** a < b for two 32-byte little-endian numbers. */
function lessThanLE(a: Uint8Array, b: Uint8Array): boolean {
  for (let i = 31; i >= 0; i--) if (a[i] !== b[i]) return a[i] < b[i];
  return false;
}

/** True when a 32-byte point encoding is canonical: y < p, and not x = 0 with the sign bit set. */
export function isCanonicalPointEncoding(enc: Uint8Array): boolean {
  if (enc.length !== 32) return false;
  const sign = enc[31] >> 7;
  // y ≥ p = 2^255 − 19 exactly when its top 31 bytes are all ones (7f ff … ff) and its low byte ≥ 0xed.
  let high = (enc[31] & 0x7f) === 0x7f;
  for (let i = 30; i >= 1 && high; i--) high = enc[i] === 0xff;
  if (high && enc[0] >= 0xed) return false;
  if (sign === 0) return true;
  // x = 0 exactly when y^2 = 1, i.e. y = 1 or y = p − 1 (ec ff … ff 7f); then a set sign bit is a second
  // encoding.
  if (high && enc[0] === 0xec) return false;
  if (enc[0] !== 1) return true;
  for (let i = 1; i < 31; i++) if (enc[i] !== 0) return true;
  return (enc[31] & 0x7f) !== 0;
}

/** True when S (the signature's second half) is below the group order. */
export function isCanonicalScalar(sBytes: Uint8Array): boolean {
  return sBytes.length === 32 && lessThanLE(sBytes, L_BYTES);
}

/**
 * True when `pub` is a 32-byte canonical encoding of a curve point that is not of small order.
 * Every public key that enters (transactions, receipts, requests, genesis, keystores) passes this.
 */
export function isValidPublicKey(pub: Uint8Array): boolean {
  if (pub.length !== 32 || !isCanonicalPointEncoding(pub)) return false;
  try {
    return !ed.Point.fromBytes(pub, false).isSmallOrder();
  } catch {
    return false;
  }
}

/**
 * The raw 32-byte public key of a 32-byte ed25519 secret (seed).
 * @throws RangeError when the secret is not 32 bytes.
 */
export function publicKeyFromSecret(secret: Uint8Array): Uint8Array {
  return signerFromSecret(secret).publicKey;
}

export interface Signer {
  readonly publicKey: Uint8Array;
  sign(message: Uint8Array): Uint8Array;
}

/**
 * A signer holding a node:crypto KeyObject, so repeated signing (daemons) costs no re-parsing.
 * @example signerFromSecret(seed).sign(bytes) // 64-byte signature
 */
export function signerFromSecret(secret: Uint8Array): Signer {
  if (secret.length !== 32) throw new RangeError(`expected a 32-byte ed25519 secret, got ${secret.length}`);
  const key = createPrivateKey({ key: Buffer.concat([PKCS8_PREFIX, secret]), format: 'der', type: 'pkcs8' });
  const spki = createPublicKey(key).export({ format: 'der', type: 'spki' });
  const publicKey = new Uint8Array(spki.subarray(spki.length - 32));
  return { publicKey, sign: (message) => new Uint8Array(nodeSign(null, message, key)) };
}

/** Signs with a raw 32-byte secret. */
export function signEd25519(message: Uint8Array, secret: Uint8Array): Uint8Array {
  return signerFromSecret(secret).sign(message);
}

/**
 * Strict verification in pure JS (the CLI's verifier): noble with `{zip215: false}`, then the
 * cofactorless equation so that a signature whose R carries a small-order component is refused here
 * exactly as OpenSSL refuses it in the daemons.
 */
export function verifyStrict(signature: Uint8Array, message: Uint8Array, publicKey: Uint8Array): boolean {
  if (signature.length !== 64 || publicKey.length !== 32) return false;
  if (!isCanonicalScalar(signature.subarray(32)) || !isCanonicalPointEncoding(signature.subarray(0, 32)))
    return false;
  if (!isValidPublicKey(publicKey)) return false;
  let ok: boolean;
  try {
    ok = ed.verify(signature, message, publicKey, { zip215: false });
  } catch {
    return false;
  }
  if (!ok) return false;
  const rBytes = signature.subarray(0, 32);
  const A = ed.Point.fromBytes(publicKey, false);
  const R = ed.Point.fromBytes(rBytes, false);
  const k = leToBigInt(sha512(Buffer.concat([rBytes, publicKey, message]))) % L;
  const s = leToBigInt(signature.subarray(32));
  const sB = s === 0n ? ed.Point.ZERO : ed.Point.BASE.multiply(s, false);
  const kA = k === 0n ? ed.Point.ZERO : A.multiply(k, false);
  return sB.subtract(kA).equals(R);
}

export interface FastVerifier {
  verify(signature: Uint8Array, message: Uint8Array, publicKey: Uint8Array): boolean;
}

/**
 * The daemons' verifier: node:crypto (OpenSSL) with the same pre-checks as `verifyStrict`, and
 * KeyObjects (with the public-key check's outcome) cached per key.
 * @param cacheSize how many public keys to keep (oldest dropped first).
 */
export function createFastVerifier(cacheSize = 65_536): FastVerifier {
  const cache = new Map<string, KeyObject | null>();
  const keyObjectFor = (pub: Uint8Array): KeyObject | null => {
    const id = Buffer.from(pub.buffer, pub.byteOffset, pub.byteLength).toString('hex');
    let entry = cache.get(id);
    if (entry === undefined) {
      entry = isValidPublicKey(pub)
        ? createPublicKey({ key: Buffer.concat([SPKI_PREFIX, pub]), format: 'der', type: 'spki' })
        : null;
      if (cache.size >= cacheSize) cache.delete(cache.keys().next().value as string);
      cache.set(id, entry);
    }
    return entry;
  };
  return {
    verify(signature, message, publicKey) {
      if (signature.length !== 64 || publicKey.length !== 32) return false;
      if (!isCanonicalScalar(signature.subarray(32)) || !isCanonicalPointEncoding(signature.subarray(0, 32)))
        return false;
      const key = keyObjectFor(publicKey);
      if (key === null) return false;
      return nodeVerify(null, message, key, signature);
    },
  };
}
