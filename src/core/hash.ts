/** SHA-256, the only hash of the protocol (DESIGN §6). node:crypto is the fastest here. */
import { createHash } from 'node:crypto';

/** SHA-256 of bytes or of a string's UTF-8. */
export function sha256(data: Uint8Array | string): Uint8Array {
  return new Uint8Array(createHash('sha256').update(data).digest());
}

/** SHA-256 as 64 lowercase hex. */
export function sha256Hex(data: Uint8Array | string): string {
  return createHash('sha256').update(data).digest('hex');
}
