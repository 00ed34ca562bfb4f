/**
 * The state root (DESIGN §7): a compact binary sparse Merkle tree over 256-bit key hashes.
 * - leaf = SHA-256(0x00 ‖ keyHash ‖ valueHash), valueHash = SHA-256(JCS(value));
 * - internal node = SHA-256(0x01 ‖ left ‖ right), bit `depth` of the key hash (most significant bit
 *   first) choosing the side: 0 left, 1 right;
 * - an empty subtree is 32 zero bytes, and a subtree holding one leaf is that leaf (so a leaf sits
 *   where its key hash first differs from every other key's, not at depth 256).
 * Nodes are stored by hash, so an update reads and writes only the paths it changes: O(log n) per key.
 * Old path nodes are deleted, which is safe because a subtree's hash fixes its leaves and thereby its
 * position: no node is shared between two places of the tree.
 */
import { createHash } from 'node:crypto';
import { AitbcError } from '../../core/errors.js';
import type { NodeStore } from './store.js';

/** The root of an empty tree, and of every empty subtree: 32 zero bytes as hex. */
export const EMPTY_ROOT = '0'.repeat(64);
const ROOT_ID = 'root';
const LEAF_TAG = 'l';
const NODE_TAG = 'i';

/** SHA-256 of a key's UTF-8 bytes: where the key sits in the tree. */
export function smtKeyHash(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

/** SHA-256(0x00 ‖ keyHash ‖ valueHash), all hex. */
export function smtLeafHash(keyHash: string, valueHash: string): string {
  return createHash('sha256').update(`00${keyHash}${valueHash}`, 'hex').digest('hex');
}

/** SHA-256(0x01 ‖ left ‖ right), all hex. */
export function smtNodeHash(left: string, right: string): string {
  return createHash('sha256').update(`01${left}${right}`, 'hex').digest('hex');
}

function bitAt(keyHash: string, depth: number): number {
  return (Number.parseInt(keyHash[depth >> 2], 16) >> (3 - (depth & 3))) & 1;
}

/** A leaf to place: its key hash and either new content (valueHash) or an existing stored leaf (hash). */
interface Item {
  keyHash: string;
  valueHash?: string;
  leafHash?: string;
}

/**
 * The tree over a NodeStore. Stored forms: `l<keyHash><valueHash>` for a leaf, `i<left><right>` for an
 * internal node; the id `root` holds the current root.
 */
export class SparseMerkleTree {
  constructor(private readonly nodes: NodeStore) {}

  /** The current root (EMPTY_ROOT for an empty tree). */
  root(): string {
    return this.nodes.get(ROOT_ID) ?? EMPTY_ROOT;
  }

  /**
   * Sets each key hash's value hash (insert or replace) and returns the new root. Nodes no longer in the
   * tree are deleted; keys are never removed (the state only adds and changes keys).
   */
  update(changes: ReadonlyMap<string, string>): string {
    const oldRoot = this.root();
    if (changes.size === 0) return oldRoot;
    const items: Item[] = [...changes].map(([keyHash, valueHash]) => ({ keyHash, valueHash }));
    items.sort((a, b) => (a.keyHash < b.keyHash ? -1 : 1));
    const created = new Map<string, string>();
    const dropped = new Set<string>();
    const root = this.descend(oldRoot, 0, items, 0, items.length, created, dropped);
    for (const id of dropped) if (!created.has(id)) this.nodes.delete(id);
    for (const [id, node] of created) this.nodes.put(id, node);
    this.nodes.put(ROOT_ID, root);
    return root;
  }

  private load(hash: string): string {
    const node = this.nodes.get(hash);
    if (node === undefined) throw new AitbcError('INTERNAL', `state tree node ${hash} is missing`, { hash });
    return node;
  }

  /** Applies sorted `items[from, to)` (all under this subtree) to the subtree `hash` at `depth`. */
  private descend(
    hash: string,
    depth: number,
    items: Item[],
    from: number,
    to: number,
    created: Map<string, string>,
    dropped: Set<string>,
  ): string {
    if (from === to) return hash;
    if (hash === EMPTY_ROOT) return this.build(depth, items, from, to, created);
    const node = this.load(hash);
    if (node[0] === LEAF_TAG) {
      const keyHash = node.slice(1, 65);
      const range = items.slice(from, to);
      const at = range.findIndex((i) => i.keyHash >= keyHash);
      if (at >= 0 && range[at].keyHash === keyHash) dropped.add(hash);
      else range.splice(at < 0 ? range.length : at, 0, { keyHash, leafHash: hash });
      return this.build(depth, range, 0, range.length, created);
    }
    const split = splitIndex(items, from, to, depth);
    const l = this.descend(node.slice(1, 65), depth + 1, items, from, split, created, dropped);
    const r = this.descend(node.slice(65, 129), depth + 1, items, split, to, created, dropped);
    const h = smtNodeHash(l, r);
    if (h !== hash) {
      dropped.add(hash);
      created.set(h, NODE_TAG + l + r);
    }
    return h;
  }

  /** Builds the subtree of sorted, distinct `items[from, to)` at `depth` from nothing. */
  private build(
    depth: number,
    items: Item[],
    from: number,
    to: number,
    created: Map<string, string>,
  ): string {
    if (from === to) return EMPTY_ROOT;
    if (to - from === 1) {
      const it = items[from];
      if (it.leafHash !== undefined) return it.leafHash;
      const h = smtLeafHash(it.keyHash, it.valueHash as string);
      created.set(h, LEAF_TAG + it.keyHash + it.valueHash);
      return h;
    }
    if (depth >= 256) throw new AitbcError('INTERNAL', 'state tree: two items share a key hash');
    const split = splitIndex(items, from, to, depth);
    const l = this.build(depth + 1, items, from, split, created);
    const r = this.build(depth + 1, items, split, to, created);
    const h = smtNodeHash(l, r);
    created.set(h, NODE_TAG + l + r);
    return h;
  }
}

/** Index in [from, to) of the first item whose bit at `depth` is 1 (sorted items: 0-bits come first). */
function splitIndex(items: Item[], from: number, to: number, depth: number): number {
  let lo = from;
  let hi = to;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (bitAt(items[mid].keyHash, depth) === 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * The root of the tree holding exactly `leaves` (keyHash → valueHash), computed from scratch by the
 * definition. The reference the incremental tree is tested against, and a replay's cross-check.
 */
export function smtRootOf(leaves: ReadonlyMap<string, string>): string {
  const items = [...leaves].sort((a, b) => (a[0] < b[0] ? -1 : 1));
  const rec = (depth: number, from: number, to: number): string => {
    if (to - from === 0) return EMPTY_ROOT;
    if (to - from === 1) return smtLeafHash(items[from][0], items[from][1]);
    let split = from;
    while (split < to && bitAt(items[split][0], depth) === 0) split++;
    return smtNodeHash(rec(depth + 1, from, split), rec(depth + 1, split, to));
  };
  return rec(0, 0, items.length);
}
