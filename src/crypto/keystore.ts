/**
 * Encrypted keystores (DESIGN §5): scrypt → AES-256-GCM over JCS of the secret, with JCS of the header
 * (everything but `cipher.tag` and `ciphertext`) as additional data, so an edited name, address, key,
 * path or kdf fails at unlock. Unlock also re-derives the key and compares it with `publicKey`.
 */
import { createCipheriv, createDecipheriv, randomBytes, scrypt as scryptCb } from 'node:crypto';
import { canonicalJson } from '../core/canonical-json.js';
import { AitbcError } from '../core/errors.js';
import { fromHex, isLowerHex, toHex, utf8 } from '../core/hex.js';
import { addressFromPublicKey, isAddress } from './address.js';
import { isValidPublicKey, publicKeyFromSecret } from './ed25519.js';
import { entropyToMnemonic, mnemonicToSeed } from './mnemonic.js';
import { parsePath, slip10Derive } from './slip10.js';

export const DEFAULT_SCRYPT_N = 2 ** 17;
export const MIN_SCRYPT_N = 2 ** 14;
const MAX_SCRYPT_N = 2 ** 20;

export type KeystoreSecret =
  | { kind: 'mnemonic'; entropy: string; passphrase?: string }
  | { kind: 'raw'; key: string };

export interface Keystore {
  version: 1;
  name: string;
  address: string;
  publicKey: string;
  /** Derivation path; absent for raw keys. */
  path?: string;
  kdf: { name: 'scrypt'; N: number; r: number; p: number; salt: string; dkLen: 32 };
  cipher: { name: 'aes-256-gcm'; iv: string; tag: string };
  ciphertext: string;
  createdAt: string;
}

/** The key a secret unlocks to. */
export interface UnlockedKey {
  secret: KeystoreSecret;
  /** 32-byte ed25519 secret. */
  signingKey: Uint8Array;
  publicKey: Uint8Array;
  address: string;
}

/** Derives the signing key of a secret (the path applies to mnemonics only). */
export function deriveSigningKey(secret: KeystoreSecret, path?: string): Uint8Array {
  if (secret.kind === 'raw') return fromHex(secret.key, 32, 'key');
  if (!path) throw new AitbcError('INVALID_INPUT', 'a mnemonic keystore needs a derivation path');
  const seed = mnemonicToSeed(entropyToMnemonic(secret.entropy), secret.passphrase ?? '');
  return slip10Derive(seed, path).key;
}

function scrypt(password: string, salt: Uint8Array, N: number, r: number, p: number): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scryptCb(
      password.normalize('NFKC'),
      salt,
      32,
      { N, r, p, maxmem: 256 * N * r * p + 32 * 1024 * 1024 },
      (err, key) => (err ? reject(err) : resolve(key)),
    ),
  );
}

/** The GCM additional data: JCS of the keystore without `cipher.tag` and `ciphertext`. */
function header(
  ks: Omit<Keystore, 'ciphertext' | 'cipher'> & { cipher: { name: string; iv: string }; ciphertext?: string },
): Uint8Array {
  const { cipher, ciphertext: _ciphertext, ...rest } = ks;
  return utf8(canonicalJson({ ...rest, cipher: { name: cipher.name, iv: cipher.iv } }));
}

export interface EncryptOptions {
  name: string;
  secret: KeystoreSecret;
  password: string;
  path?: string;
  scryptN?: number;
  createdAt?: string;
}

/**
 * Encrypts a secret into a keystore object.
 * @throws AitbcError INVALID_INPUT for a scrypt N that is not a power of two in [2^14, 2^20].
 */
export async function encryptKeystore(opts: EncryptOptions): Promise<Keystore> {
  const N = opts.scryptN ?? DEFAULT_SCRYPT_N;
  assertScryptN(N);
  const path = opts.secret.kind === 'mnemonic' ? opts.path : undefined;
  const signingKey = deriveSigningKey(opts.secret, path);
  const publicKey = publicKeyFromSecret(signingKey);
  signingKey.fill(0);
  const salt = randomBytes(32);
  const iv = randomBytes(12);
  const base = {
    version: 1 as const,
    name: opts.name,
    address: addressFromPublicKey(publicKey),
    publicKey: toHex(publicKey),
    ...(path === undefined ? {} : { path }),
    kdf: { name: 'scrypt' as const, N, r: 8, p: 1, salt: salt.toString('hex'), dkLen: 32 as const },
    createdAt: opts.createdAt ?? new Date().toISOString(),
  };
  const key = await scrypt(opts.password, salt, N, 8, 1);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(header({ ...base, cipher: { name: 'aes-256-gcm', iv: iv.toString('hex') } }));
  const plaintext = Buffer.from(canonicalJson(opts.secret));
  const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  plaintext.fill(0);
  key.fill(0);
  return {
    ...base,
    cipher: { name: 'aes-256-gcm', iv: iv.toString('hex'), tag: cipher.getAuthTag().toString('hex') },
    ciphertext: ciphertext.toString('hex'),
  };
}

export function assertScryptN(N: number): void {
  if (!Number.isInteger(N) || N < MIN_SCRYPT_N || N > MAX_SCRYPT_N || (N & (N - 1)) !== 0) {
    throw new AitbcError('INVALID_INPUT', `scrypt N must be a power of two from 2^14 to 2^20, got ${N}`, {
      N,
    });
  }
}

/**
 * Checks a parsed keystore file's shape without a password.
 * @throws AitbcError KEYSTORE_CORRUPT naming what is wrong.
 */
export function validateKeystore(value: unknown): Keystore {
  const bad = (what: string): never => {
    throw new AitbcError('KEYSTORE_CORRUPT', `keystore is corrupt: ${what}`, { reason: what });
  };
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return bad('not a JSON object');
  const ks = value as Record<string, unknown>;
  const allowed = new Set([
    'version',
    'name',
    'address',
    'publicKey',
    'path',
    'kdf',
    'cipher',
    'ciphertext',
    'createdAt',
  ]);
  for (const k of Object.keys(ks)) if (!allowed.has(k)) bad(`unknown field "${k}"`);
  if (ks.version !== 1) bad('version must be 1');
  if (typeof ks.name !== 'string' || ks.name.length === 0) bad('name missing');
  if (!isAddress(ks.address)) bad('address is not an ait1 address');
  if (!isLowerHex(ks.publicKey, 32) || !isValidPublicKey(fromHex(ks.publicKey, 32)))
    bad('publicKey is not a valid ed25519 key');
  if (addressFromPublicKey(fromHex(ks.publicKey as string, 32)) !== ks.address)
    bad('address does not match publicKey');
  if (ks.path !== undefined) {
    if (typeof ks.path !== 'string') bad('path is not a string');
    try {
      parsePath(ks.path as string);
    } catch {
      bad('path is not a hardened derivation path');
    }
  }
  const kdf = ks.kdf as Record<string, unknown> | undefined;
  if (typeof kdf !== 'object' || kdf === null || kdf.name !== 'scrypt') bad('kdf must be scrypt');
  const k = kdf as Record<string, unknown>;
  if (typeof k.N !== 'number' || k.r !== 8 || k.p !== 1 || k.dkLen !== 32 || !isLowerHex(k.salt, 32))
    bad('kdf parameters');
  try {
    assertScryptN(k.N as number);
  } catch {
    bad('kdf.N out of range');
  }
  const c = ks.cipher as Record<string, unknown> | undefined;
  if (
    typeof c !== 'object' ||
    c === null ||
    c.name !== 'aes-256-gcm' ||
    !isLowerHex(c.iv, 12) ||
    !isLowerHex(c.tag, 16)
  ) {
    bad('cipher parameters');
  }
  if (!isLowerHex(ks.ciphertext) || (ks.ciphertext as string).length === 0) bad('ciphertext');
  if (typeof ks.createdAt !== 'string') bad('createdAt');
  return ks as unknown as Keystore;
}

/**
 * Unlocks a keystore.
 * @throws AitbcError WRONG_PASSWORD when the password does not open it; KEYSTORE_CORRUPT when the
 *   password is right but the file was altered (the unauthenticated CTR decryption of GCM still yields
 *   our plaintext), or when the secret does not re-derive `publicKey`.
 */
export async function decryptKeystore(ks: Keystore, password: string): Promise<UnlockedKey> {
  const key = await scrypt(password, fromHex(ks.kdf.salt, 32), ks.kdf.N, ks.kdf.r, ks.kdf.p);
  const iv = fromHex(ks.cipher.iv, 12);
  const ct = fromHex(ks.ciphertext, undefined, 'ciphertext');
  let plaintext: Buffer;
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, iv);
    decipher.setAAD(header(ks));
    decipher.setAuthTag(fromHex(ks.cipher.tag, 16));
    plaintext = Buffer.concat([decipher.update(ct), decipher.final()]);
  } catch {
    const corrupt = looksLikeOurPlaintext(gcmKeystream(key, iv, ct));
    key.fill(0);
    if (corrupt)
      throw new AitbcError(
        'KEYSTORE_CORRUPT',
        'keystore is corrupt: a field was altered (the password is right)',
      );
    throw new AitbcError('WRONG_PASSWORD', 'wrong password');
  }
  key.fill(0);
  let secret: KeystoreSecret;
  try {
    secret = parseSecret(JSON.parse(plaintext.toString('utf8')));
  } finally {
    plaintext.fill(0);
  }
  const signingKey = deriveSigningKey(secret, ks.path);
  const publicKey = publicKeyFromSecret(signingKey);
  if (toHex(publicKey) !== ks.publicKey) {
    throw new AitbcError('KEYSTORE_CORRUPT', 'keystore is corrupt: the secret does not derive its publicKey');
  }
  return { secret, signingKey, publicKey, address: ks.address };
}

function parseSecret(v: unknown): KeystoreSecret {
  const s = v as Record<string, unknown>;
  if (
    s?.kind === 'mnemonic' &&
    isLowerHex(s.entropy) &&
    [16, 20, 24, 28, 32].includes((s.entropy as string).length / 2)
  ) {
    if (s.passphrase !== undefined && typeof s.passphrase !== 'string') throw corruptSecret();
    return s.passphrase === undefined
      ? { kind: 'mnemonic', entropy: s.entropy as string }
      : { kind: 'mnemonic', entropy: s.entropy as string, passphrase: s.passphrase as string };
  }
  if (s?.kind === 'raw' && isLowerHex(s.key, 32)) return { kind: 'raw', key: s.key as string };
  throw corruptSecret();
}

function corruptSecret(): AitbcError {
  return new AitbcError('KEYSTORE_CORRUPT', 'keystore is corrupt: the decrypted secret has the wrong shape');
}

/** AES-GCM's keystream for a 96-bit IV is AES-CTR starting at counter IV‖00000002 (NIST SP 800-38D). */
function gcmKeystream(key: Buffer, iv: Uint8Array, ct: Uint8Array): Buffer {
  const counter = Buffer.concat([Buffer.from(iv), Buffer.from([0, 0, 0, 2])]);
  const ctr = createDecipheriv('aes-256-ctr', key, counter);
  return Buffer.concat([ctr.update(ct), ctr.final()]);
}

/** Our plaintext is printable JCS; a wrong key yields uniformly random bytes. */
function looksLikeOurPlaintext(bytes: Buffer): boolean {
  let printable = 0;
  for (const b of bytes) if (b >= 0x20 && b < 0x7f) printable++;
  const ok = bytes.length > 0 && printable / bytes.length >= 0.9;
  bytes.fill(0);
  return ok;
}
