/**
 * Dispatch: miners long-poll `GET /v1/miners/jobs`; whenever a poll arrives or a job becomes
 * dispatchable, one round matches the queued jobs against the miners waiting (src/coordinator/jobs/
 * matching.ts), leases the matched jobs in one transaction, and answers those polls. Rounds never
 * overlap; triggers during a round coalesce into one more.
 */
import type { Core } from './core.js';
import { offerOf } from './core.js';
import type { Job } from './jobs/job.js';
import { matchJobs, type WaitingMiner } from './jobs/matching.js';
import { assign, requeue } from './jobs/transitions.js';

/** Most queued jobs one round looks at. */
const ROUND_JOBS = 512;

/** One open long-poll. */
export interface Poller {
  miner: string;
  /** most jobs it takes */
  max: number;
  since: number;
  /** answers the poll with these jobs; returns false when the poll is already gone */
  deliver(jobs: Job[]): boolean;
}

/** Holds the open long-polls and runs matching rounds over them. */
export class Dispatcher {
  private readonly pollers = new Map<string, Poller[]>();
  private running = false;
  private again = false;

  constructor(private readonly core: Core) {}

  isPolling(miner: string): boolean {
    return (this.pollers.get(miner)?.length ?? 0) > 0;
  }

  /** Open polls (for metrics). */
  get waiting(): number {
    let n = 0;
    for (const ps of this.pollers.values()) n += ps.length;
    return n;
  }

  add(p: Poller): void {
    const list = this.pollers.get(p.miner) ?? [];
    list.push(p);
    this.pollers.set(p.miner, list);
    this.kick();
  }

  remove(p: Poller): void {
    const list = this.pollers.get(p.miner);
    if (list === undefined) return;
    const i = list.indexOf(p);
    if (i >= 0) list.splice(i, 1);
    if (list.length === 0) this.pollers.delete(p.miner);
  }

  /** Answers every open poll with nothing (shutdown). */
  drain(): void {
    for (const list of [...this.pollers.values()])
      for (const p of [...list]) {
        this.remove(p);
        p.deliver([]);
      }
  }

  kick(): void {
    if (this.running) {
      this.again = true;
      return;
    }
    if (this.pollers.size === 0) return;
    this.running = true;
    void this.rounds().finally(() => {
      this.running = false;
    });
  }

  private async rounds(): Promise<void> {
    do {
      this.again = false;
      try {
        await this.round();
      } catch (e) {
        this.core.o.onEvent({ type: 'warning', message: `dispatch failed: ${(e as Error).message}` });
      }
    } while (this.again && this.pollers.size > 0);
  }

  private async round(): Promise<void> {
    if (this.pollers.size === 0) return;
    const snapshot = new Map([...this.pollers].map(([m, ps]) => [m, [...ps]]));
    const assigned = await this.core.transact((ctx) => {
      const jobs = ctx.repo.dispatchable(ctx.now, ROUND_JOBS);
      if (jobs.length === 0) return [];
      const waiting: WaitingMiner[] = [];
      for (const [miner, ps] of snapshot) {
        const rec = ctx.repo.getMiner(miner);
        if (rec === undefined) continue;
        waiting.push({
          ...offerOf(rec, ctx.repo.activeCount(miner)),
          want: ps.reduce((n, p) => n + p.max, 0),
          since: Math.min(...ps.map((p) => p.since)),
        });
      }
      const out: Job[] = [];
      for (const a of matchJobs(jobs, waiting)) {
        const job = ctx.repo.getJob(a.jobId) as Job;
        assign(ctx, job, a.miner, a.unitPrice, this.core.o.timing.leaseTtlMs);
        out.push(job);
      }
      return out;
    });
    if (assigned.length === 0) return;
    const undelivered: Job[] = [];
    const byMiner = new Map<string, Job[]>();
    for (const j of assigned) byMiner.set(j.miner as string, [...(byMiner.get(j.miner as string) ?? []), j]);
    for (const [miner, jobs] of byMiner) {
      let rest = jobs;
      for (const p of [...(this.pollers.get(miner) ?? [])]) {
        if (rest.length === 0) break;
        const take = rest.slice(0, p.max);
        this.remove(p);
        if (p.deliver(take)) rest = rest.slice(take.length);
      }
      undelivered.push(...rest);
    }
    if (undelivered.length > 0) {
      // Their polls closed during the round: the jobs go back without costing an attempt.
      await this.core.transact((ctx) => {
        for (const j of undelivered) {
          const job = ctx.repo.getJob(j.jobId);
          if (job?.state === 'assigned' && job.miner === j.miner) requeue(ctx, job, false);
        }
      });
    }
  }
}
