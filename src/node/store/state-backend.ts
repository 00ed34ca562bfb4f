/**
 * The state machine's storage (src/node/state/store.ts) backed by a chain's SQLite database.
 *
 * Two layers: `SqliteStateStore` / `SqliteNodeStore` read and write the committed tables directly, and
 * `Overlay*` stores buffer a candidate block's writes in memory over them. A block is executed on an
 * overlay (nothing touches SQLite), and its buffered changes are written with the block itself in one
 * SQLite transaction (`flush`), or dropped if the block is not committed (`discard`). Queries and the
 * mempool read the committed layer, so they never see a block that is not final.
 */
import type { NodeStore, StateStore } from '../state/store.js';
import type { ChainDb } from './chain-db.js';

/** The committed state rows. */
export class SqliteStateStore implements StateStore {
  constructor(private readonly db: ChainDb) {}
  get(key: string): string | undefined {
    return this.db.stateGet(key);
  }
  put(key: string, value: string): void {
    this.db.statePut(key, value);
  }
  delete(key: string): void {
    this.db.stateDelete(key);
  }
  entries(prefix: string): Iterable<[string, string]> {
    return this.db.stateEntriesWithPrefix(prefix);
  }
}

/** The committed sparse Merkle tree nodes. */
export class SqliteNodeStore implements NodeStore {
  constructor(private readonly db: ChainDb) {}
  get(id: string): string | undefined {
    return this.db.nodeGet(id);
  }
  put(id: string, node: string): void {
    this.db.nodePut(id, node);
  }
  delete(id: string): void {
    this.db.nodeDelete(id);
  }
}

/** Buffered writes over a base store; `null` marks a deletion. */
class Overlay {
  readonly writes = new Map<string, string | null>();
  constructor(protected readonly base: { get(k: string): string | undefined }) {}
  get(key: string): string | undefined {
    const w = this.writes.get(key);
    if (w === undefined) return this.base.get(key);
    return w === null ? undefined : w;
  }
  put(key: string, value: string): void {
    this.writes.set(key, value);
  }
  delete(key: string): void {
    this.writes.set(key, null);
  }
  /** Drops the buffered writes. */
  discard(): void {
    this.writes.clear();
  }
}

/** A StateStore buffering writes over another. */
export class OverlayStateStore extends Overlay implements StateStore {
  constructor(private readonly under: StateStore) {
    super(under);
  }
  *entries(prefix: string): Iterable<[string, string]> {
    for (const [k, v] of this.under.entries(prefix)) {
      const w = this.writes.get(k);
      if (w === undefined) yield [k, v];
      else if (w !== null) yield [k, w];
    }
    for (const [k, w] of this.writes) {
      if (w !== null && k.startsWith(prefix) && this.under.get(k) === undefined) yield [k, w];
    }
  }
  /** Writes the buffered changes into `target` (inside the block's SQLite transaction) and clears them. */
  flushInto(target: StateStore): void {
    for (const [k, w] of this.writes) {
      if (w === null) target.delete(k);
      else target.put(k, w);
    }
    this.writes.clear();
  }
}

/** A NodeStore buffering writes over another. */
export class OverlayNodeStore extends Overlay implements NodeStore {
  flushInto(target: NodeStore): void {
    for (const [k, w] of this.writes) {
      if (w === null) target.delete(k);
      else target.put(k, w);
    }
    this.writes.clear();
  }
}
