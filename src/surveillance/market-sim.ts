/**
 * The simulated exchange behind the generator: one instrument, a price-time-priority limit order book,
 * a fair value that moves by geometric Brownian motion, news jumps and the decaying impact of order
 * flow, and an agenda of timed actions. Agents (src/surveillance/generator.ts) act only through it, so
 * every event it records is consistent: trades reference resting orders, cancels reference live orders,
 * and prices come from the book.
 */
import type { Prng } from '../core/prng.js';
import type { MarketEvent } from './events.js';
import { TICK, TICKS_PER_UNIT } from './generator-params.js';

export type Side = 1 | -1;

/** An order resting in the book. */
export interface Resting {
  id: string;
  account: string;
  side: Side;
  ticks: number;
  /** remaining quantity */
  qty: number;
  live: boolean;
  /** called after each fill of this order with the filled quantity */
  onFill?: (qty: number) => void;
}

interface Scheduled {
  t: number;
  seq: number;
  fn: () => void;
}

/** A binary min-heap of timed actions; equal times run in scheduling order. */
class Agenda {
  private readonly heap: Scheduled[] = [];
  private seq = 0;

  get size(): number {
    return this.heap.length;
  }

  push(t: number, fn: () => void): void {
    const h = this.heap;
    const item = { t, seq: this.seq++, fn };
    h.push(item);
    let i = h.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (less(h[p], item)) break;
      h[i] = h[p];
      i = p;
    }
    h[i] = item;
  }

  pop(): Scheduled | undefined {
    const h = this.heap;
    if (h.length === 0) return undefined;
    const top = h[0];
    const last = h.pop()!;
    if (h.length > 0) {
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        if (l >= h.length) break;
        const r = l + 1;
        const c = r < h.length && less(h[r], h[l]) ? r : l;
        if (less(last, h[c])) break;
        h[i] = h[c];
        i = c;
      }
      h[i] = last;
    }
    return top;
  }
}

function less(a: Scheduled, b: Scheduled): boolean {
  return a.t < b.t || (a.t === b.t && a.seq < b.seq);
}

export interface SimOptions {
  startMs: number;
  durationMs: number;
  startPrice: number;
  dailyVol: number;
  impactPerUnit: number;
  impactTauMs: number;
  /** first event id (ids count up from here) */
  firstId: number;
}

/** Result of a market (or marketable) order. */
export interface Fill {
  filled: number;
  tradeIds: string[];
}

const DAY_MS = 86_400_000;

export class MarketSim {
  readonly events: MarketEvent[] = [];
  /** current simulated time, integer ms */
  t: number;
  readonly end: number;
  readonly start: number;
  private nextIdNo: number;
  /** best first: bids by price descending, asks ascending; equal prices in arrival order */
  private readonly bids: Resting[] = [];
  private readonly asks: Resting[] = [];
  private readonly agenda = new Agenda();
  private logV: number;
  private impact = 0;
  private lastFairT: number;
  private readonly varPerMs: number;
  /** log fair value sampled once per simulated minute, for momentum */
  private readonly minuteLogF: Float64Array;

  constructor(
    private readonly rng: Prng,
    private readonly opts: SimOptions,
  ) {
    this.start = opts.startMs;
    this.t = opts.startMs;
    this.end = opts.startMs + opts.durationMs;
    this.nextIdNo = opts.firstId;
    this.logV = Math.log(opts.startPrice);
    this.lastFairT = opts.startMs;
    this.varPerMs = (opts.dailyVol * opts.dailyVol) / DAY_MS;
    this.minuteLogF = new Float64Array(Math.ceil(opts.durationMs / 60_000) + 2).fill(Number.NaN);
    this.minuteLogF[0] = this.logV;
  }

  /** Schedules `fn` at time `t` (rounded to ms; never in the past, never after the end). */
  at(t: number, fn: () => void): void {
    const when = Math.max(this.t, Math.round(t));
    if (when < this.end) this.agenda.push(when, fn);
  }

  /** Runs the agenda to the end of the simulated period. */
  run(): void {
    for (;;) {
      const next = this.agenda.pop();
      if (next === undefined || next.t >= this.end) break;
      this.t = next.t;
      next.fn();
    }
  }

  /** Log of the fair value now (advances the diffusion and impact decay lazily). */
  logFair(): number {
    const dt = this.t - this.lastFairT;
    if (dt > 0) {
      const v = this.varPerMs * dt;
      this.logV += this.rng.normal(-0.5 * v, Math.sqrt(v));
      this.impact *= Math.exp(-dt / this.opts.impactTauMs);
      this.lastFairT = this.t;
      const m = Math.floor((this.t - this.start) / 60_000);
      if (m < this.minuteLogF.length) this.minuteLogF[m] = this.logV + this.impact;
    }
    return this.logV + this.impact;
  }

  fair(): number {
    return Math.exp(this.logFair());
  }

  /** Moves the fair value's fundamental part by a log jump (news). */
  jump(logMove: number): void {
    this.logFair();
    this.logV += logMove;
  }

  /** Log return of the fair value over the last `minutes` (0 before there is history). */
  recentReturn(minutes: number): number {
    const now = this.logFair();
    let m = Math.floor((this.t - this.start) / 60_000) - minutes;
    if (m < 0) return 0;
    while (m > 0 && Number.isNaN(this.minuteLogF[m])) m--;
    const past = this.minuteLogF[m];
    return Number.isNaN(past) ? 0 : now - past;
  }

  private id(): string {
    return String(this.nextIdNo++);
  }

  bestBid(excludeAccount?: string): number | undefined {
    for (const o of this.bids) if (o.account !== excludeAccount) return o.ticks;
    return undefined;
  }

  bestAsk(excludeAccount?: string): number | undefined {
    for (const o of this.asks) if (o.account !== excludeAccount) return o.ticks;
    return undefined;
  }

  /** Price in ticks nearest to a price. */
  static ticksOf(price: number): number {
    return Math.max(1, Math.round(price / TICK));
  }

  /**
   * Places a passive limit order. The price is moved back to one tick inside the opposite best when it
   * would cross (post-only), so a limit order never trades on arrival.
   */
  limit(account: string, side: Side, ticks: number, qty: number, onFill?: (qty: number) => void): Resting {
    if (side === 1) {
      const ask = this.bestAsk();
      if (ask !== undefined && ticks >= ask) ticks = ask - 1;
    } else {
      const bid = this.bestBid();
      if (bid !== undefined && ticks <= bid) ticks = bid + 1;
    }
    ticks = Math.max(1, ticks);
    const o: Resting = { id: this.id(), account, side, ticks, qty, live: true, onFill };
    this.events.push({
      time: this.t,
      type: 'order',
      id: o.id,
      account,
      side: side === 1 ? 'buy' : 'sell',
      price: ticks / TICKS_PER_UNIT,
      qty,
      orderId: '',
      counterparty: '',
    });
    const book = side === 1 ? this.bids : this.asks;
    // Insert after every order at a better or equal price (price-time priority).
    let lo = 0;
    let hi = book.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const better = side === 1 ? book[mid].ticks >= ticks : book[mid].ticks <= ticks;
      if (better) lo = mid + 1;
      else hi = mid;
    }
    book.splice(lo, 0, o);
    return o;
  }

  /** Cancels a live order (no-op when it is already filled or cancelled). Returns the cancel's id. */
  cancel(o: Resting): string | undefined {
    if (!o.live) return undefined;
    this.remove(o);
    const id = this.id();
    this.events.push({
      time: this.t,
      type: 'cancel',
      id,
      account: o.account,
      side: o.side === 1 ? 'buy' : 'sell',
      price: o.ticks / TICKS_PER_UNIT,
      qty: o.qty,
      orderId: o.id,
      counterparty: '',
    });
    return id;
  }

  private remove(o: Resting): void {
    o.live = false;
    const book = o.side === 1 ? this.bids : this.asks;
    const i = book.indexOf(o);
    if (i >= 0) book.splice(i, 1);
  }

  /**
   * A market order: takes resting orders from the best price until `qty` is filled, the book runs dry or
   * (with `limitTicks`) prices go beyond the limit. Skips the account's own orders unless `allowSelf`
   * (self-trade prevention, as exchanges do for honest flow). Each trade moves the fair value by the
   * impact of its size.
   */
  market(
    account: string,
    side: Side,
    qty: number,
    opts: { limitTicks?: number; allowSelf?: boolean } = {},
  ): Fill {
    const book = side === 1 ? this.asks : this.bids;
    const tradeIds: string[] = [];
    let left = qty;
    let i = 0;
    while (left > 0 && i < book.length) {
      const o = book[i];
      if (
        opts.limitTicks !== undefined &&
        (side === 1 ? o.ticks > opts.limitTicks : o.ticks < opts.limitTicks)
      )
        break;
      if (o.account === account && !opts.allowSelf) {
        i++;
        continue;
      }
      const q = Math.min(left, o.qty);
      left -= q;
      o.qty -= q;
      const id = this.id();
      tradeIds.push(id);
      this.events.push({
        time: this.t,
        type: 'trade',
        id,
        account,
        side: side === 1 ? 'buy' : 'sell',
        price: o.ticks / TICKS_PER_UNIT,
        qty: q,
        orderId: o.id,
        counterparty: o.account,
      });
      this.logFair();
      this.impact += side * this.opts.impactPerUnit * q;
      if (o.qty === 0) {
        o.live = false;
        book.splice(i, 1);
      } else i++;
      o.onFill?.(q);
    }
    return { filled: qty - left, tradeIds };
  }
}
