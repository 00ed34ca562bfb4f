/**
 * Descriptive statistics of a market series for `advanced-analytics market-data`: close-to-close
 * returns, volatility (annualised by the bar spacing, 24/7), drawdown of the close, and a volume
 * profile. Every figure is computed from the series it is given.
 */
import { mean, sampleKurtosis, sampleSkewness, sampleStandardDeviation } from 'simple-statistics';
import { AitbcError } from '../../core/errors.js';
import { drawdownSeries, resolvePeriodsPerYear } from '../metrics/index.js';
import type { Ohlcv } from '../types.js';

export interface VolumeBin {
  priceLow: number;
  priceHigh: number;
  volume: number;
  /** Fraction of the total volume. */
  share: number;
}

export interface MarketStats {
  bars: number;
  fromMs: number;
  toMs: number;
  price: { firstClose: number; lastClose: number; high: number; low: number; change: number };
  /** Simple close-to-close returns; moments are null with too few returns to define them. */
  returns: {
    count: number;
    mean: number | null;
    stdev: number | null;
    skewness: number | null;
    excessKurtosis: number | null;
    positiveShare: number | null;
    best: { timeMs: number; value: number } | null;
    worst: { timeMs: number; value: number } | null;
  };
  /** Standard deviation of log returns, per bar and × √(periods per year). */
  volatility: {
    perBar: number | null;
    annualised: number | null;
    periodsPerYear: number;
    periodsPerYearSource: string;
  };
  /** Drawdown of the close from its running peak, as positive fractions. */
  drawdown: {
    max: number;
    peakMs: number | null;
    troughMs: number | null;
    /** First bar back at the old peak after the deepest trough; null if not recovered. */
    recoveryMs: number | null;
    /** Bars from that peak to recovery (or to the last bar). */
    durationBars: number;
    current: number;
  };
  volume: {
    total: number;
    meanPerBar: number;
    profile: VolumeBin[];
    /** The bin with the most volume. */
    pointOfControl: { priceLow: number; priceHigh: number } | null;
    /** The narrowest run of bins around the point of control holding ≥ 70 % of the volume. */
    valueArea: { priceLow: number; priceHigh: number; share: number } | null;
  };
}

export interface MarketStatsOptions {
  /** The series' bar interval (for annualising). */
  intervalMs: number;
  periodsPerYear?: number;
  /** Price bins of the volume profile (default 20). */
  bins?: number;
}

const VALUE_AREA = 0.7;

/**
 * Computes the statistics.
 * @throws AitbcError INVALID_INPUT for an empty series, a bad bin count, or nothing to annualise by.
 * @example marketStats(loaded.data, { intervalMs: loaded.intervalMs })
 */
export function marketStats(data: Ohlcv, opts: MarketStatsOptions): MarketStats {
  const n = data.time.length;
  if (n === 0) throw new AitbcError('INVALID_INPUT', 'no bars to describe', {});
  const bins = opts.bins ?? 20;
  if (!Number.isInteger(bins) || bins < 1 || bins > 1000) {
    throw new AitbcError('INVALID_INPUT', `--bins must be a whole number from 1 to 1000, got ${bins}`, {
      bins,
    });
  }
  const ppy =
    opts.periodsPerYear === undefined && !(opts.intervalMs > 0)
      ? { periodsPerYear: Number.NaN, source: 'unknown (a single bar has no spacing)' }
      : resolvePeriodsPerYear(opts.intervalMs, opts.periodsPerYear);
  const { close, high, low, time } = data;

  const simple: number[] = [];
  const logs: number[] = [];
  let best: { timeMs: number; value: number } | null = null;
  let worst: { timeMs: number; value: number } | null = null;
  let positive = 0;
  for (let i = 1; i < n; i++) {
    const r = close[i] / close[i - 1] - 1;
    simple.push(r);
    logs.push(Math.log(close[i] / close[i - 1]));
    if (r > 0) positive++;
    if (best === null || r > best.value) best = { timeMs: time[i], value: r };
    if (worst === null || r < worst.value) worst = { timeMs: time[i], value: r };
  }
  const m = simple.length;
  const perBar = m >= 2 ? sampleStandardDeviation(logs) : null;

  let hi = high[0];
  let lo = low[0];
  for (let i = 1; i < n; i++) {
    if (high[i] > hi) hi = high[i];
    if (low[i] < lo) lo = low[i];
  }

  return {
    bars: n,
    fromMs: time[0],
    toMs: time[n - 1],
    price: {
      firstClose: close[0],
      lastClose: close[n - 1],
      high: hi,
      low: lo,
      change: close[n - 1] / close[0] - 1,
    },
    returns: {
      count: m,
      mean: m >= 1 ? mean(simple) : null,
      stdev: m >= 2 ? sampleStandardDeviation(simple) : null,
      skewness: m >= 3 && sampleStandardDeviation(simple) > 0 ? sampleSkewness(simple) : null,
      excessKurtosis: m >= 4 && sampleStandardDeviation(simple) > 0 ? sampleKurtosis(simple) : null,
      positiveShare: m >= 1 ? positive / m : null,
      best,
      worst,
    },
    volatility: {
      perBar,
      annualised:
        perBar === null || !Number.isFinite(ppy.periodsPerYear)
          ? null
          : perBar * Math.sqrt(ppy.periodsPerYear),
      periodsPerYear: ppy.periodsPerYear,
      periodsPerYearSource: ppy.source,
    },
    drawdown: drawdownStats(close, time),
    volume: volumeStats(data, bins, lo, hi),
  };
}

function drawdownStats(close: Float64Array, time: Float64Array): MarketStats['drawdown'] {
  const dd = drawdownSeries(close);
  const n = close.length;
  let trough = 0;
  for (let i = 1; i < n; i++) if (dd[i] < dd[trough]) trough = i;
  if (dd[trough] === 0) {
    return { max: 0, peakMs: null, troughMs: null, recoveryMs: null, durationBars: 0, current: 0 };
  }
  let peak = trough;
  while (peak > 0 && dd[peak] !== 0) peak--;
  let recovery = trough;
  while (recovery < n && dd[recovery] !== 0) recovery++;
  return {
    max: -dd[trough],
    peakMs: time[peak],
    troughMs: time[trough],
    recoveryMs: recovery < n ? time[recovery] : null,
    durationBars: (recovery < n ? recovery : n - 1) - peak,
    current: dd[n - 1] === 0 ? 0 : -dd[n - 1],
  };
}

/**
 * Spreads each bar's volume evenly over its high–low range across equal-width price bins (a bar with
 * high = low puts it all in one bin).
 */
function volumeStats(data: Ohlcv, bins: number, lo: number, hi: number): MarketStats['volume'] {
  const { high, low, volume } = data;
  const n = volume.length;
  const acc = new Float64Array(bins);
  const width = (hi - lo) / bins;
  let total = 0;
  const binOf = (p: number) =>
    width > 0 ? Math.min(bins - 1, Math.max(0, Math.floor((p - lo) / width))) : 0;
  for (let i = 0; i < n; i++) {
    const v = volume[i];
    total += v;
    if (v === 0) continue;
    const a = binOf(low[i]);
    const b = binOf(high[i]);
    const span = high[i] - low[i];
    if (a === b || span <= 0) {
      acc[a] += v;
      continue;
    }
    for (let j = a; j <= b; j++) {
      const overlap = Math.min(high[i], lo + (j + 1) * width) - Math.max(low[i], lo + j * width);
      if (overlap > 0) acc[j] += (v * overlap) / span;
    }
  }
  const edge = (j: number) => (j === bins ? hi : lo + j * width);
  const profile: VolumeBin[] = Array.from(acc, (v, j) => ({
    priceLow: edge(j),
    priceHigh: edge(j + 1),
    volume: v,
    share: total > 0 ? v / total : 0,
  }));
  if (!(total > 0)) return { total, meanPerBar: 0, profile, pointOfControl: null, valueArea: null };
  let poc = 0;
  for (let j = 1; j < bins; j++) if (acc[j] > acc[poc]) poc = j;
  let a = poc;
  let b = poc;
  let inside = acc[poc];
  while (inside < VALUE_AREA * total && (a > 0 || b < bins - 1)) {
    const below = a > 0 ? acc[a - 1] : -1;
    const above = b < bins - 1 ? acc[b + 1] : -1;
    if (above >= below) inside += acc[++b];
    else inside += acc[--a];
  }
  return {
    total,
    meanPerBar: total / n,
    profile,
    pointOfControl: { priceLow: edge(poc), priceHigh: edge(poc + 1) },
    valueArea: { priceLow: edge(a), priceHigh: edge(b + 1), share: inside / total },
  };
}

/** MarketStats with times as RFC 3339 strings (DESIGN §4), for `--json`. */
export function marketStatsJson(s: MarketStats) {
  const iso = (t: number | null) => (t === null ? null : new Date(t).toISOString());
  const { fromMs, toMs, returns, drawdown, ...rest } = s;
  return {
    ...rest,
    from: iso(fromMs),
    to: iso(toMs),
    returns: {
      ...returns,
      best: returns.best && { time: iso(returns.best.timeMs), value: returns.best.value },
      worst: returns.worst && { time: iso(returns.worst.timeMs), value: returns.worst.value },
    },
    drawdown: {
      max: drawdown.max,
      peak: iso(drawdown.peakMs),
      trough: iso(drawdown.troughMs),
      recovery: iso(drawdown.recoveryMs),
      durationBars: drawdown.durationBars,
      current: drawdown.current,
    },
  };
}

export type MarketStatsJson = ReturnType<typeof marketStatsJson>;
