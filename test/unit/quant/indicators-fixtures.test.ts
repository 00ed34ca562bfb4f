/**
 * Every vector in ../shared/fixtures/indicators.json, each in its published convention, with the index
 * of the first output asserted (everything before it is NaN).
 */
import { describe, expect, it } from 'vitest';
import {
  atr,
  bbands,
  type Convention,
  ema,
  macd,
  obv,
  rsi,
  sma,
  stoch,
} from '../../../src/quant/indicators/index.js';
import { loadFixture } from '../../helpers/fixtures.js';

const fx = loadFixture<Record<string, any>>('indicators.json');

/** Asserts NaN before `firstIndex` and `expected` from there on, within `tol`. */
function expectSeries(actual: Float64Array, firstIndex: number, expected: number[], tol: number): void {
  for (let i = 0; i < firstIndex; i++) expect(actual[i], `index ${i} is warm-up`).toBeNaN();
  expect(Number.isNaN(actual[firstIndex]), `first output at ${firstIndex}`).toBe(false);
  expected.forEach((v, j) => {
    expect(
      Math.abs(actual[firstIndex + j] - v),
      `index ${firstIndex + j}: ${actual[firstIndex + j]} vs ${v}`,
    ).toBeLessThanOrEqual(tol);
  });
  expect(actual.length).toBe(firstIndex + expected.length);
}

/**
 * Wilder's smoothing (SMA seed, then 1/n) through the ATR kernel: with low = close = 0 every true range
 * is the high itself, and the Tulip convention seeds with the mean of the first n of them.
 */
function wilders(values: number[], n: number): Float64Array {
  const zeros = values.map(() => 0);
  return atr(values, zeros, zeros, n, 'tulip');
}

describe('published indicator vectors (fixtures/indicators.json)', () => {
  it('sma (atoz p.207)', () => {
    const v = fx.sma;
    expectSeries(sma(v.input, v.period), v.firstIndex, v.output, 1e-3);
  });

  it('ema, Tulip first-value seed (atoz p.209)', () => {
    const v = fx.ema_tulip;
    expectSeries(ema(v.input, v.period, 'tulip'), v.firstIndex, v.output, 1e-3);
  });

  it('ema, TA-Lib SMA seed', () => {
    const v = fx.ema_talib;
    expectSeries(ema(v.input, v.period, 'talib'), v.firstIndex, v.output, 1e-4);
  });

  it('ema(10), TA-Lib SMA seed, on the RSI(14) closes: first two outputs', () => {
    const v = fx.ema10_talib;
    const input: number[] = fx.rsi_wilder14.input;
    expect(v.input).toBe('rsi_wilder14.input');
    const out = ema(input, v.period);
    for (let i = 0; i < v.firstIndex; i++) expect(out[i]).toBeNaN();
    expect(out[v.firstIndex]).toBeCloseTo(v.outputFirstTwo[0], 3);
    expect(out[v.firstIndex + 1]).toBeCloseTo(v.outputFirstTwo[1], 3);
  });

  for (const conv of ['talib', 'tulip'] as Convention[]) {
    it(`rsi (atoz p.299, period 5) under ${conv}`, () => {
      const v = fx.rsi_atoz;
      expectSeries(rsi(v.input, v.period, conv), v.firstIndex, v.output, 1e-4);
    });
    it(`rsi(14) (classic Wilder example) under ${conv}`, () => {
      const v = fx.rsi_wilder14;
      expectSeries(rsi(v.input, v.period, conv), v.firstIndex, v.output, 1e-4);
    });
  }

  it("Wilder's smoothing (atoz p.366) as used inside rsi/atr", () => {
    const v = fx.wilders;
    const out = wilders(v.input, v.period);
    expectSeries(out, v.firstIndex, v.output, 1e-3);
  });

  it('bbands (atoz p.73, population σ)', () => {
    const v = fx.bbands;
    const out = bbands(v.input, v.period, v.k);
    expectSeries(out.lower, v.firstIndex, v.lower, 1e-3);
    expectSeries(out.middle, v.firstIndex, v.middle, 1e-3);
    expectSeries(out.upper, v.firstIndex, v.upper, 1e-3);
  });

  it('atr, Tulip convention (atoz p.70)', () => {
    const v = fx.atr_tulip;
    expectSeries(atr(v.high, v.low, v.close, v.period, 'tulip'), v.firstIndex, v.output, 1e-3);
  });

  it('atr, TA-Lib convention skips TR[0] and starts one bar later with .1563', () => {
    const v = fx.atr_tulip;
    const out = atr(v.high, v.low, v.close, v.period, 'talib');
    for (let i = 0; i < v.period; i++) expect(out[i]).toBeNaN();
    expect(out[v.period]).toBeCloseTo(0.1563, 3);
  });

  for (const conv of ['talib', 'tulip'] as Convention[]) {
    it(`stoch (atoz p.325, 5/3/3, SMA smoothing) under ${conv}`, () => {
      const v = fx.stoch;
      const out = stoch(v.high, v.low, v.close, v.kPeriod, v.kSlow, v.dPeriod, conv);
      expectSeries(out.k, v.firstIndex, v.k, 1e-3);
      expectSeries(out.d, v.firstIndex, v.d, 1e-3);
    });
  }

  it('obv (atoz p.231) in both conventions', () => {
    const v = fx.obv;
    expectSeries(obv(v.close, v.volume, 'tulip'), 0, v.tulip, 0);
    expectSeries(obv(v.close, v.volume, 'talib'), 0, v.talib, 0);
  });

  it('macd, Tulip convention (atoz p.202 spreadsheet, fixed 0.15/0.075)', () => {
    const v = fx.macd;
    const out = macd(v.input, v.fast, v.slow, v.signal, 'tulip');
    expectSeries(out.macd, v.tulip.firstIndex, v.tulip.macd, 1e-6);
    expectSeries(out.signal, v.tulip.firstIndex, v.tulip.signal, 1e-6);
    const hist = v.tulip.macd.map((m: number, i: number) => m - v.tulip.signal[i]);
    expectSeries(out.hist, v.tulip.firstIndex, hist, 1e-6);
  });

  it('macd, TA-Lib convention (aligned SMA seeds, SMA-seeded signal): first and last', () => {
    const v = fx.macd;
    const out = macd(v.input, v.fast, v.slow, v.signal, 'talib');
    const first = v.talib.firstIndex;
    for (let i = 0; i < first; i++) {
      expect(out.macd[i]).toBeNaN();
      expect(out.signal[i]).toBeNaN();
      expect(out.hist[i]).toBeNaN();
    }
    expect(out.macd[first]).toBeCloseTo(v.talib.first.macd, 5);
    expect(out.signal[first]).toBeCloseTo(v.talib.first.signal, 5);
    expect(out.hist[first]).toBeCloseTo(v.talib.first.hist, 5);
    const last = v.input.length - 1;
    expect(out.macd[last]).toBeCloseTo(v.talib.last.macd, 5);
    expect(out.signal[last]).toBeCloseTo(v.talib.last.signal, 5);
  });

  it('covers every vector in the file', () => {
    const covered = [
      'sma',
      'ema_tulip',
      'ema_talib',
      'rsi_atoz',
      'rsi_wilder14',
      'ema10_talib',
      'wilders',
      'bbands',
      'atr_tulip',
      'stoch',
      'obv',
      'macd',
    ];
    expect(
      Object.keys(fx)
        .filter((k) => k !== 'about')
        .sort(),
    ).toEqual([...covered].sort());
  });
});
