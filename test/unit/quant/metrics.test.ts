import { mean, sampleStandardDeviation } from 'simple-statistics';
import { describe, expect, it } from 'vitest';
import {
  computeMetrics,
  drawdownSeries,
  periodsPerYear,
  resolvePeriodsPerYear,
  tradeOutcomes,
} from '../../../src/quant/metrics/index.js';

const HOUR = 3_600_000;

function times(n: number, step = HOUR): Float64Array {
  return Float64Array.from({ length: n }, (_, i) => i * step);
}

describe('periods per year', () => {
  it('derives 24/7 periods from the bar spacing', () => {
    expect(periodsPerYear(HOUR)).toBe(8760);
    expect(periodsPerYear(24 * HOUR)).toBe(365);
    expect(periodsPerYear(60_000)).toBe(525_600);
  });
  it('honours an override and refuses nonsense', () => {
    expect(resolvePeriodsPerYear(HOUR, 252)).toEqual({ periodsPerYear: 252, source: 'override' });
    expect(() => resolvePeriodsPerYear(HOUR, 0)).toThrow(/positive/);
    expect(() => periodsPerYear(0)).toThrow(/positive/);
  });
});

describe('computeMetrics', () => {
  const equity = Float64Array.of(100, 110, 99, 121, 120);
  const trades = [
    { pnl: 10, returnPct: 0.1 },
    { pnl: -4, returnPct: -0.04 },
    { pnl: 15, returnPct: 0.12 },
  ];
  const P = 365;
  const m = computeMetrics({
    equity,
    time: times(5, 86_400_000),
    periodsPerYear: P,
    barsInMarket: 3,
    trades: tradeOutcomes(trades),
  });
  const r = [0.1, 99 / 110 - 1, 121 / 99 - 1, 120 / 121 - 1];

  it('matches the formulas against an independent mean and sample σ', () => {
    const mu = mean(r);
    const sd = sampleStandardDeviation(r);
    expect(m.totalReturn).toBeCloseTo(0.2, 12);
    expect(m.years).toBeCloseTo(4 / 365, 12);
    expect(m.cagr).toBeCloseTo(1.2 ** (365 / 4) - 1, 6);
    expect(m.annualVolatility).toBeCloseTo(sd * Math.sqrt(P), 12);
    expect(m.sharpe).toBeCloseTo((mu / sd) * Math.sqrt(P), 10);
    const downside = Math.sqrt(r.filter((x) => x < 0).reduce((a, x) => a + x * x, 0) / r.length);
    expect(m.sortino).toBeCloseTo((mu / downside) * Math.sqrt(P), 10);
  });

  it('measures the deepest drawdown and the longest stretch under a peak', () => {
    expect(m.maxDrawdown).toBeCloseTo(0.1, 12);
    expect(m.maxDrawdownDurationBars).toBe(1);
    expect(m.maxDrawdownDurationMs).toBe(86_400_000);
    expect(m.calmar).toBeCloseTo(m.cagr / 0.1, 6);
    const long = computeMetrics({
      equity: Float64Array.of(100, 90, 95, 99, 101, 100),
      time: times(6),
      periodsPerYear: 8760,
      barsInMarket: 0,
      trades: tradeOutcomes([]),
    });
    expect(long.maxDrawdownDurationBars).toBe(3);
    expect(long.maxDrawdownDurationMs).toBe(3 * HOUR);
  });

  it('computes trade statistics', () => {
    expect(m.trades).toBe(3);
    expect(m.winRate).toBeCloseTo(2 / 3, 12);
    expect(m.profitFactor).toBeCloseTo(25 / 4, 12);
    expect(m.expectancy).toBeCloseTo(7, 12);
    expect(m.avgTradeReturn).toBeCloseTo(0.06, 12);
    expect(m.exposure).toBeCloseTo(3 / 5, 12);
  });

  it('reports null instead of inventing ratios that do not exist', () => {
    const flat = computeMetrics({
      equity: new Float64Array(10).fill(100),
      time: times(10),
      periodsPerYear: 8760,
      barsInMarket: 0,
      trades: tradeOutcomes([]),
    });
    expect(flat.sharpe).toBeNull();
    expect(flat.sortino).toBeNull();
    expect(flat.calmar).toBeNull();
    expect(flat.winRate).toBeNull();
    expect(flat.profitFactor).toBeNull();
    expect(flat.expectancy).toBeNull();
    expect(flat.totalReturn).toBe(0);
    expect(flat.maxDrawdown).toBe(0);
  });

  it('drawdownSeries is equity over its running peak minus one', () => {
    expect(Array.from(drawdownSeries(Float64Array.of(100, 120, 90, 130)))).toEqual([0, 0, -0.25, 0]);
  });
});
