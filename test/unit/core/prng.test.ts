import { describe, expect, it } from 'vitest';
import { createPrng } from '../../../src/core/prng.js';

const draw = (seed: number | string, n = 100) => {
  const rng = createPrng(seed);
  return Array.from({ length: n }, () => rng.next());
};

describe('createPrng', () => {
  it('gives the same sequence for the same seed (numbers and strings)', () => {
    expect(draw(42)).toEqual(draw(42));
    expect(draw('aitbc')).toEqual(draw('aitbc'));
    expect(draw(2 ** 40 + 7)).toEqual(draw(2 ** 40 + 7));
  });

  it('gives different sequences for different seeds', () => {
    // Numeric seeds fold to 32 bits, so distinct seeds are only guaranteed distinct within that range.
    const seeds: Array<number | string> = [0, 1, 2, 42, 2 ** 31, 2 ** 32 - 2, -5, 'a', 'b', 'aitbc', ''];
    const firsts = seeds.map((s) => draw(s, 4).join(','));
    expect(new Set(firsts).size).toBe(seeds.length);
  });

  it('keeps every helper deterministic', () => {
    const run = (seed: number) => {
      const rng = createPrng(seed);
      return [
        rng.int(1000),
        rng.uniform(-5, 5),
        rng.normal(10, 2),
        rng.normal(),
        rng.exponential(3),
        rng.chance(0.5),
        rng.pick(['a', 'b', 'c', 'd']),
        rng.shuffle([1, 2, 3, 4, 5, 6, 7, 8]).join(''),
        rng.fork().next(),
      ];
    };
    expect(run(7)).toEqual(run(7));
    expect(run(7)).not.toEqual(run(8));
  });

  it('keeps values in their ranges', () => {
    const rng = createPrng('ranges');
    const bad: string[] = [];
    for (let i = 0; i < 20_000; i++) {
      const x = rng.next();
      if (!(x >= 0 && x < 1)) bad.push(`next ${x}`);
      const k = rng.int(7);
      if (!(Number.isInteger(k) && k >= 0 && k < 7)) bad.push(`int ${k}`);
      const u = rng.uniform(-3, 2);
      if (!(u >= -3 && u < 2)) bad.push(`uniform ${u}`);
      const e = rng.exponential(2);
      if (!(e >= 0 && Number.isFinite(e))) bad.push(`exponential ${e}`);
      const p = rng.pick(['x', 'y', 'z']);
      if (!['x', 'y', 'z'].includes(p)) bad.push(`pick ${p}`);
    }
    expect(bad).toEqual([]);
  });

  it('covers every integer of a small range and stays close to uniform', () => {
    const rng = createPrng(123);
    const counts = new Array(10).fill(0);
    const n = 50_000;
    for (let i = 0; i < n; i++) counts[rng.int(10)]++;
    for (const c of counts) expect(Math.abs(c - n / 10)).toBeLessThan(n / 10 / 10);
  });

  it('draws normals with the asked mean and spread, and chance with the asked rate', () => {
    const rng = createPrng(9);
    const n = 40_000;
    let sum = 0;
    let sq = 0;
    let hits = 0;
    for (let i = 0; i < n; i++) {
      const x = rng.normal(5, 2);
      sum += x;
      sq += x * x;
      if (rng.chance(0.25)) hits++;
    }
    const mean = sum / n;
    const sd = Math.sqrt(sq / n - mean * mean);
    expect(Math.abs(mean - 5)).toBeLessThan(0.05);
    expect(Math.abs(sd - 2)).toBeLessThan(0.05);
    expect(Math.abs(hits / n - 0.25)).toBeLessThan(0.01);
  });

  it('shuffles into a permutation', () => {
    const rng = createPrng(3);
    const items = Array.from({ length: 50 }, (_, i) => i);
    const shuffled = rng.shuffle([...items]);
    expect(shuffled).not.toEqual(items);
    expect([...shuffled].sort((a, b) => a - b)).toEqual(items);
  });

  it('forks independent but reproducible streams', () => {
    const a = createPrng(5);
    const fa = a.fork();
    const b = createPrng(5);
    const fb = b.fork();
    const seqFa = Array.from({ length: 10 }, () => fa.next());
    expect(Array.from({ length: 10 }, () => fb.next())).toEqual(seqFa);
    expect(Array.from({ length: 10 }, () => a.next())).not.toEqual(seqFa);
  });
});
