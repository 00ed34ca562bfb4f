/**
 * Properties every indicator must have, for every id and both conventions: no look-ahead, the warm-up
 * length it documents, flat series, periods longer than the data, period 1; plus id parsing.
 */
import { describe, expect, it } from 'vitest';
import { isAitbcError } from '../../../src/core/errors.js';
import { createPrng } from '../../../src/core/prng.js';
import { syntheticOhlcv } from '../../../src/quant/data/index.js';
import {
  assertEnoughBars,
  atr,
  bbands,
  type Convention,
  computeIndicator,
  computeIndicators,
  ema,
  type IndicatorOutput,
  macd,
  obv,
  parseIndicatorList,
  parseIndicatorSpec,
  rsi,
  sma,
  stoch,
  vwap,
  warmupBars,
  wma,
} from '../../../src/quant/indicators/index.js';
import type { Ohlcv } from '../../../src/quant/types.js';

const IDS = [
  'sma:7',
  'ema:7',
  'wma:7',
  'rsi:7',
  'macd:4:9:3',
  'macd:12:26:9',
  'bbands:7:2',
  'atr:7',
  'stoch:5:3:3',
  'obv',
  'vwap',
  'vwap:day',
];
const CONVS: Convention[] = ['talib', 'tulip'];

function outputs(o: IndicatorOutput): Float64Array[] {
  return o instanceof Float64Array ? [o] : Object.values(o);
}

function cloneOhlcv(d: Ohlcv): Ohlcv {
  return {
    time: d.time.slice(),
    open: d.open.slice(),
    high: d.high.slice(),
    low: d.low.slice(),
    close: d.close.slice(),
    volume: d.volume.slice(),
  };
}

function same(a: number, b: number): boolean {
  return (Number.isNaN(a) && Number.isNaN(b)) || a === b;
}

const data = syntheticOhlcv({ seed: 11, bars: 160, intervalMs: 3_600_000 });

describe('no look-ahead: changing bar i+1 never changes output i', () => {
  for (const id of IDS) {
    for (const conv of CONVS) {
      it(`${id} (${conv})`, () => {
        const spec = parseIndicatorSpec(id);
        const base = outputs(computeIndicator(spec, data, conv));
        const rng = createPrng(`${id}/${conv}`);
        for (const cut of [0, 1, 5, 20, 40, 41, 80, 120, 158]) {
          const changed = cloneOhlcv(data);
          for (let j = cut + 1; j < changed.time.length; j++) {
            const f = 1 + rng.uniform(-0.2, 0.2);
            changed.open[j] *= f;
            changed.close[j] *= 2 - f;
            changed.high[j] = Math.max(changed.open[j], changed.close[j]) * 1.01;
            changed.low[j] = Math.min(changed.open[j], changed.close[j]) * 0.99;
            changed.volume[j] *= 1 + rng.next();
          }
          const after = outputs(computeIndicator(spec, changed, conv));
          base.forEach((b, k) => {
            for (let i = 0; i <= cut; i++)
              expect(same(after[k][i], b[i]), `output ${k} bar ${i} after changing from ${cut + 1}`).toBe(
                true,
              );
          });
        }
      });
    }
  }
});

describe('warm-up: NaN exactly before warmupBars, finite from there on', () => {
  for (const id of IDS) {
    for (const conv of CONVS) {
      it(`${id} (${conv})`, () => {
        const spec = parseIndicatorSpec(id);
        const w = warmupBars(spec, conv);
        for (const o of outputs(computeIndicator(spec, data, conv))) {
          expect(o.length).toBe(data.time.length);
          for (let i = 0; i < o.length; i++) expect(Number.isFinite(o[i]), `bar ${i}`).toBe(i >= w);
        }
      });
    }
  }
});

describe('a series shorter than the warm-up is NaN throughout, and the check names what is needed', () => {
  for (const id of IDS) {
    for (const conv of CONVS) {
      it(`${id} (${conv})`, () => {
        const spec = parseIndicatorSpec(id);
        const need = warmupBars(spec, conv) + 1;
        const short = syntheticOhlcv({ seed: 2, bars: Math.max(1, need - 1) });
        if (need > 1) {
          for (const o of outputs(computeIndicator(spec, short, conv)))
            expect(o.every(Number.isNaN)).toBe(true);
          try {
            assertEnoughBars([spec], short.time.length, conv);
            expect.unreachable();
          } catch (e) {
            expect(isAitbcError(e) && e.code).toBe('INVALID_INPUT');
            expect((e as Error).message).toContain(`${spec.id} needs ${need}`);
          }
        }
        const exact = syntheticOhlcv({ seed: 2, bars: need });
        assertEnoughBars([spec], need, conv);
        for (const o of outputs(computeIndicator(spec, exact, conv)))
          expect(Number.isFinite(o[need - 1])).toBe(true);
      });
    }
  }

  it('empty input gives empty output', () => {
    expect(sma([], 3).length).toBe(0);
    expect(obv([], []).length).toBe(0);
    expect(macd([], 2, 3, 2).macd.length).toBe(0);
  });
});

describe('flat series', () => {
  const n = 80;
  const flat = new Float64Array(n).fill(42.5);
  const vol = new Float64Array(n).fill(10);
  const flatData: Ohlcv = {
    time: Float64Array.from({ length: n }, (_, i) => i * 3_600_000),
    open: flat,
    high: flat,
    low: flat,
    close: flat,
    volume: vol,
  };

  it('moving averages, bands and vwap equal the price; σ is exactly 0', () => {
    for (const f of [
      sma(flat, 10),
      ema(flat, 10),
      ema(flat, 10, 'tulip'),
      wma(flat, 10),
      vwap(flatData),
      vwap(flatData, 'day'),
    ]) {
      for (let i = 9; i < n; i++) expect(f[i]).toBeCloseTo(42.5, 12);
    }
    const b = bbands(flat, 10, 2);
    for (let i = 9; i < n; i++) {
      expect(b.upper[i]).toBe(b.middle[i]);
      expect(b.lower[i]).toBe(b.middle[i]);
    }
  });

  it('momentum: rsi 0 (TA-Lib), macd 0, stoch %K 0, atr 0, obv constant', () => {
    for (const conv of CONVS) {
      const r = rsi(flat, 14, conv);
      for (let i = 14; i < n; i++) expect(r[i]).toBe(0);
      const m = macd(flat, 12, 26, 9, conv);
      for (let i = warmupBars(parseIndicatorSpec('macd:12:26:9'), conv); i < n; i++) {
        expect(m.macd[i]).toBeCloseTo(0, 12);
        expect(m.hist[i]).toBeCloseTo(0, 12);
      }
      const s = stoch(flat, flat, flat, 5, 3, 3, conv);
      for (let i = 8; i < n; i++) {
        expect(s.k[i]).toBe(0);
        expect(s.d[i]).toBe(0);
      }
      const a = atr(flat, flat, flat, 14, conv);
      for (let i = 14; i < n; i++) expect(a[i]).toBe(0);
      const o = obv(flat, vol, conv);
      for (let i = 1; i < n; i++) expect(o[i]).toBe(o[0]);
    }
  });
});

describe('period 1', () => {
  const c = data.close;
  it('sma, ema, wma are the input itself', () => {
    for (const f of [sma(c, 1), ema(c, 1), ema(c, 1, 'tulip'), wma(c, 1)]) {
      for (let i = 0; i < c.length; i++) expect(f[i]).toBeCloseTo(c[i], 10);
    }
  });
  it('bbands(1, k) collapse onto the price', () => {
    const b = bbands(c, 1, 2);
    for (let i = 0; i < c.length; i++) {
      expect(b.upper[i]).toBe(c[i]);
      expect(b.lower[i]).toBe(c[i]);
    }
  });
  it('rsi(1) is 100 on an up bar and 0 on a down bar', () => {
    const r = rsi(c, 1);
    expect(r[0]).toBeNaN();
    for (let i = 1; i < c.length; i++) expect(r[i]).toBe(c[i] > c[i - 1] ? 100 : 0);
  });
  it('atr(1) is the true range (from bar 1 in TA-Lib, bar 0 in Tulip)', () => {
    const t = atr(data.high, data.low, data.close, 1);
    const u = atr(data.high, data.low, data.close, 1, 'tulip');
    expect(t[0]).toBeNaN();
    expect(u[0]).toBeCloseTo(data.high[0] - data.low[0], 12);
    for (let i = 1; i < c.length; i++) {
      const tr = Math.max(
        data.high[i] - data.low[i],
        Math.abs(data.high[i] - c[i - 1]),
        Math.abs(data.low[i] - c[i - 1]),
      );
      expect(t[i]).toBeCloseTo(tr, 12);
      expect(u[i]).toBeCloseTo(tr, 12);
    }
  });
  it('stoch(1, 1, 1) is the close within the bar range', () => {
    const s = stoch(data.high, data.low, c, 1, 1, 1);
    for (let i = 0; i < c.length; i++) {
      expect(s.k[i]).toBeCloseTo((100 * (c[i] - data.low[i])) / (data.high[i] - data.low[i]), 10);
      expect(s.d[i]).toBe(s.k[i]);
    }
  });
});

describe('leading NaNs (an indicator of an indicator) are skipped', () => {
  it('ema of rsi starts where the rsi does, plus its own warm-up', () => {
    const r = rsi(data.close, 14);
    const e = ema(r, 5);
    for (let i = 0; i < 18; i++) expect(e[i]).toBeNaN();
    const mean = (r[14] + r[15] + r[16] + r[17] + r[18]) / 5;
    expect(e[18]).toBeCloseTo(mean, 12);
  });
});

describe('sliding-window kernels agree with direct window computations over long series', () => {
  const long = syntheticOhlcv({ seed: 5, bars: 20_000 });
  it('sma, wma and population σ at scattered bars', () => {
    const c = long.close;
    const n = 50;
    const s = sma(c, n);
    const w = wma(c, n);
    const b = bbands(c, n, 1);
    for (const i of [49, 50, 999, 5_000, 12_345, 19_999]) {
      let sum = 0;
      let ws = 0;
      for (let j = 0; j < n; j++) {
        sum += c[i - n + 1 + j];
        ws += (j + 1) * c[i - n + 1 + j];
      }
      const mean = sum / n;
      let ss = 0;
      for (let j = i - n + 1; j <= i; j++) ss += (c[j] - mean) ** 2;
      expect(s[i]).toBeCloseTo(mean, 9);
      expect(w[i]).toBeCloseTo(ws / ((n * (n + 1)) / 2), 9);
      expect(b.upper[i] - b.middle[i]).toBeCloseTo(Math.sqrt(ss / n), 9);
    }
  });
  it('stoch window extremes match a direct scan', () => {
    const k = 14;
    const s = stoch(long.high, long.low, long.close, k, 1, 1);
    for (const i of [13, 14, 777, 10_001, 19_999]) {
      let hh = Number.NEGATIVE_INFINITY;
      let ll = Number.POSITIVE_INFINITY;
      for (let j = i - k + 1; j <= i; j++) {
        hh = Math.max(hh, long.high[j]);
        ll = Math.min(ll, long.low[j]);
      }
      expect(s.k[i]).toBeCloseTo((100 * (long.close[i] - ll)) / (hh - ll), 9);
    }
  });
});

describe('indicator ids', () => {
  it('parses every id to its canonical form', () => {
    expect(parseIndicatorSpec('RSI:014')).toEqual({ kind: 'rsi', id: 'rsi:14', period: 14 });
    expect(parseIndicatorSpec('macd:12:26:9')).toEqual({
      kind: 'macd',
      id: 'macd:12:26:9',
      fast: 12,
      slow: 26,
      signal: 9,
    });
    expect(parseIndicatorSpec('bbands:20:2.5')).toEqual({
      kind: 'bbands',
      id: 'bbands:20:2.5',
      period: 20,
      k: 2.5,
    });
    expect(parseIndicatorSpec('stoch:14:3:3')).toMatchObject({ k: 14, kSlow: 3, d: 3 });
    expect(parseIndicatorSpec('obv')).toEqual({ kind: 'obv', id: 'obv' });
    expect(parseIndicatorSpec('vwap')).toMatchObject({ anchor: 'none', id: 'vwap' });
    expect(parseIndicatorSpec(' vwap:day ')).toMatchObject({ anchor: 'day', id: 'vwap:day' });
    expect(parseIndicatorList(['rsi:14,sma:20', 'rsi:14']).map((s) => s.id)).toEqual(['rsi:14', 'sma:20']);
  });

  for (const bad of [
    'foo:3',
    'sma',
    'sma:0',
    'sma:-3',
    'sma:2.5',
    'sma:x',
    'rsi:14:2',
    'macd:26:12:9',
    'macd:12:26',
    'bbands:20',
    'bbands:20:-1',
    'stoch:14:3',
    'obv:3',
    'vwap:week',
    '',
  ]) {
    it(`refuses "${bad}" with INVALID_INPUT listing the valid ids`, () => {
      try {
        parseIndicatorList(bad);
        expect.unreachable();
      } catch (e) {
        expect(isAitbcError(e) && e.code).toBe('INVALID_INPUT');
        expect((e as Error).message).toContain(
          'valid ids: sma:N, ema:N, wma:N, rsi:N, macd:fast:slow:signal, bbands:N:k, atr:N, stoch:k:kSlow:d, obv, vwap[:none|day]',
        );
      }
    });
  }

  it('computeIndicator takes an id; computeIndicators checks the length first', () => {
    expect(computeIndicator('sma:5', data)).toEqual(sma(data.close, 5));
    const all = computeIndicators(parseIndicatorList('rsi:14,bbands:20:2'), data, 'tulip');
    expect(all.map((c) => c.spec.id)).toEqual(['rsi:14', 'bbands:20:2']);
    expect(Object.keys(all[1].output)).toEqual(['upper', 'middle', 'lower']);
    expect(() => computeIndicators(parseIndicatorList('sma:500'), data)).toThrow(
      /160 bars, but sma:500 needs 500/,
    );
  });

  it('kernels refuse bad parameters directly too', () => {
    expect(() => sma(data.close, 0)).toThrow(/period must be an integer/);
    expect(() => ema(data.close, 3, 'x' as Convention)).toThrow(/unknown convention/);
    expect(() => bbands(data.close, 3, Number.NaN)).toThrow(/k must be/);
    expect(() => atr(data.high, data.low, data.close.subarray(1), 3)).toThrow(/differ in length/);
    expect(() => vwap(data, 'week' as 'day')).toThrow(/anchor/);
  });
});
