/**
 * RFC 6962 §2.1 Merkle tree hash, used for txRoot and resultsRoot (DESIGN §7): leaf = SHA-256(0x00 ‖ d),
 * node = SHA-256(0x01 ‖ left ‖ right), empty tree = SHA-256(""). Computed bottom-up, carrying an odd
 * last node up unchanged, which yields exactly the RFC's split at the largest power of two below n.
 */
import { createHash } from 'node:crypto';

const LEAF = Uint8Array.of(0x00);
const NODE = Uint8Array.of(0x01);

function hashParts(...parts: Uint8Array[]): Uint8Array {
  const h = createHash('sha256');
  for (const p of parts) h.update(p);
  return new Uint8Array(h.digest());
}

/**
 * The Merkle tree hash of `leaves` (the data, not yet leaf-hashed), 32 bytes.
 * @example toHex(merkleRoot([])) === 'e3b0c442…b855' // SHA-256("")
 */
export function merkleRoot(leaves: readonly Uint8Array[]): Uint8Array {
  if (leaves.length === 0) return hashParts();
  let level = leaves.map((d) => hashParts(LEAF, d));
  while (level.length > 1) {
    const next: Uint8Array[] = [];
    for (let i = 0; i + 1 < level.length; i += 2) next.push(hashParts(NODE, level[i], level[i + 1]));
    if (level.length % 2 === 1) next.push(level[level.length - 1]);
    level = next;
  }
  return level[0];
}
