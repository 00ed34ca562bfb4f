/**
 * The mempool (DESIGN §7). Each sender's pending transactions form a queue of consecutive nonces
 * starting at its committed nonce, so every admission is checked exactly against the pending state —
 * committed state plus the sender's earlier pending transactions — and balance and nonce errors are
 * refused at the door rather than failing in a block.
 *
 * Rules:
 * - a transaction's nonce must be the sender's pending nonce (append) or that of one of its pending
 *   transactions (replacement, only with a fee ≥ 110 % of the old one, else DUPLICATE_NONCE); a used
 *   nonce, a gap, or a nonce ≥ committed nonce + maxPendingPerSender is BAD_NONCE;
 * - reaping takes senders' head transactions by fee (highest first), then arrival (earliest first),
 *   and after a sender's head its next nonce competes in turn;
 * - when the pool holds `maxTxs` transactions or `maxBytes` bytes, a newcomer evicts the lowest-fee
 *   tail transaction (a sender's last pending one, the latest arrival among equal fees) of another
 *   sender, as many as it needs, provided each evicted fee is strictly below its own; otherwise it is
 *   refused with MEMPOOL_FULL. Only tails are evicted, so no sender's queue ever gets a gap.
 * Every operation is O(log n) in the pool size, apart from replacements (O(pending of that sender)).
 */
import { canonicalJson } from '../../core/canonical-json.js';
import { AitbcError } from '../../core/errors.js';
import { sha256Hex } from '../../core/hash.js';
import { verifyTxSignature } from '../../protocol/tx.js';
import type { Hex, SignedTx, VerifyFn } from '../../protocol/types.js';
import { escrowKey } from '../state/keys.js';
import type { Account } from '../state/records.js';
import { type PendingView, type RuleContext, txDebit } from '../state/rules.js';
import { Heap } from './heap.js';

/** What the mempool needs from the chain's state (ChainState provides it). */
export interface MempoolState {
  getAccount(address: string): Account;
  checkTx(tx: SignedTx, ctx: RuleContext, pending?: PendingView): void;
}

export interface MempoolOptions {
  state: MempoolState;
  chainId: string;
  /** strict ed25519 verification (createFastVerifier().verify in the node) */
  verify: VerifyFn;
  /** the clock admission checks escrow windows against, unix ms */
  now: () => number;
  /** genesis params.maxPendingPerSender */
  maxPendingPerSender: number;
  /** most transactions held (default 50,000) */
  maxTxs?: number;
  /** most bytes (Σ JCS sizes) held (default 32 MiB) */
  maxBytes?: number;
}

/** A pending transaction with its hash and size. */
export interface PooledTx {
  tx: SignedTx;
  hash: Hex;
  /** JCS byte length */
  size: number;
}

interface Entry extends PooledTx {
  fee: bigint;
  debit: bigint;
  /** arrival order */
  seq: number;
  queue: SenderQueue;
  inPool: boolean;
}

interface SenderQueue {
  address: string;
  /** committed nonce when the queue was last synced with the state */
  baseNonce: number;
  /** consecutive nonces baseNonce, baseNonce + 1, … */
  txs: Entry[];
  /** Σ debit of txs */
  spent: bigint;
  /** jobId → how many of txs lock it */
  locks: Map<string, number>;
  /** escrowKey → how many of txs settle it */
  settlements: Map<string, number>;
}

/** The result of `add`. */
export interface AddResult {
  hash: Hex;
  /** the hash of the pending transaction this one replaced */
  replaced?: Hex;
  /** hashes of other senders' transactions evicted to make room */
  evicted: Hex[];
}

/** The result of `update`. */
export interface UpdateResult {
  /** pool transactions the block included */
  included: Hex[];
  /** pool transactions removed without being included (nonce taken by another, funds gone) */
  dropped: Hex[];
}

const byPriority = (a: Entry, b: Entry): boolean => (a.fee !== b.fee ? a.fee > b.fee : a.seq < b.seq);
const byEvictionOrder = (a: Entry, b: Entry): boolean => (a.fee !== b.fee ? a.fee < b.fee : a.seq > b.seq);

export class Mempool {
  private readonly state: MempoolState;
  private readonly chainId: string;
  private readonly verify: VerifyFn;
  private readonly now: () => number;
  private readonly maxPendingPerSender: number;
  readonly maxTxs: number;
  readonly maxBytes: number;
  private readonly byHash = new Map<Hex, Entry>();
  private readonly queues = new Map<string, SenderQueue>();
  /** tails by eviction order; entries that stopped being tails are skipped (and compacted away) */
  private tails = new Heap<Entry>(byEvictionOrder);
  private seq = 0;
  private totalBytes = 0;

  constructor(opts: MempoolOptions) {
    this.state = opts.state;
    this.chainId = opts.chainId;
    this.verify = opts.verify;
    this.now = opts.now;
    this.maxPendingPerSender = opts.maxPendingPerSender;
    this.maxTxs = opts.maxTxs ?? 50_000;
    this.maxBytes = opts.maxBytes ?? 32 * 1024 * 1024;
  }

  /** Transactions held. */
  get size(): number {
    return this.byHash.size;
  }

  /** Σ JCS sizes of the transactions held. */
  get bytes(): number {
    return this.totalBytes;
  }

  has(hash: Hex): boolean {
    return this.byHash.has(hash);
  }

  get(hash: Hex): SignedTx | undefined {
    return this.byHash.get(hash)?.tx;
  }

  /** The nonce the sender's next transaction must carry: committed nonce + its pending count. */
  pendingNonce(address: string): number {
    const q = this.queues.get(address);
    return q ? q.baseNonce + q.txs.length : this.state.getAccount(address).nonce;
  }

  /** The sender's pending transactions in nonce order. */
  pendingOf(address: string): PooledTx[] {
    return (this.queues.get(address)?.txs ?? []).map(({ tx, hash, size }) => ({ tx, hash, size }));
  }

  /**
   * Admits a validated transaction (see `validateTx`): chain, duplicate, nonce window, replacement fee,
   * the state rules against the pending state, the signature, then room. `meta` (what `decodeTx`
   * returns: hash, size and canonical text) saves serialising the transaction again.
   * @throws AitbcError WRONG_CHAIN | DUPLICATE_NONCE | BAD_NONCE | FEE_TOO_LOW | INSUFFICIENT_FUNDS |
   *   ESCROW_* | RECEIPT_INVALID | FORBIDDEN | INVALID_* | BAD_SIGNATURE | MEMPOOL_FULL
   */
  add(tx: SignedTx, meta?: { hash: Hex; size: number; json?: string }): AddResult {
    if (tx.chainId !== this.chainId)
      throw new AitbcError('WRONG_CHAIN', `transaction is for chain ${tx.chainId}, not ${this.chainId}`, {
        chainId: tx.chainId,
        expected: this.chainId,
      });
    let hash: Hex;
    let size: number;
    let json: string | undefined;
    if (meta) ({ hash, size, json } = meta);
    else {
      json = canonicalJson(tx);
      hash = sha256Hex(json);
      size = Buffer.byteLength(json, 'utf8');
    }
    if (this.byHash.has(hash))
      throw new AitbcError('DUPLICATE_NONCE', `transaction ${hash} is already pending`, {
        hash,
        reason: 'already_pending',
      });
    const q = this.queues.get(tx.from) ?? this.newQueue(tx.from);
    const pendingNonce = q.baseNonce + q.txs.length;
    if (tx.nonce < q.baseNonce)
      throw new AitbcError('BAD_NONCE', `nonce ${tx.nonce} is already used; next is ${pendingNonce}`, {
        nonce: tx.nonce,
        expected: pendingNonce,
      });
    if (tx.nonce >= q.baseNonce + this.maxPendingPerSender)
      throw new AitbcError(
        'BAD_NONCE',
        `nonce ${tx.nonce} is beyond the window: at most ${this.maxPendingPerSender} pending per sender`,
        { nonce: tx.nonce, expected: pendingNonce, reason: 'beyond_window' },
      );
    if (tx.nonce > pendingNonce)
      throw new AitbcError('BAD_NONCE', `nonce ${tx.nonce} leaves a gap; next is ${pendingNonce}`, {
        nonce: tx.nonce,
        expected: pendingNonce,
        reason: 'gap',
      });
    const fee = BigInt(tx.fee);
    const old = tx.nonce < pendingNonce ? q.txs[tx.nonce - q.baseNonce] : undefined;
    if (old && fee * 10n < old.fee * 11n)
      throw new AitbcError(
        'DUPLICATE_NONCE',
        `nonce ${tx.nonce} is pending with fee ${old.tx.fee}; a replacement needs a fee of at least 110 % of it`,
        { nonce: tx.nonce, pendingFee: old.tx.fee, pendingHash: old.hash },
      );
    this.state.checkTx(tx, { chainId: this.chainId, time: this.now() }, pendingView(q, tx.nonce, old));
    verifyTxSignature(tx, this.verify, json);
    const evicted = this.makeRoom(q, fee, old ? 0 : 1, size - (old?.size ?? 0));
    const entry: Entry = { tx, hash, size, fee, debit: txDebit(tx), seq: this.seq++, queue: q, inPool: true };
    if (this.queues.get(q.address) !== q) this.queues.set(q.address, q);
    if (old) {
      this.unqueue(q, old);
      q.txs[tx.nonce - q.baseNonce] = entry;
    } else q.txs.push(entry);
    this.enqueue(q, entry);
    if (q.txs[q.txs.length - 1] === entry) this.tails.push(entry);
    this.compactTails();
    return { hash, ...(old ? { replaced: old.hash } : {}), evicted };
  }

  /**
   * Up to `maxTxs` transactions totalling at most `maxBytes`, in proposal order: repeatedly the best
   * sender head (fee, then arrival), each sender's transactions in nonce order. A sender whose next
   * transaction does not fit is skipped from then on. Leaves the pool unchanged.
   */
  reap(limits: { maxTxs: number; maxBytes: number }): PooledTx[] {
    const cursor = new Map<SenderQueue, number>();
    const heads: Entry[] = [];
    for (const q of this.queues.values()) if (q.txs.length > 0) heads.push(q.txs[0]);
    const heap = new Heap<Entry>(byPriority, heads);
    const out: PooledTx[] = [];
    let bytes = 0;
    while (out.length < limits.maxTxs) {
      const e = heap.pop();
      if (e === undefined) break;
      if (bytes + e.size > limits.maxBytes) continue;
      out.push({ tx: e.tx, hash: e.hash, size: e.size });
      bytes += e.size;
      const next = (cursor.get(e.queue) ?? 0) + 1;
      cursor.set(e.queue, next);
      if (next < e.queue.txs.length) heap.push(e.queue.txs[next]);
    }
    return out;
  }

  /**
   * After a block commits: for every sender in it, re-reads the committed account, removes pending
   * transactions whose nonce is now used (included, or superseded by another with that nonce), and
   * drops the rest from the first one the balance no longer covers. Escrow rules are not rechecked: a
   * settlement that lost a race is still included, fails with its result code and pays its fee.
   */
  update(committed: ReadonlyArray<{ tx: SignedTx; hash: Hex }>): UpdateResult {
    const inBlock = new Set(committed.map((c) => c.hash));
    const included: Hex[] = [];
    const dropped: Hex[] = [];
    const remove = (q: SenderQueue, e: Entry): void => {
      this.unqueue(q, e);
      (inBlock.has(e.hash) ? included : dropped).push(e.hash);
    };
    for (const address of new Set(committed.map((c) => c.tx.from))) {
      const q = this.queues.get(address);
      if (!q) continue;
      const account = this.state.getAccount(address);
      const used = Math.min(Math.max(account.nonce - q.baseNonce, 0), q.txs.length);
      for (const e of q.txs.splice(0, used)) remove(q, e);
      q.baseNonce = account.nonce;
      if (q.spent > account.balance) {
        let spent = 0n;
        const over = q.txs.findIndex((e) => (spent += e.debit) > account.balance);
        if (over >= 0) for (const e of q.txs.splice(over)) remove(q, e);
      }
      if (q.txs.length === 0) this.queues.delete(address);
      else this.tails.push(q.txs[q.txs.length - 1]);
    }
    this.compactTails();
    return { included, dropped };
  }

  private newQueue(address: string): SenderQueue {
    return {
      address,
      baseNonce: this.state.getAccount(address).nonce,
      txs: [],
      spent: 0n,
      locks: new Map(),
      settlements: new Map(),
    };
  }

  /** Adds an entry's debit and escrow keys to its queue's aggregates (the caller places it in txs). */
  private enqueue(q: SenderQueue, e: Entry): void {
    q.spent += e.debit;
    const key = escrowKeyOf(e.tx);
    if (key) bump(key.lock ? q.locks : q.settlements, key.key, 1);
    this.byHash.set(e.hash, e);
    this.totalBytes += e.size;
  }

  /** Removes an entry's aggregates and index entries (the caller takes it out of txs). */
  private unqueue(q: SenderQueue, e: Entry): void {
    q.spent -= e.debit;
    const key = escrowKeyOf(e.tx);
    if (key) bump(key.lock ? q.locks : q.settlements, key.key, -1);
    this.unindex(e);
  }

  private unindex(e: Entry): void {
    e.inPool = false;
    this.byHash.delete(e.hash);
    this.totalBytes -= e.size;
  }

  private isTail(e: Entry): boolean {
    return (
      e.inPool && e.queue.txs[e.queue.txs.length - 1] === e && this.queues.get(e.queue.address) === e.queue
    );
  }

  /**
   * Frees room for `count` more transactions and `bytes` more bytes by evicting other senders' tails
   * whose fee is strictly below `fee`, lowest first. Decides before evicting anything.
   * @throws AitbcError MEMPOOL_FULL when that cannot free enough.
   */
  private makeRoom(own: SenderQueue, fee: bigint, count: number, bytes: number): Hex[] {
    let needCount = this.byHash.size + count - this.maxTxs;
    let needBytes = this.totalBytes + bytes - this.maxBytes;
    if (needCount <= 0 && needBytes <= 0) return [];
    const victims: Entry[] = [];
    const skipped: Entry[] = [];
    const chosen = new Set<Entry>();
    while (needCount > 0 || needBytes > 0) {
      const e = this.tails.pop();
      if (e === undefined) break;
      if (!this.isTail(e) || chosen.has(e)) continue;
      skipped.push(e);
      if (e.queue === own) continue;
      if (e.fee >= fee) break;
      chosen.add(e);
      victims.push(e);
      needCount -= 1;
      needBytes -= e.size;
    }
    for (const e of skipped) this.tails.push(e);
    if (needCount > 0 || needBytes > 0)
      throw new AitbcError(
        'MEMPOOL_FULL',
        `the mempool is full (${this.byHash.size} transactions, ${this.totalBytes} bytes)`,
        {
          size: this.byHash.size,
          bytes: this.totalBytes,
        },
      );
    for (const e of victims) {
      const q = e.queue;
      q.txs.pop();
      this.unqueue(q, e);
      if (q.txs.length === 0) this.queues.delete(q.address);
      else this.tails.push(q.txs[q.txs.length - 1]);
    }
    return victims.map((e) => e.hash);
  }

  /** Rebuilds the tail heap when skipped entries outnumber live ones. */
  private compactTails(): void {
    if (this.tails.size <= 2 * this.queues.size + 1024) return;
    const live: Entry[] = [];
    for (const q of this.queues.values()) if (q.txs.length > 0) live.push(q.txs[q.txs.length - 1]);
    this.tails = new Heap<Entry>(byEvictionOrder, live);
  }
}

/** The pending view for the transaction with `nonce`: everything else the sender has pending. */
function pendingView(q: SenderQueue, nonce: number, replaced: Entry | undefined): PendingView {
  const own = replaced ? escrowKeyOf(replaced.tx) : undefined;
  const without = (counts: Map<string, number>, lock: boolean) => ({
    has: (key: string): boolean =>
      (counts.get(key) ?? 0) - (own !== undefined && own.lock === lock && own.key === key ? 1 : 0) > 0,
  });
  return {
    nonce,
    spent: q.spent - (replaced?.debit ?? 0n),
    locks: without(q.locks, true),
    settlements: without(q.settlements, false),
  };
}

/** The escrow a transaction locks (by jobId) or settles (by escrow key), if any. */
function escrowKeyOf(tx: SignedTx): { lock: boolean; key: string } | undefined {
  if (tx.type === 'escrow_lock') return { lock: true, key: tx.body.jobId };
  if (tx.type === 'escrow_release' || tx.type === 'escrow_refund')
    return { lock: false, key: escrowKey(tx.body.client, tx.body.jobId) };
  return undefined;
}

function bump(counts: Map<string, number>, key: string, by: number): void {
  const n = (counts.get(key) ?? 0) + by;
  if (n > 0) counts.set(key, n);
  else counts.delete(key);
}
