/**
 * The backtest engine (DESIGN §9): a strategy's target position is decided on each bar's close and, by
 * default, filled at the next bar's open; `fill: 'close'` fills on the signal bar's close instead
 * (optimistic). Equity is marked to market at every close. A position still open after the last bar is
 * closed at the last close, with costs, so the final equity is cash a trader could actually hold.
 *
 * The loop touches each bar once and calls into `moveTo` only when the target changes, which keeps a
 * 10^6-bar run in the low milliseconds.
 */
import { AitbcError } from '../../core/errors.js';
import type { Ohlcv } from '../types.js';
import { moveTo, newAccount } from './fills.js';
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
 * First bar k in [from, end) whose fill decision differs from `dir`: the decision for bar k is
 * target[k − lag] (lag 1: filled at k's open; lag 0: at k's close), with shorts mapped to flat when
 * minDir is 0. Kept separate and branch-light so the scan compiles to a tight loop.
 */
function scanToChange(
  target: Int8Array,
  from: number,
  end: number,
  lag: number,
  dir: number,
  minDir: number,
): number {
  for (let k = from; k < end; k++) {
    let w = target[k - lag];
    if (w < minDir) w = 0;
    if (w !== dir) return k;
  }
  return end;
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
 * Simulates `target` (one entry per bar, -1/0/1) over bars [start, end) of `data`. Between changes of
 * the target the bars are only marked to market, so the work is one scan and one mark per bar plus one
 * `moveTo` per fill.
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
  const { open, close, time } = data;
  const n = end - start;
  const reuse = buffers !== undefined && buffers.equity.length >= n && buffers.position.length >= n;
  const equity = reuse ? buffers.equity.subarray(0, n) : new Float64Array(n);
  const position = reuse ? buffers.position.subarray(0, n) : new Int8Array(n);
  const trades = new TradeLog();
  const acct = newAccount(cfg.capital);
  const minDir = cfg.allowShort ? -1 : 0;
  const atOpen = cfg.fill === 'open';
  const lag = atOpen ? 1 : 0;
  const prices = atOpen ? open : close;
  let inMarket = 0;
  // With next-open fills nothing can fill on the first bar: no signal precedes it.
  let i = start;
  if (atOpen) {
    equity[0] = acct.cash;
    position[0] = 0;
    i = start + 1;
  }
  while (i < end) {
    const dir = acct.dir;
    const k = scanToChange(target, i, end, lag, dir, minDir);
    markRange(equity, position, close, i, k, start, acct.cash, acct.units, dir);
    if (dir !== 0) inMarket += k - i;
    if (k === end) break;
    let want = target[k - lag];
    if (want < minDir) want = 0;
    moveTo(acct, want as -1 | 0 | 1, prices[k], k, time[k], cfg, trades);
    equity[k - start] = acct.cash + acct.units * close[k];
    position[k - start] = acct.dir;
    if (acct.dir !== 0) inMarket++;
    i = k + 1;
  }
  if (acct.dir !== 0) {
    const last = end - 1;
    moveTo(acct, 0, close[last], last, time[last], cfg, trades, 'end');
    equity[n - 1] = acct.cash;
  }
  return {
    start,
    end,
    equity,
    position,
    barsInMarket: inMarket,
    trades,
    feesPaid: acct.feesPaid,
    slippageCost: acct.slippageCost,
  };
}
