/**
 * Performance metrics of an equity curve and its trades. Every formula is written out in docs/quant.md;
 * the comments here only say the choices that matter (sample σ, downside deviation over all periods,
 * risk-free rate 0). One pass over the curve, so a 10^6-bar backtest pays a few milliseconds here.
 */

/** What the metrics need to know about the closed trades, column by column. */
export interface TradeOutcomes {
  /** Profit of each trade in quote currency after fees and slippage on both legs. */
  pnl: ArrayLike<number>;
  /** Each pnl divided by the capital committed at entry. */
  returnPct: ArrayLike<number>;
}

/** The columns of trade objects (as stored in session state). */
export function tradeOutcomes(trades: ReadonlyArray<{ pnl: number; returnPct: number }>): TradeOutcomes {
  return { pnl: trades.map((t) => t.pnl), returnPct: trades.map((t) => t.returnPct) };
}

export interface PerformanceMetrics {
  bars: number;
  periodsPerYear: number;
  /** Return periods (bars − 1) divided by periods per year. */
  years: number;
  startEquity: number;
  endEquity: number;
  totalReturn: number;
  cagr: number;
  annualVolatility: number;
  /** null when the returns have zero variance. */
  sharpe: number | null;
  /** null when no period lost money. */
  sortino: number | null;
  /** null when there was no drawdown. */
  calmar: number | null;
  /** Largest peak-to-trough fall as a positive fraction of the peak. */
  maxDrawdown: number;
  /** Longest stretch below a previous peak, in bars and in milliseconds of data time. */
  maxDrawdownDurationBars: number;
  maxDrawdownDurationMs: number;
  /** Fraction of bars that ended with an open position. */
  exposure: number;
  trades: number;
  /** null without trades. */
  winRate: number | null;
  /** Gross profit / gross loss; null without a losing trade. */
  profitFactor: number | null;
  /** Mean pnl per trade in quote currency; null without trades. */
  expectancy: number | null;
  /** Mean trade return; null without trades. */
  avgTradeReturn: number | null;
}

export interface MetricsInput {
  /** Equity marked to market at every bar's close. */
  equity: Float64Array;
  /** Bar times (unix ms) aligned with `equity`; `timeOffset` maps equity index i to time[i + timeOffset]. */
  time: Float64Array;
  timeOffset?: number;
  periodsPerYear: number;
  /** Bars that ended with an open position. */
  barsInMarket: number;
  trades: TradeOutcomes;
}

interface CurveStats {
  /** Σr, Σr² and Σmin(r, 0)² of the simple returns. */
  sum: number;
  sumSq: number;
  downSq: number;
  /** Deepest fall below the running peak, as a positive fraction of the peak. */
  maxDd: number;
  /** Longest run of bars below a peak, and the bar where that run reached its length. */
  longest: number;
  longestEnd: number;
}

/**
 * One pass over the curve for everything the metrics need from it.
 *
 * Returns: Σr, Σr² and Σmin(r, 0)² of the simple returns r = e[i] / e[i−1] − 1 (a blown account,
 * e ≤ 0, earns 0 rather than dividing by zero). min(r, 0) is computed as (r − |r|) / 2: a return's
 * sign is a coin flip, and a branch on it (or Math.min, which V8 compiles to branches) mispredicts half
 * the time and costs several times the arithmetic.
 *
 * Drawdown: the deepest fall below the running peak and the longest run of bars below a peak. New peaks
 * and new records are rare, so these branches predict well.
 *
 * Each sum is accumulated in bar order exactly as a separate pass would, so fusing the passes changes
 * no bit of any metric.
 */
function curveStats(equity: Float64Array): CurveStats {
  const n = equity.length;
  let sum = 0;
  let sumSq = 0;
  let down4 = 0;
  let prev = n > 0 ? equity[0] : 0;
  let peak = prev;
  let minRatio = 1;
  let underwater = 0;
  let longest = 0;
  let longestEnd = 0;
  for (let i = 1; i < n; i++) {
    const e = equity[i];
    const r = prev > 0 ? e / prev - 1 : 0;
    prev = e;
    const twiceDown = r - Math.abs(r);
    sum += r;
    sumSq += r * r;
    down4 += twiceDown * twiceDown;
    if (e >= peak) {
      peak = e;
      underwater = 0;
    } else {
      underwater++;
      if (underwater > longest) {
        longest = underwater;
        longestEnd = i;
      }
    }
    const ratio = peak > 0 ? e / peak : 0;
    if (ratio < minRatio) minRatio = ratio;
  }
  return { sum, sumSq, downSq: down4 / 4, maxDd: 1 - minRatio, longest, longestEnd };
}

/**
 * Computes every metric of docs/quant.md from one equity curve.
 * @example computeMetrics({equity, time, periodsPerYear: 8760, barsInMarket: 40, trades}).sharpe
 */
export function computeMetrics(input: MetricsInput): PerformanceMetrics {
  const { equity, time, periodsPerYear: P, barsInMarket, trades } = input;
  const off = input.timeOffset ?? 0;
  const n = equity.length;
  const start = n > 0 ? equity[0] : 0;
  const end = n > 0 ? equity[n - 1] : 0;
  // The one-pass variance (Σr² − (Σr)²/N) / (N − 1) loses nothing that matters: returns are small and
  // their mean² ≪ their variance. Downside deviation is over all periods against a 0 target.
  const { sum, sumSq, downSq, maxDd, longest: longestBars, longestEnd } = curveStats(equity);
  const count = Math.max(0, n - 1);
  const mean = count > 0 ? sum / count : 0;
  const variance = count > 1 ? Math.max(0, (sumSq - sum * mean) / (count - 1)) : 0;
  const longestMs = longestBars > 0 ? time[longestEnd + off] - time[longestEnd - longestBars + off] : 0;
  const sd = Math.sqrt(variance);
  const downDev = count > 0 ? Math.sqrt(downSq / count) : 0;
  const rootP = Math.sqrt(P);
  const years = count / P;
  const growth = start > 0 ? end / start : 0;
  const totalReturn = growth - 1;
  const cagr = years > 0 ? (growth > 0 ? growth ** (1 / years) - 1 : -1) : 0;

  let wins = 0;
  let grossProfit = 0;
  let grossLoss = 0;
  let sumPnl = 0;
  let sumRet = 0;
  const { pnl, returnPct } = trades;
  const k = pnl.length;
  for (let i = 0; i < k; i++) {
    const p = pnl[i];
    if (p > 0) {
      wins++;
      grossProfit += p;
    } else if (p < 0) grossLoss -= p;
    sumPnl += p;
    sumRet += returnPct[i];
  }
  return {
    bars: n,
    periodsPerYear: P,
    years,
    startEquity: start,
    endEquity: end,
    totalReturn,
    cagr,
    annualVolatility: sd * rootP,
    sharpe: sd > 0 ? (mean / sd) * rootP : null,
    sortino: downDev > 0 ? (mean / downDev) * rootP : null,
    calmar: maxDd > 0 ? cagr / maxDd : null,
    maxDrawdown: maxDd,
    maxDrawdownDurationBars: longestBars,
    maxDrawdownDurationMs: longestMs,
    exposure: n > 0 ? barsInMarket / n : 0,
    trades: k,
    winRate: k > 0 ? wins / k : null,
    profitFactor: grossLoss > 0 ? grossProfit / grossLoss : null,
    expectancy: k > 0 ? sumPnl / k : null,
    avgTradeReturn: k > 0 ? sumRet / k : null,
  };
}

/**
 * The drawdown curve: equity / running peak − 1 (0 at a peak, negative below it).
 * @example drawdownSeries(Float64Array.of(100, 120, 90)) // [0, 0, -0.25]
 */
export function drawdownSeries(equity: Float64Array): Float64Array {
  const out = new Float64Array(equity.length);
  let peak = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < equity.length; i++) {
    const e = equity[i];
    if (e > peak) peak = e;
    out[i] = peak > 0 ? e / peak - 1 : 0;
  }
  return out;
}
