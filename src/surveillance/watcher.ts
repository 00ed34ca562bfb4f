/**
 * The live watcher: reads a source, keeps a sliding buffer of recent events, re-runs the detectors over
 * the buffer every so often and stores each alert once it is settled (its episode can no longer grow:
 * SETTLE_MS after its last event, in feed time). Stored alerts are committed before they are reported,
 * so they survive the watcher being killed.
 *
 * Live input rules (docs/surveillance.md): events must arrive in time order; an event older than the
 * last one accepted, or repeating the id of a buffered one, is rejected and counted with its line.
 * Order sizes are measured against the median of every order seen so far, not just the window's.
 */
import type { Calibration } from './calibration-types.js';
import { detectionsAt, marketCandidates } from './detect.js';
import { CHAIN, detectCircularTransfers, detectFanOutFunding, type Transfer } from './detect-chain.js';
import { type MarketEvent, tableFromEvents } from './events.js';
import { finalizeDetections } from './finalize.js';
import { accountRisks } from './risk.js';
import type { EventSource, SourceReport } from './sources.js';
import type { AlertStore } from './store.js';
import { type Alert, type AlertType, isoTime } from './types.js';

/** Feed time an episode must be quiet before its alert is stored. */
export const SETTLE_MS: Record<AlertType, number> = {
  wash_trading: 20 * 60_000,
  spoofing: 5 * 60_000,
  layering: 5 * 60_000,
  pump_and_dump: 0,
  volume_anomaly: 0,
  price_anomaly: 0,
  isolation_outlier: 0,
  circular_transfer: 0,
  fan_out_funding: CHAIN.FAN_OUT_WINDOW_MS,
};

export const WATCH = {
  /** feed time kept in the market buffer (longest detector window plus its context) */
  MARKET_BUFFER_MS: 3 * 3_600_000,
  /** block time kept in the transfer buffer */
  CHAIN_BUFFER_MS: 3 * 3_600_000,
  /** re-run the detectors after this many new events … */
  EVALUATE_EVERY: 5000,
  /** … or when new events waited this long (wall clock) … */
  EVALUATE_MS: 2000,
  /** … or when feed time moved this far since the last run (so nothing leaves the buffer unexamined) */
  EVALUATE_FEED_MS: 30 * 60_000,
  /** rejected-input messages kept on the run record */
  MAX_PROBLEMS: 20,
} as const;

export interface WatcherOptions {
  runId: string;
  source: EventSource;
  store: AlertStore;
  calibration: Calibration;
  /** wall clock (injectable for tests) */
  now?: () => number;
  onAlert?: (a: Alert) => void;
  onReport?: (r: SourceReport) => void;
  evaluateEvery?: number;
  evaluateMs?: number;
}

export interface WatchSummary {
  runId: string;
  events: number;
  alerts: number;
  rejected: number;
  lastEventTime: string | null;
}

/** True when two alerts describe the same episode (same type, overlapping, sharing half the accounts). */
function sameEpisode(a: Alert, b: Alert): boolean {
  if (a.type !== b.type) return false;
  if (Date.parse(a.start) > Date.parse(b.end) || Date.parse(b.start) > Date.parse(a.end)) return false;
  const shared = a.accounts.filter((x) => b.accounts.includes(x)).length;
  return shared >= Math.min(a.accounts.length, b.accounts.length) / 2;
}

export class Watcher {
  private events = 0;
  private rejected = 0;
  private problems: string[] = [];
  private lastEventTime = Number.NEGATIVE_INFINITY;
  private readonly stored: Alert[] = [];
  private readonly now: () => number;
  // market state
  private buffer: Array<{ event: MarketEvent; line: number }> = [];
  private readonly bufferIds = new Set<string>();
  // chain state
  private transfers: Transfer[] = [];
  private readonly firstSeen = new Map<string, number>();
  private pending = 0;
  private lastEval: number;
  private lastEvalFeedTime = Number.NEGATIVE_INFINITY;
  /** order sizes seen so far (4 significant digits), for the median the detectors measure size by */
  private readonly sizes = new Map<number, number>();
  private sizeCount = 0;

  constructor(private readonly opts: WatcherOptions) {
    this.now = opts.now ?? Date.now;
    this.lastEval = this.now();
  }

  private iso(): string {
    return new Date(this.now()).toISOString();
  }

  private reject(line: number | null, message: string): void {
    this.rejected++;
    if (this.problems.length < WATCH.MAX_PROBLEMS)
      this.problems.push(line === null ? message : `line ${line}: ${message}`);
  }

  /** Runs until the source ends or `signal` aborts; stores what is settled, and everything at the end. */
  async run(signal: AbortSignal): Promise<WatchSummary> {
    const { store, runId, source } = this.opts;
    const report = (r: SourceReport) => {
      if (r.level === 'warn') this.reject(null, r.message);
      this.opts.onReport?.(r);
      this.saveProgress();
    };
    try {
      for await (const batch of source.batches(signal, report)) {
        if (batch.kind === 'market') {
          for (const r of batch.rejected) this.reject(r.line, r.message);
          for (const { event, line } of batch.events) {
            this.acceptMarket(event, line);
            if (this.dueByCount()) this.evaluate(false);
          }
        } else {
          this.acceptChain(batch.transfers, batch.blockTime);
        }
        const due =
          this.pending > 0 && this.now() - this.lastEval >= (this.opts.evaluateMs ?? WATCH.EVALUATE_MS);
        if (due || (batch.kind === 'chain' && this.pending > 0)) this.evaluate(false);
        else this.saveProgress();
        if (signal.aborted) break;
      }
      this.evaluate(true);
      store.updateRun(runId, { status: signal.aborted ? 'stopped' : 'finished', now: this.iso() });
    } catch (e) {
      this.evaluate(true);
      store.updateRun(runId, { status: 'failed', error: (e as Error).message, now: this.iso() });
      throw e;
    }
    return this.summary();
  }

  summary(): WatchSummary {
    return {
      runId: this.opts.runId,
      events: this.events,
      alerts: this.stored.length,
      rejected: this.rejected,
      lastEventTime: Number.isFinite(this.lastEventTime) ? isoTime(this.lastEventTime) : null,
    };
  }

  /** Enough new events, or enough feed time, since the detectors last ran. */
  private dueByCount(): boolean {
    return (
      this.pending >= (this.opts.evaluateEvery ?? WATCH.EVALUATE_EVERY) ||
      (this.pending > 0 && this.lastEventTime - this.lastEvalFeedTime >= WATCH.EVALUATE_FEED_MS)
    );
  }

  private acceptMarket(e: MarketEvent, line: number): void {
    if (e.time < this.lastEventTime) {
      this.reject(line, `out of time order (${isoTime(e.time)} after ${isoTime(this.lastEventTime)})`);
      return;
    }
    if (this.bufferIds.has(e.id)) {
      this.reject(line, `duplicate id "${e.id}"`);
      return;
    }
    this.lastEventTime = e.time;
    this.bufferIds.add(e.id);
    if (e.type === 'order' && e.qty > 0) {
      const q = Number(e.qty.toPrecision(4));
      this.sizes.set(q, (this.sizes.get(q) ?? 0) + 1);
      this.sizeCount++;
    }
    this.buffer.push({ event: e, line });
    this.events++;
    this.pending++;
  }

  private acceptChain(transfers: Transfer[], blockTime: number): void {
    for (const t of transfers) {
      for (const a of [t.from, t.to]) if (!this.firstSeen.has(a)) this.firstSeen.set(a, t.time);
      this.transfers.push(t);
      this.events++;
      this.pending++;
    }
    this.lastEventTime = Math.max(this.lastEventTime, blockTime);
  }

  /** The median order size of everything seen so far (undefined before the first order). */
  private medianOrderQty(): number | undefined {
    if (this.sizeCount === 0) return undefined;
    const sorted = [...this.sizes.entries()].sort((a, b) => a[0] - b[0]);
    let seen = 0;
    for (const [q, n] of sorted) {
      seen += n;
      if (2 * seen >= this.sizeCount) return q;
    }
    return sorted[sorted.length - 1][0];
  }

  private saveProgress(): void {
    this.opts.store.updateRun(this.opts.runId, {
      events: this.events,
      rejected: this.rejected,
      problems: this.problems,
      lastEventTime: Number.isFinite(this.lastEventTime) ? isoTime(this.lastEventTime) : null,
      now: this.iso(),
    });
  }

  /** Runs the detectors over the buffer and stores the settled (or, when `final`, all) new alerts. */
  private evaluate(final: boolean): void {
    this.pending = 0;
    this.lastEval = this.now();
    this.lastEvalFeedTime = this.lastEventTime;
    const { calibration: cal, store, runId } = this.opts;
    let alerts: Alert[] = [];
    if (this.buffer.length > 0) {
      const cutoff = this.lastEventTime - WATCH.MARKET_BUFFER_MS;
      let drop = 0;
      while (drop < this.buffer.length && this.buffer[drop].event.time < cutoff) {
        this.bufferIds.delete(this.buffer[drop].event.id);
        drop++;
      }
      if (drop > 0) this.buffer = this.buffer.slice(drop);
      const table = tableFromEvents(this.buffer.map((b) => b.event));
      const candidates = marketCandidates(table, { medianOrderQty: this.medianOrderQty() });
      alerts = finalizeDetections(detectionsAt(candidates, cal.thresholds), cal);
    }
    if (this.transfers.length > 0) {
      const cutoff = this.lastEventTime - WATCH.CHAIN_BUFFER_MS;
      this.transfers = this.transfers.filter((t) => t.time >= cutoff);
      const start = this.transfers[0]?.time ?? cutoff;
      const known = new Set<string>();
      for (const [a, t] of this.firstSeen) if (t < start) known.add(a);
      alerts = alerts.concat(
        finalizeDetections(
          [...detectCircularTransfers(this.transfers), ...detectFanOutFunding(this.transfers, known)],
          cal,
        ),
      );
    }
    const fresh = alerts.filter(
      (a) =>
        (final || this.lastEventTime - Date.parse(a.end) >= SETTLE_MS[a.type]) &&
        !this.stored.some((s) => sameEpisode(s, a)),
    );
    const added = fresh.length > 0 ? store.addAlerts(runId, fresh, this.iso()) : [];
    for (const a of added) {
      this.stored.push(a);
      this.opts.onAlert?.(a);
    }
    if (added.length > 0) store.setRisks(runId, accountRisks(this.stored, cal.riskCutoffs), this.iso());
    this.saveProgress();
  }
}
