import { describe, expect, it } from 'vitest';
import { sha256Hex } from '../../../src/core/hash.js';
import { createPrng } from '../../../src/core/prng.js';
import {
  EMPTY_ROOT,
  SparseMerkleTree,
  smtKeyHash,
  smtLeafHash,
  smtNodeHash,
  smtRootOf,
} from '../../../src/node/state/smt.js';
import { MemoryNodeStore } from '../../../src/node/state/store.js';

/** Ids of the nodes reachable from the root (what the store should hold besides `root`). */
function reachable(nodes: MemoryNodeStore, root: string): Set<string> {
  const out = new Set<string>();
  const walk = (h: string): void => {
    if (h === EMPTY_ROOT) return;
    out.add(h);
    const n = nodes.get(h) as string;
    if (n[0] === 'i') {
      walk(n.slice(1, 65));
      walk(n.slice(65, 129));
    }
  };
  walk(root);
  return out;
}

describe('sparse Merkle tree', () => {
  it('empty tree is 32 zero bytes; one leaf is the root; two leaves split at their first differing bit', () => {
    const nodes = new MemoryNodeStore();
    const tree = new SparseMerkleTree(nodes);
    expect(tree.root()).toBe(EMPTY_ROOT);
    expect(tree.update(new Map())).toBe(EMPTY_ROOT);
    const ka = smtKeyHash('a');
    const va = sha256Hex('"1"');
    expect(tree.update(new Map([[ka, va]]))).toBe(smtLeafHash(ka, va));
    // Keys whose hashes start with bits 0… and 1… sit directly under the root.
    const k0 = `0${'1'.repeat(63)}`;
    const k1 = `8${'1'.repeat(63)}`;
    expect(
      smtRootOf(
        new Map([
          [k0, va],
          [k1, va],
        ]),
      ),
    ).toBe(smtNodeHash(smtLeafHash(k0, va), smtLeafHash(k1, va)));
    // Sharing the first bit (0000… and 0100…) adds one level with an empty right sibling.
    const k2 = `4${'1'.repeat(63)}`;
    expect(
      smtRootOf(
        new Map([
          [k0, va],
          [k2, va],
        ]),
      ),
    ).toBe(smtNodeHash(smtNodeHash(smtLeafHash(k0, va), smtLeafHash(k2, va)), EMPTY_ROOT));
  });

  it('incremental batches equal the root by definition, and only reachable nodes are kept', () => {
    const rng = createPrng('smt');
    const nodes = new MemoryNodeStore();
    const tree = new SparseMerkleTree(nodes);
    const leaves = new Map<string, string>();
    const keys = Array.from({ length: 300 }, (_, i) => smtKeyHash(`key/${i}`));
    for (let batch = 0; batch < 60; batch++) {
      const changes = new Map<string, string>();
      const n = 1 + rng.int(batch < 5 ? 40 : 12);
      for (let i = 0; i < n; i++) {
        const k = keys[rng.int(keys.length)];
        // Sometimes rewrite a value unchanged: the tree must not lose the (identical) leaf.
        const v = rng.chance(0.2) && leaves.has(k) ? (leaves.get(k) as string) : sha256Hex(`v${batch}/${i}`);
        changes.set(k, v);
      }
      for (const [k, v] of changes) leaves.set(k, v);
      const root = tree.update(changes);
      expect(root).toBe(smtRootOf(leaves));
      const live = reachable(nodes, root);
      expect(nodes.map.size).toBe(live.size + 1);
      expect([...live].every((id) => nodes.map.has(id))).toBe(true);
    }
    expect(leaves.size).toBeGreaterThan(200);
  });

  it('the root depends on the contents, not on the order of updates', () => {
    const entries = Array.from({ length: 50 }, (_, i) => [smtKeyHash(`k${i}`), sha256Hex(`v${i}`)] as const);
    const a = new SparseMerkleTree(new MemoryNodeStore());
    a.update(new Map(entries));
    const b = new SparseMerkleTree(new MemoryNodeStore());
    for (const e of [...entries].reverse()) b.update(new Map([e]));
    expect(a.root()).toBe(b.root());
  });

  it('a missing node is an INTERNAL error, not a wrong root', () => {
    const nodes = new MemoryNodeStore();
    const tree = new SparseMerkleTree(nodes);
    tree.update(
      new Map([
        [smtKeyHash('a'), sha256Hex('1')],
        [smtKeyHash('b'), sha256Hex('2')],
      ]),
    );
    nodes.delete(tree.root());
    expect(() => tree.update(new Map([[smtKeyHash('c'), sha256Hex('3')]]))).toThrow(/missing/);
  });
});
