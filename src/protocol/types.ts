/**
 * Wire types of the protocol (DESIGN §6–§8). Amounts are decimal strings of uait, every other integer
 * a JSON number, hashes and keys lowercase hex, addresses `ait1…`. Signed objects are stored and sent
 * in this exact shape; validation lives beside each type's module in src/protocol/.
 */

export type Hex = string;

/**
 * A strict ed25519 verifier: `verifyStrict` in the CLI, `createFastVerifier().verify` in the daemons
 * (src/crypto/ed25519.ts). Protocol code takes it as a parameter so it stays free of that choice.
 */
export type VerifyFn = (signature: Uint8Array, message: Uint8Array, publicKey: Uint8Array) => boolean;
export type Address = string;
/** Decimal string of uait, ^(0|[1-9][0-9]*)$, ≤ 2^63−1. */
export type AmountString = string;

export interface GenesisValidator {
  address: Address;
  pubkey: Hex;
  power: number;
}

export interface ChainParams {
  blockTimeMs: number;
  heartbeatMs: number;
  minFee: AmountString;
  maxTxBytes: number;
  maxBlockBytes: number;
  maxBlockTxs: number;
  maxPendingPerSender: number;
  minEscrowMs: number;
  maxEscrowMs: number;
}

export interface Genesis {
  chainId: string;
  /** unix ms */
  time: number;
  /** sorted by address */
  validators: GenesisValidator[];
  allocations: Array<{ address: Address; amount: AmountString }>;
  faucet?: { address: Address; maxPerRequest: AmountString };
  params: ChainParams;
}

export interface TransferBody {
  to: Address;
  amount: AmountString;
  memo?: string;
}

export interface EscrowTerms {
  model: string;
  inputHash: Hex;
  maxTokensIn: number;
  maxTokens: number;
  maxUnitPrice: AmountString;
  settlementFee: AmountString;
}

export interface EscrowLockBody {
  /** 32 lowercase hex chosen by the client */
  jobId: Hex;
  amount: AmountString;
  coordinator: Address;
  /** unix ms, compared with header time */
  expiresAt: number;
  terms: EscrowTerms;
}

export interface EscrowReleaseBody {
  client: Address;
  jobId: Hex;
  receipt: Receipt;
}

export interface EscrowRefundBody {
  client: Address;
  jobId: Hex;
}

export type TxType = 'transfer' | 'escrow_lock' | 'escrow_release' | 'escrow_refund';

export interface TxBodies {
  transfer: TransferBody;
  escrow_lock: EscrowLockBody;
  escrow_release: EscrowReleaseBody;
  escrow_refund: EscrowRefundBody;
}

/** The transaction without its signature (what is signed, under `aitbc/tx/v1`). */
export type UnsignedTx<T extends TxType = TxType> = {
  [K in T]: {
    chainId: string;
    type: K;
    from: Address;
    pubkey: Hex;
    nonce: number;
    fee: AmountString;
    body: TxBodies[K];
  };
}[T];

export type SignedTx<T extends TxType = TxType> = UnsignedTx<T> & { sig: Hex };

/** The outcome of executing one transaction; resultsRoot commits to SHA-256(JCS(result)). */
export interface TxResult {
  /** 0 = ok; otherwise the failure was recorded and only fee and nonce changed. */
  code: number;
  log: string;
}

export interface BlockHeader {
  version: 1;
  chainId: string;
  height: number;
  time: number;
  prevHash: Hex;
  txRoot: Hex;
  stateRoot: Hex;
  resultsRoot: Hex;
  validatorsHash: Hex;
  nextValidatorsHash: Hex;
  proposer: Address;
  lastCommitHash: Hex;
}

export interface CommitSig {
  time: number;
  sig: Hex;
}

export interface Commit {
  height: number;
  round: number;
  blockHash: Hex;
  /** one entry per validator in validator-set order */
  sigs: Array<CommitSig | null>;
}

export interface Block {
  header: BlockHeader;
  txs: SignedTx[];
  /** the commit for the previous block (null for height 1) */
  lastCommit: Commit | null;
}

export type VoteType = 'prevote' | 'precommit';

export interface Vote {
  chainId: string;
  type: VoteType;
  height: number;
  round: number;
  /** "" for nil */
  blockHash: Hex;
  validator: Address;
  time: number;
}

/** A vote with its signature over `aitbc/vote/v1`. */
export type SignedVote = Vote & { sig: Hex };

export interface Proposal {
  chainId: string;
  height: number;
  round: number;
  polRound: number;
  blockHash: Hex;
  proposer: Address;
}

/** A proposal with its signature over `aitbc/proposal/v1`. */
export type SignedProposal = Proposal & { sig: Hex };

export type ReceiptBackend = 'ollama' | 'llama-cpp' | 'echo';

/** Flat receipt (DESIGN §8). The body is every field except receiptId, minerSig, coordinatorSig. */
export interface Receipt {
  version: 1;
  chainId: string;
  jobId: Hex;
  client: Address;
  coordinator: Address;
  miner: Address;
  payTo: Address;
  model: string;
  modelDigest?: string;
  backend: ReceiptBackend;
  inputHash: Hex;
  outputHash: Hex;
  tokensIn: number;
  tokensOut: number;
  unitPrice: AmountString;
  price: AmountString;
  startedAt: number;
  completedAt: number;
  minerPubkey: Hex;
  coordinatorPubkey: Hex;
  receiptId: Hex;
  minerSig: Hex;
  coordinatorSig: Hex;
}

export type ReceiptBody = Omit<Receipt, 'receiptId' | 'minerSig' | 'coordinatorSig'>;

/** The generation parameters a client sends; absent ones are omitted (they enter `inputHash`). */
export interface GenerationParams {
  maxTokens?: number;
  temperature?: number;
  seed?: number;
}

/** A job's settlement transaction as the coordinator's API shows it (docs/marketplace.md). */
export interface SettlementView {
  kind: 'release' | 'refund';
  status: string;
  txHash?: string;
  nonce?: number;
  height?: number;
  code?: number;
  log?: string;
  errorCode?: string;
}

/** One row of `GET /v1/models`. */
export interface ModelSummary {
  model: string;
  /** online miners serving it */
  miners: number;
  minUnitPrice: string;
  maxUnitPrice: string;
  /** Σ concurrency of those miners */
  capacity: number;
  /** Σ free capacity */
  free: number;
}
