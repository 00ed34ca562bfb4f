import { describe, expect, it } from 'vitest';
import {
  type BacktestConfig,
  equityCsv,
  runBacktest,
  runEngine,
  tradesCsv,
  validateConfig,
} from '../../../src/quant/backtest/index.js';
import { syntheticOhlcv } from '../../../src/quant/data/index.js';
import { getStrategy } from '../../../src/quant/strategies/index.js';
import type { Ohlcv } from '../../../src/quant/types.js';

const HOUR = 3_600_000;

/** Bars from explicit opens and closes (high/low wrap them). */
function bars(open: number[], close: number[]): Ohlcv {
  const n = open.length;
  return {
    time: Float64Array.from({ length: n }, (_, i) => i * HOUR),
    open: Float64Array.from(open),
    high: Float64Array.from(open.map((o, i) => Math.max(o, close[i]) + 1)),
    low: Float64Array.from(open.map((o, i) => Math.min(o, close[i]) - 1)),
    close: Float64Array.from(close),
    volume: new Float64Array(n).fill(1000),
  };
}

const base: BacktestConfig = {
  capital: 1000,
  feeBps: 0,
  slippageBps: 0,
  fill: 'open',
  sizing: { mode: 'all-in' },
  allowShort: false,
  periodsPerYear: 8760,
};

describe('engine fills', () => {
  const data = bars([100, 100, 110, 120, 130], [100, 105, 115, 125, 130]);

  it('fills a close signal at the next bar’s open and marks to market at every close', () => {
    const r = runEngine(data, Int8Array.of(1, 1, 0, 0, 0), base);
    // buy 10 units at open[1] = 100, sell at open[3] = 120
    expect(r.trades).toHaveLength(1);
    expect(r.trades.get(0)).toMatchObject({
      side: 'long',
      entryBar: 1,
      entryPrice: 100,
      exitBar: 3,
      exitPrice: 120,
    });
    expect(r.trades.get(0).units).toBeCloseTo(10, 12);
    expect(Array.from(r.equity)).toEqual([1000, 1050, 1150, 1200, 1200]);
    expect(Array.from(r.position)).toEqual([0, 1, 1, 0, 0]);
    expect(r.barsInMarket).toBe(2);
  });

  it('fills on the signal bar’s close in the optimistic mode', () => {
    const r = runEngine(data, Int8Array.of(1, 1, 0, 0, 0), { ...base, fill: 'close' });
    expect(r.trades.get(0)).toMatchObject({ entryBar: 0, entryPrice: 100, exitBar: 2, exitPrice: 115 });
    expect(r.equity[4]).toBeCloseTo(1150, 9);
  });

  it('charges fees and slippage on both legs and keeps equity = capital + Σ pnl', () => {
    const cfg = { ...base, feeBps: 10, slippageBps: 20 };
    const r = runEngine(data, Int8Array.of(1, 1, 0, 0, 0), cfg);
    const buy = 100 * 1.002;
    const units = 1000 / (buy * 1.001);
    const sell = 120 * 0.998;
    const proceeds = units * sell * (1 - 0.001);
    expect(r.trades.get(0).entryPrice).toBeCloseTo(buy, 12);
    expect(r.trades.get(0).exitPrice).toBeCloseTo(sell, 12);
    expect(r.equity[4]).toBeCloseTo(proceeds, 9);
    expect(r.trades.get(0).pnl).toBeCloseTo(proceeds - 1000, 9);
    expect(r.feesPaid).toBeCloseTo(units * buy * 0.001 + units * sell * 0.001, 9);
    expect(r.slippageCost).toBeCloseTo(units * 100 * 0.002 + units * 120 * 0.002, 9);
  });

  it('closes a position still open at the end at the last close, with costs', () => {
    const r = runEngine(data, new Int8Array(5).fill(1), { ...base, feeBps: 10 });
    expect(r.trades).toHaveLength(1);
    expect(r.trades.get(0).exitReason).toBe('end');
    expect(r.trades.get(0).exitBar).toBe(4);
    expect(r.equity[4]).toBeCloseTo(1000 + r.trades.get(0).pnl, 9);
  });

  it('never trades on the last bar’s signal (there is no next open)', () => {
    const r = runEngine(data, Int8Array.of(0, 0, 0, 0, 1), base);
    expect(r.trades).toHaveLength(0);
    expect(r.equity[4]).toBe(1000);
  });

  it('shorts only when allowed, and a short gains when price falls', () => {
    const down = bars([100, 100, 90, 80], [100, 95, 85, 80]);
    const flat = runEngine(down, Int8Array.of(-1, -1, -1, 0), base);
    expect(flat.trades).toHaveLength(0);
    const r = runEngine(down, Int8Array.of(-1, -1, 0, 0), { ...base, allowShort: true });
    // short 10 units at open[1] = 100, cover at open[3] = 80
    expect(r.trades.get(0)).toMatchObject({ side: 'short', entryPrice: 100, exitPrice: 80 });
    expect(r.trades.get(0).pnl).toBeCloseTo(200, 9);
    expect(r.equity[1]).toBeCloseTo(1050, 9);
    expect(r.equity[2]).toBeCloseTo(1150, 9);
    expect(r.equity[3]).toBeCloseTo(1200, 9);
  });

  it('reverses long → short in one fill', () => {
    const r = runEngine(data, Int8Array.of(1, -1, -1, 0, 0), { ...base, allowShort: true });
    expect(r.trades.toArray().map((t) => t.side)).toEqual(['long', 'short']);
    expect(r.trades.get(0).exitBar).toBe(2);
    expect(r.trades.get(1).entryBar).toBe(2);
  });

  it('sizes by fraction of equity and by a fixed quote amount', () => {
    const half = runEngine(data, Int8Array.of(1, 1, 1, 1, 1), {
      ...base,
      sizing: { mode: 'fraction', fraction: 0.5 },
    });
    expect(half.trades.get(0).units).toBeCloseTo(5, 12);
    expect(half.equity[1]).toBeCloseTo(500 + 5 * 105, 9);
    const fixed = runEngine(data, Int8Array.of(1, 1, 1, 1, 1), {
      ...base,
      sizing: { mode: 'fixed', quote: 200 },
    });
    expect(fixed.trades.get(0).units).toBeCloseTo(2, 12);
    const capped = runEngine(data, Int8Array.of(1, 1, 1, 1, 1), {
      ...base,
      sizing: { mode: 'fixed', quote: 5000 },
    });
    expect(capped.trades.get(0).entryValue).toBeCloseTo(1000, 9);
  });

  it('simulates a sub-range starting flat with the capital', () => {
    const r = runEngine(data, Int8Array.of(1, 1, 1, 1, 1), base, { start: 2, end: 5 });
    expect(r.equity.length).toBe(3);
    expect(r.equity[0]).toBe(1000);
    expect(r.trades.get(0).entryBar).toBe(3);
  });

  it('refuses misaligned signals, empty ranges and bad configurations', () => {
    expect(() => runEngine(data, new Int8Array(3), base)).toThrow(/3 entries for 5 bars/);
    expect(() => runEngine(data, new Int8Array(5), base, { start: 4, end: 5 })).toThrow(/at least 2/);
    expect(() => validateConfig({ ...base, capital: 0 })).toThrow(/capital/);
    expect(() => validateConfig({ ...base, feeBps: -1 })).toThrow(/fee-bps/);
    expect(() => validateConfig({ ...base, sizing: { mode: 'fraction', fraction: 1.5 } })).toThrow(
      /fraction/,
    );
  });
});

describe('engine properties on synthetic data', () => {
  const data = syntheticOhlcv({ seed: 11, bars: 3000 });
  const strategy = getStrategy('sma_cross');
  const cfg = { ...base, feeBps: 10, slippageBps: 5, allowShort: true };

  it('is deterministic', () => {
    const a = runBacktest(data, strategy, { fast: 10, slow: 40 }, cfg);
    const b = runBacktest(data, strategy, { fast: 10, slow: 40 }, cfg);
    expect(Array.from(a.equity)).toEqual(Array.from(b.equity));
    expect(a.metrics).toEqual(b.metrics);
  });

  it('never lets bar t+1 change equity up to bar t (no look-ahead in fills)', () => {
    const target = strategy.run(data, { fast: 10, slow: 40 }, { memo: (_k, f) => f() }).target;
    const full = runEngine(data, target, cfg);
    const cut = 1500;
    const changed: Ohlcv = {
      ...data,
      open: data.open.slice(),
      close: data.close.slice(),
    };
    for (let i = cut + 1; i < changed.close.length; i++) {
      changed.open[i] *= 1.5;
      changed.close[i] *= 0.5;
    }
    const other = runEngine(changed, target, cfg);
    expect(Array.from(other.equity.subarray(0, cut + 1))).toEqual(
      Array.from(full.equity.subarray(0, cut + 1)),
    );
  });

  it('keeps final equity equal to capital plus the sum of trade pnl', () => {
    const r = runBacktest(data, strategy, { fast: 5, slow: 20 }, cfg);
    const sum = r.trades.toArray().reduce((a, t) => a + t.pnl, 0);
    expect(r.metrics.endEquity).toBeCloseTo(cfg.capital + sum, 6);
    expect(r.metrics.trades).toBe(r.trades.length);
    expect(r.metrics.feesPaid).toBeGreaterThan(0);
  });

  it('runs buy-and-hold alongside with the same costs', () => {
    const r = runBacktest(data, strategy, { fast: 10, slow: 40 }, cfg);
    const units = cfg.capital / (data.open[1] * 1.0005 * 1.001);
    const last = data.close[data.close.length - 1] * 0.9995;
    expect(r.buyAndHold.endEquity).toBeCloseTo(units * last * 0.999, 6);
    expect(r.buyAndHold.trades).toBe(1);
  });

  it('exports trades and equity as CSV', () => {
    const r = runBacktest(data, strategy, { fast: 10, slow: 40 }, cfg);
    const t = tradesCsv(r.trades.toArray()).trim().split('\n');
    expect(t[0]).toBe(
      'side,entry_time,entry_price,exit_time,exit_price,units,entry_value,fees,pnl,return,bars_held,exit_reason',
    );
    expect(t).toHaveLength(r.trades.length + 1);
    expect(t[1]).toMatch(/^(long|short),2024-01-\d\dT\d\d:00:00\.000Z,[0-9.]+,2024-/);
    const e = equityCsv({
      time: data.time,
      close: data.close,
      start: r.start,
      equity: r.equity,
      position: r.position,
      buyAndHold: r.buyAndHoldEquity,
    })
      .trim()
      .split('\n');
    expect(e).toHaveLength(data.close.length + 1);
    expect(e[1]).toBe(`2024-01-01T00:00:00.000Z,${data.close[0]},0,1000,0,1000`);
  });
});
