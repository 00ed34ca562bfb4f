/**
 * Events: the service's own (for `node coordinator --json` and logs) and each job's stream (for
 * `GET /v1/jobs/{id}/stream`). Both are emitted only after the change they describe has committed.
 */

/** One line of the daemon's NDJSON output after `ready`. */
export type CoordinatorEvent =
  | { type: 'job'; jobId: string; state: string; miner?: string; error?: { code: string; message: string } }
  | {
      type: 'settlement';
      jobId: string;
      kind: 'release' | 'refund';
      status: string;
      txHash?: string;
      height?: number;
      code?: number;
      log?: string;
    }
  | { type: 'miner'; miner: string; event: 'registered' | 'offline'; models?: string[] }
  | { type: 'warning'; message: string; details?: Record<string, unknown> };

/** What a job's stream carries (NDJSON, one object per line). */
export type JobStreamEvent =
  | {
      type: 'state';
      state: string;
      attempt?: number;
      miner?: string;
      /** the job went back to the queue: tokens streamed so far are void, indexes restart at 0 */
      resetTokens?: boolean;
      /** the client asked to cancel a running job; the miner will deliver what it has */
      cancelRequested?: boolean;
    }
  | { type: 'token'; index: number; text: string }
  | { type: 'settlement'; kind: 'release' | 'refund'; status: string; txHash?: string; height?: number };

type Listener = (e: JobStreamEvent) => void;

/** Per-job listeners; a stream subscribes while its client is connected. */
export class JobEventHub {
  private readonly listeners = new Map<string, Set<Listener>>();

  /** Subscribes to a job's events; returns the unsubscribe function. */
  subscribe(jobId: string, listener: Listener): () => void {
    let set = this.listeners.get(jobId);
    if (set === undefined) {
      set = new Set();
      this.listeners.set(jobId, set);
    }
    set.add(listener);
    return () => {
      set.delete(listener);
      if (set.size === 0) this.listeners.delete(jobId);
    };
  }

  emit(jobId: string, event: JobStreamEvent): void {
    const set = this.listeners.get(jobId);
    if (set === undefined) return;
    for (const l of [...set]) l(event);
  }

  /** Open subscriptions (for metrics). */
  get size(): number {
    let n = 0;
    for (const s of this.listeners.values()) n += s.size;
    return n;
  }
}
