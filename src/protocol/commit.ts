/**
 * Commits and proposer rotation (DESIGN §7). A commit `{height, round, blockHash, sigs}` holds one entry
 * per validator in validator-set order: `{time, sig}` — the signature of that validator's precommit
 * `{chainId, type: "precommit", height, round, blockHash, validator, time}` — or `null`. It is valid when
 * 3 × signed power > 2 × total power, in integer arithmetic (total power ≤ 2^50, so no rounding).
 */
import { canonicalJson } from '../core/canonical-json.js';
import { AitbcError } from '../core/errors.js';
import { sha256Hex } from '../core/hash.js';
import { isLowerHex } from '../core/hex.js';
import { readHex, readObject, readPositiveInt, readUint } from './fields.js';
import type { Commit, CommitSig, GenesisValidator, Hex, SignedVote, VerifyFn } from './types.js';
import { verifyVote } from './vote.js';

/** lastCommitHash = SHA-256(JCS(commit)), lowercase hex. */
export function commitHash(commit: Commit): Hex {
  return sha256Hex(canonicalJson(commit));
}

/**
 * Checks a commit's encoding: exact fields, 64-hex blockHash, each entry `{time, sig}` or null.
 * @throws AitbcError INVALID_INPUT naming the field.
 */
export function validateCommit(value: unknown): Commit {
  const c = readObject(value, 'commit', ['height', 'round', 'blockHash', 'sigs']);
  readPositiveInt(c.height, 'commit.height');
  readUint(c.round, 'commit.round');
  readHex(c.blockHash, 'commit.blockHash', 32);
  if (!Array.isArray(c.sigs))
    throw new AitbcError('INVALID_INPUT', 'commit.sigs must be an array', { field: 'commit.sigs' });
  c.sigs.forEach((s: unknown, i: number) => {
    if (s === null) return;
    const o = readObject(s, `commit.sigs[${i}]`, ['time', 'sig']);
    readUint(o.time, `commit.sigs[${i}].time`);
    readHex(o.sig, `commit.sigs[${i}].sig`, 64);
  });
  return c as unknown as Commit;
}

/** The precommit vote a commit entry signs, rebuilt from the commit and the validator. */
export function commitVote(
  commit: Commit,
  chainId: string,
  validator: GenesisValidator,
  sig: CommitSig,
): SignedVote {
  return {
    chainId,
    type: 'precommit',
    height: commit.height,
    round: commit.round,
    blockHash: commit.blockHash,
    validator: validator.address,
    time: sig.time,
    sig: sig.sig,
  };
}

/**
 * True when the commit is for a block (not nil), has one entry per validator, every present entry
 * verifies as that validator's precommit, and 3 × signed power > 2 × total power. One bad signature
 * makes the whole commit invalid.
 */
export function commitIsValid(
  commit: Commit,
  validators: readonly GenesisValidator[],
  chainId: string,
  verify: VerifyFn,
): boolean {
  if (!isLowerHex(commit.blockHash, 32) || commit.sigs.length !== validators.length) return false;
  let total = 0;
  let signed = 0;
  for (let i = 0; i < validators.length; i++) {
    const v = validators[i];
    total += v.power;
    const s = commit.sigs[i];
    if (s === null) continue;
    if (!verifyVote(commitVote(commit, chainId, v, s), v.pubkey, verify)) return false;
    signed += v.power;
  }
  return 3 * signed > 2 * total;
}

/**
 * Assembles a commit from signed precommits for one (height, round, blockHash): each validator's entry
 * from its vote, `null` where none was given.
 * @throws AitbcError INVALID_INPUT when a vote is not a precommit for that block or names no validator of the set.
 */
export function buildCommit(
  target: { height: number; round: number; blockHash: Hex },
  validators: readonly GenesisValidator[],
  precommits: readonly SignedVote[],
): Commit {
  const sigs: Array<CommitSig | null> = validators.map(() => null);
  for (const v of precommits) {
    const i = validators.findIndex((x) => x.address === v.validator);
    if (
      i < 0 ||
      v.type !== 'precommit' ||
      v.height !== target.height ||
      v.round !== target.round ||
      v.blockHash !== target.blockHash
    )
      throw new AitbcError(
        'INVALID_INPUT',
        `vote of ${v.validator} is not a precommit for this block by a validator`,
        {
          validator: v.validator,
        },
      );
    sigs[i] = { time: v.time, sig: v.sig };
  }
  return { height: target.height, round: target.round, blockHash: target.blockHash, sigs };
}

/**
 * The proposer for (height, round): validators[(height + round) mod n], in validator-set order.
 * @throws AitbcError INVALID_INPUT for an empty set.
 */
export function proposerFor(
  validators: readonly GenesisValidator[],
  height: number,
  round: number,
): GenesisValidator {
  if (validators.length === 0) throw new AitbcError('INVALID_INPUT', 'the validator set is empty');
  return validators[(height + round) % validators.length];
}
