/**
 * A paper-trading account driven bar by bar. Each closed bar is appended to the history, a pending
 * target from the previous close fills at this bar's open (or, with `fill: 'close'`, the new target
 * fills at this close), the strategy is re-run over the recent history to decide the next target, and
 * equity is marked at the close. Fills go through the same `moveTo` as the backtest engine, so a
 * replayed file trades exactly as `ai-trading backtest` on the same bars (tested).
 */
import { type Account, equityAt, moveTo, newAccount } from '../backtest/fills.js';
import { TradeLog } from '../backtest/trade-log.js';
import type { BacktestConfig, Trade } from '../backtest/types.js';
import { sliceOhlcv } from '../data/series.js';
import { createContext, type Params, type Strategy } from '../strategies/types.js';
import type { Ohlcv } from '../types.js';

export interface Bar {
  time: number;
  open: number;
  high: number;
  low: number;
  close: number;
  volume: number;
}

export interface PaperOptions {
  strategy: Strategy;
  params: Params;
  config: BacktestConfig;
  /** Most recent bars the strategy sees on each decision (bounds the work per bar). */
  window: number;
}

export interface BarOutcome {
  /** Trades closed on this bar. */
  trades: Trade[];
  /** Target decided on this bar's close. */
  target: -1 | 0 | 1;
  equity: number;
  position: -1 | 0 | 1;
}

/** Growable columnar history. */
class History {
  n = 0;
  private cap = 256;
  time = new Float64Array(this.cap);
  open = new Float64Array(this.cap);
  high = new Float64Array(this.cap);
  low = new Float64Array(this.cap);
  close = new Float64Array(this.cap);
  volume = new Float64Array(this.cap);

  push(b: Bar): void {
    if (this.n === this.cap) {
      this.cap *= 2;
      const grow = (a: Float64Array) => {
        const x = new Float64Array(this.cap);
        x.set(a);
        return x;
      };
      this.time = grow(this.time);
      this.open = grow(this.open);
      this.high = grow(this.high);
      this.low = grow(this.low);
      this.close = grow(this.close);
      this.volume = grow(this.volume);
    }
    const i = this.n++;
    this.time[i] = b.time;
    this.open[i] = b.open;
    this.high[i] = b.high;
    this.low[i] = b.low;
    this.close[i] = b.close;
    this.volume[i] = b.volume;
  }

  view(): Ohlcv {
    return sliceOhlcv(
      {
        time: this.time,
        open: this.open,
        high: this.high,
        low: this.low,
        close: this.close,
        volume: this.volume,
      },
      0,
      this.n,
    );
  }
}

export class PaperTrader {
  readonly account: Account;
  private readonly history = new History();
  private pending: -1 | 0 | 1 = 0;
  /** Bars seen, including warm-up history. */
  bars = 0;
  /** Bars traded (after warm-up history). */
  tradedBars = 0;
  /** Traded bars that ended with an open position. */
  barsInMarket = 0;
  readonly trades = new TradeLog();
  lastIndicators: Record<string, number> = {};
  private readonly minDir: number;

  constructor(private readonly opts: PaperOptions) {
    this.account = newAccount(opts.config.capital);
    this.minDir = opts.config.allowShort ? -1 : 0;
  }

  /** Adds bars from before the session started: they feed the strategy but never trade. */
  warmUp(bar: Bar): void {
    this.history.push(bar);
    this.bars++;
  }

  private decide(): -1 | 0 | 1 {
    const { strategy, params, window } = this.opts;
    const all = this.history.view();
    const n = all.close.length;
    // Before the warm-up is complete no indicator has a value yet (and some strategies refuse to run).
    if (n <= strategy.warmup(params)) return 0;
    const from = Math.max(0, n - window);
    const view = from === 0 ? all : sliceOhlcv(all, from, n);
    const out = strategy.run(view, params, createContext());
    const last = view.close.length - 1;
    this.lastIndicators = {};
    for (const [k, v] of Object.entries(out.indicators)) this.lastIndicators[k] = v[last];
    const t = out.target[last];
    return (t < this.minDir ? 0 : t) as -1 | 0 | 1;
  }

  /** Processes one closed bar. */
  onBar(bar: Bar): BarOutcome {
    const bi = this.bars;
    this.history.push(bar);
    this.bars++;
    this.tradedBars++;
    const before = this.trades.length;
    const cfg = this.opts.config;
    const acct = this.account;
    if (cfg.fill === 'open' && this.pending !== acct.dir) {
      moveTo(acct, this.pending, bar.open, bi, bar.time, cfg, this.trades);
    }
    const target = this.decide();
    if (cfg.fill === 'close' && target !== acct.dir) {
      moveTo(acct, target, bar.close, bi, bar.time, cfg, this.trades);
    }
    this.pending = target;
    if (acct.dir !== 0) this.barsInMarket++;
    return {
      trades: this.trades.toArray(before),
      target,
      equity: equityAt(acct, bar.close),
      position: acct.dir,
    };
  }

  /** The target waiting for the next bar's open. */
  get pendingTarget(): -1 | 0 | 1 {
    return this.pending;
  }
}
