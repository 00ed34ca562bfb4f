/**
 * Signature checks on worker threads, so admission uses the machine's other cores: ed25519
 * verification is most of the cost of admitting a transaction, and the node's main thread also parses
 * requests, runs the state rules and builds blocks.
 *
 * The checks are exactly `createFastVerifier`'s (src/crypto/ed25519.ts): the strict encoding checks
 * (S < L, canonical R, a canonical public key not of small order) run here on the calling thread, and
 * the workers run only OpenSSL's verification with KeyObjects cached per key. The worker is a small
 * self-contained script (node:crypto only), so it runs the same from `dist/` and under the test runner.
 */
import { Worker } from 'node:worker_threads';
import { toHex } from '../core/hex.js';
import { isCanonicalPointEncoding, isCanonicalScalar, isValidPublicKey } from './ed25519.js';

/** One signature to check. */
export interface SigCheck {
  sig: Uint8Array;
  msg: Uint8Array;
  pub: Uint8Array;
}

const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
const { createPublicKey, verify } = require('node:crypto');
const SPKI = Buffer.from('302a300506032b6570032100', 'hex');
const keys = new Map();
parentPort.on('message', (m) => {
  const out = new Uint8Array(m.sigs.length);
  for (let i = 0; i < out.length; i++) {
    const pub = m.pubs[i];
    const id = Buffer.from(pub.buffer, pub.byteOffset, pub.byteLength).toString('hex');
    let key = keys.get(id);
    if (key === undefined) {
      key = createPublicKey({ key: Buffer.concat([SPKI, pub]), format: 'der', type: 'spki' });
      if (keys.size >= 65536) keys.delete(keys.keys().next().value);
      keys.set(id, key);
    }
    try {
      out[i] = verify(null, m.msgs[i], key, m.sigs[i]) ? 1 : 0;
    } catch {
      out[i] = 0;
    }
  }
  parentPort.postMessage({ id: m.id, out }, [out.buffer]);
});
`;

interface Pending {
  resolve: (out: Uint8Array) => void;
  reject: (e: Error) => void;
}

/** A fixed set of verification workers. */
export class VerifyPool {
  private readonly workers: Worker[];
  private readonly pending = new Map<number, Pending>();
  private readonly validKeys = new Map<string, boolean>();
  private nextId = 1;
  private turn = 0;
  private closed = false;

  /** @param threads how many workers (at least 1). */
  constructor(threads: number) {
    this.workers = Array.from({ length: Math.max(1, threads) }, () => this.spawn());
  }

  private spawn(): Worker {
    const w = new Worker(WORKER_SOURCE, { eval: true });
    w.unref();
    w.on('message', (m: { id: number; out: Uint8Array }) => {
      const p = this.pending.get(m.id);
      this.pending.delete(m.id);
      p?.resolve(m.out);
    });
    const fail = (e: Error) => {
      for (const p of this.pending.values()) p.reject(e);
      this.pending.clear();
    };
    w.on('error', fail);
    w.on('exit', () => {
      if (!this.closed) fail(new Error('a verification worker exited'));
    });
    return w;
  }

  /**
   * Checks every signature; the answer i is true when item i verifies strictly.
   * @throws Error when a worker fails (callers fall back to verifying on their own thread).
   */
  async verifyMany(items: readonly SigCheck[]): Promise<boolean[]> {
    const ok = items.map((c) => this.prechecks(c));
    const todo = items.map((_, i) => i).filter((i) => ok[i]);
    if (todo.length === 0) return ok;
    const per = Math.ceil(todo.length / this.workers.length);
    const parts: Array<Promise<void>> = [];
    for (let w = 0; w < this.workers.length && w * per < todo.length; w++) {
      const idx = todo.slice(w * per, (w + 1) * per);
      const worker = this.workers[(this.turn + w) % this.workers.length];
      const id = this.nextId++;
      const done = new Promise<Uint8Array>((resolve, reject) => this.pending.set(id, { resolve, reject }));
      worker.postMessage({
        id,
        sigs: idx.map((i) => items[i].sig),
        msgs: idx.map((i) => items[i].msg),
        pubs: idx.map((i) => items[i].pub),
      });
      parts.push(
        done.then((out) => {
          idx.forEach((i, j) => {
            ok[i] = out[j] === 1;
          });
        }),
      );
    }
    this.turn++;
    await Promise.all(parts);
    return ok;
  }

  /** The encoding checks of `createFastVerifier`, with the public key's verdict cached. */
  private prechecks(c: SigCheck): boolean {
    if (c.sig.length !== 64 || c.pub.length !== 32) return false;
    if (!isCanonicalScalar(c.sig.subarray(32)) || !isCanonicalPointEncoding(c.sig.subarray(0, 32)))
      return false;
    const id = toHex(c.pub);
    let valid = this.validKeys.get(id);
    if (valid === undefined) {
      valid = isValidPublicKey(c.pub);
      if (this.validKeys.size >= 65_536) this.validKeys.delete(this.validKeys.keys().next().value as string);
      this.validKeys.set(id, valid);
    }
    return valid;
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}
