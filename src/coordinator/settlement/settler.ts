/**
 * Settlement (DESIGN §8): `escrow_release` with the counter-signed receipt, or `escrow_refund`, signed by
 * the coordinator's key and pipelined from its account. The settler keeps the account's next nonce
 * itself and sends every queued settlement in one ordered JSON-RPC batch, without waiting for any commit;
 * a separate loop looks the sent ones up until they are committed.
 *
 * Crash safety: a transaction is stored as `signed` (with its nonce and hash) before it is broadcast, so
 * after a restart it is broadcast again, byte for byte (the node answers "already pending" or "already
 * committed" when it has it). Statuses: queued → signed → sent → committed | failed; a refused or lost
 * transaction goes back to queued and is re-signed with a fresh nonce.
 */
import { canonicalJson } from '../../core/canonical-json.js';
import { AitbcError, isAitbcError } from '../../core/errors.js';
import { sha256Hex } from '../../core/hash.js';
import { signTx } from '../../protocol/tx.js';
import type { SignedTx, UnsignedTx } from '../../protocol/types.js';
import type { ChainClient } from '../chain/chain-client.js';
import type { CoreOptions } from '../core.js';
import { type Effects, newEffects } from '../jobs/transitions.js';
import type { Settlement } from '../store/repo.js';
import { classifyBroadcastError, sentTxVerdict } from './outcomes.js';

/** Most settlements per broadcast batch (the mempool holds 1,024 pending per sender by default). */
const MAX_BATCH = 256;

/** What the settler needs: the shared store and chain, the key, and its own pacing. */
export type SettlerOptions = Pick<
  CoreOptions,
  'repo' | 'commit' | 'chain' | 'signer' | 'address' | 'publicKeyHex' | 'chainId' | 'now'
> & {
  fee: bigint;
  retryMs: number;
  confirmPollMs: number;
  /** announces the effects of a committed change */
  publish: (fx: Effects) => void;
};

/** Sends and follows settlement transactions; see the module comment. */
export class Settler {
  /** the account's next nonce; undefined until read from the node (and after any nonce trouble) */
  private nextNonce: number | undefined;
  private sending = false;
  private sendAgain = false;
  private confirming = false;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  /** the last problem the node reported, for /health */
  lastError: { code: string; message: string; at: number } | undefined;

  constructor(private readonly o: SettlerOptions) {}

  /** Starts the periodic send/confirm loop. */
  start(): void {
    const tick = () => {
      if (this.stopped) return;
      this.kick();
      void this.confirm().finally(() => {
        if (!this.stopped) this.timer = setTimeout(tick, this.o.confirmPollMs);
      });
    };
    this.timer = setTimeout(tick, 0);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    while (this.sending || this.confirming) await new Promise((r) => setTimeout(r, 10));
  }

  /** Sends what is queued, soon; calls while a send is in flight coalesce into one more round. */
  kick(): void {
    if (this.stopped) return;
    if (this.sending) {
      this.sendAgain = true;
      return;
    }
    this.sending = true;
    void this.sendRounds().finally(() => {
      this.sending = false;
    });
  }

  private async sendRounds(): Promise<void> {
    do {
      this.sendAgain = false;
      try {
        while (!this.stopped && (await this.sendOnce())) {
          // keep going while full batches remain
        }
      } catch (e) {
        this.noteError(e);
      }
    } while (this.sendAgain && !this.stopped);
  }

  /** One round: re-broadcast signed ones, then sign and send queued ones. Returns true to go again. */
  private async sendOnce(): Promise<boolean> {
    const { repo } = this.o;
    const signed = repo.settlementsWithStatus('signed', MAX_BATCH);
    if (signed.length > 0) {
      const progressed = await this.broadcast(signed);
      return progressed && signed.length === MAX_BATCH;
    }
    const queued = repo.queuedSettlements(this.o.now(), MAX_BATCH);
    if (queued.length === 0) return false;
    if (this.nextNonce === undefined)
      this.nextNonce = (await this.o.chain.getAccount(this.o.address)).pendingNonce;
    const first = this.nextNonce;
    const prepared = await this.o.commit.run(() => {
      const now = this.o.now();
      const out: Settlement[] = [];
      for (const s of queued) {
        let tx: SignedTx;
        try {
          tx = this.build(s, first + out.length);
        } catch (e) {
          repo.saveSettlement({
            ...s,
            status: 'failed',
            errorCode: 'INTERNAL',
            log: String((e as Error).message),
            updatedAt: now,
          });
          continue;
        }
        const json = canonicalJson(tx);
        const next: Settlement = {
          ...s,
          status: 'signed',
          nonce: tx.nonce,
          tx: json,
          // txHash(tx) = SHA-256 of this very JCS text: computed once.
          txHash: sha256Hex(json),
          attempts: s.attempts + 1,
          updatedAt: now,
        };
        repo.saveSettlement(next);
        out.push(next);
      }
      return out;
    });
    this.nextNonce = first + prepared.length;
    if (prepared.length === 0) return queued.length === MAX_BATCH;
    await this.broadcast(prepared);
    return queued.length === MAX_BATCH;
  }

  /** The settlement transaction for `s` with `nonce`. */
  private build(s: Settlement, nonce: number): SignedTx {
    const base = {
      chainId: this.o.chainId,
      from: this.o.address,
      pubkey: this.o.publicKeyHex,
      nonce,
      fee: this.o.fee.toString(),
    };
    let unsigned: UnsignedTx;
    if (s.kind === 'release') {
      const receipt = this.o.repo.receiptOfJob(s.jobId);
      if (receipt === undefined)
        throw new AitbcError('INTERNAL', `job ${s.jobId} has no receipt to release with`);
      unsigned = { ...base, type: 'escrow_release', body: { client: s.client, jobId: s.jobId, receipt } };
    } else unsigned = { ...base, type: 'escrow_refund', body: { client: s.client, jobId: s.jobId } };
    return signTx(unsigned, this.o.signer);
  }

  /**
   * Broadcasts signed settlements in nonce order and records each outcome. Returns false when the node
   * could not be reached (they stay `signed` and go out again next round).
   */
  private async broadcast(items: Settlement[]): Promise<boolean> {
    const txs = items.map((s) => JSON.parse(s.tx as string) as SignedTx);
    let outcomes: Awaited<ReturnType<ChainClient['broadcast']>>;
    try {
      outcomes = await this.o.chain.broadcast(txs);
    } catch (e) {
      this.noteError(e);
      this.nextNonce = undefined;
      return false;
    }
    const fx = newEffects();
    const followUps: Settlement[] = [];
    await this.o.commit.run(() => {
      const now = this.o.now();
      let broken = false;
      items.forEach((s, i) => {
        const o = outcomes[i];
        const next: Settlement = { ...s, updatedAt: now };
        if (broken) {
          // After a refusal the later nonces are gaps: re-sign them with fresh nonces.
          Object.assign(next, requeued(now));
        } else if (o.ok) {
          next.status = 'sent';
        } else {
          const verdict = classifyBroadcastError(o.error);
          if (verdict.kind === 'sent') next.status = 'sent';
          else {
            broken = true;
            this.noteError(o.error);
            if (verdict.kind === 'fail') {
              next.status = 'failed';
              next.errorCode = o.error.code;
              next.log = o.error.message;
              followUps.push(next);
            } else Object.assign(next, requeued(verdict.kind === 'retry' ? now + this.o.retryMs : now));
          }
        }
        this.o.repo.saveSettlement(next);
        if (next.status === 'failed' || next.status === 'sent') {
          fx.stream.push({ jobId: s.jobId, event: streamEvent(next) });
          fx.events.push(serviceEvent(next));
        }
      });
      if (broken) this.nextNonce = undefined;
    });
    this.o.publish(fx);
    for (const s of followUps) await this.afterFailure(s);
    return true;
  }

  /**
   * Follows sent settlements: the account's nonces say which were included (only those are looked up
   * with `get_tx`, to record their height and result code), which the node dropped (broadcast again) and
   * which are still pending.
   */
  async confirm(): Promise<void> {
    if (this.confirming || this.stopped) return;
    this.confirming = true;
    try {
      // The list is read before the account, so a settlement sent meanwhile is not taken for dropped.
      const sent = this.o.repo.settlementsWithStatus('sent', 5_000);
      if (sent.length === 0) return;
      const account = await this.o.chain.getAccount(this.o.address);
      const included = sent.filter((s) => sentTxVerdict(s.nonce as number, account) === 'lookup');
      const dropped = sent.filter((s) => sentTxVerdict(s.nonce as number, account) === 'rebroadcast');
      if (included.length === 0 && dropped.length === 0) return;
      const found = await this.o.chain.getTxs(included.map((s) => s.txHash as string));
      const fx = newEffects();
      const failed: Settlement[] = [];
      await this.o.commit.run(() => {
        const now = this.o.now();
        const save = (next: Settlement) => {
          this.o.repo.saveSettlement(next);
          if (next.status === 'committed' || next.status === 'failed') {
            fx.stream.push({ jobId: next.jobId, event: streamEvent(next) });
            fx.events.push(serviceEvent(next));
          }
        };
        included.forEach((s, i) => {
          const t = found[i];
          if (t === undefined || t.height === undefined) {
            // Its nonce went to another transaction: sign it again with a fresh one.
            save({ ...s, ...requeued(now), updatedAt: now });
            return;
          }
          const next: Settlement = { ...s, height: t.height, code: t.code ?? 0, updatedAt: now };
          if (next.code === 0) next.status = 'committed';
          else {
            next.status = 'failed';
            next.log = t.log;
            failed.push(next);
          }
          save(next);
        });
        for (const s of dropped) save({ ...s, status: 'signed', updatedAt: now });
      });
      const lost = dropped.length > 0 || included.some((_, i) => found[i]?.height === undefined);
      if (lost) this.nextNonce = undefined;
      this.o.publish(fx);
      for (const s of failed) await this.afterFailure(s);
      if (lost) this.kick();
    } catch (e) {
      this.noteError(e);
    } finally {
      this.confirming = false;
    }
  }

  /**
   * A release the chain refused (expired, or anything else) leaves the client's money locked: when the
   * escrow is still locked, queue a refund instead, which the coordinator may send at any time.
   */
  private async afterFailure(s: Settlement): Promise<void> {
    if (s.kind !== 'release') return;
    let escrow: Awaited<ReturnType<ChainClient['getEscrow']>>;
    try {
      escrow = await this.o.chain.getEscrow(s.client, s.jobId);
    } catch (e) {
      this.noteError(e);
      return;
    }
    if (escrow?.status !== 'locked' || escrow.coordinator !== this.o.address) return;
    await this.o.commit.run(() => this.o.repo.insertSettlement(s.jobId, 'refund', s.client, this.o.now()));
    this.kick();
  }

  private noteError(e: unknown): void {
    const err = isAitbcError(e) ? e : new AitbcError('INTERNAL', String((e as Error)?.message ?? e));
    this.lastError = { code: err.code, message: err.message, at: this.o.now() };
  }
}

function requeued(nextAttemptAt: number): Partial<Settlement> {
  return { status: 'queued', nonce: undefined, tx: undefined, txHash: undefined, nextAttemptAt };
}

function streamEvent(s: Settlement) {
  return {
    type: 'settlement' as const,
    kind: s.kind,
    status: s.status,
    ...(s.txHash !== undefined ? { txHash: s.txHash } : {}),
    ...(s.height !== undefined ? { height: s.height } : {}),
  };
}

function serviceEvent(s: Settlement) {
  return {
    type: 'settlement' as const,
    jobId: s.jobId,
    kind: s.kind,
    status: s.status,
    ...(s.txHash !== undefined ? { txHash: s.txHash } : {}),
    ...(s.height !== undefined ? { height: s.height } : {}),
    ...(s.code !== undefined ? { code: s.code } : {}),
    ...(s.log !== undefined ? { log: s.log } : {}),
  };
}
