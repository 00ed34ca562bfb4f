/**
 * Parsing, timestamps, validation, series operations and the synthetic generator.
 */
import { describe, expect, it } from 'vitest';
import { type AitbcError, isAitbcError } from '../../../src/core/errors.js';
import {
  epochToMs,
  filterRange,
  findGaps,
  formatIntervalMs,
  inferIntervalMs,
  isoToMs,
  parseIntervalMs,
  parseOhlcvText,
  parseTimeFlag,
  resample,
  SYNTHETIC_START_MS,
  sniffFormat,
  syntheticOhlcv,
  validateOhlcv,
} from '../../../src/quant/data/index.js';
import type { Ohlcv } from '../../../src/quant/types.js';

function caught(fn: () => unknown): AitbcError {
  try {
    fn();
  } catch (e) {
    if (isAitbcError(e)) return e;
    throw e;
  }
  throw new Error('expected an AitbcError');
}

const H = 3_600_000;
const T0 = Date.UTC(2024, 0, 1);

function bars(closes: number[], step = H): Ohlcv {
  const c = Float64Array.from(closes);
  return {
    time: Float64Array.from(closes, (_, i) => T0 + i * step),
    open: c.slice(),
    high: c.map((v) => v + 1),
    low: c.map((v) => v - 1),
    close: c,
    volume: c.map(() => 10),
  };
}

describe('timestamps', () => {
  it('tells epoch seconds, ms, µs and ns apart by magnitude', () => {
    expect(epochToMs(1_700_000_000)).toBe(1_700_000_000_000);
    expect(epochToMs(1_700_000_000.25)).toBe(1_700_000_000_250);
    expect(epochToMs(1_700_000_000_123)).toBe(1_700_000_000_123);
    expect(epochToMs(1_700_000_000_123_456)).toBe(1_700_000_000_123);
    expect(epochToMs(1.7000000001234568e18)).toBe(1_700_000_000_123);
    expect(epochToMs(-5)).toBeNaN();
  });
  it('parses ISO dates as UTC unless an offset is given', () => {
    expect(isoToMs('2024-01-02')).toBe(Date.UTC(2024, 0, 2));
    expect(isoToMs('2024-01-02T03:04:05Z')).toBe(Date.UTC(2024, 0, 2, 3, 4, 5));
    expect(isoToMs('2024-01-02 03:04')).toBe(Date.UTC(2024, 0, 2, 3, 4));
    expect(isoToMs('2024-01-02T03:04:05.123456Z')).toBe(Date.UTC(2024, 0, 2, 3, 4, 5, 123));
    expect(isoToMs('2024-01-02T03:04:05+02:00')).toBe(Date.UTC(2024, 0, 2, 1, 4, 5));
    expect(isoToMs('2024-01-02T03:04:05-0130')).toBe(Date.UTC(2024, 0, 2, 4, 34, 5));
    for (const bad of ['2024-02-30', '2024-13-01', '2024-01-01T24:00', 'yesterday', '01/02/2024'])
      expect(isoToMs(bad)).toBeNaN();
  });
  it('parses --from/--to and intervals, refusing garbage', () => {
    expect(parseTimeFlag('--from', '2024-03-01')).toBe(Date.UTC(2024, 2, 1));
    expect(parseTimeFlag('--to', '1709251200')).toBe(Date.UTC(2024, 2, 1));
    expect(caught(() => parseTimeFlag('--from', 'soon')).message).toMatch(/--from: "soon" is not a time/);
    expect(parseIntervalMs('15m')).toBe(900_000);
    expect(parseIntervalMs('1w')).toBe(604_800_000);
    expect(parseIntervalMs('250ms')).toBe(250);
    for (const bad of ['0h', '1y', 'h', '-1d', '1.5h'])
      expect(caught(() => parseIntervalMs(bad, '--resample')).code).toBe('INVALID_INPUT');
    expect(formatIntervalMs(5_400_000)).toBe('90m');
    expect(formatIntervalMs(86_400_000)).toBe('1d');
  });
});

describe('CSV', () => {
  it('reads case-insensitive columns in any order, extra columns ignored, BOM and comments skipped', () => {
    const text =
      '\ufeff# a comment\nVolume,Close,Low,High,Open,Timestamp,Adj Close\n5,10.5,9,11,10,1704067200,1\n6,11,10,12,10.5,1704070800,2\n';
    const r = parseOhlcvText(text, 'csv', 't.csv');
    expect(r.time).toEqual([T0, T0 + H]);
    expect(r.open).toEqual([10, 10.5]);
    expect(r.close).toEqual([10.5, 11]);
    expect(r.volume).toEqual([5, 6]);
    expect(r.where).toEqual(['line 3', 'line 4']);
    expect(r.volumeMissing).toBe(false);
  });
  it('handles semicolons, tabs, quotes and CRLF; volume is optional', () => {
    expect(
      parseOhlcvText('date;open;high;low;close\r\n2024-01-01;1;2;0.5;1.5\r\n', 'csv', 'x').close,
    ).toEqual([1.5]);
    expect(
      parseOhlcvText('time\topen\thigh\tlow\tclose\n2024-01-01\t1\t2\t0.5\t1.5\n', 'csv', 'x').volumeMissing,
    ).toBe(true);
    const q = parseOhlcvText(
      '"time","open","high","low","close","symbol"\n"2024-01-01T00:00:00Z","1","2","0.5","1.5","A,B"\n',
      'csv',
      'x',
    );
    expect(q.symbol).toEqual(['A,B']);
  });
  it('reports every malformed row with its line number', () => {
    const text = [
      'time,open,high,low,close,volume',
      '2024-01-01,1,2,0.5,1.5,10',
      '2024-01-02,1,2,0.5',
      'nope,1,2,0.5,1.5,10',
      '',
      '2024-01-04,1,2,abc,1.5,10',
      '2024-01-05,1,2,0.5,NaN,10',
      '2024-01-06,1,2,0.5,1.5,',
      '2024-01-07,"1,2,0.5,1.5,10',
    ].join('\n');
    const e = caught(() => parseOhlcvText(text, 'csv', 'bad.csv'));
    expect(e.code).toBe('INVALID_INPUT');
    expect(e.message).toMatch(
      /^bad\.csv: 6 malformed rows: line 3: expected 6 fields, got 4; line 4: time "nope" is not an ISO date or epoch number; line 6: low "abc" is not a finite number; line 7: close "NaN" is not a finite number; line 8: volume "" is not a finite number \(and 1 more\)/,
    );
    expect((e.details.rows as Array<{ where: string }>).map((r) => r.where)).toEqual([
      'line 3',
      'line 4',
      'line 6',
      'line 7',
      'line 8',
      'line 9',
    ]);
  });
  it('names missing columns and what it accepts', () => {
    const e = caught(() => parseOhlcvText('when,open,high,close\n1,2,3,4\n', 'csv', 'x.csv'));
    expect(e.message).toMatch(/missing columns time, low .*need time\|timestamp\|date/);
    expect(caught(() => parseOhlcvText('time,open,high,low,close\n', 'csv', 'x.csv')).message).toMatch(
      /no data rows/,
    );
    expect(caught(() => parseOhlcvText('\n\n', 'csv', 'x.csv')).message).toMatch(/empty input/);
  });
});

describe('JSON', () => {
  const row = { Time: '2024-01-01T00:00:00Z', Open: 1, High: 2, Low: 0.5, Close: 1.5, Volume: 3 };
  it('accepts arrays of objects, arrays of arrays, containers, columns and NDJSON', () => {
    expect(parseOhlcvText(JSON.stringify([row]), 'json', 'x').close).toEqual([1.5]);
    expect(parseOhlcvText(JSON.stringify([[1704067200000, 1, 2, 0.5, 1.5, 3]]), 'json', 'x').time).toEqual([
      T0,
    ]);
    const c = parseOhlcvText(JSON.stringify({ symbol: 'XYZ', candles: [row] }), 'json', 'x');
    expect(c.symbol).toEqual(['XYZ']);
    const cols = parseOhlcvText(
      JSON.stringify({
        timestamp: [1704067200, 1704070800],
        open: [1, 1],
        high: [2, 2],
        low: [0.5, 0.5],
        close: ['1.5', '1.6'],
        volume: [3, 4],
      }),
      'json',
      'x',
    );
    expect(cols.close).toEqual([1.5, 1.6]);
    const nd = parseOhlcvText(
      `${JSON.stringify(row)}\n${JSON.stringify({ ...row, Time: '2024-01-01T01:00:00Z' })}\n`,
      'json',
      'x',
    );
    expect(nd.where).toEqual(['line 1', 'line 2']);
  });
  it('reports bad items by index and bad JSON plainly', () => {
    const e = caught(() =>
      parseOhlcvText(JSON.stringify([row, { ...row, Close: 'x' }, 7]), 'json', 'j.json'),
    );
    expect(e.message).toMatch(
      /2 malformed rows: item 1: close "x" is not a finite number; item 2: expected an object/,
    );
    expect(caught(() => parseOhlcvText('{"a":', 'json', 'j.json')).message).toMatch(/not valid JSON/);
    expect(
      caught(() => parseOhlcvText('{"time":[1],"open":[1,2],"high":[1],"low":[1],"close":[1]}', 'json', 'j'))
        .message,
    ).toMatch(/column open has 2 values/);
  });
  it('sniffs the format from the first character', () => {
    expect(sniffFormat('  [1]')).toBe('json');
    expect(sniffFormat('\ufeff{"a":1}')).toBe('json');
    expect(sniffFormat('time,open')).toBe('csv');
  });
});

describe('validation', () => {
  it('accepts a good series', () => {
    expect(() => validateOhlcv(bars([10, 11, 12]))).not.toThrow();
  });
  const cases: Array<[string, (d: Ohlcv) => void, RegExp]> = [
    [
      'unsorted',
      (d) => (d.time[2] = d.time[0] - 1),
      /bar 2: time .* is before .* at bar 1 \(rows must be sorted by time\)/,
    ],
    [
      'duplicate',
      (d) => (d.time[2] = d.time[1]),
      /bar 2: duplicate time 2024-01-01T01:00:00.000Z \(also at bar 1\)/,
    ],
    ['NaN', (d) => (d.close[1] = Number.NaN), /bar 1: open, high, low and close must be finite numbers/],
    ['zero price', (d) => (d.low[1] = 0), /bar 1: low 0 must be > 0/],
    [
      'negative price',
      (d) => {
        d.low[1] = -2;
        d.open[1] = -1;
      },
      /bar 1: low -2 must be > 0/,
    ],
    [
      'high below low',
      (d) => {
        d.high[1] = 5;
      },
      /bar 1: high 5 is below low 10/,
    ],
    [
      'high below close',
      (d) => {
        d.close[1] = 11.5;
        d.high[1] = 11.2;
      },
      /bar 1: high 11.2 is below max\(open 11, close 11.5\)/,
    ],
    [
      'low above open',
      (d) => {
        d.low[0] = 10.5;
      },
      /bar 0: low 10.5 is above min\(open 10, close 10\)/,
    ],
    ['negative volume', (d) => (d.volume[2] = -1), /bar 2: volume -1 must be a finite number ≥ 0/],
  ];
  for (const [name, mutate, message] of cases) {
    it(`refuses ${name}`, () => {
      const d = bars([10, 11, 12]);
      mutate(d);
      const e = caught(() => validateOhlcv(d, { source: 's' }));
      expect(e.code).toBe('INVALID_INPUT');
      expect(e.message).toMatch(message);
      expect(Array.isArray(e.details.issues)).toBe(true);
    });
  }
  it('refuses an empty series and misaligned columns', () => {
    expect(caught(() => validateOhlcv(bars([]))).message).toMatch(/no bars/);
    const d = bars([1, 2, 3]);
    d.volume = d.volume.subarray(1);
    expect(caught(() => validateOhlcv(d)).message).toMatch(/volume has 2 values but time has 3/);
  });
});

describe('series operations', () => {
  it('infers the interval as the median spacing and reports gaps', () => {
    const d = bars([1, 2, 3, 4, 5, 6]);
    d.time = Float64Array.from([0, 1, 2, 5, 6, 10].map((k) => T0 + k * H));
    expect(inferIntervalMs(d)).toBe(H);
    expect(findGaps(d, H)).toEqual([
      { fromMs: T0 + 2 * H, toMs: T0 + 5 * H, missingBars: 2 },
      { fromMs: T0 + 6 * H, toMs: T0 + 10 * H, missingBars: 3 },
    ]);
    expect(inferIntervalMs(bars([1]))).toBe(0);
  });
  it('filters by time, both ends inclusive', () => {
    const d = bars([1, 2, 3, 4, 5]);
    expect(Array.from(filterRange(d, T0 + H, T0 + 3 * H).close)).toEqual([2, 3, 4]);
    expect(Array.from(filterRange(d, T0 + 4 * H).close)).toEqual([5]);
    expect(caught(() => filterRange(d, T0 + 10 * H)).message).toMatch(
      /no bars between .* the data covers 2024-01-01T00:00:00.000Z to/,
    );
    expect(caught(() => filterRange(d, T0 + 3 * H, T0)).message).toMatch(/--from .* is after --to/);
  });
  it('resamples to epoch-aligned buckets (first open, max high, min low, last close, summed volume)', () => {
    const d = bars([10, 12, 8, 11, 13, 9, 10]);
    const r = resample(d, 3 * H);
    expect(Array.from(r.time)).toEqual([T0, T0 + 3 * H, T0 + 6 * H]);
    expect(Array.from(r.open)).toEqual([10, 11, 10]);
    expect(Array.from(r.high)).toEqual([13, 14, 11]);
    expect(Array.from(r.low)).toEqual([7, 8, 9]);
    expect(Array.from(r.close)).toEqual([8, 9, 10]);
    expect(Array.from(r.volume)).toEqual([30, 30, 10]);
    expect(() => validateOhlcv(r)).not.toThrow();
    expect(caught(() => resample(bars([1, 2, 3], 86_400_000), H)).message).toMatch(
      /cannot resample 1d bars to the finer 1h/,
    );
  });
});

describe('synthetic market', () => {
  it('is deterministic for a seed, different across seeds, and passes validation', () => {
    const a = syntheticOhlcv({ seed: 42, bars: 5000 });
    const b = syntheticOhlcv({ seed: 42, bars: 5000 });
    const c = syntheticOhlcv({ seed: 43, bars: 5000 });
    expect(a.close).toEqual(b.close);
    expect(a.volume).toEqual(b.volume);
    expect(a.close).not.toEqual(c.close);
    expect(() => validateOhlcv(a)).not.toThrow();
    expect(a.time[0]).toBe(SYNTHETIC_START_MS);
    expect(a.time[1] - a.time[0]).toBe(H);
    const d = syntheticOhlcv({ seed: 42, bars: 10, intervalMs: 86_400_000, startMs: 0, symbol: 'SYN' });
    expect(d.time[9]).toBe(9 * 86_400_000);
    expect(d.symbol).toBe('SYN');
  });

  it('has volatility clustering: squared returns are autocorrelated, raw returns much less so', () => {
    const d = syntheticOhlcv({ seed: 3, bars: 20_000 });
    const r = Array.from({ length: d.close.length - 1 }, (_, i) => Math.log(d.close[i + 1] / d.close[i]));
    const ac = (x: number[]) => {
      const m = x.reduce((s, v) => s + v, 0) / x.length;
      let num = 0;
      let den = 0;
      for (let i = 0; i < x.length; i++) {
        den += (x[i] - m) ** 2;
        if (i > 0) num += (x[i] - m) * (x[i - 1] - m);
      }
      return num / den;
    };
    const sq = ac(r.map((v) => v * v));
    expect(sq).toBeGreaterThan(0.1);
    expect(Math.abs(ac(r))).toBeLessThan(sq / 2);
  });

  it('changes regime: the rolling 500-bar trend takes both signs', () => {
    const d = syntheticOhlcv({ seed: 8, bars: 20_000 });
    let up = 0;
    let down = 0;
    for (let i = 500; i < d.close.length; i += 500) {
      if (d.close[i] > d.close[i - 500] * 1.05) up++;
      if (d.close[i] < d.close[i - 500] / 1.05) down++;
    }
    expect(up).toBeGreaterThan(2);
    expect(down).toBeGreaterThan(2);
  });

  it('stays within a sane price range over 10^6 bars', () => {
    const d = syntheticOhlcv({ seed: 1, bars: 1_000_000 });
    let lo = Number.POSITIVE_INFINITY;
    let hi = 0;
    for (let i = 0; i < d.low.length; i++) {
      if (d.low[i] < lo) lo = d.low[i];
      if (d.high[i] > hi) hi = d.high[i];
    }
    expect(lo).toBeGreaterThan(0.01);
    expect(hi).toBeLessThan(1e6);
  });

  it('refuses bad options', () => {
    expect(caught(() => syntheticOhlcv({ seed: 1, bars: 0 })).message).toMatch(/bars must be a whole number/);
    expect(caught(() => syntheticOhlcv({ seed: 1, bars: 5, intervalMs: 0 })).message).toMatch(/interval/);
  });
});
