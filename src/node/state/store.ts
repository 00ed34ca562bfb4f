/**
 * The storage the state machine runs over: two small key/value interfaces, so the node backs them with
 * SQLite statements inside one transaction per block and tests (and replays) back them with Maps.
 */

/** State values by key (`acct/<address>`, `escrow/<client>/<jobId>`, `val/<address>`, `params`, `supply`). */
export interface StateStore {
  get(key: string): string | undefined;
  put(key: string, value: string): void;
  delete(key: string): void;
  /** Every entry whose key starts with `prefix`, in any order (conservation checks, validator lists). */
  entries(prefix: string): Iterable<[string, string]>;
}

/** Sparse Merkle tree nodes by id (a node's hash in hex, or `root` for the current root). */
export interface NodeStore {
  get(id: string): string | undefined;
  put(id: string, node: string): void;
  delete(id: string): void;
}

/** A Map-backed StateStore (tests, replays into an empty state). */
export class MemoryStateStore implements StateStore {
  readonly map = new Map<string, string>();
  get(key: string): string | undefined {
    return this.map.get(key);
  }
  put(key: string, value: string): void {
    this.map.set(key, value);
  }
  delete(key: string): void {
    this.map.delete(key);
  }
  *entries(prefix: string): Iterable<[string, string]> {
    for (const e of this.map) if (e[0].startsWith(prefix)) yield e;
  }
}

/** A Map-backed NodeStore. */
export class MemoryNodeStore implements NodeStore {
  readonly map = new Map<string, string>();
  get(id: string): string | undefined {
    return this.map.get(id);
  }
  put(id: string, node: string): void {
    this.map.set(id, node);
  }
  delete(id: string): void {
    this.map.delete(id);
  }
}
