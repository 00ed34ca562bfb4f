/**
 * The fast paths behind a 10^6-bar backtest give exactly the values of the straightforward code they
 * replace: the one-pass Bollinger z-score against bbands, both rolling-extreme algorithms against the
 * window's Math.max/Math.min (on clean series, on series with NaN or zeros, on falling series and long
 * windows), and the engine's pre-sized trade log on a run that fills on every bar.
 */
import { describe, expect, it } from 'vitest';
import { createPrng } from '../../../src/core/prng.js';
import { type BacktestConfig, runEngine, TradeLog } from '../../../src/quant/backtest/index.js';
import { syntheticOhlcv } from '../../../src/quant/data/index.js';
import { bbands, bbandsZscore } from '../../../src/quant/indicators/index.js';
import {
  cleanPriorExtreme,
  isCleanSeries,
  priorHighest,
  priorLowest,
} from '../../../src/quant/strategies/series.js';
import { HOURLY_CONFIG } from './hourly-config.js';

const data = syntheticOhlcv({ seed: 11, bars: 3000 });

/** Same number, NaN equal to NaN, +0 distinct from −0. */
function sameBits(a: ArrayLike<number>, b: ArrayLike<number>): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) return false;
  return true;
}

/** The prior-window extreme by its definition: Math.max/min of values[t − n .. t − 1]. */
function naiveExtreme(values: Float64Array, n: number, max: boolean): Float64Array {
  const out = new Float64Array(values.length).fill(Number.NaN);
  for (let t = n; t < values.length; t++) {
    const w = Array.from(values.subarray(t - n, t));
    out[t] = max ? Math.max(...w) : Math.min(...w);
  }
  return out;
}

describe('bbandsZscore', () => {
  it('gives the bits of (close − middle) / (upper − middle) from bbands(…, 1), and its middle band', () => {
    const leading = Float64Array.from(data.close);
    leading.fill(Number.NaN, 0, 5);
    const flat = new Float64Array(50).fill(3);
    for (const values of [
      data.close,
      leading,
      flat,
      data.close.subarray(0, 19),
      data.close.subarray(0, 20),
    ]) {
      for (const n of [2, 5, 20]) {
        const b = bbands(values, n, 1);
        const want = Float64Array.from(values, (x, t) => {
          const sd = b.upper[t] - b.middle[t];
          return sd > 0 ? (x - b.middle[t]) / sd : Number.NaN;
        });
        const got = bbandsZscore(values, n);
        expect(sameBits(got.middle, b.middle)).toBe(true);
        expect(sameBits(got.z, want)).toBe(true);
      }
    }
  });
});

describe('prior-window extremes', () => {
  const rng = createPrng(5);
  const falling = Float64Array.from({ length: 600 }, (_, i) => 1000 - i);
  const withZeros = Float64Array.from({ length: 400 }, () => (rng.next() < 0.2 ? 0 : rng.normal()));
  const withNegZero = Float64Array.from({ length: 200 }, (_, i) => (i % 7 === 0 ? -0 : rng.normal()));
  const series: Record<string, Float64Array> = {
    high: data.high.subarray(0, 1500),
    low: data.low.subarray(0, 1500),
    falling,
    rising: falling.slice().reverse(),
    'signed noise': Float64Array.from({ length: 500 }, () => rng.normal()),
    withZeros,
    withNegZero,
  };

  for (const [name, v] of Object.entries(series)) {
    it(`match Math.max / Math.min over the window on ${name}`, () => {
      for (const n of [1, 2, 3, 10, 20, 64, 65, 130]) {
        const hi = naiveExtreme(v, n, true);
        const lo = naiveExtreme(v, n, false);
        expect(sameBits(priorHighest(v, n), hi)).toBe(true);
        expect(sameBits(priorLowest(v, n), lo)).toBe(true);
        if (isCleanSeries(v)) {
          expect(sameBits(cleanPriorExtreme(v, n, true), hi)).toBe(true);
          expect(sameBits(cleanPriorExtreme(v, n, false), lo)).toBe(true);
        }
      }
    });
  }

  it('tell clean series (every value a non-zero number) from the rest', () => {
    expect(isCleanSeries(series.high)).toBe(true);
    expect(isCleanSeries(series.withZeros)).toBe(false);
    expect(isCleanSeries(series.withNegZero)).toBe(false);
    expect(isCleanSeries(Float64Array.of(1, Number.NaN, 2))).toBe(false);
  });

  it('are NaN throughout when the series is not longer than the window', () => {
    expect(sameBits(priorHighest(data.high.subarray(0, 5), 5), new Float64Array(5).fill(Number.NaN))).toBe(
      true,
    );
  });
});

describe('engine trade log', () => {
  it('holds every trade of a run that fills on every bar', () => {
    const n = 5000;
    // A target that flips long/short every bar: a fill on each bar from 1 on, each closing the previous
    // trade, and the last one closed at the end.
    const target = Int8Array.from({ length: n }, (_, i) => (i % 2 === 0 ? 1 : -1));
    const d = syntheticOhlcv({ seed: 3, bars: n });
    const cfg: BacktestConfig = { ...HOURLY_CONFIG, capital: 1000 };
    const r = runEngine(d, target, cfg);
    expect(r.trades.length).toBe(n - 1);
    const got = r.trades.toArray().slice(0, n - 2);
    expect(got.map((t) => `${t.side} ${t.entryBar} ${t.exitBar} ${t.exitReason}`)).toEqual(
      got.map((_, i) => `${i % 2 === 0 ? 'long' : 'short'} ${i + 1} ${i + 2} signal`),
    );
    expect(r.trades.get(n - 2)).toMatchObject({ entryBar: n - 1, exitBar: n - 1, exitReason: 'end' });
  });

  it('grows past the capacity it was given', () => {
    const log = new TradeLog(1);
    for (let i = 0; i < 100; i++) log.push(1, i, i, 1, i + 1, i + 1, 2, 1, 1, 0, i, i / 100, 'signal');
    expect(log.length).toBe(100);
    expect(Array.from(log.pnl)).toEqual(Array.from({ length: 100 }, (_, i) => i));
    expect(log.get(99)).toMatchObject({ entryBar: 99, exitBar: 100, returnPct: 0.99 });
  });
});
