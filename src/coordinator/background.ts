/**
 * The coordinator's clockwork: the sweeper (lost leases, deadlines, overdue cancels, the replay window,
 * miners going offline) and the lock watcher (jobs whose escrow lock was not yet committed when they
 * were posted). Each pass is one transaction.
 */
import { isAitbcError } from '../core/errors.js';
import { REQUEST_REPLAY_WINDOW_MS } from '../protocol/signed-request.js';
import type { Core } from './core.js';
import { isTerminal, type Job } from './jobs/job.js';
import { checkOffer } from './jobs/matching.js';
import { applyLockVerdict, checkLock } from './jobs/submission.js';
import { expire, finish, loseLease, queueSettlement } from './jobs/transitions.js';
import { DEADLINE_MARGIN_MS } from './options.js';

/** Most pending locks looked up per JSON-RPC batch. */
const LOCK_BATCH = 200;
/** Pending locks are looked up again after this long even when no block came (see `watchLocks`). */
const LOCK_RECHECK_MS = 2_000;

/** The sweeper and the lock watcher, each on its own timer. */
export class Background {
  private sweepTimer: NodeJS.Timeout | undefined;
  private lockTimer: NodeJS.Timeout | undefined;
  private stopped = false;
  private sweeping: Promise<void> | undefined;
  private watching: Promise<void> | undefined;
  private lockRunning = false;
  /** miners online at the last sweep, to announce those that go offline */
  private online = new Set<string>();
  /** the chain height and time of the last lock lookup */
  private lockPass = { height: -1, at: 0 };

  constructor(private readonly core: Core) {}

  start(): void {
    const sweep = () => {
      if (this.stopped) return;
      this.sweeping = this.sweep().finally(() => {
        if (!this.stopped) this.sweepTimer = setTimeout(sweep, this.core.o.timing.sweepIntervalMs);
      });
    };
    this.sweepTimer = setTimeout(sweep, this.core.o.timing.sweepIntervalMs);
    this.scheduleLocks(0);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.sweepTimer);
    clearTimeout(this.lockTimer);
    await Promise.allSettled([this.sweeping, this.watching]);
  }

  /** Looks at pending locks now rather than at the next tick. */
  kickLocks(): void {
    if (!this.stopped && !this.lockRunning) this.scheduleLocks(0);
  }

  private scheduleLocks(delayMs: number): void {
    clearTimeout(this.lockTimer);
    this.lockTimer = setTimeout(() => {
      if (this.stopped) return;
      this.lockRunning = true;
      this.watching = this.watchLocks()
        .catch((e) =>
          this.core.o.onEvent({ type: 'warning', message: `lock watch failed: ${(e as Error).message}` }),
        )
        .finally(() => {
          this.lockRunning = false;
          if (!this.stopped) this.scheduleLocks(this.core.o.timing.lockPollMs);
        });
    }, delayMs);
  }

  /** One sweep. */
  async sweep(): Promise<void> {
    const { timing, limits } = this.core.o;
    try {
      await this.core.transact((ctx) => {
        for (const job of ctx.repo.pastDeadline(ctx.now)) expire(ctx, job);
        for (const job of ctx.repo.leasesExpired(ctx.now))
          loseLease(ctx, job, limits.maxAttempts, `miner ${job.miner} stopped heart-beating`);
        for (const job of ctx.repo.cancelOverdue(ctx.now - timing.cancelGraceMs))
          finish(ctx, job, 'canceled', {
            code: 'JOB_CANCELED',
            message:
              'canceled by its client; the miner delivered no partial result in time, so the escrow is refunded',
          });
        ctx.repo.pruneNonces(ctx.now - REQUEST_REPLAY_WINDOW_MS);
        const now = new Set(
          ctx.repo
            .allMiners()
            .filter((m) => this.core.isOnline(m, ctx.now))
            .map((m) => m.address),
        );
        for (const m of this.online)
          if (!now.has(m)) ctx.fx.events.push({ type: 'miner', miner: m, event: 'offline' });
        this.online = now;
      });
    } catch (e) {
      this.core.o.onEvent({ type: 'warning', message: `sweep failed: ${(e as Error).message}` });
    }
  }

  /**
   * One pass over pending locks. A lock can only have changed when a block was committed, so the pass
   * first asks the node for its height (one cheap call) and looks the locks up only when a block came
   * since the last look, or `LOCK_RECHECK_MS` passed (a lookup that failed at submission is retried then).
   * Every pending lock is looked at, in batches of `LOCK_BATCH`.
   */
  async watchLocks(): Promise<void> {
    if (this.core.repo.pendingLocks(1).length === 0) return;
    let height: number;
    try {
      height = await this.core.o.chain.tipHeight();
    } catch (e) {
      if (!isAitbcError(e)) throw e;
      this.core.o.onEvent({ type: 'warning', message: `lock lookup failed: ${e.message}` });
      return;
    }
    const now = this.core.o.now();
    if (height === this.lockPass.height && now - this.lockPass.at < LOCK_RECHECK_MS) return;
    this.lockPass = { height, at: now };
    for (let after = 0; !this.stopped; ) {
      const pending = this.core.repo.pendingLocks(LOCK_BATCH, after);
      if (pending.length === 0) return;
      after = pending[pending.length - 1].seq;
      if (!(await this.checkLocks(pending))) return;
    }
  }

  /** Looks a batch of pending locks up and applies the verdicts; false when the node could not answer. */
  private async checkLocks(pending: Job[]): Promise<boolean> {
    let found: Awaited<ReturnType<Core['o']['chain']['lookupLocks']>>;
    try {
      found = await this.core.o.chain.lookupLocks(
        pending.map((j) => ({ lockTx: j.lockTx, client: j.client, jobId: j.jobId })),
      );
    } catch (e) {
      if (!isAitbcError(e)) throw e;
      this.core.o.onEvent({ type: 'warning', message: `lock lookup failed: ${e.message}` });
      return false;
    }
    const { timing } = this.core.o;
    await this.core.transact((ctx) => {
      pending.forEach((stale, i) => {
        const job = ctx.repo.getJob(stale.jobId);
        if (job === undefined || job.lockStatus !== 'pending') return;
        const verdict = checkLock({
          job,
          tx: found[i].tx,
          escrow: found[i].escrow,
          coordinator: this.core.o.address,
          now: ctx.now,
          deadlineMarginMs: DEADLINE_MARGIN_MS,
        });
        if (verdict.status === 'pending') {
          if (ctx.now - job.createdAt < timing.lockWaitMs) return;
          job.lockStatus = 'missing';
          job.updatedAt = ctx.now;
          if (isTerminal(job.state)) ctx.repo.saveJob(job);
          else
            finish(ctx, job, 'failed', {
              code: 'ESCROW_NOT_FOUND',
              message: `the escrow lock ${job.lockTx} was not committed within ${timing.lockWaitMs / 1000} s`,
            });
          return;
        }
        applyLockVerdict(job, verdict);
        job.updatedAt = ctx.now;
        if (isTerminal(job.state)) {
          // Refused or canceled while the lock was pending: refund it now that it exists.
          ctx.repo.saveJob(job);
          queueSettlement(ctx, job);
          return;
        }
        if (verdict.status === 'mismatch') {
          finish(ctx, job, 'failed', {
            code: 'INVALID_INPUT',
            message: `the escrow lock does not fit this job: ${verdict.problem}`,
          });
          return;
        }
        try {
          checkOffer(job.model, verdict.terms.maxUnitPrice, this.core.onlineOffers(ctx.now, false));
        } catch (e) {
          if (!isAitbcError(e)) throw e;
          finish(ctx, job, 'failed', { code: e.code, message: e.message });
          return;
        }
        ctx.repo.saveJob(job);
        ctx.fx.dispatch = true;
      });
    });
    return true;
  }
}
