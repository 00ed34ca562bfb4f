/**
 * Block headers and their commitments (DESIGN §7): the block hash, validatorsHash, txRoot and
 * resultsRoot. A header commits to the state *after* its own transactions (`stateRoot`) and to their
 * results (`resultsRoot`), so a block can be checked by replaying it alone on its parent's state.
 */
import { canonicalJson } from '../core/canonical-json.js';
import { AitbcError } from '../core/errors.js';
import { sha256, sha256Hex } from '../core/hash.js';
import { fromHex, toHex } from '../core/hex.js';
import { readAddress, readChainId, readHex, readObject, readPositiveInt, readUint } from './fields.js';
import { merkleRoot } from './merkle.js';
import { txHash } from './tx.js';
import type { BlockHeader, GenesisValidator, Hex, SignedTx, TxResult } from './types.js';

const HEADER_FIELDS = [
  'version',
  'chainId',
  'height',
  'time',
  'prevHash',
  'txRoot',
  'stateRoot',
  'resultsRoot',
  'validatorsHash',
  'nextValidatorsHash',
  'proposer',
  'lastCommitHash',
] as const;

/**
 * Block hash = SHA-256(JCS(header)), lowercase hex. No domain prefix: the header is hashed, not signed;
 * votes sign the hash under `aitbc/vote/v1`.
 */
export function blockHash(header: BlockHeader): Hex {
  return sha256Hex(canonicalJson(header));
}

/**
 * Checks a header's encoding: exact fields, version 1, height ≥ 1, 64-hex hashes, `lastCommitHash` ""
 * only at height 1 (there is no commit before block 1).
 * @throws AitbcError INVALID_INPUT | INVALID_ADDRESS naming the field.
 */
export function validateBlockHeader(value: unknown): BlockHeader {
  const h = readObject(value, 'header', HEADER_FIELDS);
  if (h.version !== 1)
    throw new AitbcError('INVALID_INPUT', 'header.version must be 1', { field: 'header.version' });
  readChainId(h.chainId, 'header.chainId');
  const height = readPositiveInt(h.height, 'header.height');
  readUint(h.time, 'header.time');
  for (const k of [
    'prevHash',
    'txRoot',
    'stateRoot',
    'resultsRoot',
    'validatorsHash',
    'nextValidatorsHash',
  ] as const)
    readHex(h[k], `header.${k}`, 32);
  readAddress(h.proposer, 'header.proposer');
  if (height === 1 ? h.lastCommitHash !== '' : !isHash(h.lastCommitHash))
    throw new AitbcError(
      'INVALID_INPUT',
      'header.lastCommitHash must be "" at height 1, else 64 lowercase hex',
      {
        field: 'header.lastCommitHash',
      },
    );
  return h as unknown as BlockHeader;
}

function isHash(v: unknown): boolean {
  try {
    readHex(v, 'hash', 32);
    return true;
  } catch {
    return false;
  }
}

/** SHA-256(JCS(validators sorted by address)), lowercase hex. */
export function validatorsHash(validators: readonly GenesisValidator[]): Hex {
  const sorted = [...validators].sort((a, b) => (a.address < b.address ? -1 : a.address > b.address ? 1 : 0));
  return sha256Hex(
    canonicalJson(sorted.map((v) => ({ address: v.address, pubkey: v.pubkey, power: v.power }))),
  );
}

/** RFC 6962 root over the transactions' hashes in block order (given as hex hashes or as transactions). */
export function txRoot(txs: readonly SignedTx[] | readonly Hex[]): Hex {
  const hashes = txs.map((t) => (typeof t === 'string' ? t : txHash(t)));
  return toHex(merkleRoot(hashes.map((h) => fromHex(h, 32, 'tx hash'))));
}

/** SHA-256(JCS(result)): a result's leaf data in resultsRoot. */
export function resultHash(result: TxResult): Uint8Array {
  return sha256(canonicalJson({ code: result.code, log: result.log }));
}

/** RFC 6962 root over SHA-256(JCS(result)) of each result in block order. */
export function resultsRoot(results: readonly TxResult[]): Hex {
  return toHex(merkleRoot(results.map(resultHash)));
}
