/**
 * Addresses: `ait1…`, lowercase bech32m (HRP `ait`) of the first 20 bytes of SHA-256 of the raw 32-byte
 * public key (DESIGN §5).
 */
import { bech32m } from '@scure/base';
import { AitbcError } from '../core/errors.js';
import { sha256 } from '../core/hash.js';

export const ADDRESS_HRP = 'ait';

/** The address of a raw 32-byte public key. */
export function addressFromPublicKey(publicKey: Uint8Array): string {
  if (publicKey.length !== 32) throw new RangeError(`expected a 32-byte public key, got ${publicKey.length}`);
  return bech32m.encode(ADDRESS_HRP, bech32m.toWords(sha256(publicKey).subarray(0, 20)));
}

/** True when `s` is a lowercase `ait1…` address with a 20-byte payload and a valid checksum. */
export function isAddress(s: unknown): s is string {
  if (typeof s !== 'string' || s !== s.toLowerCase() || !s.startsWith(`${ADDRESS_HRP}1`)) return false;
  try {
    const { prefix, words } = bech32m.decode(s as `${string}1${string}`);
    return prefix === ADDRESS_HRP && bech32m.fromWords(words).length === 20;
  } catch {
    return false;
  }
}

/**
 * Validates what a user typed: lowercased first (DESIGN §6: the CLI lowercases input).
 * @throws AitbcError INVALID_ADDRESS
 */
export function parseAddress(input: string, field = 'address'): string {
  const s = input.trim().toLowerCase();
  if (!isAddress(s))
    throw new AitbcError('INVALID_ADDRESS', `invalid ${field} "${input}": expected ait1… (bech32m)`, {
      field,
      input,
    });
  return s;
}
