/**
 * Isolation forest (Liu, Ting & Zhou, "Isolation Forest", ICDM 2008; "Isolation-based anomaly
 * detection", TKDD 2012), written here so it is seeded and exact: t trees, each grown on a subsample of
 * ψ points without replacement to height limit ceil(log2 ψ), splitting on a random attribute at a
 * uniform random value between the node's min and max. The anomaly score of x is
 * s(x) = 2^(−E[h(x)] / c(ψ)), where h(x) is the path length (plus c(size) at an unsplit leaf) and
 * c(n) = 2H(n−1) − 2(n−1)/n with H(i) = ln(i) + γ (Euler–Mascheroni), c(2) = 1, c(n ≤ 1) = 0.
 */
import { AitbcError } from '../core/errors.js';
import { createPrng } from '../core/prng.js';

export const EULER_MASCHERONI = 0.5772156649015329;

/** Average path length of an unsuccessful BST search among n points (the paper's c(n)). */
export function averagePathLength(n: number): number {
  if (n <= 1) return 0;
  if (n === 2) return 1;
  return 2 * (Math.log(n - 1) + EULER_MASCHERONI) - (2 * (n - 1)) / n;
}

export interface IsolationForestOptions {
  /** number of trees t (default 100) */
  trees?: number;
  /** subsample size ψ (default 256; fewer when there are fewer points) */
  sampleSize?: number;
  seed: number | string;
}

interface Tree {
  /** attribute per node, −1 for a leaf */
  attr: Int32Array;
  split: Float64Array;
  left: Int32Array;
  right: Int32Array;
  /** at a leaf: its depth plus c(points that reached it), the path length of anything ending there */
  leafPath: Float64Array;
}

export interface IsolationForest {
  trees: Tree[];
  dims: number;
  sampleSize: number;
  /** c(ψ), the normaliser */
  c: number;
}

/**
 * Grows a forest on `points` (n rows of `dims` values, row-major).
 * @throws AitbcError INVALID_INPUT when there are no points or the shape is wrong.
 */
export function fitIsolationForest(
  points: Float64Array,
  dims: number,
  opts: IsolationForestOptions,
): IsolationForest {
  const n = Math.floor(points.length / dims);
  if (n < 1 || dims < 1 || n * dims !== points.length) {
    throw new AitbcError(
      'INVALID_INPUT',
      'isolation forest needs at least one point of the given dimension',
      {
        points: n,
        dims,
      },
    );
  }
  const t = opts.trees ?? 100;
  const psi = Math.min(opts.sampleSize ?? 256, n);
  const limit = Math.ceil(Math.log2(Math.max(2, psi)));
  const rng = createPrng(opts.seed);
  const trees: Tree[] = [];
  const all = new Int32Array(n);
  for (let i = 0; i < n; i++) all[i] = i;
  const work = new Int32Array(psi);
  for (let k = 0; k < t; k++) {
    // Partial Fisher–Yates: the first psi entries become a sample without replacement.
    for (let i = 0; i < psi; i++) {
      const j = i + rng.int(n - i);
      const tmp = all[i];
      all[i] = all[j];
      all[j] = tmp;
    }
    work.set(all.subarray(0, psi));
    trees.push(growTree(points, dims, work, limit, rng));
  }
  return { trees, dims, sampleSize: psi, c: averagePathLength(psi) };
}

/** Grows one tree, partitioning `idx` in place (no per-node allocation). */
function growTree(
  points: Float64Array,
  dims: number,
  idx: Int32Array,
  limit: number,
  rng: ReturnType<typeof createPrng>,
): Tree {
  const maxNodes = 2 * idx.length + 1;
  const attr = new Int32Array(maxNodes).fill(-1);
  const split = new Float64Array(maxNodes);
  const left = new Int32Array(maxNodes);
  const right = new Int32Array(maxNodes);
  const leafPath = new Float64Array(maxNodes);
  const candidates = new Int32Array(dims);
  const mins = new Float64Array(dims);
  const maxs = new Float64Array(dims);
  let nodes = 0;
  const build = (from: number, to: number, depth: number): number => {
    const node = nodes++;
    const size = to - from;
    if (depth >= limit || size <= 1) {
      leafPath[node] = depth + averagePathLength(size);
      return node;
    }
    let nc = 0;
    for (let d = 0; d < dims; d++) {
      let lo = Number.POSITIVE_INFINITY;
      let hi = Number.NEGATIVE_INFINITY;
      for (let k = from; k < to; k++) {
        const v = points[idx[k] * dims + d];
        if (v < lo) lo = v;
        if (v > hi) hi = v;
      }
      mins[d] = lo;
      maxs[d] = hi;
      if (hi > lo) candidates[nc++] = d;
    }
    if (nc === 0) {
      leafPath[node] = depth + averagePathLength(size);
      return node;
    }
    const q = candidates[rng.int(nc)];
    const p = rng.uniform(mins[q], maxs[q]);
    // Partition idx[from, to) into < p and ≥ p.
    let i = from;
    let j = to - 1;
    while (i <= j) {
      if (points[idx[i] * dims + q] < p) i++;
      else {
        const tmp = idx[i];
        idx[i] = idx[j];
        idx[j] = tmp;
        j--;
      }
    }
    attr[node] = q;
    split[node] = p;
    left[node] = build(from, i, depth + 1);
    right[node] = build(i, to, depth + 1);
    return node;
  };
  build(0, idx.length, 0);
  return { attr, split, left, right, leafPath };
}

/**
 * Anomaly score s(x) ∈ (0, 1] of each row of `points`: near 1 isolated, below 0.5 ordinary. The trees
 * are first packed into one set of arrays so the inner loop touches nothing but typed arrays.
 */
export function scoreIsolationForest(forest: IsolationForest, points: Float64Array): Float64Array {
  const dims = forest.dims;
  const n = Math.floor(points.length / dims);
  const out = new Float64Array(n);
  const c = forest.c > 0 ? forest.c : 1;
  const sizes = forest.trees.map((tr) => tr.attr.length);
  const total = sizes.reduce((x, y) => x + y, 0);
  const attr = new Int32Array(total);
  const split = new Float64Array(total);
  const left = new Int32Array(total);
  const right = new Int32Array(total);
  const leafPath = new Float64Array(total);
  const roots = new Int32Array(forest.trees.length);
  let base = 0;
  forest.trees.forEach((tr, k) => {
    roots[k] = base;
    attr.set(tr.attr, base);
    split.set(tr.split, base);
    leafPath.set(tr.leafPath, base);
    for (let i = 0; i < tr.attr.length; i++) {
      left[base + i] = tr.left[i] + base;
      right[base + i] = tr.right[i] + base;
    }
    base += sizes[k];
  });
  // Tree by tree over all points: one tree's few kilobytes stay in cache while the points stream by.
  const trees = roots.length;
  const sum = new Float64Array(n);
  for (let k = 0; k < trees; k++) {
    const root = roots[k];
    for (let i = 0, off = 0; i < n; i++, off += dims) {
      let node = root;
      let a = attr[node];
      while (a >= 0) {
        node = points[off + a] < split[node] ? left[node] : right[node];
        a = attr[node];
      }
      sum[i] += leafPath[node];
    }
  }
  for (let i = 0; i < n; i++) out[i] = 2 ** (-(sum[i] / trees) / c);
  return out;
}
