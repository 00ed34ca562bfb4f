/**
 * Applying job transitions to the store. Each function runs inside one GroupCommit operation (so a
 * transition and everything it implies — the settlement it queues, the tokens it clears — commit
 * together) and records in `fx` what to announce once the commit is durable.
 */
import type { ErrorCode } from '../../core/errors.js';
import type { CoordinatorEvent, JobStreamEvent } from '../events.js';
import type { CoordinatorRepo } from '../store/repo.js';
import {
  afterLostLease,
  assertTransition,
  isTerminal,
  type Job,
  type JobState,
  LEASED_STATES,
  settlementFor,
} from './job.js';

/** What to announce after the commit. */
export interface Effects {
  stream: Array<{ jobId: string; event: JobStreamEvent }>;
  events: CoordinatorEvent[];
  /** a settlement was queued */
  settle: boolean;
  /** a job became dispatchable */
  dispatch: boolean;
}

/** Nothing to announce yet. */
export function newEffects(): Effects {
  return { stream: [], events: [], settle: false, dispatch: false };
}

/** The store, the clock reading of this operation and its effects. */
export interface TxContext {
  repo: CoordinatorRepo;
  now: number;
  fx: Effects;
}

function announce(
  ctx: TxContext,
  job: Job,
  extra: Partial<Extract<JobStreamEvent, { type: 'state' }>> = {},
): void {
  ctx.fx.stream.push({
    jobId: job.jobId,
    event: { type: 'state', state: job.state, ...(job.miner ? { miner: job.miner } : {}), ...extra },
  });
  ctx.fx.events.push({
    type: 'job',
    jobId: job.jobId,
    state: job.state,
    ...(job.miner ? { miner: job.miner } : {}),
    ...(job.error ? { error: job.error } : {}),
  });
}

/**
 * Queues the settlement a terminal job needs, unless it already has one (a failed settlement is the
 * settler's to follow up, never queued twice from here).
 * @returns whether one was queued.
 */
export function queueSettlement(ctx: TxContext, job: Job): boolean {
  const kind = settlementFor(job);
  if (kind === undefined || ctx.repo.latestSettlement(job.jobId) !== undefined) return false;
  ctx.repo.insertSettlement(job.jobId, kind, job.client, ctx.now);
  ctx.fx.settle = true;
  return true;
}

/** Ends a job in a terminal state and queues its settlement. */
export function finish(
  ctx: TxContext,
  job: Job,
  state: Extract<JobState, 'completed' | 'failed' | 'canceled' | 'expired'>,
  error?: { code: ErrorCode; message: string },
): void {
  assertTransition(job.state, state);
  // A miner's slot frees up: its open polls may take queued work now.
  if (LEASED_STATES.has(job.state)) ctx.fx.dispatch = true;
  job.state = state;
  job.updatedAt = ctx.now;
  job.completedAt ??= ctx.now;
  job.leaseExpiresAt = undefined;
  if (error !== undefined) job.error = error;
  ctx.repo.saveJob(job);
  announce(ctx, job);
  queueSettlement(ctx, job);
}

/** Gives a queued job to a miner under a lease. */
export function assign(ctx: TxContext, job: Job, miner: string, unitPrice: bigint, leaseTtlMs: number): void {
  assertTransition(job.state, 'assigned');
  job.state = 'assigned';
  job.miner = miner;
  job.unitPrice = unitPrice;
  job.assignedAt = ctx.now;
  job.leaseExpiresAt = ctx.now + leaseTtlMs;
  job.attempts += 1;
  job.updatedAt = ctx.now;
  ctx.repo.saveJob(job);
  announce(ctx, job, { attempt: job.attempts });
}

/** Marks an assigned job running (its miner reported progress). */
export function start(ctx: TxContext, job: Job): void {
  if (job.state === 'running') return;
  assertTransition(job.state, 'running');
  job.state = 'running';
  job.startedAt ??= ctx.now;
  job.updatedAt = ctx.now;
  ctx.repo.saveJob(job);
  announce(ctx, job);
}

/**
 * Puts a job back in the queue: the lease, the miner and its streamed tokens are dropped (the next
 * miner starts over, and streams are told to reset). `countAttempt: false` undoes an assignment that
 * never reached its miner.
 */
export function requeue(ctx: TxContext, job: Job, countAttempt = true): void {
  assertTransition(job.state, 'queued');
  job.state = 'queued';
  job.miner = undefined;
  job.unitPrice = undefined;
  job.assignedAt = undefined;
  job.leaseExpiresAt = undefined;
  if (!countAttempt) job.attempts = Math.max(0, job.attempts - 1);
  const hadTokens = job.tokensStreamed > 0;
  job.tokensStreamed = 0;
  job.updatedAt = ctx.now;
  if (hadTokens) ctx.repo.clearTokens(job.jobId);
  ctx.repo.saveJob(job);
  announce(ctx, job, hadTokens ? { resetTokens: true } : {});
  ctx.fx.dispatch = true;
}

/** A lease ended without a result (silent miner, or a retryable failure): requeue, fail or cancel. */
export function loseLease(ctx: TxContext, job: Job, maxAttempts: number, reason: string): void {
  const outcome = afterLostLease(job, maxAttempts, ctx.now, reason);
  if (outcome.kind === 'requeue') requeue(ctx, job);
  else if (outcome.kind === 'cancel') finish(ctx, job, 'canceled');
  else
    finish(ctx, job, outcome.code === 'JOB_EXPIRED' ? 'expired' : 'failed', {
      code: outcome.code,
      message: outcome.message,
    });
}

/** Ends a job whose deadline (expiresAt − 60 s) has passed, whatever it was doing. */
export function expire(ctx: TxContext, job: Job): void {
  if (isTerminal(job.state)) return;
  finish(ctx, job, 'expired', {
    code: 'JOB_EXPIRED',
    message: 'the job reached its deadline (60 s before the escrow expires) without a result',
  });
}
