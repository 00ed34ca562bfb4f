/**
 * Market statistics on series whose answers can be worked out by hand.
 */
import { describe, expect, it } from 'vitest';
import { isAitbcError } from '../../../src/core/errors.js';
import { marketStats, marketStatsJson, syntheticOhlcv } from '../../../src/quant/data/index.js';
import type { Ohlcv } from '../../../src/quant/types.js';

const D = 86_400_000;
const T0 = Date.UTC(2024, 0, 1);

function series(closes: number[], volumes?: number[], range = 0): Ohlcv {
  const c = Float64Array.from(closes);
  return {
    time: Float64Array.from(closes, (_, i) => T0 + i * D),
    open: c.slice(),
    high: c.map((v) => v + range),
    low: c.map((v) => v - range),
    close: c,
    volume: Float64Array.from(volumes ?? closes.map(() => 1)),
  };
}

describe('marketStats', () => {
  it('returns, drawdown and recovery on a hand-checked series', () => {
    const s = marketStats(series([100, 110, 99, 88, 121, 121]), { intervalMs: D });
    expect(s.bars).toBe(6);
    expect(s.price.change).toBeCloseTo(0.21, 12);
    expect(s.returns.count).toBe(5);
    expect(s.returns.best).toEqual({ timeMs: T0 + 4 * D, value: 121 / 88 - 1 });
    expect(s.returns.worst).toEqual({ timeMs: T0 + 3 * D, value: 88 / 99 - 1 });
    expect(s.returns.positiveShare).toBeCloseTo(2 / 5, 12);
    expect(s.drawdown.max).toBeCloseTo(0.2, 12);
    expect(s.drawdown.peakMs).toBe(T0 + D);
    expect(s.drawdown.troughMs).toBe(T0 + 3 * D);
    expect(s.drawdown.recoveryMs).toBe(T0 + 4 * D);
    expect(s.drawdown.durationBars).toBe(3);
    expect(s.drawdown.current).toBe(0);
  });

  it('annualises log-return volatility by the bar spacing (365 × 24/7) or an override', () => {
    const closes = [100, 101, 99, 102, 100, 103];
    const logs = closes.slice(1).map((c, i) => Math.log(c / closes[i]));
    const m = logs.reduce((a, b) => a + b, 0) / logs.length;
    const sd = Math.sqrt(logs.reduce((a, b) => a + (b - m) ** 2, 0) / (logs.length - 1));
    const s = marketStats(series(closes), { intervalMs: D });
    expect(s.volatility.perBar).toBeCloseTo(sd, 12);
    expect(s.volatility.periodsPerYear).toBe(365);
    expect(s.volatility.annualised).toBeCloseTo(sd * Math.sqrt(365), 12);
    const o = marketStats(series(closes), { intervalMs: D, periodsPerYear: 252 });
    expect(o.volatility.annualised).toBeCloseTo(sd * Math.sqrt(252), 12);
    expect(o.volatility.periodsPerYearSource).toBe('override');
  });

  it('volume profile: spread over each bar range, point of control and 70 % value area', () => {
    const s = marketStats(series([10, 10, 20, 30], [1, 1, 6, 2], 0), { intervalMs: D, bins: 4 });
    const v = s.volume;
    expect(v.total).toBe(10);
    expect(v.profile.map((b) => b.volume)).toEqual([2, 0, 6, 2]);
    expect(v.profile.reduce((a, b) => a + b.share, 0)).toBeCloseTo(1, 12);
    expect(v.pointOfControl).toEqual({ priceLow: 20, priceHigh: 25 });
    expect(v.valueArea?.share).toBeGreaterThanOrEqual(0.7);
    const wide = marketStats(series([100], [8], 10), { intervalMs: D, bins: 4 });
    expect(wide.volume.profile.map((b) => b.volume)).toEqual([2, 2, 2, 2]);
  });

  it('handles a single bar, no drawdown and zero volume', () => {
    const s = marketStats(series([5], [0]), { intervalMs: 0 });
    expect(s.returns.mean).toBeNull();
    expect(s.volatility.annualised).toBeNull();
    expect(s.drawdown).toEqual({
      max: 0,
      peakMs: null,
      troughMs: null,
      recoveryMs: null,
      durationBars: 0,
      current: 0,
    });
    expect(s.volume.pointOfControl).toBeNull();
  });

  it('refuses a bad bin count and converts to RFC 3339 for JSON', () => {
    try {
      marketStats(series([1, 2]), { intervalMs: D, bins: 0 });
      expect.unreachable();
    } catch (e) {
      expect(isAitbcError(e) && e.code).toBe('INVALID_INPUT');
    }
    const j = marketStatsJson(marketStats(syntheticOhlcv({ seed: 4, bars: 500 }), { intervalMs: 3_600_000 }));
    expect(j.from).toBe('2024-01-01T00:00:00.000Z');
    expect(typeof j.drawdown.peak).toBe('string');
    expect(j.returns.best?.time).toMatch(/Z$/);
  });
});
