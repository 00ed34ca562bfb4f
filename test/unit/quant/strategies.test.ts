import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  assertCausal,
  type BacktestConfig,
  expandGrid,
  parseObjective,
  parseSweepSpec,
  parseWalkForwardSpec,
  runBacktest,
  runEngine,
  runSweep,
  runWalkForward,
} from '../../../src/quant/backtest/index.js';
import { syntheticOhlcv } from '../../../src/quant/data/index.js';
import { bbands, rsi } from '../../../src/quant/indicators/index.js';
import {
  assertEnoughBars,
  BUILTIN_STRATEGIES,
  createContext,
  getStrategy,
  latestSignals,
  parseParamPairs,
  resolveParams,
  resolveStrategy,
} from '../../../src/quant/strategies/index.js';
import {
  priorHighest,
  priorLowest,
  rateOfChange,
  rollingReturnSd,
} from '../../../src/quant/strategies/series.js';
import { REPO_ROOT } from '../../helpers/cli.js';
import { HOURLY_CONFIG } from './hourly-config.js';

const data = syntheticOhlcv({ seed: 21, bars: 2500 });
const cfg: BacktestConfig = HOURLY_CONFIG;
const ctx = () => createContext();

describe('built-in strategies', () => {
  for (const s of BUILTIN_STRATEGIES.filter((x) => x.name !== 'ml')) {
    it(`${s.name} uses only past bars and emits -1/0/1`, () => {
      const params = resolveParams(s);
      const out = s.run(data, params, ctx());
      expect(out.target.length).toBe(data.close.length);
      expect(new Set(out.target)).toEqual(
        new Set([...out.target].filter((v) => v === -1 || v === 0 || v === 1)),
      );
      expect(out.target.some((v) => v !== 0)).toBe(true);
      assertCausal(s.name, (d) => s.run(d, params, ctx()).target, data, { full: out.target, probes: 4 });
      for (const [k, v] of Object.entries(out.indicators)) {
        expect(v.length, k).toBe(data.close.length);
      }
      for (let t = 0; t < s.warmup(params); t++) expect(out.target[t]).toBe(0);
    });
  }

  it('sma_cross is long exactly while the fast SMA is above the slow one', () => {
    const out = getStrategy('sma_cross').run(data, { fast: 5, slow: 20 }, ctx());
    const f = out.indicators['sma:5'];
    const s = out.indicators['sma:20'];
    for (let t = 19; t < data.close.length; t++)
      expect(out.target[t]).toBe(f[t] > s[t] ? 1 : f[t] < s[t] ? -1 : 0);
  });

  it('momentum follows the sign of the rate of change outside the dead band', () => {
    const out = getStrategy('momentum').run(data, { lookback: 10, threshold: 0.01 }, ctx());
    for (let t = 10; t < data.close.length; t++) {
      const r = data.close[t] / data.close[t - 10] - 1;
      expect(out.target[t]).toBe(r > 0.01 ? 1 : r < -0.01 ? -1 : 0);
    }
  });

  it('rsi_reversion enters below lower / above upper and exits at the exit level', () => {
    const p = { period: 14, lower: 30, upper: 70, exit: 50 };
    const out = getStrategy('rsi_reversion').run(data, p, ctx());
    const r = rsi(data.close, 14);
    let entries = 0;
    for (let t = 1; t < r.length; t++) {
      const prev = out.target[t - 1];
      const now = out.target[t];
      if (prev === 0 && now === 1) {
        expect(r[t]).toBeLessThan(30);
        entries++;
      }
      if (prev === 0 && now === -1) expect(r[t]).toBeGreaterThan(70);
      if (prev === 1 && now === 0) expect(r[t]).toBeGreaterThanOrEqual(50);
      if (prev === -1 && now === 0) expect(r[t]).toBeLessThanOrEqual(50);
      if (prev === 1 && now === 1) expect(r[t]).toBeLessThan(50);
    }
    expect(entries).toBeGreaterThan(0);
  });

  it('mean_reversion z-score is (close − SMA) / population σ', () => {
    const out = getStrategy('mean_reversion').run(data, { period: 20, entry: 2, exit: 0.5 }, ctx());
    const z = out.indicators['zscore:20'];
    const b = bbands(data.close, 20, 1);
    for (const t of [19, 500, 2499]) {
      const w = Array.from(data.close.subarray(t - 19, t + 1));
      const mean = w.reduce((a, x) => a + x, 0) / 20;
      const sd = Math.sqrt(w.reduce((a, x) => a + (x - mean) ** 2, 0) / 20);
      expect(z[t]).toBeCloseTo((data.close[t] - mean) / sd, 6);
      expect(b.middle[t]).toBeCloseTo(mean, 8);
    }
  });

  it('macd is long while the histogram is positive', () => {
    const out = getStrategy('macd').run(data, { fast: 12, slow: 26, signal: 9 }, ctx());
    const h = out.indicators['macd:12:26:9.hist'];
    for (let t = 0; t < h.length; t++) expect(out.target[t]).toBe(h[t] > 0 ? 1 : h[t] < 0 ? -1 : 0);
  });

  it('causal series helpers match naive definitions', () => {
    const v = Float64Array.from({ length: 300 }, (_, i) => data.high[i]);
    const hi = priorHighest(v, 7);
    const lo = priorLowest(v, 7);
    for (let t = 0; t < v.length; t++) {
      if (t < 7) {
        expect(hi[t]).toBeNaN();
        continue;
      }
      const w = Array.from(v.subarray(t - 7, t));
      expect(hi[t]).toBe(Math.max(...w));
      expect(lo[t]).toBe(Math.min(...w));
    }
    const roc = rateOfChange(data.close, 3);
    expect(roc[2]).toBeNaN();
    expect(roc[10]).toBeCloseTo(data.close[10] / data.close[7] - 1, 14);
    const sd = rollingReturnSd(data.close, 20);
    const rets = Array.from({ length: 20 }, (_, k) => data.close[81 + k] / data.close[80 + k] - 1);
    const m = rets.reduce((a, x) => a + x, 0) / 20;
    expect(sd[100]).toBeCloseTo(Math.sqrt(rets.reduce((a, x) => a + (x - m) ** 2, 0) / 19), 10);
  });
});

describe('parameters and names', () => {
  it('parses name=value pairs, comma-separated or repeated', () => {
    expect(parseParamPairs(['fast=5,slow=30', 'x=1'])).toEqual({ fast: '5', slow: '30', x: '1' });
    expect(() => parseParamPairs(['fast'])).toThrow(/name=value/);
  });

  it('lists the valid parameters and strategies when a name is unknown', () => {
    const s = getStrategy('sma_cross');
    expect(() => resolveParams(s, { speed: '3' })).toThrow('valid parameters: fast, slow');
    expect(() => getStrategy('magic')).toThrow(
      /valid strategies: momentum, mean_reversion, sma_cross, rsi_reversion, macd, breakout, ml/,
    );
  });

  it('checks bounds, integers and cross-parameter rules', () => {
    const s = getStrategy('sma_cross');
    expect(resolveParams(s, { fast: '4' })).toEqual({ fast: 4, slow: 30 });
    expect(() => resolveParams(s, { fast: '2.5' })).toThrow(/integer/);
    expect(() => resolveParams(s, { fast: '0' })).toThrow(/≥ 1/);
    expect(() => resolveParams(s, { fast: 'x' })).toThrow(/number/);
    expect(() => resolveParams(s, { fast: '40' })).toThrow(/fast \(40\) must be less than slow \(30\)/);
    expect(() => resolveParams(getStrategy('rsi_reversion'), { exit: '80' })).toThrow(/lower < exit < upper/);
  });

  it('says how many bars a series needs', () => {
    const s = getStrategy('sma_cross');
    expect(() => assertEnoughBars(s, { fast: 10, slow: 200 }, 150)).toThrow(
      'series too short: sma_cross (fast=10, slow=200) needs at least 201 bars (199 of warm-up, one to signal, one to fill), got 150',
    );
    expect(() => assertEnoughBars(s, { fast: 10, slow: 200 }, 201)).not.toThrow();
  });
});

describe('user strategy modules', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'aitbc-strat-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const write = (name: string, body: string) => {
    const f = path.join(dir, name);
    writeFileSync(f, body);
    return f;
  };

  it('loads the example module and backtests it like a built-in', async () => {
    const s = await resolveStrategy('./examples/strategies/donchian-volume.js', REPO_ROOT);
    expect(s.name).toBe('donchian_volume');
    expect(Object.keys(s.params)).toEqual(['period', 'volumeFactor', 'exit']);
    const r = runBacktest(data, s, resolveParams(s), cfg);
    expect(r.metrics.trades).toBeGreaterThan(0);
    expect(Object.keys(r.indicators)).toEqual(['donchian_high:20', 'ema:10']);
  });

  it('refuses a module that looks one bar ahead', async () => {
    const f = write(
      'peek.mjs',
      `export default { params: {}, signals(d) { return Array.from(d.close, (c, t) => (d.close[t + 1] > c ? 1 : 0)); } };`,
    );
    const s = await resolveStrategy(f, dir);
    expect(() => s.run(data, {}, ctx())).toThrow(/look-ahead: "peek signals" at bar \d+/);
  });

  it('refuses modules without signals, with misaligned output, or missing', async () => {
    await expect(resolveStrategy(write('none.mjs', 'export default { params: {} };'), dir)).rejects.toThrow(
      /must export a signals/,
    );
    const short = await resolveStrategy(write('short.mjs', 'export default { signals: () => [1, 0] };'), dir);
    expect(() => short.run(data, {}, ctx())).toThrow(/returned 2 targets for 2500 bars/);
    await expect(resolveStrategy('./nope.js', dir)).rejects.toThrow(/file not found/);
    await expect(resolveStrategy(write('bad.mjs', 'export default {'), dir)).rejects.toThrow(/cannot load/);
  });
});

describe('sweeps', () => {
  const s = getStrategy('sma_cross');

  it('parses ranges, lists and single values', () => {
    const axes = parseSweepSpec('fast=5:50:5,slow=20:200:20', s);
    expect(axes[0].values).toEqual([5, 10, 15, 20, 25, 30, 35, 40, 45, 50]);
    expect(axes[1].values).toEqual([20, 40, 60, 80, 100, 120, 140, 160, 180, 200]);
    expect(expandGrid(axes, { fast: 1, slow: 2 })).toHaveLength(100);
    expect(parseSweepSpec('fast=3|7', s)[0].values).toEqual([3, 7]);
    expect(parseSweepSpec('entry=1:2:0.1', getStrategy('mean_reversion'))[0].values).toHaveLength(11);
  });

  it('refuses malformed specs and unknown parameters with the valid ones', () => {
    expect(() => parseSweepSpec('speed=1:3:1', s)).toThrow('valid parameters: fast, slow');
    expect(() => parseSweepSpec('fast=5:1:1', s)).toThrow(/stop must be ≥ start/);
    expect(() => parseSweepSpec('fast=1:5:0', s)).toThrow(/step must be positive/);
    expect(() => parseSweepSpec('fast', s)).toThrow(/not name=start:stop:step/);
    expect(() => parseSweepSpec('fast=1:200:1,slow=2:200:1', s)).toThrow(/most 10000/);
    expect(() => parseObjective('luck')).toThrow(/valid: sharpe, sortino/);
  });

  it('evaluates every valid combination, skips refused ones and ranks by the objective', () => {
    const axes = parseSweepSpec('fast=5:50:5,slow=20:200:20', s);
    const r = runSweep(data, s, { fast: 10, slow: 30 }, axes, cfg, 'sharpe');
    expect(r.combinations).toBe(100);
    expect(r.evaluated + r.skipped.length).toBe(100);
    expect(r.skipped.length).toBe(10); // slow 20 with fast 20…50 (7), slow 40 with fast 40…50 (3)
    expect(r.skipped.every((x) => x.params.fast >= x.params.slow)).toBe(true);
    expect(r.barEvaluations).toBe(r.evaluated * data.close.length);
    const sharpes = r.results.map((x) => x.metrics.sharpe ?? Number.NEGATIVE_INFINITY);
    for (let i = 1; i < sharpes.length; i++) expect(sharpes[i]).toBeLessThanOrEqual(sharpes[i - 1]);
    const best = runBacktest(data, s, r.results[0].params, cfg);
    expect(best.metrics).toEqual(r.results[0].metrics);
  });
});

describe('walk-forward', () => {
  const s = getStrategy('sma_cross');

  it('parses folds and train, refusing anything else', () => {
    expect(parseWalkForwardSpec('folds=5,train=0.7')).toEqual({ folds: 5, train: 0.7 });
    expect(parseWalkForwardSpec('folds=3')).toEqual({ folds: 3, train: 0.7 });
    expect(() => parseWalkForwardSpec('folds=0')).toThrow(/folds/);
    expect(() => parseWalkForwardSpec('train=1')).toThrow(/train must be in \(0, 1\)/);
    expect(() => parseWalkForwardSpec('gap=3')).toThrow(/valid keys: folds, train/);
  });

  it('picks parameters in-sample and trades them out-of-sample, segment by segment', () => {
    const axes = parseSweepSpec('fast=5:20:5,slow=30:90:30', s);
    const w = runWalkForward(data, s, { fast: 10, slow: 30 }, axes, cfg, { folds: 5, train: 0.7 }, 'sharpe');
    expect(w.folds).toHaveLength(5);
    let oosBars = 0;
    for (const f of w.folds) {
      expect(f.inSample.to).toBe(f.outOfSample.from);
      expect(f.inSample.to - f.inSample.from).toBe(Math.floor(500 * 0.7));
      oosBars += f.outOfSample.to - f.outOfSample.from;
      // The chosen params are the best in-sample: no other combination beats them there.
      for (const p of expandGrid(axes, { fast: 10, slow: 30 })) {
        const target = s.run(data, p, ctx()).target;
        const r = runEngine(data, target, cfg, { start: f.inSample.from, end: f.inSample.to });
        const m = runBacktest(data, s, p, cfg, {
          range: { start: f.inSample.from, end: f.inSample.to },
        }).metrics;
        expect(r.equity.length).toBe(f.inSample.to - f.inSample.from);
        expect(m.sharpe ?? Number.NEGATIVE_INFINITY).toBeLessThanOrEqual(
          f.inSampleMetrics.sharpe ?? Number.NEGATIVE_INFINITY,
        );
      }
    }
    expect(w.stitchedEquity.length).toBe(oosBars);
    expect(w.stitchedEquity[0]).toBe(cfg.capital);
    const last = w.folds[w.folds.length - 1].outOfSampleMetrics;
    expect(w.stitchedEquity[w.stitchedEquity.length - 1]).toBeCloseTo(last.endEquity, 6);
    expect(w.outOfSample.totalReturn).toBeCloseTo(last.endEquity / cfg.capital - 1, 9);
  });

  it('refuses segments too short to split', () => {
    expect(() =>
      runWalkForward(
        syntheticOhlcv({ seed: 1, bars: 40 }),
        s,
        { fast: 2, slow: 3 },
        [],
        cfg,
        { folds: 20, train: 0.7 },
        'sharpe',
      ),
    ).toThrow(/series too short for walk-forward: 40 bars in 20 folds give 1 in-sample/);
  });
});

describe('latest signals', () => {
  it('reports each strategy’s last target, since when, and its indicators', () => {
    const list = ['sma_cross', 'rsi_reversion'].map((n) => ({
      strategy: getStrategy(n),
      params: resolveParams(getStrategy(n)),
    }));
    const [a, b] = latestSignals(data, list);
    const out = getStrategy('sma_cross').run(data, { fast: 10, slow: 30 }, ctx());
    const last = data.close.length - 1;
    expect(a.target).toBe(out.target[last]);
    expect(a.signal).toBe(
      ({ 1: 'long', '-1': 'short', 0: 'flat' } as Record<string, string>)[String(out.target[last])],
    );
    expect(out.target[last - (a.bars as number)]).not.toBe(out.target[last]);
    expect(a.indicators?.['sma:10']).toBeCloseTo(out.indicators['sma:10'][last], 12);
    expect(b.indicators).toHaveProperty('rsi:14');
  });

  it('reports a strategy the series is too short for instead of failing the others', () => {
    const short = syntheticOhlcv({ seed: 2, bars: 25 });
    const [a, b] = latestSignals(short, [
      { strategy: getStrategy('momentum'), params: { lookback: 5, threshold: 0 } },
      { strategy: getStrategy('sma_cross'), params: { fast: 10, slow: 30 } },
    ]);
    expect(a.signal).toBeDefined();
    expect(b.error?.message).toMatch(/needs at least 31 bars/);
  });
});
