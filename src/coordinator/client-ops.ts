/**
 * What clients do (DESIGN §8): submit a job against their escrow lock, read and list their jobs, cancel,
 * and read their receipts. A client sees only its own jobs and receipts; an admin key sees everyone's.
 */
import { AitbcError, type ErrorCode, isAitbcError } from '../core/errors.js';
import { computeInputHash } from '../protocol/receipt.js';
import type { VerifiedRequest } from '../protocol/signed-request.js';
import type { Receipt } from '../protocol/types.js';
import { LockLookups } from './chain/lock-lookups.js';
import type { Core } from './core.js';
import { cancelOutcome, type Job, type JobState, newJob } from './jobs/job.js';
import { checkOffer } from './jobs/matching.js';
import { applyLockVerdict, checkLock, type JobSubmission, type LockVerdict } from './jobs/submission.js';
import { finish, type TxContext } from './jobs/transitions.js';
import { DEADLINE_MARGIN_MS } from './options.js';
import type { CoordinatorRepo } from './store/repo.js';
import { jobView, settlementView } from './views.js';

/** Who is asking: the signer's address, and whether its API key is an admin's. */
export interface Caller {
  request: VerifiedRequest;
  admin: boolean;
}

function conflict(message: string, details: Record<string, unknown> = {}): AitbcError {
  return new AitbcError('INVALID_INPUT', message, { reason: 'conflict', ...details });
}

/** The job, if the caller may see it; else JOB_NOT_FOUND (never revealing another client's job). */
function visibleJob(ctx: TxContext, caller: Caller, jobId: string): Job {
  const job = ctx.repo.getJob(jobId);
  if (job === undefined || (job.client !== caller.request.address && !caller.admin))
    throw new AitbcError('JOB_NOT_FOUND', `no job ${jobId}`, { jobId });
  return job;
}

/** A job with its prompt, output, receipt and latest settlement, as its client sees it. */
export function fullJobView(repo: CoordinatorRepo, job: Job): Record<string, unknown> {
  return jobView(job, {
    full: true,
    settlement: repo.latestSettlement(job.jobId),
    receipt: job.receiptId === undefined ? undefined : repo.receiptOfJob(job.jobId),
  });
}

function fullView(ctx: TxContext, job: Job): Record<string, unknown> {
  return fullJobView(ctx.repo, job);
}

/** The client endpoints' operations. */
export class ClientOps {
  /** called when a job waits for its lock to appear on chain */
  onLockPending: () => void = () => {};

  /** submissions' lock lookups, batched per turn of the event loop */
  private readonly locks: LockLookups;

  constructor(private readonly core: Core) {
    this.locks = new LockLookups(core.o.chain);
  }

  /**
   * Accepts a job: stored durably before this resolves. The lock is looked up at once; when it is
   * already committed its terms are checked and the job is matched against online miners, otherwise
   * the lock watcher confirms it later. A refused job whose escrow the coordinator can refund is stored
   * as failed with its refund queued, so no money waits for `expiresAt`.
   * @returns the job view and whether it already existed (an idempotent re-post).
   * @throws AitbcError NO_MINER_FOR_MODEL | PRICE_TOO_LOW | INVALID_INPUT (lock mismatch, jobId in use)
   *   | REPLAYED_REQUEST, with `details.jobId`, `details.refund` when the job was stored as refused.
   */
  async submit(
    caller: Caller,
    sub: JobSubmission,
  ): Promise<{ view: Record<string, unknown>; existed: boolean }> {
    const client = caller.request.address;
    // One commit per submission: the lock is looked up first (read-only, so harmless for a replay), then
    // the replay check, the existence check and the insert run as one operation.
    const verdict: LockVerdict =
      this.core.repo.getJob(sub.jobId) === undefined
        ? await this.lookUpLock(sub, client)
        : { status: 'pending' };
    type Outcome =
      | { kind: 'existing'; job: Job }
      | { kind: 'refused'; job: Job; refusal: AitbcError }
      | { kind: 'accepted'; job: Job; view: Record<string, unknown> };
    const outcome = await this.core.transact((ctx): Outcome => {
      const existing = ctx.repo.getJob(sub.jobId);
      if (existing !== undefined) return { kind: 'existing', job: existing };
      const job = newJob(
        {
          jobId: sub.jobId,
          client,
          model: sub.model,
          prompt: sub.prompt,
          params: sub.params,
          inputHash: computeInputHash(sub),
          lockTx: sub.lockTx,
        },
        ctx.now,
      );
      applyLockVerdict(job, verdict);
      ctx.repo.insertJob(job);
      const refusal = this.refusal(job, verdict, ctx.now);
      if (refusal !== undefined) {
        finish(ctx, job, 'failed', { code: refusal.code, message: refusal.message });
        return { kind: 'refused', job, refusal };
      }
      ctx.fx.events.push({ type: 'job', jobId: job.jobId, state: job.state });
      ctx.fx.stream.push({ jobId: job.jobId, event: { type: 'state', state: job.state } });
      if (job.lockStatus === 'confirmed') ctx.fx.dispatch = true;
      return { kind: 'accepted', job, view: fullView(ctx, job) };
    }, caller.request);
    if (outcome.kind === 'existing') return { view: this.existing(outcome.job, client, sub), existed: true };
    const { job } = outcome;
    if (outcome.kind === 'refused') {
      const { refusal } = outcome;
      const refund = job.refundable
        ? 'queued'
        : job.lockStatus === 'pending'
          ? 'when the lock commits'
          : 'none';
      throw new AitbcError(refusal.code, refusal.message, {
        ...refusal.details,
        jobId: job.jobId,
        state: 'failed',
        refund,
      });
    }
    if (job.lockStatus === 'pending') this.onLockPending();
    return { view: outcome.view, existed: false };
  }

  /** The verdict on a job's lock; `pending` when the node cannot be asked now (the watcher retries). */
  private async lookUpLock(sub: JobSubmission, client: string): Promise<LockVerdict> {
    try {
      const found = await this.locks.lookup({ lockTx: sub.lockTx, client, jobId: sub.jobId });
      return checkLock({
        job: { ...sub, client },
        tx: found.tx,
        escrow: found.escrow,
        coordinator: this.core.o.address,
        now: this.core.o.now(),
        deadlineMarginMs: DEADLINE_MARGIN_MS,
      });
    } catch (e) {
      if (!isAitbcError(e)) throw e;
      this.core.o.onEvent({
        type: 'warning',
        message: `lock lookup failed: ${e.message}`,
        details: { jobId: sub.jobId },
      });
      return { status: 'pending' };
    }
  }

  /** Why a new job is refused, if it is. */
  private refusal(job: Job, verdict: LockVerdict, now: number): AitbcError | undefined {
    if (verdict.status === 'mismatch')
      return new AitbcError('INVALID_INPUT', `the escrow lock does not fit this job: ${verdict.problem}`, {
        field: 'lockTx',
        problem: verdict.problem,
      });
    try {
      checkOffer(
        job.model,
        verdict.status === 'confirmed' ? verdict.terms.maxUnitPrice : undefined,
        this.core.onlineOffers(now, false),
      );
    } catch (e) {
      if (isAitbcError(e)) return e;
      throw e;
    }
    return undefined;
  }

  /** An existing job re-posted: the same submission gets the job back; anything else is a conflict. */
  private existing(job: Job, client: string, sub: JobSubmission): Record<string, unknown> {
    if (job.client !== client) throw conflict(`jobId ${sub.jobId} is already in use`, { jobId: sub.jobId });
    if (job.lockTx !== sub.lockTx || job.inputHash !== computeInputHash(sub))
      throw conflict(`job ${sub.jobId} was submitted with another lock or input`, { jobId: sub.jobId });
    return fullJobView(this.core.repo, job);
  }

  /** @throws AitbcError JOB_NOT_FOUND (also for another client's job) | REPLAYED_REQUEST */
  get(caller: Caller, jobId: string): Promise<Record<string, unknown>> {
    return this.core.transact((ctx) => fullView(ctx, visibleJob(ctx, caller, jobId)), caller.request);
  }

  /** The caller's jobs, newest first (`all` — every client's — needs an admin key). */
  list(
    caller: Caller,
    q: { state?: JobState; limit: number; cursor?: string; all: boolean },
  ): Promise<{ items: Record<string, unknown>[]; nextCursor?: string }> {
    if (q.all && !caller.admin)
      throw new AitbcError('FORBIDDEN', 'listing every client’s jobs needs an admin API key');
    return this.core.transact((ctx) => {
      const page = ctx.repo.listJobs({
        client: q.all ? undefined : caller.request.address,
        state: q.state,
        limit: q.limit,
        cursor: q.cursor,
      });
      return {
        items: page.items.map((j) =>
          jobView(j, { full: false, settlement: ctx.repo.latestSettlement(j.jobId) }),
        ),
        ...(page.nextCursor !== undefined ? { nextCursor: page.nextCursor } : {}),
      };
    }, caller.request);
  }

  /**
   * Cancels a job: before it runs it ends at once (refund); while it runs the miner is told (in its next
   * heartbeat or progress answer) and delivers a partial result, which is paid for the tokens produced.
   * Cancelling a canceled job returns it again.
   * @throws AitbcError JOB_NOT_FOUND | INVALID_INPUT (`reason: conflict`, the job already ended otherwise)
   */
  cancel(caller: Caller, jobId: string): Promise<Record<string, unknown>> {
    return this.core.transact((ctx) => {
      const job = visibleJob(ctx, caller, jobId);
      const outcome = cancelOutcome(job);
      if (outcome.kind === 'cancel')
        finish(ctx, job, 'canceled', {
          code: 'JOB_CANCELED',
          message: 'canceled by its client before it ran',
        });
      else if (outcome.kind === 'request') {
        if (!job.cancelRequested) {
          job.cancelRequested = true;
          job.cancelRequestedAt = ctx.now;
          job.updatedAt = ctx.now;
          ctx.repo.saveJob(job);
          ctx.fx.stream.push({ jobId, event: { type: 'state', state: job.state, cancelRequested: true } });
          ctx.fx.events.push({ type: 'job', jobId, state: 'cancel-requested' });
        }
      } else if (outcome.state !== 'canceled')
        throw conflict(`job ${jobId} already ended: ${outcome.state}`, { jobId, state: outcome.state });
      return fullView(ctx, job);
    }, caller.request);
  }

  /** Receipts where the caller is client, miner or payee (every receipt for an admin), newest first. */
  receipts(
    caller: Caller,
    q: { limit: number; cursor?: string },
  ): Promise<{ items: Receipt[]; nextCursor?: string }> {
    return this.core.transact(
      (ctx) =>
        ctx.repo.listReceipts({
          party: caller.admin ? undefined : caller.request.address,
          limit: q.limit,
          cursor: q.cursor,
        }),
      caller.request,
    );
  }

  /** One receipt with its settlement. @throws AitbcError RECEIPT_NOT_FOUND (also when not the caller's) */
  receipt(caller: Caller, receiptId: string): Promise<Record<string, unknown>> {
    return this.core.transact((ctx) => {
      const r = ctx.repo.getReceipt(receiptId);
      const me = caller.request.address;
      if (r === undefined || (!caller.admin && r.client !== me && r.miner !== me && r.payTo !== me))
        throw new AitbcError('RECEIPT_NOT_FOUND', `no receipt ${receiptId}`, { receiptId });
      const s = ctx.repo.latestSettlement(r.jobId);
      return { receipt: r, jobId: r.jobId, ...(s ? { settlement: settlementView(s) } : {}) };
    }, caller.request);
  }
}

/** The error a waiting client gets for a job that ended badly. */
export function jobEndError(view: {
  state: string;
  error?: { code: ErrorCode; message: string };
}): AitbcError {
  const code: ErrorCode =
    view.state === 'canceled' ? 'JOB_CANCELED' : view.state === 'expired' ? 'JOB_EXPIRED' : 'JOB_FAILED';
  return new AitbcError(code, view.error?.message ?? `the job ended ${view.state}`, {
    state: view.state,
    ...(view.error ? { cause: view.error.code } : {}),
  });
}
