/**
 * The validator's signing side: every vote goes through the sign-state guard, so no vote exists
 * outside this process before its (height, round, type, blockHash) is fsynced, and none contradicts an
 * earlier one.
 */
import type { SignedVote, Vote, VoteType } from '../../protocol/types.js';
import { signVote } from '../../protocol/vote.js';
import type { NodeKey } from '../keys.js';
import type { SignState } from './sign-state.js';

export class PrivValidator {
  constructor(
    readonly key: NodeKey,
    private readonly signState: SignState,
  ) {}

  get address(): string {
    return this.key.address;
  }

  /**
   * Signs a vote through the guard. When the same vote was signed before (a restart repeating
   * itself), the original time and signature come back.
   * @throws AitbcError FORBIDDEN when the vote would regress or equivocate.
   */
  signVote(
    chainId: string,
    type: VoteType,
    height: number,
    round: number,
    blockHash: string,
    time: number,
  ): SignedVote {
    const base: Vote = { chainId, type, height, round, blockHash, validator: this.key.address, time };
    const signed = this.signState.sign({
      chainId,
      height,
      round,
      step: type,
      blockHash,
      time,
      sign: (t) => signVote({ ...base, time: t }, this.key.signer).sig,
    });
    return { ...base, time: signed.time, sig: signed.sig };
  }

  /**
   * The first round this validator may still sign at `height`: 0, or — when it already signed
   * something at this height before a crash — the round after, so the rebuilt block never needs a
   * second signature at a step already used.
   */
  firstFreeRound(chainId: string, height: number): number {
    const last = this.signState.last(chainId);
    return last !== undefined && last.height === height ? last.round + 1 : 0;
  }
}
