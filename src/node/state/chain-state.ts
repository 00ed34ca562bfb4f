/**
 * ChainState: one chain's state (DESIGN §7) over a StateStore and a NodeStore. Transactions write to an
 * in-memory overlay; `stateRoot()` flushes the overlay to the stores and updates the sparse Merkle tree
 * over the keys it touched, once per block. The node runs a block's `applyTx` calls, `stateRoot()` and
 * its own block writes inside one storage transaction, and calls `discardPending()` if it rolls back.
 */
import { canonicalJson } from '../../core/canonical-json.js';
import { AitbcError } from '../../core/errors.js';
import { sha256Hex } from '../../core/hash.js';
import { genesisSupply, validateGenesis } from '../../protocol/genesis.js';
import type {
  ChainParams,
  Genesis,
  GenesisValidator,
  Hex,
  SignedTx,
  TxResult,
  VerifyFn,
} from '../../protocol/types.js';
import {
  ACCOUNT_PREFIX,
  accountKey,
  ESCROW_PREFIX,
  escrowKey,
  PARAMS_KEY,
  SUPPLY_KEY,
  VALIDATOR_PREFIX,
  validatorKey,
} from './keys.js';
import {
  type Account,
  decodeAccount,
  decodeEscrow,
  decodeSupply,
  type EscrowRecord,
  encodeAccount,
  encodeSupply,
  type Supply,
} from './records.js';
import {
  admitTx,
  type ExecContext,
  executeTx,
  type PendingView,
  type RuleContext,
  type StateReader,
} from './rules.js';
import { SparseMerkleTree, smtKeyHash, smtRootOf } from './smt.js';
import type { NodeStore, StateStore } from './store.js';

export interface ChainStateOptions {
  state: StateStore;
  nodes: NodeStore;
  /** strict ed25519 verification, for receipts (createFastVerifier().verify in the node) */
  verify: VerifyFn;
}

/** Σ balances + Σ locked escrow amounts + burned, against the genesis supply. */
export interface ConservationReport {
  ok: boolean;
  balances: bigint;
  locked: bigint;
  burned: bigint;
  total: bigint;
}

export class ChainState implements StateReader {
  private readonly store: StateStore;
  private readonly tree: SparseMerkleTree;
  private readonly verify: VerifyFn;
  private readonly overlay = new Map<string, string>();
  private params?: ChainParams;

  constructor(opts: ChainStateOptions) {
    this.store = opts.state;
    this.tree = new SparseMerkleTree(opts.nodes);
    this.verify = opts.verify;
  }

  private get(key: string): string | undefined {
    return this.overlay.get(key) ?? this.store.get(key);
  }

  /** True once a genesis has been applied (to these stores). */
  isInitialized(): boolean {
    return this.get(PARAMS_KEY) !== undefined;
  }

  /**
   * Writes the genesis state — validators, parameters, supply, allocations — and returns its root.
   * @throws AitbcError CONFIG when the state already holds a genesis; else as `validateGenesis`.
   */
  initGenesis(genesis: Genesis): Hex {
    const g = validateGenesis(genesis);
    if (this.isInitialized())
      throw new AitbcError('CONFIG', 'the state already holds a genesis', { chainId: g.chainId });
    for (const v of g.validators)
      this.overlay.set(
        validatorKey(v.address),
        canonicalJson({ address: v.address, pubkey: v.pubkey, power: v.power }),
      );
    this.overlay.set(PARAMS_KEY, canonicalJson(g.params));
    this.overlay.set(SUPPLY_KEY, encodeSupply({ total: genesisSupply(g), burned: 0n }));
    for (const a of g.allocations)
      this.overlay.set(accountKey(a.address), encodeAccount({ balance: BigInt(a.amount), nonce: 0 }));
    return this.stateRoot();
  }

  /** An account; an address never seen reads as `{balance: 0n, nonce: 0}`. */
  getAccount(address: string): Account {
    return decodeAccount(this.get(accountKey(address)));
  }

  /** The escrow `(client, jobId)`, locked or kept as a settled tombstone; undefined when never locked. */
  getEscrow(client: string, jobId: string): EscrowRecord | undefined {
    return decodeEscrow(this.get(escrowKey(client, jobId)));
  }

  /**
   * The consensus parameters from genesis.
   * @throws AitbcError CONFIG before initGenesis.
   */
  getParams(): ChainParams {
    if (this.params === undefined) {
      const text = this.get(PARAMS_KEY);
      if (text === undefined) throw new AitbcError('CONFIG', 'the state holds no genesis yet');
      this.params = JSON.parse(text) as ChainParams;
    }
    return this.params;
  }

  /** The genesis supply and the fees burned so far. */
  getSupply(): Supply {
    return decodeSupply(this.get(SUPPLY_KEY));
  }

  /** The validator set, sorted by address. */
  getValidators(): GenesisValidator[] {
    return [...this.entries(VALIDATOR_PREFIX).values()]
      .map((text) => JSON.parse(text) as GenesisValidator)
      .sort((a, b) => (a.address < b.address ? -1 : a.address > b.address ? 1 : 0));
  }

  /**
   * Admission against the committed state, or after the sender's pending transactions when `pending` is
   * given (see PendingView). Does not verify the transaction's signature (the mempool does). Changes
   * nothing.
   * @throws AitbcError with the broken rule's code (rules.ts `admitTx`).
   */
  checkTx(tx: SignedTx, ctx: RuleContext, pending?: PendingView): void {
    admitTx(tx, ctx, this, this.verify, pending);
  }

  /**
   * Executes a transaction in the block being built or replayed. A transaction that cannot be included
   * throws and leaves the state unchanged; one that fails a rule returns its non-zero code having paid
   * its fee and bumped its nonce. Fees are burned.
   * @throws AitbcError WRONG_CHAIN | BAD_NONCE | FEE_TOO_LOW | INSUFFICIENT_FUNDS
   */
  applyTx(tx: SignedTx, ctx: ExecContext): TxResult {
    const { result, writes } = executeTx(tx, ctx, this, this.verify);
    for (const [k, v] of writes) this.overlay.set(k, v);
    return result;
  }

  /** True when transactions were applied since the last `stateRoot()`. */
  hasPendingWrites(): boolean {
    return this.overlay.size > 0;
  }

  /**
   * Flushes pending writes to the stores, updates the tree over the touched keys and returns the root.
   * Call it after a block's last `applyTx`, inside the block's storage transaction.
   */
  stateRoot(): Hex {
    if (this.overlay.size === 0) return this.tree.root();
    const changes = new Map<string, string>();
    for (const [key, value] of this.overlay) {
      this.store.put(key, value);
      changes.set(smtKeyHash(key), sha256Hex(value));
    }
    this.overlay.clear();
    return this.tree.update(changes);
  }

  /** Drops writes not yet flushed by `stateRoot()` (the node's block transaction rolled back). */
  discardPending(): void {
    this.overlay.clear();
    this.params = undefined;
  }

  /** The root recomputed from every stored value by the tree's definition (a cross-check; O(n log n)). */
  recomputeRoot(): Hex {
    const leaves = new Map<string, string>();
    for (const [key, value] of this.entries('')) leaves.set(smtKeyHash(key), sha256Hex(value));
    return smtRootOf(leaves);
  }

  /** Checks Σ balances + Σ locked escrow amounts + burned = genesis supply (O(accounts + escrows)). */
  checkConservation(): ConservationReport {
    let balances = 0n;
    for (const text of this.entries(ACCOUNT_PREFIX).values()) balances += decodeAccount(text).balance;
    let locked = 0n;
    for (const text of this.entries(ESCROW_PREFIX).values()) {
      const e = decodeEscrow(text) as EscrowRecord;
      if (e.status === 'locked') locked += BigInt(e.amount);
    }
    const { total, burned } = this.getSupply();
    return { ok: balances + locked + burned === total, balances, locked, burned, total };
  }

  /** Stored entries under `prefix` with pending writes laid over them. */
  private entries(prefix: string): Map<string, string> {
    const out = new Map(this.store.entries(prefix));
    for (const [k, v] of this.overlay) if (k.startsWith(prefix)) out.set(k, v);
    return out;
  }
}
