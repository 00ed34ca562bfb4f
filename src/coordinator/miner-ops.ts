/**
 * What miners do (DESIGN §8): register a capability record, heart-beat (renewing their leases and
 * learning which jobs to stop), stream tokens, deliver results with their half of the receipt, and
 * report failures. A miner reports only on jobs leased to it; anything else is FORBIDDEN.
 */
import { AitbcError } from '../core/errors.js';
import { isLowerHex } from '../core/hex.js';
import { readObject, readString, readUint } from '../protocol/fields.js';
import type { VerifiedRequest } from '../protocol/signed-request.js';
import { REQUEST_MAX_SKEW_MS } from '../protocol/signed-request.js';
import type { Core } from './core.js';
import { endErrorCode, isTerminal, type Job, LEASED_STATES } from './jobs/job.js';
import { finish, loseLease, start, type TxContext } from './jobs/transitions.js';
import { type Capability, parseCapability } from './miners/capability.js';
import { checkMinerResult, counterSign, minerSigCheck } from './receipts/result-check.js';
import type { MinerRecord } from './store/repo.js';

/** Longest token text one progress call may carry, in UTF-8 bytes. */
const MAX_TOKEN_BYTES = 64 * 1024;
/** Most tokens one progress call may carry. */
const MAX_TOKENS_PER_CALL = 4_096;

/** The registered miner calling. @throws AitbcError MINER_NOT_FOUND (register first) */
export function requireMiner(ctx: TxContext, address: string): MinerRecord {
  const m = ctx.repo.getMiner(address);
  if (m === undefined)
    throw new AitbcError(
      'MINER_NOT_FOUND',
      `miner ${address} is not registered: POST /v1/miners/register first`,
      {
        miner: address,
      },
    );
  return m;
}

/**
 * The job, if it is leased to `miner`. A job that ended while this miner held it answers with the
 * waiting code (JOB_CANCELED, JOB_EXPIRED, JOB_FAILED: stop and drop it); any other job is FORBIDDEN.
 * @throws AitbcError JOB_NOT_FOUND | FORBIDDEN | JOB_CANCELED | JOB_EXPIRED | JOB_FAILED
 */
export function leasedTo(ctx: TxContext, jobId: string, miner: string): Job {
  const job = ctx.repo.getJob(jobId);
  if (job === undefined) throw new AitbcError('JOB_NOT_FOUND', `no job ${jobId}`, { jobId });
  if (job.miner !== miner)
    throw new AitbcError('FORBIDDEN', `job ${jobId} is not leased to ${miner}`, { jobId, miner });
  if (isTerminal(job.state)) {
    const code = endErrorCode(job.state) ?? 'INVALID_INPUT';
    throw new AitbcError(code, `job ${jobId} is ${job.state}: stop working on it`, {
      jobId,
      state: job.state,
      reason: 'conflict',
    });
  }
  if (!LEASED_STATES.has(job.state))
    throw new AitbcError('FORBIDDEN', `job ${jobId} is not leased to ${miner}`, { jobId, miner });
  return job;
}

/** The miner endpoints' operations. */
export class MinerOps {
  constructor(private readonly core: Core) {}

  private renew(ctx: TxContext, job: Job): void {
    job.leaseExpiresAt = ctx.now + this.core.o.timing.leaseTtlMs;
  }

  /** Registers (or re-registers) a miner under the address its key hashes to. */
  register(caller: VerifiedRequest, body: unknown) {
    const capability: Capability = parseCapability(body, caller.address, this.core.o.limits);
    return this.core.transact((ctx) => {
      ctx.repo.upsertMiner({
        address: caller.address,
        pubkey: caller.pubkey,
        capability,
        registeredAt: ctx.now,
        lastSeenAt: ctx.now,
      });
      ctx.fx.events.push({
        type: 'miner',
        miner: caller.address,
        event: 'registered',
        models: capability.models,
      });
      ctx.fx.dispatch = true;
      const t = this.core.o.timing;
      return {
        miner: caller.address,
        coordinator: this.core.o.address,
        chainId: this.core.o.chainId,
        registeredAt: ctx.now,
        heartbeatIntervalMs: t.heartbeatIntervalMs,
        leaseTtlMs: t.leaseTtlMs,
        maxPollWaitMs: t.maxPollWaitMs,
      };
    }, caller);
  }

  /**
   * Marks the miner alive and renews every lease it holds. Answers which of its jobs to stop: `cancel`
   * (the client canceled a running job: deliver a partial result now) and `abandon` (jobs in the miner's
   * `active` list that are no longer its own: drop them, deliver nothing).
   */
  heartbeat(caller: VerifiedRequest, body: unknown) {
    const o = readObject(body ?? {}, '$', [], ['active']);
    const active: string[] = [];
    if (o.active !== undefined) {
      if (!Array.isArray(o.active) || o.active.length > 10_000 || !o.active.every((id) => isLowerHex(id, 16)))
        throw new AitbcError('INVALID_INPUT', 'active must be a list of job ids', { field: 'active' });
      active.push(...(o.active as string[]));
    }
    return this.core.transact((ctx) => {
      requireMiner(ctx, caller.address);
      ctx.repo.touchMiner(caller.address, ctx.now);
      ctx.repo.renewLeases(caller.address, ctx.now + this.core.o.timing.leaseTtlMs);
      const leases = ctx.repo.leasedBy(caller.address);
      const held = new Set(leases.map((j) => j.jobId));
      return {
        miner: caller.address,
        leases: leases.map((j) => ({
          jobId: j.jobId,
          state: j.state,
          leaseExpiresAt: j.leaseExpiresAt,
          cancelRequested: j.cancelRequested,
        })),
        cancel: leases.filter((j) => j.cancelRequested).map((j) => j.jobId),
        abandon: active.filter((id) => !held.has(id)),
        heartbeatIntervalMs: this.core.o.timing.heartbeatIntervalMs,
      };
    }, caller);
  }

  /**
   * Appends streamed tokens: `{offset, tokens}` where `offset` is the index of the first token sent
   * (tokens already received are skipped, so a retried call is harmless; a gap is refused). The first
   * call moves the job to `running`. Answers `cancel: true` when the client canceled: stop and deliver.
   */
  progress(caller: VerifiedRequest, jobId: string, body: unknown) {
    const o = readObject(body, '$', ['offset', 'tokens']);
    const offset = readUint(o.offset, 'offset');
    if (!Array.isArray(o.tokens) || o.tokens.length > MAX_TOKENS_PER_CALL)
      throw new AitbcError(
        'INVALID_INPUT',
        `tokens must be a list of at most ${MAX_TOKENS_PER_CALL} strings`,
        {
          field: 'tokens',
        },
      );
    const tokens = o.tokens.map((t, i) => readString(t, `tokens[${i}]`, MAX_TOKEN_BYTES, true));
    return this.core.transact((ctx) => {
      const job = leasedTo(ctx, jobId, caller.address);
      if (offset > job.tokensStreamed)
        throw new AitbcError(
          'INVALID_INPUT',
          `offset ${offset} leaves a gap: ${job.tokensStreamed} tokens received`,
          {
            field: 'offset',
            expected: job.tokensStreamed,
            reason: 'conflict',
          },
        );
      const fresh = tokens.slice(job.tokensStreamed - offset);
      const limit = job.terms?.maxTokens ?? 0;
      if (job.tokensStreamed + fresh.length > limit)
        throw new AitbcError('INVALID_INPUT', `more than maxTokens ${limit} tokens streamed`, {
          field: 'tokens',
        });
      for (const text of fresh) {
        const index = job.tokensStreamed++;
        ctx.repo.appendToken(jobId, index, text);
        ctx.fx.stream.push({ jobId, event: { type: 'token', index, text } });
      }
      ctx.repo.touchMiner(caller.address, ctx.now);
      this.renew(ctx, job);
      if (job.state === 'assigned') start(ctx, job);
      else {
        job.updatedAt = ctx.now;
        ctx.repo.saveJob(job);
      }
      return {
        jobId,
        state: job.state,
        tokensStreamed: job.tokensStreamed,
        cancel: job.cancelRequested,
        leaseExpiresAt: job.leaseExpiresAt,
      };
    }, caller);
  }

  /**
   * Takes a result: checks it (src/coordinator/receipts/result-check.ts), counter-signs the receipt,
   * stores both and queues the `escrow_release`, in one transaction. A job whose cancel was requested
   * ends `canceled` (paid for the tokens delivered); any other ends `completed`. Delivering again a job
   * this miner already delivered answers with the stored receipt.
   * @throws AitbcError RECEIPT_INVALID | INVALID_INPUT | FORBIDDEN | JOB_* (see leasedTo)
   */
  async result(caller: VerifiedRequest, jobId: string, body: unknown) {
    const { o: opts } = this.core;
    // The receipt's signature is checked on the workers first; the check in the transaction finds it.
    const sig = minerSigCheck(body, caller.pubkey);
    if (sig !== undefined) await opts.preverify([sig]);
    return this.core.transact((ctx) => {
      const prior = ctx.repo.getJob(jobId);
      if (prior?.miner === caller.address && prior.receiptId !== undefined && isTerminal(prior.state))
        // A retried delivery (the answer to the first was lost): the stored receipt again.
        return { jobId, state: prior.state, receipt: ctx.repo.receiptOfJob(jobId) };
      const job = leasedTo(ctx, jobId, caller.address);
      const miner = requireMiner(ctx, caller.address);
      const t = job.terms;
      if (t === undefined || job.unitPrice === undefined)
        throw new AitbcError('INTERNAL', `job ${jobId} has no terms`);
      const streamed = ctx.repo.tokensFrom(jobId, 0);
      const checked = checkMinerResult(body, {
        chainId: opts.chainId,
        coordinator: opts.address,
        coordinatorPubkey: opts.publicKeyHex,
        job: {
          jobId,
          client: job.client,
          model: job.model,
          inputHash: job.inputHash,
          unitPrice: job.unitPrice,
          maxTokensIn: t.maxTokensIn,
          maxTokens: t.maxTokens,
          amount: t.amount,
          settlementFee: t.settlementFee,
          streamedText: streamed.map((s) => s.text).join(''),
          tokensStreamed: streamed.length,
        },
        miner: { address: caller.address, pubkey: caller.pubkey },
        registration: { payTo: miner.capability.payTo, backend: miner.capability.backend },
        now: ctx.now,
        maxClockSkewMs: REQUEST_MAX_SKEW_MS,
        maxOutputBytes: opts.limits.maxOutputBytes,
        verify: opts.verify,
      });
      const receipt = counterSign(checked, opts.signer);
      ctx.repo.insertReceipt(receipt, ctx.now);
      ctx.repo.touchMiner(caller.address, ctx.now);
      job.output = checked.output;
      job.tokensIn = receipt.tokensIn;
      job.tokensOut = receipt.tokensOut;
      job.receiptId = receipt.receiptId;
      job.startedAt ??= job.assignedAt;
      if (job.cancelRequested)
        finish(ctx, job, 'canceled', {
          code: 'JOB_CANCELED',
          message: `canceled by its client while running; the miner is paid for ${receipt.tokensOut} output tokens`,
        });
      else finish(ctx, job, 'completed');
      return { jobId, state: job.state, receipt };
    }, caller);
  }

  /**
   * A failure reported by the miner (never disguised as a result). `retryable: true` requeues the job
   * while attempts remain; otherwise the job fails and its escrow is refunded.
   */
  fail(caller: VerifiedRequest, jobId: string, body: unknown) {
    const o = readObject(body, '$', ['message'], ['retryable', 'code']);
    const message = readString(o.message, 'message', 1024);
    const code = o.code === undefined ? undefined : readString(o.code, 'code', 64);
    if (o.retryable !== undefined && typeof o.retryable !== 'boolean')
      throw new AitbcError('INVALID_INPUT', 'retryable must be a boolean', { field: 'retryable' });
    return this.core.transact((ctx) => {
      const job = leasedTo(ctx, jobId, caller.address);
      ctx.repo.touchMiner(caller.address, ctx.now);
      const what = `miner ${caller.address} failed${code ? ` (${code})` : ''}: ${message}`;
      if (o.retryable === true) loseLease(ctx, job, this.core.o.limits.maxAttempts, what);
      else if (job.cancelRequested) finish(ctx, job, 'canceled', { code: 'JOB_CANCELED', message: what });
      else finish(ctx, job, 'failed', { code: 'JOB_FAILED', message: what });
      return { jobId, state: job.state, attempts: job.attempts };
    }, caller);
  }
}
