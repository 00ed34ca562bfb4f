/**
 * Signatures this node has already verified, so one is checked once however often the rules ask:
 * a receipt's two signatures are checked when its `escrow_release` is admitted (on the verification
 * workers) and again when the block that holds it is built and when it is applied — the same
 * (signature, message, key) each time. Only verified triples are kept, matched on the signature, the
 * key and the message's SHA-256, so an answer from here is what verifying again would answer. Bounded
 * in entries (about 300 bytes each, whatever the message's size): the oldest go first.
 */
import { createHash } from 'node:crypto';
import { toHex } from '../core/hex.js';

export interface SigTriple {
  sig: Uint8Array;
  msg: Uint8Array;
  pub: Uint8Array;
}

const fingerprint = (msg: Uint8Array, pub: Uint8Array): string =>
  `${toHex(pub)}:${createHash('sha256').update(msg).digest('hex')}`;

export class VerifiedSigs {
  /** signature (hex) → key and message fingerprint */
  private readonly seen = new Map<string, string>();

  constructor(private readonly capacity = 32_768) {}

  /** Records a triple that verified. */
  add(t: SigTriple): void {
    const key = toHex(t.sig);
    if (this.seen.has(key)) return;
    if (this.seen.size >= this.capacity) this.seen.delete(this.seen.keys().next().value as string);
    this.seen.set(key, fingerprint(t.msg, t.pub));
  }

  /** True when exactly this triple verified before. */
  has(sig: Uint8Array, msg: Uint8Array, pub: Uint8Array): boolean {
    const hit = this.seen.get(toHex(sig));
    return hit !== undefined && hit === fingerprint(msg, pub);
  }

  get size(): number {
    return this.seen.size;
  }
}
