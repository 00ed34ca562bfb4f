/**
 * Wallet operations behind the `wallet` commands: create, import (mnemonic, raw key, keystore),
 * re-encrypt (rename, passwd) and derive other accounts. Keys never leave this process unencrypted.
 */
import { parseStrictJson } from '../core/canonical-json.js';
import { AitbcError } from '../core/errors.js';
import { toHex } from '../core/hex.js';
import { addressFromPublicKey } from '../crypto/address.js';
import { publicKeyFromSecret } from '../crypto/ed25519.js';
import {
  deriveSigningKey,
  encryptKeystore,
  type Keystore,
  type KeystoreSecret,
  type UnlockedKey,
} from '../crypto/keystore.js';
import {
  entropyToMnemonic,
  generateMnemonic,
  type MnemonicWords,
  mnemonicToEntropy,
} from '../crypto/mnemonic.js';
import { walletPath } from '../crypto/slip10.js';
import { assertWalletName, parseKeystoreText, type WalletStore } from './wallet-store.js';

export interface WalletSummary {
  name: string;
  address: string;
  publicKey: string;
  /** Derivation path; absent for raw keys. */
  path?: string;
  file: string;
}

function summary(ks: Keystore, file: string): WalletSummary {
  return {
    name: ks.name,
    address: ks.address,
    publicKey: ks.publicKey,
    ...(ks.path ? { path: ks.path } : {}),
    file,
  };
}

export interface NewWalletOptions {
  name: string;
  password: string;
  account?: number;
  index?: number;
  scryptN?: number;
}

/** Creates a wallet from a fresh mnemonic. The mnemonic is returned once and never stored in plaintext. */
export async function createWallet(
  store: WalletStore,
  opts: NewWalletOptions & { words?: MnemonicWords; passphrase?: string },
): Promise<WalletSummary & { mnemonic: string }> {
  assertWalletName(opts.name);
  if (store.exists(opts.name)) throw exists(opts.name, store.fileOf(opts.name));
  const mnemonic = generateMnemonic(opts.words ?? 24);
  const secret: KeystoreSecret = {
    kind: 'mnemonic',
    entropy: mnemonicToEntropy(mnemonic),
    ...(opts.passphrase ? { passphrase: opts.passphrase } : {}),
  };
  const ks = await encryptKeystore({
    name: opts.name,
    secret,
    password: opts.password,
    path: walletPath(opts.account, opts.index),
    scryptN: opts.scryptN,
  });
  return { ...summary(ks, store.create(ks)), mnemonic };
}

/**
 * Imports a mnemonic.
 * @throws AitbcError INVALID_MNEMONIC saying which rule failed; WALLET_EXISTS.
 */
export async function importMnemonic(
  store: WalletStore,
  mnemonic: string,
  opts: NewWalletOptions & { passphrase?: string },
): Promise<WalletSummary> {
  assertWalletName(opts.name);
  const entropy = mnemonicToEntropy(mnemonic);
  if (store.exists(opts.name)) throw exists(opts.name, store.fileOf(opts.name));
  const ks = await encryptKeystore({
    name: opts.name,
    secret: { kind: 'mnemonic', entropy, ...(opts.passphrase ? { passphrase: opts.passphrase } : {}) },
    password: opts.password,
    path: walletPath(opts.account, opts.index),
    scryptN: opts.scryptN,
  });
  return summary(ks, store.create(ks));
}

/**
 * Parses a raw ed25519 key file: 64 hex characters, or JSON with a `key`, `secretKey` or `privateKey`
 * field holding them.
 * @throws AitbcError INVALID_INPUT
 */
export function parseRawKeyText(text: string, file: string): string {
  const trimmed = text.trim();
  let candidate: unknown = trimmed;
  if (trimmed.startsWith('{')) {
    const obj = parseStrictJson(trimmed) as Record<string, unknown>;
    candidate = obj.key ?? obj.secretKey ?? obj.privateKey;
  }
  if (typeof candidate !== 'string' || !/^[0-9a-fA-F]{64}$/.test(candidate)) {
    throw new AitbcError(
      'INVALID_INPUT',
      `${file} must hold a raw ed25519 key: 64 hex characters (32 bytes)`,
      { file },
    );
  }
  return candidate.toLowerCase();
}

/** Imports a raw ed25519 key (daemon keys). */
export async function importRawKey(
  store: WalletStore,
  keyHex: string,
  opts: NewWalletOptions,
): Promise<WalletSummary> {
  assertWalletName(opts.name);
  if (store.exists(opts.name)) throw exists(opts.name, store.fileOf(opts.name));
  const ks = await encryptKeystore({
    name: opts.name,
    secret: { kind: 'raw', key: keyHex },
    password: opts.password,
    scryptN: opts.scryptN,
  });
  return summary(ks, store.create(ks));
}

/**
 * Imports a keystore file as is (keeping its name), or under another name after re-encrypting
 * (the name is authenticated, so renaming needs the password; the copy keeps that password).
 */
export async function importKeystore(
  store: WalletStore,
  text: string,
  file: string,
  opts: {
    name?: string;
    /** Unlocks the file's keystore and says with which password. Called only for a new name. */
    unlock: (ks: Keystore) => Promise<{ key: UnlockedKey; password: string }>;
  },
): Promise<WalletSummary> {
  const ks = parseKeystoreText(text, file);
  if (opts.name === undefined || opts.name === ks.name) {
    assertWalletName(ks.name);
    if (store.exists(ks.name)) throw exists(ks.name, store.fileOf(ks.name));
    return summary(ks, store.create(ks));
  }
  assertWalletName(opts.name);
  if (store.exists(opts.name)) throw exists(opts.name, store.fileOf(opts.name));
  const { key, password } = await opts.unlock(ks);
  return reencrypt(store, ks, key, { name: opts.name, create: true, currentPassword: password });
}

/** Re-encrypts an unlocked wallet under a new name and/or password. */
export async function reencrypt(
  store: WalletStore,
  ks: Keystore,
  key: UnlockedKey,
  opts: { name?: string; password?: string; create: boolean; currentPassword?: string },
): Promise<WalletSummary> {
  const name = opts.name ?? ks.name;
  assertWalletName(name);
  const password = opts.password ?? opts.currentPassword;
  if (password === undefined)
    throw new AitbcError('MISSING_INPUT', 'a password is needed to re-encrypt the wallet');
  const next = await encryptKeystore({
    name,
    secret: key.secret,
    password,
    path: ks.path,
    scryptN: ks.kdf.N,
    createdAt: ks.createdAt,
  });
  if (opts.create) {
    if (store.exists(name)) throw exists(name, store.fileOf(name));
    return summary(next, store.create(next));
  }
  return summary(next, store.replace(next));
}

/** The key at another account/index of a mnemonic wallet. */
export function deriveOther(
  key: UnlockedKey,
  account: number,
  index: number,
): { path: string; signingKey: Uint8Array; address: string; publicKey: string } {
  if (key.secret.kind !== 'mnemonic') {
    throw new AitbcError(
      'INVALID_INPUT',
      'this wallet holds a raw key: --account and --index need a mnemonic wallet',
    );
  }
  const path = walletPath(account, index);
  const signingKey = deriveSigningKey(key.secret, path);
  const pub = publicKeyFromSecret(signingKey);
  return { path, signingKey, address: addressFromPublicKey(pub), publicKey: toHex(pub) };
}

/** The mnemonic (and passphrase) of an unlocked mnemonic wallet, for `wallet export --mnemonic`. */
export function revealMnemonic(key: UnlockedKey): { mnemonic: string; passphrase?: string } {
  if (key.secret.kind !== 'mnemonic')
    throw new AitbcError('INVALID_INPUT', 'this wallet holds a raw key, not a mnemonic');
  return {
    mnemonic: entropyToMnemonic(key.secret.entropy),
    ...(key.secret.passphrase ? { passphrase: key.secret.passphrase } : {}),
  };
}

function exists(name: string, file: string): AitbcError {
  return new AitbcError(
    'WALLET_EXISTS',
    `a wallet named "${name}" already exists`,
    { name, file },
    {
      hint: 'choose another name, or aitbc wallet delete NAME --yes',
    },
  );
}
