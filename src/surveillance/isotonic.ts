/**
 * Isotonic regression by pool-adjacent-violators: the non-decreasing step function of a raw score that
 * best fits 0/1 outcomes in least squares. It turns a detector's raw score into a calibrated
 * probability without assuming a shape (Zadrozny & Elkan, KDD 2002). Each block's value is smoothed
 * toward ½ with (hits + ½) / (n + 1), so a block of a few calibration alerts never claims certainty.
 */

/** A step function: value y[i] for raw scores from x[i] up to x[i + 1]. */
export interface StepMap {
  x: number[];
  y: number[];
}

/** Fits the map from (raw, outcome) pairs. An empty sample gives the empty map. */
export function fitIsotonic(samples: ReadonlyArray<{ raw: number; hit: boolean }>): StepMap {
  const sorted = [...samples].sort((a, b) => a.raw - b.raw);
  // Blocks: [start raw, hits, count]; merge while a block's mean is not above its predecessor's (equal
  // means merge too, so the smoothing below sees whole runs, not single alerts).
  const blocks: Array<{ x: number; hits: number; n: number }> = [];
  for (const s of sorted) {
    const last = blocks[blocks.length - 1];
    if (last !== undefined && last.x === s.raw) {
      last.hits += s.hit ? 1 : 0;
      last.n++;
    } else blocks.push({ x: s.raw, hits: s.hit ? 1 : 0, n: 1 });
    while (blocks.length >= 2) {
      const b = blocks[blocks.length - 1];
      const a = blocks[blocks.length - 2];
      if (a.hits / a.n < b.hits / b.n) break;
      a.hits += b.hits;
      a.n += b.n;
      blocks.pop();
    }
  }
  const x: number[] = [];
  const y: number[] = [];
  let floor = 0;
  for (const b of blocks) {
    // Smoothing can reorder blocks of different sizes; the running max keeps the map monotone.
    floor = Math.max(floor, (b.hits + 0.5) / (b.n + 1));
    x.push(b.x);
    y.push(round6(floor));
  }
  return { x, y };
}

/** The map's value at `raw` (below the first step: the first value; empty map: `fallback`). */
export function applyIsotonic(map: StepMap, raw: number, fallback = 0.5): number {
  if (map.x.length === 0) return fallback;
  let lo = 0;
  let hi = map.x.length - 1;
  if (raw < map.x[0]) return map.y[0];
  while (lo < hi) {
    const mid = (lo + hi + 1) >>> 1;
    if (map.x[mid] <= raw) lo = mid;
    else hi = mid - 1;
  }
  return map.y[lo];
}

function round6(v: number): number {
  return Math.round(v * 1e6) / 1e6;
}
