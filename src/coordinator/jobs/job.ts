/**
 * A job as the coordinator keeps it, and the rules of its lifecycle (DESIGN §8):
 * `queued → assigned → running → completed | failed | canceled | expired`, with `assigned`/`running`
 * back to `queued` when a lease is lost and attempts remain. Pure: no storage, no clock.
 */
import { AitbcError, type ErrorCode } from '../../core/errors.js';
import type { GenerationParams } from '../../protocol/types.js';

/** Every job state, in lifecycle order. */
export const JOB_STATES = [
  'queued',
  'assigned',
  'running',
  'completed',
  'failed',
  'canceled',
  'expired',
] as const;
export type JobState = (typeof JOB_STATES)[number];

export const TERMINAL_STATES: ReadonlySet<JobState> = new Set(['completed', 'failed', 'canceled', 'expired']);
/** States in which a miner holds a lease on the job. */
export const LEASED_STATES: ReadonlySet<JobState> = new Set(['assigned', 'running']);

/**
 * Where a lock stands: `pending` until found committed; `confirmed` once its terms match; `mismatch`
 * when it exists but cannot fund this job; `missing` when it never appeared in time.
 */
export type LockStatus = 'pending' | 'confirmed' | 'mismatch' | 'missing';

/** The escrow's terms as read from the chain, once the lock is confirmed. */
export interface LockTerms {
  amount: bigint;
  maxUnitPrice: bigint;
  settlementFee: bigint;
  maxTokensIn: number;
  maxTokens: number;
  expiresAt: number;
}

/** A job as stored: the submission, its lock, its lease and its outcome. */
export interface Job {
  jobId: string;
  client: string;
  model: string;
  prompt: string;
  params: GenerationParams;
  inputHash: string;
  lockTx: string;
  lockStatus: LockStatus;
  /** when the lock was confirmed (or found unusable), the escrow's terms */
  terms?: LockTerms;
  /** may the coordinator refund the escrow (it names this coordinator and was locked)? */
  refundable: boolean;
  /** expiresAt − 60 s, once the lock is confirmed */
  deadline?: number;
  state: JobState;
  miner?: string;
  /** the assigned miner's unitPrice, uait per 1k tokens */
  unitPrice?: bigint;
  leaseExpiresAt?: number;
  assignedAt?: number;
  /** leases given so far */
  attempts: number;
  cancelRequested: boolean;
  cancelRequestedAt?: number;
  /** tokens the miner streamed so far (this attempt) */
  tokensStreamed: number;
  output?: string;
  tokensIn?: number;
  tokensOut?: number;
  receiptId?: string;
  error?: { code: ErrorCode; message: string };
  createdAt: number;
  updatedAt: number;
  startedAt?: number;
  completedAt?: number;
}

/** A job as posted: queued, its lock not yet confirmed. */
export function newJob(
  fields: Pick<Job, 'jobId' | 'client' | 'model' | 'prompt' | 'params' | 'inputHash' | 'lockTx'>,
  now: number,
): Job {
  return {
    ...fields,
    lockStatus: 'pending',
    refundable: false,
    state: 'queued',
    attempts: 0,
    cancelRequested: false,
    tokensStreamed: 0,
    createdAt: now,
    updatedAt: now,
  };
}

const NEXT: Record<JobState, readonly JobState[]> = {
  queued: ['assigned', 'failed', 'canceled', 'expired'],
  // `assigned → completed|canceled` happens when a miner delivers without having reported progress.
  assigned: ['running', 'queued', 'completed', 'failed', 'canceled', 'expired'],
  running: ['completed', 'queued', 'failed', 'canceled', 'expired'],
  completed: [],
  failed: [],
  canceled: [],
  expired: [],
};

/** True when the lifecycle allows `from → to`. */
export function canTransition(from: JobState, to: JobState): boolean {
  return NEXT[from].includes(to);
}

/**
 * @throws AitbcError INTERNAL when the lifecycle forbids `from → to` (a bug, never user input).
 */
export function assertTransition(from: JobState, to: JobState): void {
  if (!canTransition(from, to))
    throw new AitbcError('INTERNAL', `job state ${from} cannot become ${to}`, { from, to });
}

/** True for completed, failed, canceled and expired. */
export function isTerminal(state: JobState): boolean {
  return TERMINAL_STATES.has(state);
}

/** The error code a client sees when waiting on a job that ended badly. */
export function endErrorCode(state: JobState): ErrorCode | undefined {
  switch (state) {
    case 'failed':
      return 'JOB_FAILED';
    case 'canceled':
      return 'JOB_CANCELED';
    case 'expired':
      return 'JOB_EXPIRED';
    default:
      return undefined;
  }
}

/** What a lost lease (silent miner) or a retryable failure does to a job. */
export type LeaseOutcome =
  | { kind: 'requeue' }
  | { kind: 'fail'; code: ErrorCode; message: string }
  | { kind: 'cancel' };

/**
 * Decides the fate of a job whose lease ended without a result: a job whose cancel was requested is
 * canceled; one with attempts left (and time before its deadline) is requeued; otherwise it fails.
 */
export function afterLostLease(job: Job, maxAttempts: number, now: number, reason: string): LeaseOutcome {
  if (job.cancelRequested) return { kind: 'cancel' };
  if (job.deadline !== undefined && now >= job.deadline)
    return { kind: 'fail', code: 'JOB_EXPIRED', message: 'the deadline passed' };
  if (job.attempts >= maxAttempts)
    return {
      kind: 'fail',
      code: 'JOB_FAILED',
      message: `${reason}; gave up after ${job.attempts} attempt${job.attempts === 1 ? '' : 's'}`,
    };
  return { kind: 'requeue' };
}

/** What a cancel request does, by state. */
export type CancelOutcome = { kind: 'cancel' } | { kind: 'request' } | { kind: 'already'; state: JobState };

/**
 * Cancel before `running` ends the job at once (refund); cancel while `running` asks the miner to stop
 * and deliver what it has (release for those tokens); a job that already ended is left as it is.
 */
export function cancelOutcome(job: Job): CancelOutcome {
  if (isTerminal(job.state)) return { kind: 'already', state: job.state };
  if (job.state === 'running') return { kind: 'request' };
  return { kind: 'cancel' };
}

/** How a job's escrow is settled: release with its receipt, refund, or nothing to settle. */
export type SettlementKind = 'release' | 'refund';

/**
 * The settlement a terminal job needs: a release when it has a receipt; a refund when the escrow is
 * ours to refund; nothing when no usable escrow exists (yet: a pending lock is refunded once it appears).
 */
export function settlementFor(job: Job): SettlementKind | undefined {
  if (!isTerminal(job.state)) return undefined;
  if (job.receiptId !== undefined) return 'release';
  if (job.refundable) return 'refund';
  return undefined;
}
