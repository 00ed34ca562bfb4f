/**
 * One hosted chain: its database, committed state, mempool and the block application the consensus
 * engine drives (DESIGN §7). It admits transactions (WRONG_CHAIN before the mempool), builds candidate
 * blocks on an in-memory overlay of the state, stores a block with its commit and every state change in
 * one SQLite transaction, and only then tells the mempool, the waiting callers and the subscribers.
 * It answers the RPC's questions about this chain from committed data only.
 */

import { canonicalJson } from '../../core/canonical-json.js';
import { AitbcError } from '../../core/errors.js';
import { fromHex, utf8 } from '../../core/hex.js';
import { SIGN_DOMAINS } from '../../core/sign-bytes.js';
import { CachedVerifier } from '../../crypto/cached-verifier.js';
import type { FastVerifier } from '../../crypto/ed25519.js';
import type { SigCheck, VerifyPool } from '../../crypto/verify-pool.js';
import { blockHash, resultsRoot, txRoot, validatorsHash } from '../../protocol/block.js';
import { commitHash } from '../../protocol/commit.js';
import { genesisHash } from '../../protocol/genesis.js';
import { receiptSigChecks } from '../../protocol/receipt.js';
import { type DecodedTx, decodeTx, signTx, txAddresses, txSignBytes } from '../../protocol/tx.js';
import type {
  BlockHeader,
  ChainParams,
  Commit,
  Genesis,
  GenesisValidator,
  SignedTx,
  TxResult,
  VerifyFn,
} from '../../protocol/types.js';
import type { Candidate, ChainTip, ConsensusApp, ConsensusEngine } from '../consensus/engine.js';
import { type FaucetRateLimiter, faucetAmount } from '../faucet.js';
import type { NodeKey } from '../keys.js';
import { Mempool } from '../mempool/mempool.js';
import { ChainState } from '../state/chain-state.js';
import { type ChainDb, openChainDb } from '../store/chain-db.js';
import {
  OverlayNodeStore,
  OverlayStateStore,
  SqliteNodeStore,
  SqliteStateStore,
} from '../store/state-backend.js';
import { blockInfoText, isoTime, pageText, txInfoText } from './views.js';

export type WaitMode = 'none' | 'accepted' | 'committed';

/** A block as it was committed, for subscribers and the daemon's event stream. */
export interface CommittedBlock {
  chainId: string;
  height: number;
  hash: string;
  header: BlockHeader;
  txs: ReadonlyArray<{ tx: SignedTx; hash: string; json: string; result: TxResult; addresses: string[] }>;
  commit: Commit;
  lastCommit: Commit | null;
}

/** The faucet as this chain runs it. */
export interface FaucetSetup {
  key: NodeKey;
  maxPerRequest: bigint;
  limiter: FaucetRateLimiter;
  /** Why faucet requests are refused on this node, when they are (a public RPC bind). */
  refusal?: string;
}

export interface ChainNodeOptions {
  genesis: Genesis;
  dbFile: string;
  verifier: FastVerifier;
  faucet?: FaucetSetup;
  /** The clock, unix ms (admission's escrow windows, faucet rate limits). */
  now?: () => number;
  /** How long `wait: committed` waits before TIMEOUT. */
  commitWaitMs?: number;
  mempoolMaxTxs?: number;
  mempoolMaxBytes?: number;
  /** Worker threads for admission's signature checks; without one they run on this thread. */
  verifyPool?: VerifyPool;
  /** Told the error code of every transaction refused at admission (metrics). */
  onRefused?: (code: string) => void;
}

/** A transaction waiting for its signature check, then for its turn at the mempool. */
interface Admission {
  decoded: DecodedTx;
  wait: WaitMode;
  /** set once the workers are done with its signatures (or failed: then this thread checks) */
  checked?: boolean;
  resolve: (v: Promise<Record<string, unknown>> | Record<string, unknown>) => void;
  reject: (e: unknown) => void;
}

/**
 * The signature check of a decoded transaction. JCS orders members by key (…, pubkey, sig, type), so
 * the signed text minus its top-level sig member is exactly JCS of the unsigned transaction: the sign
 * bytes come without a second canonicalisation.
 */
function txSigCheck(d: DecodedTx): SigCheck {
  const marker = `,"sig":"${d.tx.sig}",`;
  const at = d.json.lastIndexOf(marker);
  const exact = at >= 0 && d.json.startsWith('"type":', at + marker.length);
  const msg = exact
    ? utf8(`${SIGN_DOMAINS.tx}\n${d.json.slice(0, at + 1)}${d.json.slice(at + marker.length)}`)
    : txSignBytes(d.tx);
  return { sig: fromHex(d.tx.sig, 64), msg, pub: fromHex(d.tx.pubkey, 32) };
}

/** Every signature in a transaction: its own, and an escrow_release's receipt's two. */
function sigChecksOf(d: DecodedTx): SigCheck[] {
  const own = txSigCheck(d);
  if (d.tx.type !== 'escrow_release') return [own];
  return [own, ...receiptSigChecks((d.tx.body as { receipt?: unknown }).receipt)];
}

interface Waiter {
  resolve: (info: unknown) => void;
  reject: (e: unknown) => void;
  timer: NodeJS.Timeout;
}

/** The private part of a candidate: its overlays and transactions' stored forms. */
interface CandidateWork {
  stateOverlay: OverlayStateStore;
  nodeOverlay: OverlayNodeStore;
  pooled: Array<{ tx: SignedTx; hash: string; json: string }>;
  lastCommit: Commit | null;
}

const HEADER_ALLOWANCE_BYTES = 16 * 1024;

export class ChainNode implements ConsensusApp {
  readonly chainId: string;
  readonly genesis: Genesis;
  readonly genesisHash: string;
  readonly params: ChainParams;
  readonly db: ChainDb;
  /** The engine driving this chain (set by the daemon), nudged when transactions arrive. */
  engine?: ConsensusEngine;
  private readonly verify: VerifyFn;
  private readonly verifyPool?: VerifyPool;
  private readonly onRefused?: (code: string) => void;
  /** Admissions in arrival order; each enters the mempool only after every earlier one. */
  private readonly admissions: Admission[] = [];
  /** Signatures verified already (by the workers at admission, or here), so none is checked twice. */
  private readonly sigs: CachedVerifier;
  private readonly sqliteState: SqliteStateStore;
  private readonly sqliteNodes: SqliteNodeStore;
  private readonly committed: ChainState;
  private readonly mempool: Mempool;
  private readonly now: () => number;
  private readonly commitWaitMs: number;
  private readonly faucet?: FaucetSetup;
  private readonly validatorSet: GenesisValidator[];
  private readonly valsHash: string;
  private tipCache: ChainTip;
  private lastCommit: Commit | null;
  private readonly work = new WeakMap<Candidate, CandidateWork>();
  /** JCS text of pending transactions by hash (what is stored when they are included). */
  private readonly pendingJson = new Map<string, string>();
  private readonly waiters = new Map<string, Waiter[]>();
  private readonly listeners: Array<(b: CommittedBlock) => void> = [];
  private readonly lastSigned = new Map<string, { height: number; time: number }>();
  private committedTxs = 0;

  private constructor(opts: ChainNodeOptions, db: ChainDb) {
    this.genesis = opts.genesis;
    this.chainId = opts.genesis.chainId;
    this.genesisHash = genesisHash(opts.genesis);
    this.db = db;
    this.sigs = new CachedVerifier(opts.verifyPool, opts.verifier);
    this.verify = this.sigs.verify;
    this.verifyPool = opts.verifyPool;
    this.onRefused = opts.onRefused;
    this.now = opts.now ?? Date.now;
    this.commitWaitMs = opts.commitWaitMs ?? 60_000;
    this.faucet = opts.faucet;
    this.sqliteState = new SqliteStateStore(db);
    this.sqliteNodes = new SqliteNodeStore(db);
    this.committed = new ChainState({
      state: this.sqliteState,
      nodes: this.sqliteNodes,
      verify: this.verify,
    });
    this.initialise();
    this.params = this.committed.getParams();
    this.validatorSet = this.committed.getValidators();
    this.valsHash = validatorsHash(this.validatorSet);
    this.mempool = new Mempool({
      state: this.committed,
      chainId: this.chainId,
      verify: this.verify,
      now: this.now,
      maxPendingPerSender: this.params.maxPendingPerSender,
      ...(opts.mempoolMaxTxs === undefined ? {} : { maxTxs: opts.mempoolMaxTxs }),
      ...(opts.mempoolMaxBytes === undefined ? {} : { maxBytes: opts.mempoolMaxBytes }),
    });
    const height = db.latestHeight();
    const row = height === 0 ? undefined : db.blockByHeight(height);
    this.tipCache =
      row === undefined
        ? { height: 0, time: this.genesis.time, hash: this.genesisHash }
        : { height: row.height, time: row.time, hash: row.hash };
    this.lastCommit = row === undefined ? null : (JSON.parse(row.block_commit) as Commit);
    if (this.lastCommit !== null) this.noteSigners(this.lastCommit);
  }

  /**
   * Opens a chain's database and, on first use, writes its genesis state.
   * @throws AitbcError CONFIG when the database belongs to another genesis.
   */
  static open(opts: ChainNodeOptions): ChainNode {
    const db = openChainDb(opts.dbFile);
    try {
      return new ChainNode(opts, db);
    } catch (e) {
      db.close();
      throw e;
    }
  }

  private initialise(): void {
    const stored = this.db.getMeta('genesisHash');
    if (stored === undefined) {
      this.db.transaction(() => {
        const root = this.committed.initGenesis(this.genesis);
        this.db.setMeta('genesisHash', this.genesisHash);
        this.db.setMeta('chainId', this.chainId);
        this.db.setMeta('genesisStateRoot', root);
      });
    } else if (stored !== this.genesisHash) {
      throw new AitbcError(
        'CONFIG',
        `the database of chain ${this.chainId} was made from another genesis (${stored}); genesis.json hashes to ${this.genesisHash}`,
        { chainId: this.chainId, stored, genesisHash: this.genesisHash },
      );
    }
  }

  close(): void {
    for (const [, ws] of this.waiters) for (const w of ws) clearTimeout(w.timer);
    this.waiters.clear();
    this.db.close();
  }

  /** Called with every committed block, after its SQLite transaction has committed. */
  onCommit(listener: (b: CommittedBlock) => void): void {
    this.listeners.push(listener);
  }

  // ---- ConsensusApp ----

  validators(): readonly GenesisValidator[] {
    return this.validatorSet;
  }

  tip(): ChainTip {
    return this.tipCache;
  }

  hasPendingTxs(): boolean {
    return this.mempool.size > 0;
  }

  buildCandidate(height: number, time: number, proposer: string): Candidate {
    const reaped = this.mempool.reap({
      maxTxs: this.params.maxBlockTxs,
      maxBytes: this.params.maxBlockBytes - HEADER_ALLOWANCE_BYTES,
    });
    const stateOverlay = new OverlayStateStore(this.sqliteState);
    const nodeOverlay = new OverlayNodeStore(this.sqliteNodes);
    const exec = new ChainState({ state: stateOverlay, nodes: nodeOverlay, verify: this.verify });
    const ctx = { chainId: this.chainId, height, time, proposer };
    const pooled: CandidateWork['pooled'] = [];
    const results: TxResult[] = [];
    for (const p of reaped) {
      let result: TxResult;
      try {
        result = exec.applyTx(p.tx, ctx);
      } catch {
        // Not includable any more (its nonce or fee funds went to an earlier transaction): it wrote
        // nothing, and the mempool's update after this block drops it.
        continue;
      }
      pooled.push({ tx: p.tx, hash: p.hash, json: this.pendingJson.get(p.hash) ?? canonicalJson(p.tx) });
      results.push(result);
    }
    const stateRoot = exec.stateRoot();
    const lastCommit = height === 1 ? null : this.lastCommit;
    const header: BlockHeader = {
      version: 1,
      chainId: this.chainId,
      height,
      time,
      prevHash: this.tipCache.hash,
      txRoot: txRoot(pooled.map((p) => p.hash)),
      stateRoot,
      resultsRoot: resultsRoot(results),
      validatorsHash: this.valsHash,
      nextValidatorsHash: this.valsHash,
      proposer,
      lastCommitHash: lastCommit === null ? '' : commitHash(lastCommit),
    };
    const candidate: Candidate = { header, hash: blockHash(header), txs: pooled.map((p) => p.tx), results };
    this.work.set(candidate, { stateOverlay, nodeOverlay, pooled, lastCommit });
    return candidate;
  }

  commitCandidate(candidate: Candidate, commit: Commit): void {
    const w = this.work.get(candidate);
    if (w === undefined) throw new AitbcError('INTERNAL', 'unknown candidate block');
    const { header } = candidate;
    if (header.height !== this.tipCache.height + 1 || header.prevHash !== this.tipCache.hash)
      throw new AitbcError(
        'INTERNAL',
        `candidate ${header.height} does not extend the tip ${this.tipCache.height}`,
      );
    const stored = w.pooled.map((p, i) => ({
      hash: p.hash,
      tx: p.json,
      code: candidate.results[i].code,
      log: candidate.results[i].log,
      addresses: txAddresses(p.tx),
    }));
    this.db.transaction(() => {
      this.db.putBlock({
        height: header.height,
        hash: candidate.hash,
        time: header.time,
        header: canonicalJson(header),
        lastCommit: w.lastCommit === null ? null : canonicalJson(w.lastCommit),
        commit: canonicalJson(commit),
        txs: stored,
      });
      w.stateOverlay.flushInto(this.sqliteState);
      w.nodeOverlay.flushInto(this.sqliteNodes);
    });
    // Committed: from here on it may be reported.
    this.work.delete(candidate);
    this.tipCache = { height: header.height, time: header.time, hash: candidate.hash };
    this.lastCommit = commit;
    this.noteSigners(commit);
    this.committedTxs += stored.length;
    const { dropped } = this.mempool.update(w.pooled);
    for (const p of w.pooled) this.pendingJson.delete(p.hash);
    for (const h of dropped)
      this.forget(
        h,
        new AitbcError(
          'TX_FAILED',
          `transaction ${h} was dropped from the mempool: its sender's nonce or funds were used by another transaction`,
          { hash: h },
        ),
      );
    const block: CommittedBlock = {
      chainId: this.chainId,
      height: header.height,
      hash: candidate.hash,
      header,
      txs: w.pooled.map((p, i) => ({ ...p, result: candidate.results[i], addresses: stored[i].addresses })),
      commit,
      lastCommit: w.lastCommit,
    };
    for (let i = 0; i < stored.length; i++) {
      const ws = this.waiters.get(stored[i].hash);
      if (ws === undefined) continue;
      this.waiters.delete(stored[i].hash);
      const info = this.txResultObject(block, i);
      for (const x of ws) {
        clearTimeout(x.timer);
        x.resolve(info);
      }
    }
    for (const l of this.listeners) l(block);
  }

  discardCandidate(candidate: Candidate): void {
    const w = this.work.get(candidate);
    if (w === undefined) return;
    w.stateOverlay.discard();
    w.nodeOverlay.discard();
    this.work.delete(candidate);
  }

  // ---- transactions in ----

  /**
   * Admits a transaction given as a JSON value and answers per `wait`: `none` and `accepted` once it is
   * in the mempool, `committed` once its block is stored (with its height, index and result).
   * @throws AitbcError with the broken rule's code; WRONG_CHAIN before the mempool is consulted.
   */
  broadcast(value: unknown, wait: WaitMode): Promise<Record<string, unknown>> | Record<string, unknown> {
    let decoded: DecodedTx;
    try {
      decoded = decodeTx(value, { maxTxBytes: this.params.maxTxBytes });
      if (decoded.tx.chainId !== this.chainId)
        throw new AitbcError(
          'WRONG_CHAIN',
          `transaction is for chain ${decoded.tx.chainId}; this is ${this.chainId}`,
          {
            chainId: decoded.tx.chainId,
            expected: this.chainId,
          },
        );
    } catch (e) {
      this.onRefused?.((e as AitbcError).code ?? 'INTERNAL');
      throw e;
    }
    if (this.verifyPool === undefined) return this.admitCounted(decoded, wait);
    return new Promise((resolve, reject) => {
      const a: Admission = { decoded, wait, resolve, reject };
      this.admissions.push(a);
      // Everything that arrives in this turn of the event loop (a batch request) goes to the workers as
      // one message; the signatures that verify are remembered, so the rules find them verified (a bad
      // one is checked again on this thread, which refuses it with the rule's own error).
      void this.sigs.preverify(sigChecksOf(decoded)).then(() => {
        a.checked = true;
        this.drainAdmissions();
      });
    });
  }

  /** Admits verified transactions in arrival order, stopping at the first still being checked. */
  private drainAdmissions(): void {
    while (this.admissions.length > 0 && this.admissions[0].checked === true) {
      const a = this.admissions.shift() as Admission;
      try {
        a.resolve(this.admitCounted(a.decoded, a.wait));
      } catch (e) {
        a.reject(e);
      }
    }
  }

  private admitCounted(
    d: DecodedTx,
    wait: WaitMode,
  ): Promise<Record<string, unknown>> | Record<string, unknown> {
    try {
      return this.admit(d.tx, d.hash, d.size, d.json, wait);
    } catch (e) {
      this.onRefused?.((e as AitbcError).code ?? 'INTERNAL');
      throw e;
    }
  }

  private admit(
    tx: SignedTx,
    hash: string,
    size: number,
    json: string,
    wait: WaitMode,
  ): Promise<Record<string, unknown>> | Record<string, unknown> {
    let added: ReturnType<Mempool['add']>;
    try {
      added = this.mempool.add(tx, { hash, size });
    } catch (e) {
      // A replay fails on its used nonce; say so plainly (looked up only on this error path).
      const row = (e as AitbcError).code === 'BAD_NONCE' ? this.db.txByHash(hash) : undefined;
      if (row !== undefined)
        throw new AitbcError(
          'BAD_NONCE',
          `transaction ${hash} is already committed at height ${row.height}`,
          {
            hash,
            height: row.height,
            nonce: tx.nonce,
            reason: 'replayed',
          },
        );
      throw e;
    }
    this.pendingJson.set(hash, json);
    if (added.replaced !== undefined) {
      this.pendingJson.delete(added.replaced);
      this.forget(
        added.replaced,
        new AitbcError('TX_FAILED', `transaction ${added.replaced} was replaced by ${hash} (higher fee)`, {
          hash: added.replaced,
          replacedBy: hash,
        }),
      );
    }
    for (const h of added.evicted) {
      this.pendingJson.delete(h);
      this.forget(
        h,
        new AitbcError('MEMPOOL_FULL', `transaction ${h} was evicted from a full mempool by a higher fee`, {
          hash: h,
        }),
      );
    }
    this.engine?.onTxsAvailable();
    if (wait === 'committed') return this.waitFor(hash);
    return {
      hash,
      status: 'accepted',
      ...(added.replaced === undefined ? {} : { replaced: added.replaced }),
    };
  }

  private waitFor(hash: string): Promise<Record<string, unknown>> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.forget(
          hash,
          new AitbcError(
            'TIMEOUT',
            `transaction ${hash} was not committed within ${this.commitWaitMs / 1000} s`,
            { hash },
          ),
        );
      }, this.commitWaitMs);
      const list = this.waiters.get(hash) ?? [];
      list.push({ resolve: resolve as (v: unknown) => void, reject, timer });
      this.waiters.set(hash, list);
    });
  }

  /** Fails everyone waiting for `hash` (dropped, replaced, evicted, timed out). */
  private forget(hash: string, error: unknown): void {
    const ws = this.waiters.get(hash);
    if (ws === undefined) return;
    this.waiters.delete(hash);
    for (const w of ws) {
      clearTimeout(w.timer);
      w.reject(error);
    }
  }

  private txResultObject(block: CommittedBlock, index: number): Record<string, unknown> {
    const t = block.txs[index];
    return {
      hash: t.hash,
      status: 'committed',
      height: block.height,
      index,
      code: t.result.code,
      log: t.result.log,
      time: block.header.time,
      timeIso: isoTime(block.header.time),
    };
  }

  // ---- faucet ----

  /**
   * Pays `amount` (default the cap) from the faucet to `address` with a transfer signed by the faucet
   * key, through the mempool like any transaction.
   * @throws AitbcError NO_FAUCET | FORBIDDEN (public RPC) | RATE_LIMITED | INVALID_AMOUNT | the transfer's rule codes.
   */
  requestFaucet(
    address: string,
    amount: bigint | undefined,
    wait: WaitMode,
  ): Promise<Record<string, unknown>> | Record<string, unknown> {
    const f = this.faucet;
    if (f === undefined)
      throw new AitbcError('NO_FAUCET', `chain ${this.chainId} has no faucet`, { chainId: this.chainId });
    if (f.refusal !== undefined) throw new AitbcError('FORBIDDEN', f.refusal, { chainId: this.chainId });
    const pay = faucetAmount(amount, f.maxPerRequest);
    f.limiter.take(address, this.now());
    const tx = signTx(
      {
        chainId: this.chainId,
        type: 'transfer',
        from: f.key.address,
        pubkey: f.key.publicKeyHex,
        nonce: this.mempool.pendingNonce(f.key.address),
        fee: this.params.minFee,
        body: { to: address, amount: pay.toString() },
      },
      f.key.signer,
    );
    const decoded = decodeTx(tx, { maxTxBytes: this.params.maxTxBytes });
    const out = this.admit(tx, decoded.hash, decoded.size, decoded.json, wait);
    const extra = { address, amount: pay.toString(), from: f.key.address };
    return out instanceof Promise ? out.then((r) => ({ ...r, ...extra })) : { ...out, ...extra };
  }

  // ---- queries (committed data only) ----

  /** Counters and gauges for /metrics. */
  stats(): { height: number; mempoolTxs: number; committedTxs: number } {
    return { height: this.tipCache.height, mempoolTxs: this.mempool.size, committedTxs: this.committedTxs };
  }

  status(): Record<string, unknown> {
    const tip = this.tipCache;
    return {
      chainId: this.chainId,
      genesisHash: this.genesisHash,
      height: tip.height,
      ...(tip.height === 0
        ? {}
        : { latestBlockHash: tip.hash, latestBlockTime: tip.time, latestBlockTimeIso: isoTime(tip.time) }),
      genesisTime: this.genesis.time,
      validators: this.validatorSet.map((v) => {
        const s = this.lastSigned.get(v.address);
        return {
          ...v,
          ...(s === undefined
            ? {}
            : { lastSignedHeight: s.height, lastSignedTime: s.time, lastSignedTimeIso: isoTime(s.time) }),
        };
      }),
      mempoolTxs: this.mempool.size,
      params: this.params,
      faucet: this.genesis.faucet ?? null,
    };
  }

  /** A stored block by height or hash (latest when neither), as raw JSON text. */
  blockText(at: { height?: number; hash?: string }): string {
    const row =
      at.hash !== undefined
        ? this.db.blockByHash(at.hash)
        : this.db.blockByHeight(at.height ?? this.tipCache.height);
    if (row === undefined) {
      const which = at.hash !== undefined ? `hash ${at.hash}` : `height ${at.height ?? this.tipCache.height}`;
      throw new AitbcError(
        'BLOCK_NOT_FOUND',
        `no block at ${which} on ${this.chainId} (height ${this.tipCache.height})`,
        {
          ...at,
          chainId: this.chainId,
          latestHeight: this.tipCache.height,
        },
      );
    }
    return blockInfoText(row, this.db.blockTxs(row.height));
  }

  /**
   * A page of blocks from `from` (default: latest for desc, 1 for asc), as raw JSON text.
   * The cursor is the next height to read.
   */
  blocksText(opts: { from?: number; limit: number; order: 'asc' | 'desc' }): string {
    const from = opts.from ?? (opts.order === 'desc' ? this.tipCache.height : 1);
    const rows = this.db.blocks(from, opts.limit, opts.order);
    const texts = rows.map((r) => blockInfoText(r, this.db.blockTxs(r.height)));
    const last = rows[rows.length - 1];
    const next = last === undefined ? undefined : opts.order === 'desc' ? last.height - 1 : last.height + 1;
    const more =
      next !== undefined && next >= 1 && next <= this.tipCache.height && rows.length === opts.limit;
    return pageText(texts, more ? String(next) : undefined);
  }

  /** A transaction: committed (with height, index, result) or pending. */
  txText(hash: string): string {
    const row = this.db.txByHash(hash);
    if (row !== undefined) return txInfoText(row, this.db.blockByHeight(row.height)?.time ?? 0);
    const pending = this.mempool.get(hash);
    if (pending !== undefined) return JSON.stringify({ tx: pending, hash, status: 'pending' });
    throw new AitbcError('TX_NOT_FOUND', `no transaction ${hash} on ${this.chainId}`, {
      hash,
      chainId: this.chainId,
    });
  }

  /**
   * Committed transactions touching `address`, newest first. The cursor is `<height>:<index>` of the
   * last one returned.
   * @throws AitbcError INVALID_INPUT for a malformed cursor.
   */
  txsText(address: string, limit: number, cursor?: string): string {
    let before: { height: number; idx: number } | undefined;
    if (cursor !== undefined) {
      const m = /^([0-9]{1,15}):([0-9]{1,9})$/.exec(cursor);
      if (!m)
        throw new AitbcError('INVALID_INPUT', 'cursor must be "<height>:<index>" from a previous page', {
          cursor,
        });
      before = { height: Number(m[1]), idx: Number(m[2]) };
    }
    const rows = this.db.txsByAddress(address, limit, before);
    const times = new Map<number, number>();
    const texts = rows.map((r) => {
      let t = times.get(r.height);
      if (t === undefined) {
        t = this.db.blockByHeight(r.height)?.time ?? 0;
        times.set(r.height, t);
      }
      return txInfoText(r, t);
    });
    const last = rows[rows.length - 1];
    return pageText(
      texts,
      rows.length === limit && last !== undefined ? `${last.height}:${last.idx}` : undefined,
    );
  }

  account(address: string): {
    address: string;
    balance: string;
    nonce: number;
    pendingNonce: number;
    height: number;
  } {
    const a = this.committed.getAccount(address);
    return {
      address,
      balance: a.balance.toString(),
      nonce: a.nonce,
      pendingNonce: this.mempool.pendingNonce(address),
      height: this.tipCache.height,
    };
  }

  escrow(client: string, jobId: string): Record<string, unknown> {
    const e = this.committed.getEscrow(client, jobId);
    if (e === undefined)
      throw new AitbcError('ESCROW_NOT_FOUND', `no escrow ${jobId} of ${client} on ${this.chainId}`, {
        client,
        jobId,
      });
    return { ...e, expiresAtIso: isoTime(e.expiresAt), height: this.tipCache.height };
  }

  /** Σ balances + Σ locked + burned against the genesis supply, on committed state. */
  conservation(): ReturnType<ChainState['checkConservation']> {
    return this.committed.checkConservation();
  }

  private noteSigners(commit: Commit): void {
    commit.sigs.forEach((s, i) => {
      if (s !== null)
        this.lastSigned.set(this.validatorSet[i].address, { height: commit.height, time: s.time });
    });
  }
}
