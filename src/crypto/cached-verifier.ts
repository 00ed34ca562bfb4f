/**
 * A daemon's signature checking with the work moved off its event loop: `preverify` sends signatures to
 * the verification workers (all those asked for in one turn of the event loop go as one message) and
 * remembers the ones that verify; the synchronous `verify` the rules call then finds them, and checks on
 * this thread only what was not pre-verified (or what a failed worker left). Answers are exactly the
 * strict verifier's either way: only verified (signature, key, message) triples are remembered.
 */
import { createFastVerifier, type FastVerifier } from './ed25519.js';
import { type SigTriple, VerifiedSigs } from './verified-sigs.js';
import type { VerifyPool } from './verify-pool.js';

export class CachedVerifier {
  private readonly verified = new VerifiedSigs();
  private queue: Array<{ check: SigTriple; done: () => void }> = [];

  /**
   * @param pool the workers; without one, `preverify` does nothing and `verify` checks here.
   * @param fast the verifier for this thread (a cache of KeyObjects).
   */
  constructor(
    private readonly pool?: VerifyPool,
    private readonly fast: FastVerifier = createFastVerifier(),
  ) {}

  /** Strict verification, answered from what was pre-verified when it can be. */
  readonly verify = (sig: Uint8Array, msg: Uint8Array, pub: Uint8Array): boolean => {
    if (this.verified.has(sig, msg, pub)) return true;
    const ok = this.fast.verify(sig, msg, pub);
    if (ok) this.verified.add({ sig, msg, pub });
    return ok;
  };

  /** Verifies on the workers, so a later `verify` of the same triples is a lookup. Never rejects. */
  preverify(checks: readonly SigTriple[]): Promise<void> {
    const pool = this.pool;
    if (pool === undefined || checks.length === 0) return Promise.resolve();
    return new Promise((resolve) => {
      let left = checks.length;
      const done = () => {
        if (--left === 0) resolve();
      };
      if (this.queue.length === 0) setImmediate(() => this.flush(pool));
      for (const check of checks) this.queue.push({ check, done });
    });
  }

  private flush(pool: VerifyPool): void {
    const batch = this.queue;
    this.queue = [];
    const finish = () => {
      for (const b of batch) b.done();
    };
    pool.verifyMany(batch.map((b) => b.check)).then((ok) => {
      ok.forEach((good, i) => {
        if (good) this.verified.add(batch[i].check);
      });
      finish();
    }, finish);
  }
}
