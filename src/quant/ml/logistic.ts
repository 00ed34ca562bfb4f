/**
 * L2-regularised logistic regression, fitted by Newton's method (IRLS) with a backtracking line search.
 * Features are standardised with the training rows' own mean and σ (never the test rows', which would
 * leak), and the penalty applies to the standardised weights, not the intercept. Small d (a dozen
 * indicator features) makes the d×d Newton system cheap; the cost is O(rows × d²) per iteration.
 */
import { AitbcError } from '../../core/errors.js';

/** A design matrix: `rows` × `cols`, row-major. */
export interface Matrix {
  rows: number;
  cols: number;
  data: Float64Array;
}

export interface LogisticModel {
  /** Per-feature mean and σ of the training rows. */
  mean: Float64Array;
  scale: Float64Array;
  /** Weights on the standardised features. */
  weights: Float64Array;
  intercept: number;
  iterations: number;
  /** Mean log-loss + penalty on the training rows at the solution. */
  objective: number;
}

export interface LogisticOptions {
  /** Penalty λ in mean log-loss + λ/2 · ‖w‖². */
  l2: number;
  maxIterations?: number;
  tolerance?: number;
}

function sigmoid(z: number): number {
  return z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z));
}

/** log(1 + e^z) without overflow. */
function softplus(z: number): number {
  return z > 0 ? z + Math.log1p(Math.exp(-z)) : Math.log1p(Math.exp(z));
}

/** Solves the symmetric positive-definite system A x = b by Cholesky (A is k×k row-major, destroyed). */
function solveSpd(a: Float64Array, b: Float64Array, k: number): Float64Array {
  for (let j = 0; j < k; j++) {
    let s = a[j * k + j];
    for (let p = 0; p < j; p++) s -= a[j * k + p] * a[j * k + p];
    if (!(s > 0)) throw new AitbcError('INTERNAL', 'logistic regression: Hessian is not positive definite');
    const d = Math.sqrt(s);
    a[j * k + j] = d;
    for (let i = j + 1; i < k; i++) {
      let t = a[i * k + j];
      for (let p = 0; p < j; p++) t -= a[i * k + p] * a[j * k + p];
      a[i * k + j] = t / d;
    }
  }
  const x = Float64Array.from(b);
  for (let i = 0; i < k; i++) {
    let t = x[i];
    for (let p = 0; p < i; p++) t -= a[i * k + p] * x[p];
    x[i] = t / a[i * k + i];
  }
  for (let i = k - 1; i >= 0; i--) {
    let t = x[i];
    for (let p = i + 1; p < k; p++) t -= a[p * k + i] * x[p];
    x[i] = t / a[i * k + i];
  }
  return x;
}

/**
 * Fits the model on `x` (rows × features) with 0/1 labels `y`.
 * @throws AitbcError INVALID_INPUT when there are no rows, the sizes disagree or λ is not positive.
 * @example const m = fitLogistic({rows: 4, cols: 1, data: Float64Array.of(0, 1, 2, 3)}, Uint8Array.of(0, 0, 1, 1), {l2: 0.1})
 */
export function fitLogistic(x: Matrix, y: Uint8Array, opts: LogisticOptions): LogisticModel {
  const { rows: m, cols: d, data } = x;
  if (m < 1 || y.length !== m || data.length !== m * d) {
    throw new AitbcError(
      'INVALID_INPUT',
      `logistic regression needs aligned rows, got ${m} rows, ${y.length} labels`,
      {
        rows: m,
        labels: y.length,
      },
    );
  }
  if (!(opts.l2 > 0))
    throw new AitbcError('INVALID_INPUT', `l2 must be positive, got ${opts.l2}`, { l2: opts.l2 });
  const mean = new Float64Array(d);
  const scale = new Float64Array(d);
  for (let r = 0; r < m; r++) for (let c = 0; c < d; c++) mean[c] += data[r * d + c];
  for (let c = 0; c < d; c++) mean[c] /= m;
  for (let r = 0; r < m; r++)
    for (let c = 0; c < d; c++) {
      const v = data[r * d + c] - mean[c];
      scale[c] += v * v;
    }
  for (let c = 0; c < d; c++) {
    const s = Math.sqrt(scale[c] / m);
    scale[c] = s > 0 ? s : 1;
  }
  const z = new Float64Array(m * d);
  for (let r = 0; r < m; r++)
    for (let c = 0; c < d; c++) z[r * d + c] = (data[r * d + c] - mean[c]) / scale[c];

  const k = d + 1; // weights then intercept
  const w = new Float64Array(k);
  const lambda = opts.l2;
  const maxIter = opts.maxIterations ?? 50;
  const tol = opts.tolerance ?? 1e-9;
  const objective = (v: Float64Array): number => {
    let loss = 0;
    for (let r = 0; r < m; r++) {
      let s = v[d];
      for (let c = 0; c < d; c++) s += v[c] * z[r * d + c];
      loss += softplus(s) - (y[r] ? s : 0);
    }
    let pen = 0;
    for (let c = 0; c < d; c++) pen += v[c] * v[c];
    return loss / m + (lambda / 2) * pen;
  };
  let f = objective(w);
  let it = 0;
  const g = new Float64Array(k);
  const h = new Float64Array(k * k);
  const row = new Float64Array(k);
  row[d] = 1;
  for (; it < maxIter; it++) {
    g.fill(0);
    h.fill(0);
    for (let r = 0; r < m; r++) {
      let s = w[d];
      for (let c = 0; c < d; c++) {
        row[c] = z[r * d + c];
        s += w[c] * row[c];
      }
      const p = sigmoid(s);
      const e = p - y[r];
      const q = p * (1 - p);
      for (let i = 0; i < k; i++) {
        g[i] += e * row[i];
        const qi = q * row[i];
        for (let j = 0; j <= i; j++) h[i * k + j] += qi * row[j];
      }
    }
    for (let i = 0; i < k; i++) {
      g[i] /= m;
      for (let j = 0; j <= i; j++) {
        h[i * k + j] /= m;
        h[j * k + i] = h[i * k + j];
      }
    }
    for (let c = 0; c < d; c++) {
      g[c] += lambda * w[c];
      h[c * k + c] += lambda;
    }
    // The intercept is unpenalised; a tiny ridge keeps the system solvable when every p is 0 or 1.
    h[d * k + d] += 1e-12;
    const step = solveSpd(h, g, k);
    let t = 1;
    const next = new Float64Array(k);
    let fNext = f;
    for (let tries = 0; tries < 30; tries++) {
      for (let i = 0; i < k; i++) next[i] = w[i] - t * step[i];
      fNext = objective(next);
      if (fNext <= f) break;
      t /= 2;
    }
    let delta = 0;
    for (let i = 0; i < k; i++) delta = Math.max(delta, Math.abs(next[i] - w[i]));
    w.set(next);
    const improved = f - fNext;
    f = fNext;
    if (delta < tol || improved < tol * 1e-3) {
      it++;
      break;
    }
  }
  return { mean, scale, weights: w.slice(0, d), intercept: w[d], iterations: it, objective: f };
}

/** P(y = 1) for one row of raw (unstandardised) features. */
export function predictRow(model: LogisticModel, features: ArrayLike<number>, offset = 0): number {
  let s = model.intercept;
  const d = model.weights.length;
  for (let c = 0; c < d; c++)
    s += (model.weights[c] * (features[offset + c] - model.mean[c])) / model.scale[c];
  return sigmoid(s);
}
