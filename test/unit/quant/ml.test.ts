import { describe, expect, it } from 'vitest';
import { createPrng } from '../../../src/core/prng.js';
import { syntheticOhlcv } from '../../../src/quant/data/index.js';
import { scoreBinary } from '../../../src/quant/ml/evaluate.js';
import { DEFAULT_FEATURES } from '../../../src/quant/ml/features.js';
import { fitLogistic, predictRow } from '../../../src/quant/ml/logistic.js';
import { type FeatureSpec, trainWalkForward } from '../../../src/quant/ml/walk-forward.js';
import { createContext, getStrategy, resolveParams } from '../../../src/quant/strategies/index.js';
import { rateOfChange } from '../../../src/quant/strategies/series.js';
import type { Ohlcv } from '../../../src/quant/types.js';

/**
 * A market whose next return depends on a value carried in today's volume (r[t+1] = edge·z[t] + noise,
 * volume[t] = 1000·e^z[t]), or on nothing at all (edge 0): iid returns, so labels are iid coin flips.
 */
function market(seed: number, bars: number, edge: number): Ohlcv {
  const rng = createPrng(seed);
  const d: Ohlcv = {
    time: new Float64Array(bars),
    open: new Float64Array(bars),
    high: new Float64Array(bars),
    low: new Float64Array(bars),
    close: new Float64Array(bars),
    volume: new Float64Array(bars),
  };
  let price = 100;
  let z = 0;
  for (let t = 0; t < bars; t++) {
    const r = edge * z + 0.01 * rng.normal();
    const open = price;
    price *= Math.exp(r);
    z = rng.normal();
    d.time[t] = t * 3_600_000;
    d.open[t] = open;
    d.close[t] = price;
    d.high[t] = Math.max(open, price) * 1.001;
    d.low[t] = Math.min(open, price) * 0.999;
    d.volume[t] = 1000 * Math.exp(z);
  }
  return d;
}

const volumeFeature: FeatureSpec = {
  name: 'log_volume',
  compute: (d) => d.volume.map((v) => Math.log(v / 1000)),
};
const opts = { horizon: 1, folds: 4, trainFraction: 0.5, gap: 1, l2: 0.01 };

describe('logistic regression', () => {
  it('recovers the coefficients of data drawn from a logistic model', () => {
    const rng = createPrng(3);
    const m = 20_000;
    const x = new Float64Array(m * 2);
    const y = new Uint8Array(m);
    for (let r = 0; r < m; r++) {
      const a = rng.normal();
      const b = rng.normal();
      x[r * 2] = a;
      x[r * 2 + 1] = b;
      y[r] = rng.next() < 1 / (1 + Math.exp(-(0.5 + 1.5 * a - 1.0 * b))) ? 1 : 0;
    }
    const model = fitLogistic({ rows: m, cols: 2, data: x }, y, { l2: 1e-6 });
    // Weights are on standardised features: multiply back by σ to compare with the raw coefficients.
    expect(model.weights[0] / model.scale[0]).toBeCloseTo(1.5, 1);
    expect(model.weights[1] / model.scale[1]).toBeCloseTo(-1.0, 1);
    expect(predictRow(model, [0, 0])).toBeCloseTo(1 / (1 + Math.exp(-0.5)), 1);
  });

  it('shrinks weights as the penalty grows and refuses bad input', () => {
    const rng = createPrng(4);
    const x = Float64Array.from({ length: 400 }, () => rng.normal());
    const y = Uint8Array.from(x, (v) => (v + rng.normal() > 0 ? 1 : 0));
    const loose = fitLogistic({ rows: 400, cols: 1, data: x }, y, { l2: 1e-4 });
    const tight = fitLogistic({ rows: 400, cols: 1, data: x }, y, { l2: 10 });
    expect(Math.abs(tight.weights[0])).toBeLessThan(Math.abs(loose.weights[0]) / 5);
    expect(() => fitLogistic({ rows: 400, cols: 1, data: x }, y.subarray(0, 10), { l2: 1 })).toThrow(
      /aligned/,
    );
    expect(() => fitLogistic({ rows: 400, cols: 1, data: x }, y, { l2: 0 })).toThrow(/positive/);
  });
});

describe('scores', () => {
  it('computes accuracy, chance accuracy and its σ from the rates', () => {
    const p = Float64Array.of(0.9, 0.8, 0.3, 0.6);
    const y = Uint8Array.of(1, 0, 0, 1);
    const s = scoreBinary(p, y, [0, 1, 2, 3]);
    expect(s.accuracy).toBe(0.75);
    expect(s.predictedUpRate).toBe(0.75);
    expect(s.upRate).toBe(0.5);
    expect(s.chanceAccuracy).toBeCloseTo(0.75 * 0.5 + 0.25 * 0.5, 12);
    expect(s.sigma).toBeCloseTo(Math.sqrt((0.5 * 0.5) / 4), 12);
    expect(s.brier).toBeCloseTo((0.01 + 0.64 + 0.09 + 0.16) / 4, 12);
  });
});

describe('walk-forward training', () => {
  it('fits each fold only on bars ending at least the horizon before its test window', () => {
    const d = market(1, 3000, 0);
    for (const horizon of [1, 5]) {
      const r = trainWalkForward(d, [volumeFeature, ...DEFAULT_FEATURES.slice(0, 3)], {
        ...opts,
        horizon,
        gap: horizon,
      });
      for (const f of r.folds) {
        expect(f.trainTo + horizon).toBeLessThanOrEqual(f.testFrom + 0);
        expect(f.trainTo).toBe(f.testFrom - horizon);
      }
      expect(r.folds[r.folds.length - 1].testTo).toBe(3000);
      for (let k = 1; k < r.folds.length; k++) expect(r.folds[k].testFrom).toBe(r.folds[k - 1].testTo);
    }
    expect(() => trainWalkForward(d, [volumeFeature], { ...opts, horizon: 5, gap: 4 })).toThrow(
      /gap must be an integer ≥ the label horizon \(5\)/,
    );
  });

  it('never lets bars at or after a test window change that window’s model', () => {
    const d = market(2, 3000, 0.004);
    const base = trainWalkForward(d, [volumeFeature], opts);
    const f1 = base.folds[0];
    const changed: Ohlcv = { ...d, close: d.close.slice(), volume: d.volume.slice() };
    for (let t = f1.testFrom; t < 3000; t++) {
      changed.close[t] *= 1.3;
      changed.volume[t] *= 2;
    }
    const other = trainWalkForward(changed, [volumeFeature], opts);
    expect(other.folds[0].weights).toEqual(f1.weights);
    expect(other.folds[0].intercept).toBe(f1.intercept);
    expect(other.folds[1].weights).not.toEqual(base.folds[1].weights);
  });

  it('finds a real edge well above chance', () => {
    const r = trainWalkForward(market(5, 6000, 0.004), [volumeFeature], opts);
    const s = r.outOfSample;
    expect(s.rows).toBeGreaterThan(2900);
    expect(((s.accuracy as number) - (s.chanceAccuracy as number)) / (s.sigma as number)).toBeGreaterThan(5);
    expect(r.lastModel.weights.log_volume).toBeGreaterThan(0);
  });

  it('with permuted labels scores within chance ± 3σ out of sample', () => {
    for (const [seed, data] of [
      [11, market(11, 6000, 0.004)],
      [12, syntheticOhlcv({ seed: 12, bars: 6000 })],
    ] as const) {
      const r = trainWalkForward(data, [volumeFeature, ...DEFAULT_FEATURES], { ...opts, permuteSeed: seed });
      const s = r.outOfSample;
      const acc = s.accuracy as number;
      const chance = s.chanceAccuracy as number;
      const sigma = s.sigma as number;
      expect(s.rows).toBeGreaterThan(2900);
      // The null model still predicts both classes, so agreeing with chance is not trivial.
      expect(s.predictedUpRate).toBeGreaterThan(0.05);
      expect(s.predictedUpRate).toBeLessThan(0.95);
      expect(Math.abs(acc - chance)).toBeLessThanOrEqual(3 * sigma);
    }
  });

  it('refuses a feature shifted one bar into the future', () => {
    const d = syntheticOhlcv({ seed: 6, bars: 2000 });
    const future: FeatureSpec = {
      name: 'next_return',
      compute: (x) => {
        const r = rateOfChange(x.close, 1);
        const out = new Float64Array(r.length).fill(Number.NaN);
        for (let t = 0; t + 1 < r.length; t++) out[t] = r[t + 1];
        return out;
      },
    };
    expect(() => trainWalkForward(d, [...DEFAULT_FEATURES, future], opts)).toThrow(
      /look-ahead: "next_return" at bar \d+ is .* with all 2000 bars but NaN with only bars 0\.\.\d+/,
    );
    const normalised: FeatureSpec = {
      name: 'close_z_full_sample',
      compute: (x) => {
        const m = x.close.reduce((a, v) => a + v, 0) / x.close.length;
        return x.close.map((v) => v - m);
      },
    };
    expect(() => trainWalkForward(d, [normalised], opts)).toThrow(/look-ahead: "close_z_full_sample"/);
  });

  it('says how many bars it needs when the series is too short', () => {
    expect(() => trainWalkForward(syntheticOhlcv({ seed: 1, bars: 150 }), DEFAULT_FEATURES, opts)).toThrow(
      /series too short for ml: 150 bars give \d+ training rows before the first test window \(need 110\)/,
    );
  });

  it('is deterministic', () => {
    const d = syntheticOhlcv({ seed: 9, bars: 1500 });
    const a = trainWalkForward(d, DEFAULT_FEATURES, opts);
    const b = trainWalkForward(d, DEFAULT_FEATURES, opts);
    expect(Array.from(a.probability)).toEqual(Array.from(b.probability));
  });
});

describe('the ml strategy', () => {
  it('trades only inside test windows and reports its out-of-sample scores', () => {
    const s = getStrategy('ml');
    const d = syntheticOhlcv({ seed: 8, bars: 3000 });
    const p = resolveParams(s, { folds: '3' });
    const out = s.run(d, p, createContext());
    const report = out.report as {
      folds: Array<{ testFrom: number }>;
      outOfSample: { rows: number; accuracy: number };
    };
    const first = report.folds[0].testFrom;
    for (let t = 0; t < first; t++) expect(out.target[t]).toBe(0);
    expect(out.target.subarray(first).some((v) => v !== 0)).toBe(true);
    expect(report.outOfSample.rows).toBeGreaterThan(1000);
    expect(report.outOfSample.accuracy).toBeGreaterThan(0);
    expect(Number.isNaN(out.indicators['ml.p_up'][first - 1])).toBe(true);
  });
});
