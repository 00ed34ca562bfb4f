/**
 * SLIP-0010 key derivation for ed25519: hardened children only, from a BIP-39 seed.
 * Keys live at m/44'/7337'/{account}'/0'/{index}' (DESIGN §5).
 */
import { createHmac } from 'node:crypto';
import { AitbcError } from '../core/errors.js';

export interface ExtendedKey {
  /** The 32-byte ed25519 secret. */
  key: Uint8Array;
  chainCode: Uint8Array;
}

const HARDENED = 0x80000000;

function hmac512(key: Uint8Array | string, data: Uint8Array): Uint8Array {
  return new Uint8Array(createHmac('sha512', key).update(data).digest());
}

function split(i: Uint8Array): ExtendedKey {
  return { key: i.slice(0, 32), chainCode: i.slice(32) };
}

/** The master key of a seed. */
export function slip10Master(seed: Uint8Array): ExtendedKey {
  return split(hmac512('ed25519 seed', seed));
}

/** The hardened child `index` (given without the 2^31 offset). */
export function slip10Child(parent: ExtendedKey, index: number): ExtendedKey {
  const data = new Uint8Array(37);
  data.set(parent.key, 1);
  new DataView(data.buffer).setUint32(33, (index + HARDENED) >>> 0, false);
  return split(hmac512(parent.chainCode, data));
}

/**
 * Parses `m/44'/7337'/0'/0'/0'` into indices; every level must be hardened (ed25519 has no other kind).
 * @throws AitbcError INVALID_INPUT
 */
export function parsePath(path: string): number[] {
  const parts = path.split('/');
  if (parts[0] !== 'm')
    throw new AitbcError('INVALID_INPUT', `derivation path must start with "m": ${path}`, { path });
  return parts.slice(1).map((p) => {
    const m = /^([0-9]+)['h]$/.exec(p);
    if (!m)
      throw new AitbcError('INVALID_INPUT', `ed25519 derivation is hardened only: "${p}" in ${path}`, {
        path,
      });
    const n = Number(m[1]);
    if (n >= HARDENED) throw new AitbcError('INVALID_INPUT', `path index out of range in ${path}`, { path });
    return n;
  });
}

/** Derives the key at `path` from a seed. */
export function slip10Derive(seed: Uint8Array, path: string): ExtendedKey {
  return parsePath(path).reduce(slip10Child, slip10Master(seed));
}

/** The project's derivation path for an account and index. */
export function walletPath(account = 0, index = 0): string {
  return `m/44'/7337'/${account}'/0'/${index}'`;
}
