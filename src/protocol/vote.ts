/**
 * Votes and proposals (DESIGN §7). A vote `{chainId, type, height, round, blockHash, validator, time}`
 * ("" as blockHash for nil) is signed under `aitbc/vote/v1`; a proposal `{chainId, height, round,
 * polRound, blockHash, proposer}` under `aitbc/proposal/v1`. The domains keep a vote's signature from
 * ever verifying as a proposal's, a transaction's or a receipt's.
 */
import { AitbcError } from '../core/errors.js';
import { fromHex, isLowerHex, toHex } from '../core/hex.js';
import { signBytes } from '../core/sign-bytes.js';
import { addressFromPublicKey } from '../crypto/address.js';
import type { Signer } from '../crypto/ed25519.js';
import { readAddress, readChainId, readHex, readObject, readPositiveInt, readUint } from './fields.js';
import type { Hex, Proposal, SignedProposal, SignedVote, VerifyFn, Vote } from './types.js';

const VOTE_FIELDS = ['chainId', 'type', 'height', 'round', 'blockHash', 'validator', 'time'] as const;
const PROPOSAL_FIELDS = ['chainId', 'height', 'round', 'polRound', 'blockHash', 'proposer'] as const;

/**
 * Checks a signed vote's encoding: exact fields, type prevote|precommit, blockHash "" or 64 hex.
 * @throws AitbcError INVALID_INPUT | INVALID_ADDRESS naming the field.
 */
export function validateVote(value: unknown): SignedVote {
  const v = readObject(value, 'vote', [...VOTE_FIELDS, 'sig']);
  readChainId(v.chainId, 'vote.chainId');
  if (v.type !== 'prevote' && v.type !== 'precommit')
    throw new AitbcError('INVALID_INPUT', 'vote.type must be prevote or precommit', { field: 'vote.type' });
  readPositiveInt(v.height, 'vote.height');
  readUint(v.round, 'vote.round');
  if (v.blockHash !== '' && !isLowerHex(v.blockHash, 32))
    throw new AitbcError('INVALID_INPUT', 'vote.blockHash must be "" (nil) or 64 lowercase hex', {
      field: 'vote.blockHash',
    });
  readAddress(v.validator, 'vote.validator');
  readUint(v.time, 'vote.time');
  readHex(v.sig, 'vote.sig', 64);
  return v as unknown as SignedVote;
}

/** The vote without its signature. */
function unsignedVote(vote: Vote | SignedVote): Vote {
  const { chainId, type, height, round, blockHash, validator, time } = vote;
  return { chainId, type, height, round, blockHash, validator, time };
}

/** `"aitbc/vote/v1\n" + JCS(vote without sig)` as UTF-8. */
export function voteSignBytes(vote: Vote | SignedVote): Uint8Array {
  return signBytes('aitbc/vote/v1', unsignedVote(vote));
}

/**
 * Signs a vote. The signer's address must be the vote's `validator`.
 * @throws AitbcError INVALID_INPUT when it is not.
 */
export function signVote(vote: Vote, signer: Signer): SignedVote {
  if (addressFromPublicKey(signer.publicKey) !== vote.validator)
    throw new AitbcError('INVALID_INPUT', 'the signing key is not the vote’s validator', {
      field: 'validator',
    });
  return { ...unsignedVote(vote), sig: toHex(signer.sign(voteSignBytes(vote))) };
}

/** True when `pubkey` hashes to `vote.validator` and the signature verifies strictly. */
export function verifyVote(vote: SignedVote, pubkey: Hex, verify: VerifyFn): boolean {
  if (!isLowerHex(pubkey, 32) || !isLowerHex(vote.sig, 64)) return false;
  const pub = fromHex(pubkey, 32);
  if (addressFromPublicKey(pub) !== vote.validator) return false;
  return verify(fromHex(vote.sig, 64), voteSignBytes(vote), pub);
}

/**
 * Checks a signed proposal's encoding: exact fields, polRound ≥ −1 and below round, 64-hex blockHash.
 * @throws AitbcError INVALID_INPUT | INVALID_ADDRESS naming the field.
 */
export function validateProposal(value: unknown): SignedProposal {
  const p = readObject(value, 'proposal', [...PROPOSAL_FIELDS, 'sig']);
  readChainId(p.chainId, 'proposal.chainId');
  readPositiveInt(p.height, 'proposal.height');
  const round = readUint(p.round, 'proposal.round');
  if (p.polRound !== -1 && (readUint(p.polRound, 'proposal.polRound') as number) >= round)
    throw new AitbcError('INVALID_INPUT', 'proposal.polRound must be −1 or below round', {
      field: 'proposal.polRound',
    });
  readHex(p.blockHash, 'proposal.blockHash', 32);
  readAddress(p.proposer, 'proposal.proposer');
  readHex(p.sig, 'proposal.sig', 64);
  return p as unknown as SignedProposal;
}

function unsignedProposal(p: Proposal | SignedProposal): Proposal {
  const { chainId, height, round, polRound, blockHash, proposer } = p;
  return { chainId, height, round, polRound, blockHash, proposer };
}

/** `"aitbc/proposal/v1\n" + JCS(proposal without sig)` as UTF-8. */
export function proposalSignBytes(proposal: Proposal | SignedProposal): Uint8Array {
  return signBytes('aitbc/proposal/v1', unsignedProposal(proposal));
}

/**
 * Signs a proposal. The signer's address must be the proposal's `proposer`.
 * @throws AitbcError INVALID_INPUT when it is not.
 */
export function signProposal(proposal: Proposal, signer: Signer): SignedProposal {
  if (addressFromPublicKey(signer.publicKey) !== proposal.proposer)
    throw new AitbcError('INVALID_INPUT', 'the signing key is not the proposal’s proposer', {
      field: 'proposer',
    });
  return { ...unsignedProposal(proposal), sig: toHex(signer.sign(proposalSignBytes(proposal))) };
}

/** True when `pubkey` hashes to `proposal.proposer` and the signature verifies strictly. */
export function verifyProposal(proposal: SignedProposal, pubkey: Hex, verify: VerifyFn): boolean {
  if (!isLowerHex(pubkey, 32) || !isLowerHex(proposal.sig, 64)) return false;
  const pub = fromHex(pubkey, 32);
  if (addressFromPublicKey(pub) !== proposal.proposer) return false;
  return verify(fromHex(proposal.sig, 64), proposalSignBytes(proposal), pub);
}
