/**
 * The daemon's keys (DESIGN §5): the validator key (`node/validator.json`) and a chain's faucet key.
 * Two file formats: an encrypted keystore (src/crypto/keystore.ts) unlocked with a password, or — on a
 * devnet only — an unencrypted key file written 0600 that says what it is in its own `warning` field.
 */
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import { createFileAtomic } from '../cli/secure-fs.js';
import { AitbcError } from '../core/errors.js';
import { fromHex, isLowerHex, toHex } from '../core/hex.js';
import { addressFromPublicKey } from '../crypto/address.js';
import { type Signer, signerFromSecret } from '../crypto/ed25519.js';
import { decryptKeystore, encryptKeystore, validateKeystore } from '../crypto/keystore.js';

export const UNENCRYPTED_WARNING =
  'UNENCRYPTED devnet key: anyone who can read this file controls the account. Never use it on a real network.';

/** An unencrypted key file (devnet only). */
export interface UnencryptedKeyFile {
  version: 1;
  kind: 'unencrypted';
  name: string;
  address: string;
  publicKey: string;
  secretKey: string;
  warning: string;
}

/** A usable key: its address, raw public key and a signer. */
export interface NodeKey {
  name: string;
  address: string;
  publicKey: Uint8Array;
  publicKeyHex: string;
  signer: Signer;
  /** True when the key came from an unencrypted devnet file. */
  unencrypted: boolean;
}

/** Supplies the password for a keystore; called only when the file is encrypted. */
export type PasswordProvider = (file: string) => Promise<string> | string;

function nodeKeyFromSecret(name: string, secret: Uint8Array, unencrypted: boolean): NodeKey {
  const signer = signerFromSecret(secret);
  return {
    name,
    address: addressFromPublicKey(signer.publicKey),
    publicKey: signer.publicKey,
    publicKeyHex: toHex(signer.publicKey),
    signer,
    unencrypted,
  };
}

/** Options for writing a new key file. */
export interface NewKeyOptions {
  name: string;
  /** Write a keystore with this password; omit only for a devnet (unencrypted, 0600). */
  password?: string;
  /** scrypt N for the keystore (tests use 2^14). */
  scryptN?: number;
  /** Use this 32-byte secret instead of a fresh random one. */
  secret?: Uint8Array;
}

/**
 * Creates a key file unless one exists; returns the key either way (an existing keystore is unlocked
 * with `opts.password`).
 * @returns the key and whether it was created now.
 * @throws AitbcError WRONG_PASSWORD / KEYSTORE_CORRUPT / CONFIG for an existing unusable file.
 */
export async function ensureKeyFile(
  file: string,
  opts: NewKeyOptions,
): Promise<{ key: NodeKey; created: boolean }> {
  if (fs.existsSync(file)) {
    const key = await loadKeyFile(file, () => {
      if (opts.password === undefined)
        throw new AitbcError('MISSING_INPUT', `${file} is encrypted: give its password`, { file });
      return opts.password;
    });
    return { key, created: false };
  }
  const secret = opts.secret ?? new Uint8Array(randomBytes(32));
  const key = nodeKeyFromSecret(opts.name, secret, opts.password === undefined);
  let text: string;
  if (opts.password === undefined) {
    const body: UnencryptedKeyFile = {
      version: 1,
      kind: 'unencrypted',
      name: opts.name,
      address: key.address,
      publicKey: key.publicKeyHex,
      secretKey: toHex(secret),
      warning: UNENCRYPTED_WARNING,
    };
    text = JSON.stringify(body, null, 2);
  } else {
    const ks = await encryptKeystore({
      name: opts.name,
      secret: { kind: 'raw', key: toHex(secret) },
      password: opts.password,
      scryptN: opts.scryptN,
    });
    text = JSON.stringify(ks, null, 2);
  }
  if (!createFileAtomic(file, `${text}\n`)) return ensureKeyFile(file, opts);
  return { key, created: true };
}

/**
 * Reads a key file of either format.
 * @throws AitbcError CONFIG when missing or malformed, WRONG_PASSWORD / KEYSTORE_CORRUPT from the keystore.
 */
export async function loadKeyFile(file: string, password: PasswordProvider): Promise<NodeKey> {
  let value: unknown;
  try {
    value = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (e) {
    const why = (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'does not exist' : 'is not a JSON key file';
    throw new AitbcError('CONFIG', `key file ${file} ${why}`, { file });
  }
  const v = value as Partial<UnencryptedKeyFile>;
  if (v?.kind === 'unencrypted') {
    if (v.version !== 1 || typeof v.name !== 'string' || !isLowerHex(v.secretKey, 32))
      throw new AitbcError('CONFIG', `key file ${file} is malformed`, { file });
    const key = nodeKeyFromSecret(v.name, fromHex(v.secretKey, 32), true);
    if (key.address !== v.address || key.publicKeyHex !== v.publicKey)
      throw new AitbcError('KEYSTORE_CORRUPT', `key file ${file}: the secret does not match its address`, {
        file,
      });
    return key;
  }
  const ks = validateKeystore(value);
  const unlocked = await decryptKeystore(ks, await password(file));
  try {
    return nodeKeyFromSecret(ks.name, unlocked.signingKey, false);
  } finally {
    unlocked.signingKey.fill(0);
  }
}

/** True when the file is an unencrypted devnet key (no password needed). */
export function isUnencryptedKeyFile(file: string): boolean {
  try {
    return (JSON.parse(fs.readFileSync(file, 'utf8')) as { kind?: string }).kind === 'unencrypted';
  } catch {
    return false;
  }
}
