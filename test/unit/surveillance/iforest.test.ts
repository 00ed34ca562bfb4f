import { describe, expect, it } from 'vitest';
import { createPrng } from '../../../src/core/prng.js';
import {
  averagePathLength,
  EULER_MASCHERONI,
  fitIsolationForest,
  scoreIsolationForest,
} from '../../../src/surveillance/iforest.js';

describe('isolation forest', () => {
  it('uses the exact c(n) = 2H(n−1) − 2(n−1)/n with H(i) = ln(i) + γ', () => {
    expect(averagePathLength(0)).toBe(0);
    expect(averagePathLength(1)).toBe(0);
    expect(averagePathLength(2)).toBe(1);
    expect(averagePathLength(256)).toBeCloseTo(2 * (Math.log(255) + EULER_MASCHERONI) - (2 * 255) / 256, 12);
    expect(averagePathLength(256)).toBeCloseTo(10.2448, 4);
    expect(EULER_MASCHERONI).toBeCloseTo(0.5772156649, 10);
  });

  function cloud(n: number, seed: number): Float64Array {
    const rng = createPrng(seed);
    const pts = new Float64Array(n * 2);
    for (let i = 0; i < n; i++) {
      pts[2 * i] = rng.normal(0, 1);
      pts[2 * i + 1] = rng.normal(0, 1);
    }
    return pts;
  }

  it('scores an isolated point above the crowd, in (0, 1]', () => {
    const pts = cloud(1000, 1);
    pts[0] = 8;
    pts[1] = -8;
    const forest = fitIsolationForest(pts, 2, { seed: 7 });
    expect(forest.trees).toHaveLength(100);
    expect(forest.sampleSize).toBe(256);
    const s = scoreIsolationForest(forest, pts);
    const others = Array.from(s.subarray(1));
    expect(s[0]).toBeGreaterThan(0.7);
    expect(s[0]).toBeGreaterThan(Math.max(...others));
    expect(others.reduce((a, b) => a + b, 0) / others.length).toBeLessThan(0.5);
    for (const v of s) expect(v > 0 && v <= 1).toBe(true);
  });

  it('is deterministic in its seed, and a different seed grows a different forest', () => {
    const pts = cloud(500, 2);
    const a = scoreIsolationForest(fitIsolationForest(pts, 2, { seed: 'x' }), pts);
    const b = scoreIsolationForest(fitIsolationForest(pts, 2, { seed: 'x' }), pts);
    const c = scoreIsolationForest(fitIsolationForest(pts, 2, { seed: 'y' }), pts);
    expect(Array.from(a)).toEqual(Array.from(b));
    expect(Array.from(a)).not.toEqual(Array.from(c));
  });

  it('subsamples all points when there are fewer than ψ, and refuses a bad shape', () => {
    const pts = cloud(50, 3);
    const f = fitIsolationForest(pts, 2, { seed: 1, trees: 10 });
    expect(f.sampleSize).toBe(50);
    expect(f.c).toBeCloseTo(averagePathLength(50), 12);
    expect(() => fitIsolationForest(new Float64Array(5), 2, { seed: 1 })).toThrow(/isolation forest/);
    // Identical points cannot be split: every path ends at the root with c(ψ) added.
    const same = new Float64Array(20).fill(1);
    const s = scoreIsolationForest(fitIsolationForest(same, 2, { seed: 1 }), same);
    expect(s[0]).toBeCloseTo(0.5, 12);
  });
});
