/**
 * Lock lookups of concurrent job submissions gathered into one JSON-RPC batch: every submission
 * arriving in the same turn of the event loop (a client posting many jobs, or many clients) is looked
 * up with one request to the node instead of one each, which under load saves both processes a
 * request's parsing and framing per job. A lookup's answer is the same as alone.
 */
import type { ChainClient } from './chain-client.js';

type LockQuery = Parameters<ChainClient['lookupLocks']>[0][number];
type LockFound = Awaited<ReturnType<ChainClient['lookupLocks']>>[number];

interface Waiting {
  query: LockQuery;
  resolve: (found: LockFound) => void;
  reject: (e: unknown) => void;
}

/** Most lookups per batch (two JSON-RPC calls each). */
const MAX_BATCH = 200;

export class LockLookups {
  private queue: Waiting[] = [];

  constructor(private readonly chain: Pick<ChainClient, 'lookupLocks'>) {}

  /** Looks one lock up, in the next batch. Rejects as `lookupLocks` would. */
  lookup(query: LockQuery): Promise<LockFound> {
    return new Promise((resolve, reject) => {
      this.queue.push({ query, resolve, reject });
      if (this.queue.length === 1) setImmediate(() => this.flush());
    });
  }

  private flush(): void {
    const all = this.queue;
    this.queue = [];
    for (let i = 0; i < all.length; i += MAX_BATCH) {
      const batch = all.slice(i, i + MAX_BATCH);
      this.chain.lookupLocks(batch.map((w) => w.query)).then(
        (found) => {
          for (let k = 0; k < batch.length; k++) batch[k].resolve(found[k]);
        },
        (e) => {
          for (const w of batch) w.reject(e);
        },
      );
    }
  }
}
