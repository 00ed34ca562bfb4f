/**
 * The golden vectors: test/vectors/protocol.json and the table in docs/protocol.md, reproduced byte for
 * byte from the fixed keys, and each vector checked on its own terms (signatures verify under both
 * verifiers, hashes hash what they say).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { canonicalJson } from '../../../src/core/canonical-json.js';
import { sha256Hex } from '../../../src/core/hash.js';
import { createFastVerifier, verifyStrict } from '../../../src/crypto/ed25519.js';
import { commitIsValid } from '../../../src/protocol/commit.js';
import { validateGenesis } from '../../../src/protocol/genesis.js';
import { verifyReceipt } from '../../../src/protocol/receipt.js';
import { validateTx, verifyTxSignature } from '../../../src/protocol/tx.js';
import { validateVote, verifyVote } from '../../../src/protocol/vote.js';
import { buildVectors, docVectors } from './vectors.js';

const FILE = new URL('../../vectors/protocol.json', import.meta.url);
const DOC = new URL('../../../docs/protocol.md', import.meta.url);

describe('golden vectors', () => {
  const committed = readFileSync(FILE, 'utf8');
  const v = JSON.parse(committed);

  it('test/vectors/protocol.json is reproduced byte for byte', () => {
    expect(`${JSON.stringify(buildVectors(), null, 2)}\n`).toBe(committed);
  });

  it('the table in docs/protocol.md is reproduced', () => {
    const doc = readFileSync(DOC, 'utf8');
    const table = doc.slice(
      doc.indexOf('<!-- golden-vectors:begin -->'),
      doc.indexOf('<!-- golden-vectors:end -->'),
    );
    const rows = Object.fromEntries(
      [...table.matchAll(/^\| (.+?) \| `([0-9a-f]{64})` \|$/gm)].map((m) => [m[1], m[2]] as const),
    );
    expect(rows).toEqual(docVectors());
  });

  it('each vector holds on its own terms', () => {
    const fast = createFastVerifier().verify;
    for (const verify of [verifyStrict, fast]) {
      for (const name of ['transfer', 'escrowLock']) {
        const e = v[name];
        const tx = validateTx(e.tx);
        expect(() => verifyTxSignature(tx, verify)).not.toThrow();
        expect(sha256Hex(canonicalJson(e.tx))).toBe(e.hash);
        const { sig: _sig, ...unsigned } = e.tx;
        expect(e.signBytes).toBe(`aitbc/tx/v1\n${canonicalJson(unsigned)}`);
      }
      expect(verifyReceipt(v.receipt.receipt, verify)).toEqual([]);
      expect(sha256Hex(v.receipt.signBytes)).toBe(v.receipt.receiptId);
      expect(verifyVote(validateVote(v.vote.vote), v.keys.validator.publicKey, verify)).toBe(true);
      expect(
        commitIsValid(v.block1.commit, v.genesis.genesis.validators, v.genesis.genesis.chainId, verify),
      ).toBe(true);
    }
    expect(validateGenesis(v.genesis.genesis)).toEqual(v.genesis.genesis);
    expect(sha256Hex(canonicalJson(v.genesis.genesis))).toBe(v.genesis.hash);
    expect(sha256Hex(canonicalJson(v.block1.header))).toBe(v.block1.hash);
    expect(v.vote.vote.blockHash).toBe(v.block1.hash);
    for (const k of Object.values(v.keys) as Array<{ seed: string; secret: string }>)
      expect(sha256Hex(k.seed)).toBe(k.secret);
  });
});
