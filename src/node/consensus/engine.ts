/**
 * The seam between consensus and the chain it drives. A consensus engine decides *when* a block is
 * made and *which* block is final; the application (src/node/chain) builds candidate blocks, and
 * stores a block with its commit. This issue has one engine, `SoloEngine` (one validator holding the
 * whole voting power); the multi-validator Tendermint engine of a later issue implements the same
 * `ConsensusEngine` over the same `ConsensusApp` and adds proposals, gossip and round timeouts.
 */
import type {
  BlockHeader,
  ChainParams,
  Commit,
  GenesisValidator,
  SignedTx,
  TxResult,
} from '../../protocol/types.js';

/** A block built and executed on a scratch copy of the state, not yet stored. */
export interface Candidate {
  header: BlockHeader;
  hash: string;
  txs: SignedTx[];
  results: TxResult[];
}

/** The last stored block (height 0: the genesis, with its time and hash). */
export interface ChainTip {
  height: number;
  time: number;
  hash: string;
}

/** What an engine needs from the chain. */
export interface ConsensusApp {
  readonly chainId: string;
  readonly params: ChainParams;
  /** The validator set at the next height, in validator-set order. */
  validators(): readonly GenesisValidator[];
  tip(): ChainTip;
  /** True when transactions wait in the mempool. */
  hasPendingTxs(): boolean;
  /** Reaps the mempool and executes a block on a scratch state. */
  buildCandidate(height: number, time: number, proposer: string): Candidate;
  /**
   * Stores the candidate, its commit and every state change in one SQLite transaction; only then
   * tells the mempool, waiters and subscribers.
   */
  commitCandidate(candidate: Candidate, commit: Commit): void;
  /** Throws away a candidate that was not committed. */
  discardCandidate(candidate: Candidate): void;
}

/** Drives one chain. */
export interface ConsensusEngine {
  start(): void;
  /** Stops after any block in progress; resolves when no timer is left. */
  stop(): Promise<void>;
  /** Transactions arrived: a block may be due sooner than the heartbeat. */
  onTxsAvailable(): void;
}

/** Notifications from an engine to the daemon (logging, events). */
export interface EngineEvents {
  onBlock?: (candidate: Candidate, commit: Commit, elapsedMs: number) => void;
  onError?: (error: unknown) => void;
}
