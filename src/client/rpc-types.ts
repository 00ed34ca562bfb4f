/**
 * Shapes of the node's RPC results (DESIGN §7) as the client reads them. Amounts are uait decimal
 * strings, times unix milliseconds, hashes lowercase hex; signed objects arrive in canonical form.
 */
import type {
  Block,
  ChainParams,
  Commit,
  EscrowTerms,
  Genesis,
  SignedTx,
  TxResult,
} from '../protocol/types.js';

/** How long `broadcast_tx` waits before answering. */
export type WaitMode = 'none' | 'accepted' | 'committed';
export const WAIT_MODES: readonly WaitMode[] = ['none', 'accepted', 'committed'];

/** A page of a list; `nextCursor` is absent on the last page. */
export interface ListPage<T> {
  items: T[];
  nextCursor?: string;
}

export interface ValidatorStatus {
  address: string;
  pubkey: string;
  power: number;
  /** Height of the last block this validator signed, when it has signed one. */
  lastSignedHeight?: number;
  /** Unix ms of that signature. */
  lastSignedTime?: number;
  lastSignedTimeIso?: string;
}

export interface NodeStatus {
  chainId: string;
  genesisHash: string;
  height: number;
  /** Unix ms of the latest block (absent before the first block). */
  latestBlockTime?: number;
  latestBlockTimeIso?: string;
  latestBlockHash?: string;
  genesisTime?: number;
  validators: ValidatorStatus[];
  mempoolTxs?: number;
  /** The chain's consensus parameters (from its genesis). */
  params?: ChainParams;
  faucet?: { address: string; maxPerRequest: string } | null;
  rpcUrl?: string;
  wsUrl?: string;
  protocolVersion?: number;
  nodeVersion?: string;
  /** This node's validator address. */
  nodeValidator?: string;
  /** Every chain the node hosts, its default first. */
  chains?: string[];
  catchingUp?: boolean;
}

export interface HealthInfo {
  ok: boolean;
  chainId: string;
  height: number;
  lastBlockAgeMs: number;
  mempoolTxs: number;
}

export interface BlockInfo {
  hash: string;
  height: number;
  time: number;
  timeIso?: string;
  txCount?: number;
  block: Block;
  /** This block's own commit (DESIGN §7: the node stores it and `get_block` returns it). */
  commit: Commit | null;
  /** Each transaction's result, in block order. */
  results: TxResult[];
}

/** A transaction by hash: committed (with its block, position and result) or still pending. */
export interface TxInfo {
  tx: SignedTx;
  hash: string;
  status: 'committed' | 'pending';
  height?: number;
  index?: number;
  /** 0 = applied; otherwise only the fee and nonce changed (see `log`). */
  code?: number;
  log?: string;
  /** Unix ms of its block. */
  time?: number;
  timeIso?: string;
}

/** A committed transaction (what `get_txs` lists). */
export type CommittedTxInfo = TxInfo & {
  status: 'committed';
  height: number;
  index: number;
  code: number;
  log: string;
};

export interface BroadcastResult {
  hash: string;
  /** How far the node got before answering. */
  status: 'accepted' | 'committed';
  /** Hash of a pending transaction this one replaced (same sender and nonce, higher fee). */
  replaced?: string;
  /** Unix ms of the block (committed only). */
  time?: number;
  timeIso?: string;
  height?: number;
  index?: number;
  code?: number;
  log?: string;
}

export interface BalanceInfo {
  address: string;
  balance: string;
  height: number;
}

export interface AccountInfo {
  address: string;
  balance: string;
  nonce: number;
  /** The nonce the account's next transaction needs (committed nonce + its pending transactions). */
  pendingNonce: number;
  /** The height these committed values are read at. */
  height: number;
}

export interface ValidatorInfo {
  address: string;
  pubkey: string;
  power: number;
}

/** `get_validators`: the set in validator-set order, at a height. */
export interface ValidatorSet extends ListPage<ValidatorInfo> {
  height: number;
}

/** An escrow as the state holds it (settled ones stay as tombstones with their outcome). */
export type EscrowInfo = {
  client: string;
  jobId: string;
  amount: string;
  coordinator: string;
  /** Unix ms, compared with block header time. */
  expiresAt: number;
  expiresAtIso?: string;
  terms: EscrowTerms;
  status: 'locked' | 'released' | 'refunded';
  /** Height of the lock. */
  lockedAt: number;
  settledAt?: number;
  settledBy?: string;
  receiptId?: string;
  price?: string;
  /** The height these committed values are read at. */
  height: number;
};

export interface ChainSummary {
  chainId: string;
  genesisHash: string;
  height: number;
  /** True for the node's default chain (requests naming no chain go there). */
  default: boolean;
  /** Number of validators. */
  validators: number;
  faucet: boolean;
  genesis: Genesis;
}

export interface NetInfo {
  listening: boolean;
  rpc: string;
  ws: string;
  /** P2P comes in a later issue: null and no peers until then. */
  p2p: string | null;
  peers: unknown[];
  nPeers: number;
}

/** A faucet payment: the transfer's broadcast result plus who paid whom how much. */
export interface FaucetResult extends BroadcastResult {
  address: string;
  amount: string;
  /** The faucet's address. */
  from: string;
}
