/**
 * The backtest engine (DESIGN §9): a strategy's target position is decided on each bar's close and, by
 * default, filled at the next bar's open; `fill: 'close'` fills on the signal bar's close instead
 * (optimistic). Equity is marked to market at every close. A position still open after the last bar is
 * closed at the last close, with costs, so the final equity is cash a trader could actually hold.
 *
 * The loop touches each bar once and calls into the fill code (fills.ts) only when the target changes;
 * its hot parts take typed arrays and numbers only, so V8 compiles them once and keeps them (a 10^6-bar
 * run is a few tens of milliseconds; see docs/performance.md).
 */
import { AitbcError } from '../../core/errors.js';
import type { Ohlcv } from '../types.js';
import {
  bookCash,
  bookDir,
  bookFeesPaid,
  bookSlippageCost,
  bookUnits,
  costVector,
  fillBook,
  newBook,
} from './fills.js';
import { TradeLog } from './trade-log.js';
import type { BacktestConfig, EngineResult } from './types.js';

export interface EngineRange {
  /** First bar simulated (the account starts flat with the capital here). Default 0. */
  start?: number;
  /** One past the last bar simulated. Default: all bars. */
  end?: number;
}

/**
 * Validates a backtest configuration.
 * @throws AitbcError INVALID_INPUT naming the bad field.
 */
export function validateConfig(cfg: BacktestConfig): void {
  const bad = (field: string, why: string, value: unknown) => {
    throw new AitbcError('INVALID_INPUT', `${field} ${why}, got ${value}`, { [field]: value });
  };
  if (!Number.isFinite(cfg.capital) || cfg.capital <= 0)
    bad('capital', 'must be a positive number', cfg.capital);
  if (!Number.isFinite(cfg.feeBps) || cfg.feeBps < 0 || cfg.feeBps >= 10_000)
    bad('fee-bps', 'must be in [0, 10000)', cfg.feeBps);
  if (!Number.isFinite(cfg.slippageBps) || cfg.slippageBps < 0 || cfg.slippageBps >= 10_000)
    bad('slippage-bps', 'must be in [0, 10000)', cfg.slippageBps);
  if (cfg.fill !== 'open' && cfg.fill !== 'close') bad('fill', 'must be "open" or "close"', cfg.fill);
  const s = cfg.sizing;
  if (s.mode === 'fraction' && !(s.fraction > 0 && s.fraction <= 1))
    bad('size', 'fraction must be in (0, 1]', s.fraction);
  if (s.mode === 'fixed' && !(s.quote > 0 && Number.isFinite(s.quote)))
    bad('size', 'fixed quote amount must be positive', s.quote);
  if (!Number.isFinite(cfg.periodsPerYear) || cfg.periodsPerYear <= 0)
    bad('periods-per-year', 'must be positive', cfg.periodsPerYear);
}

/** Reusable output arrays (sweeps simulate many runs and keep only their metrics). */
export interface EngineBuffers {
  equity: Float64Array;
  position: Int8Array;
}

/**
 * Marks bars from `from` at their closes while the fill decision stays `dir`, and returns the first
 * bar whose decision differs (or `end`). The decision for bar k is target[k − lag] (lag 1: filled at
 * k's open; lag 0: at k's close), with shorts mapped to flat when minDir is 0. One loop without calls,
 * which V8 compiles to its tightest code.
 */
function markUntilChange(
  target: Int8Array,
  close: Float64Array,
  equity: Float64Array,
  position: Int8Array,
  from: number,
  end: number,
  base: number,
  lag: number,
  minDir: number,
  dir: number,
  cash: number,
  units: number,
): number {
  for (let k = from; k < end; k++) {
    let w = target[k - lag];
    if (w < minDir) w = 0;
    if (w !== dir) return k;
    equity[k - base] = cash + units * close[k];
    position[k - base] = dir;
  }
  return end;
}

/**
 * Bars [first, end): between changes of the decision the bars are only marked, and fillBook runs once
 * per change. Only typed arrays, numbers and the trade log cross into it, so the JIT compiles it once
 * and never has to throw it away for an object of a new shape. Returns the bars that ended in the
 * market.
 */
function simulate(
  target: Int8Array,
  prices: Float64Array,
  close: Float64Array,
  time: Float64Array,
  first: number,
  end: number,
  start: number,
  lag: number,
  minDir: number,
  book: Float64Array,
  costs: Float64Array,
  trades: TradeLog,
  equity: Float64Array,
  position: Int8Array,
): number {
  let inMarket = 0;
  let i = first;
  while (i < end) {
    const dir = bookDir(book);
    const k = markUntilChange(
      target,
      close,
      equity,
      position,
      i,
      end,
      start,
      lag,
      minDir,
      dir,
      bookCash(book),
      bookUnits(book),
    );
    if (dir !== 0) inMarket += k - i;
    if (k === end) break;
    let want = target[k - lag];
    if (want < minDir) want = 0;
    fillBook(book, want, prices, time, k, k, costs, trades, false);
    const now = bookDir(book);
    equity[k - start] = bookCash(book) + bookUnits(book) * close[k];
    position[k - start] = now;
    if (now !== 0) inMarket++;
    i = k + 1;
  }
  return inMarket;
}

/** Marks bars [from, to) at their closes with an unchanged position. */
function markRange(
  equity: Float64Array,
  position: Int8Array,
  close: Float64Array,
  from: number,
  to: number,
  base: number,
  cash: number,
  units: number,
  dir: number,
): void {
  for (let k = from; k < to; k++) {
    equity[k - base] = cash + units * close[k];
    position[k - base] = dir;
  }
}

/**
 * Trades to make room for up front: one per 16 bars covers every built-in strategy on the benchmark's
 * bars without growing (pages never written cost nothing); the log grows past it when needed.
 */
function tradeCapacity(bars: number): number {
  return Math.max(64, bars >>> 4);
}

/** The range checks shared by runEngine and runHold. */
function checkRange(range: EngineRange, bars: number): { start: number; end: number } {
  const start = range.start ?? 0;
  const end = range.end ?? bars;
  if (!(start >= 0 && end <= bars && end - start >= 2)) {
    throw new AitbcError(
      'INVALID_INPUT',
      `backtest range [${start}, ${end}) needs at least 2 of ${bars} bars`,
      {
        start,
        end,
        bars,
      },
    );
  }
  return { start, end };
}

/**
 * Simulates `target` (one entry per bar, -1/0/1) over bars [start, end) of `data`: one pass that reads
 * each bar's decision, fills only when it differs from the position held, and marks the equity at the
 * close. Changes are rare next to bars, so the branch predicts well and the pass costs a few
 * nanoseconds per bar plus one fill per change.
 * @throws AitbcError INVALID_INPUT when the target is not aligned with the data or the range is empty.
 * @example runEngine(data, target, {capital: 10_000, feeBps: 10, slippageBps: 5, fill: 'open',
 *   sizing: {mode: 'all-in'}, allowShort: false, periodsPerYear: 8760})
 */
export function runEngine(
  data: Ohlcv,
  target: Int8Array,
  cfg: BacktestConfig,
  range: EngineRange = {},
  buffers?: EngineBuffers,
): EngineResult {
  const bars = data.close.length;
  if (target.length !== bars) {
    throw new AitbcError('INVALID_INPUT', `signal has ${target.length} entries for ${bars} bars`, {
      signals: target.length,
      bars,
    });
  }
  const { start, end } = checkRange(range, bars);
  const { open, close, time } = data;
  const n = end - start;
  const reuse = buffers !== undefined && buffers.equity.length >= n && buffers.position.length >= n;
  const equity = reuse ? buffers.equity.subarray(0, n) : new Float64Array(n);
  const position = reuse ? buffers.position.subarray(0, n) : new Int8Array(n);
  const book = newBook(cfg.capital);
  const costs = costVector(cfg);
  const atOpen = cfg.fill === 'open';
  const lag = atOpen ? 1 : 0;
  // With next-open fills nothing can fill on the first bar: no signal precedes it.
  const first = atOpen ? start + 1 : start;
  if (atOpen) {
    equity[0] = cfg.capital;
    position[0] = 0;
  }
  const trades = new TradeLog(tradeCapacity(n));
  const inMarket = simulate(
    target,
    atOpen ? open : close,
    close,
    time,
    first,
    end,
    start,
    lag,
    cfg.allowShort ? -1 : 0,
    book,
    costs,
    trades,
    equity,
    position,
  );
  return closeOut(book, close, time, costs, trades, { start, end, equity, position, barsInMarket: inMarket });
}

/**
 * The end of a run: a position still open after the last bar is closed at the last close (the final
 * equity is then the cash), and the result assembled with the account's costs.
 */
function closeOut(
  book: Float64Array,
  close: Float64Array,
  time: Float64Array,
  costs: Float64Array,
  trades: TradeLog,
  run: Pick<EngineResult, 'start' | 'end' | 'equity' | 'position' | 'barsInMarket'>,
): EngineResult {
  if (bookDir(book) !== 0) {
    const last = run.end - 1;
    fillBook(book, 0, close, time, last, last, costs, trades, true);
    run.equity[run.end - run.start - 1] = bookCash(book);
  }
  return { ...run, trades, feesPaid: bookFeesPaid(book), slippageCost: bookSlippageCost(book) };
}

/**
 * The engine on a decision that is long on every bar — buy-and-hold — without a target array: the
 * first fill, then one marking pass, then the close at the end. Gives exactly what runEngine gives for
 * an all-ones target (an account that cannot open stays flat, as the engine's repeated attempts would
 * leave it).
 * @throws AitbcError INVALID_INPUT when the range is empty.
 */
export function runHold(
  data: Ohlcv,
  cfg: BacktestConfig,
  range: EngineRange = {},
  buffers?: EngineBuffers,
): EngineResult {
  const bars = data.close.length;
  const { start, end } = checkRange(range, bars);
  const { open, close, time } = data;
  const n = end - start;
  const reuse = buffers !== undefined && buffers.equity.length >= n && buffers.position.length >= n;
  const equity = reuse ? buffers.equity.subarray(0, n) : new Float64Array(n);
  const position = reuse ? buffers.position.subarray(0, n) : new Int8Array(n);
  const book = newBook(cfg.capital);
  const costs = costVector(cfg);
  const trades = new TradeLog(2);
  const atOpen = cfg.fill === 'open';
  const first = atOpen ? start + 1 : start;
  if (atOpen) {
    equity[0] = cfg.capital;
    position[0] = 0;
  }
  fillBook(book, 1, atOpen ? open : close, time, first, first, costs, trades, false);
  const dir = bookDir(book);
  markRange(equity, position, close, first, end, start, bookCash(book), bookUnits(book), dir);
  return closeOut(book, close, time, costs, trades, {
    start,
    end,
    equity,
    position,
    barsInMarket: dir !== 0 ? end - first : 0,
  });
}
