/**
 * Consensus for a chain whose only validator is this node (DESIGN §7 with n = 1): the proposer for
 * (height, round) is validators[(height + round) mod 1], the validator prevotes and precommits its own
 * block through the sign-state guard, and its precommit alone is a commit (3 × power > 2 × power), so a
 * block is final the moment it is stored. No forks, no reorgs.
 *
 * Timing (DESIGN §7): a block is made `blockTimeMs` after the previous one when transactions wait, and
 * an empty block only once `heartbeatMs` has passed without one. Header time is the local clock, kept
 * strictly above the parent's.
 */
import { AitbcError } from '../../core/errors.js';
import { buildCommit, proposerFor } from '../../protocol/commit.js';
import type { ConsensusApp, ConsensusEngine, EngineEvents } from './engine.js';
import type { PrivValidator } from './priv-validator.js';

export interface SoloEngineOptions {
  app: ConsensusApp;
  privVal: PrivValidator;
  /** The clock (unix ms); injected so tests control time rules. */
  now?: () => number;
  events?: EngineEvents;
}

/**
 * @throws AitbcError CONFIG from the constructor when this node is not the chain's only validator.
 */
export class SoloEngine implements ConsensusEngine {
  private readonly app: ConsensusApp;
  private readonly privVal: PrivValidator;
  private readonly now: () => number;
  private readonly events: EngineEvents;
  private timer: NodeJS.Timeout | undefined;
  private timerAt = Number.POSITIVE_INFINITY;
  private running = false;
  /** Local clock time of the last stored block (or of start). */
  private lastBlockAt = 0;

  constructor(opts: SoloEngineOptions) {
    this.app = opts.app;
    this.privVal = opts.privVal;
    this.now = opts.now ?? Date.now;
    this.events = opts.events ?? {};
    const vals = this.app.validators();
    if (vals.length !== 1 || vals[0].address !== this.privVal.address) {
      throw new AitbcError(
        'CONFIG',
        `chain ${this.app.chainId} has ${vals.length} validator(s) and this node's key ${this.privVal.address} is ${
          vals.some((v) => v.address === this.privVal.address) ? 'one of them' : 'not among them'
        }; this node can only run a chain whose sole validator is its own key (several validators need P2P)`,
        { chainId: this.app.chainId, validator: this.privVal.address },
      );
    }
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.lastBlockAt = Math.min(this.app.tip().time, this.now());
    this.schedule();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.clearTimer();
  }

  onTxsAvailable(): void {
    if (!this.running) return;
    const due = this.lastBlockAt + this.app.params.blockTimeMs;
    if (due < this.timerAt) this.arm(due);
  }

  /**
   * Makes and commits the next block now (the timer calls this; tests may too).
   * @throws AitbcError FORBIDDEN when the sign-state guard refuses (the round is bumped next time).
   */
  produceBlock(): void {
    const started = this.now();
    const tip = this.app.tip();
    const height = tip.height + 1;
    const round = this.privVal.firstFreeRound(this.app.chainId, height);
    const validators = this.app.validators();
    const proposer = proposerFor(validators, height, round);
    const time = Math.max(started, tip.time + 1);
    const candidate = this.app.buildCandidate(height, time, proposer.address);
    try {
      const voteTime = Math.max(this.now(), time);
      this.privVal.signVote(this.app.chainId, 'prevote', height, round, candidate.hash, voteTime);
      const precommit = this.privVal.signVote(
        this.app.chainId,
        'precommit',
        height,
        round,
        candidate.hash,
        voteTime,
      );
      const commit = buildCommit({ height, round, blockHash: candidate.hash }, validators, [precommit]);
      this.app.commitCandidate(candidate, commit);
      this.lastBlockAt = this.now();
      this.events.onBlock?.(candidate, commit, this.lastBlockAt - started);
    } catch (e) {
      this.app.discardCandidate(candidate);
      throw e;
    }
  }

  private schedule(): void {
    if (!this.running) return;
    const wait = this.app.hasPendingTxs() ? this.app.params.blockTimeMs : this.app.params.heartbeatMs;
    this.arm(this.lastBlockAt + wait);
  }

  private arm(at: number): void {
    this.clearTimer();
    this.timerAt = at;
    this.timer = setTimeout(() => this.tick(), Math.max(0, at - this.now()));
  }

  private clearTimer(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    this.timerAt = Number.POSITIVE_INFINITY;
  }

  private tick(): void {
    this.timer = undefined;
    this.timerAt = Number.POSITIVE_INFINITY;
    if (!this.running) return;
    const idleFor = this.now() - this.lastBlockAt;
    if (this.app.hasPendingTxs() || idleFor >= this.app.params.heartbeatMs) {
      try {
        this.produceBlock();
      } catch (e) {
        this.events.onError?.(e);
        // Back off one block time before retrying, so a persistent failure does not spin.
        this.lastBlockAt = this.now();
      }
    }
    this.schedule();
  }
}
