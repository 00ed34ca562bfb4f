/** Lowercase hex, strictly: the wire never carries uppercase (DESIGN §6). */
import { AitbcError } from './errors.js';

const LOWER_HEX = /^(?:[0-9a-f]{2})*$/;

/** Bytes → lowercase hex. */
export function toHex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
}

/** True when `s` is lowercase hex of exactly `bytes` bytes (any even length when omitted). */
export function isLowerHex(s: unknown, bytes?: number): s is string {
  return (
    typeof s === 'string' &&
    (bytes === undefined ? LOWER_HEX.test(s) : s.length === bytes * 2 && LOWER_HEX.test(s))
  );
}

/**
 * Lowercase hex → bytes.
 * @throws AitbcError INVALID_INPUT when `s` is not lowercase hex of the expected length.
 * @example fromHex('00ff', 2) // Uint8Array [0, 255]
 */
export function fromHex(s: unknown, bytes?: number, field = 'hex'): Uint8Array {
  if (!isLowerHex(s, bytes)) {
    const want = bytes === undefined ? 'lowercase hex' : `${bytes * 2} lowercase hex characters`;
    throw new AitbcError('INVALID_INPUT', `${field} must be ${want}`, { field });
  }
  return new Uint8Array(Buffer.from(s, 'hex'));
}

/** Constant-time-ish equality of two byte arrays (length leaks). */
export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i] ^ b[i];
  return diff === 0;
}

/** Concatenates byte arrays. */
export function concatBytes(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

const encoder = new TextEncoder();
/** UTF-8 bytes of a string. */
export function utf8(s: string): Uint8Array {
  return encoder.encode(s);
}
