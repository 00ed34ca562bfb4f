/**
 * Public keys as they enter the protocol (transactions, receipts): valid — canonical encoding, not of
 * small order (DESIGN §5) — and the address they hash to. The validity check decompresses the point in
 * pure JS (a fraction of a millisecond) and every transaction carries its sender's key, so the outcome
 * is remembered per key, the oldest forgotten first beyond `CACHE_SIZE` keys.
 */
import { fromHex } from '../core/hex.js';
import { addressFromPublicKey } from '../crypto/address.js';
import { isValidPublicKey } from '../crypto/ed25519.js';

const CACHE_SIZE = 100_000;
const cache = new Map<string, string | null>();

/**
 * The address of a 64-lowercase-hex public key, or null when the key is not a valid ed25519 public key.
 * @example addressOfPublicKey(tx.pubkey) === tx.from
 */
export function addressOfPublicKey(pubkeyHex: string): string | null {
  let address = cache.get(pubkeyHex);
  if (address === undefined) {
    const bytes = fromHex(pubkeyHex, 32, 'pubkey');
    address = isValidPublicKey(bytes) ? addressFromPublicKey(bytes) : null;
    if (cache.size >= CACHE_SIZE) cache.delete(cache.keys().next().value as string);
    cache.set(pubkeyHex, address);
  }
  return address;
}
