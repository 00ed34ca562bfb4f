/**
 * Walk-forward training of the direction model. The label of bar t is whether the close `horizon` bars
 * later is higher. The bars after an initial training share are cut into consecutive test windows; the
 * model for a window is fitted only on bars that end at least `gap` bars before the window starts
 * (gap ≥ horizon), so no training label peeks at a price inside or after the window ("purging").
 * Every feature passes the look-ahead guard before anything is fitted.
 */
import { AitbcError } from '../../core/errors.js';
import { createPrng } from '../../core/prng.js';
import { assertCausal } from '../backtest/causality.js';
import type { Ohlcv } from '../types.js';
import { type BinaryScores, scoreBinary } from './evaluate.js';
import { fitLogistic, type LogisticModel, predictRow } from './logistic.js';

/** A model input: a causal series computed from the bars. */
export interface FeatureSpec {
  name: string;
  compute(data: Ohlcv): Float64Array;
}

export interface WalkForwardOptions {
  /** Bars ahead the label looks (≥ 1). */
  horizon: number;
  /** Number of consecutive test windows (≥ 1). */
  folds: number;
  /** Share of the usable bars before the first test window (0 < train < 1). */
  trainFraction: number;
  /** Bars left out between a fold's last training label and its test window; must be ≥ horizon. */
  gap: number;
  /** L2 penalty of the logistic regression. */
  l2: number;
  /** Fewest training rows a fold may fit on. Default max(50, 10 × (features + 1)). */
  minTrainRows?: number;
  /** When set, training labels are shuffled with this seed: a null model for significance tests. */
  permuteSeed?: number | string;
}

export interface FoldReport extends BinaryScores {
  fold: number;
  /** Training bars [trainFrom, trainTo) and test bars [testFrom, testTo), as indices and times. */
  trainFrom: number;
  trainTo: number;
  testFrom: number;
  testTo: number;
  trainFromTime: number;
  trainToTime: number;
  testFromTime: number;
  testToTime: number;
  trainRows: number;
  iterations: number;
  /** This fold's model: weights on standardised features, by feature name. */
  weights: Record<string, number>;
  intercept: number;
}

export interface WalkForwardResult {
  /** P(up over the horizon) for every bar inside a test window with finite features; NaN elsewhere. */
  probability: Float64Array;
  labels: Uint8Array;
  /** Last bar index whose label is known. */
  lastLabelledBar: number;
  features: string[];
  folds: FoldReport[];
  /** Scores over every scored test row of every fold. */
  outOfSample: BinaryScores;
  /** The last fold's model, for inspection (weights are on standardised features). */
  lastModel: { weights: Record<string, number>; intercept: number };
  options: Required<Omit<WalkForwardOptions, 'permuteSeed'>> & { permuteSeed?: number | string };
}

function assertOptions(o: WalkForwardOptions): void {
  const fail = (name: string, why: string, value: unknown) => {
    throw new AitbcError('INVALID_INPUT', `ml: ${name} ${why}, got ${value}`, { param: name, value });
  };
  if (!Number.isInteger(o.horizon) || o.horizon < 1) fail('horizon', 'must be an integer ≥ 1', o.horizon);
  if (!Number.isInteger(o.folds) || o.folds < 1) fail('folds', 'must be an integer ≥ 1', o.folds);
  if (!(o.trainFraction > 0 && o.trainFraction < 1)) fail('train', 'must be in (0, 1)', o.trainFraction);
  if (!Number.isInteger(o.gap) || o.gap < o.horizon)
    fail('gap', `must be an integer ≥ the label horizon (${o.horizon})`, o.gap);
  if (!(o.l2 > 0)) fail('l2', 'must be positive', o.l2);
}

/**
 * Trains and evaluates the model walk-forward on `data`.
 * @throws AitbcError INVALID_INPUT for bad options, a look-ahead feature, or a series too short to
 *   give every fold enough training rows and test bars.
 */
export function trainWalkForward(
  data: Ohlcv,
  features: ReadonlyArray<FeatureSpec>,
  opts: WalkForwardOptions,
): WalkForwardResult {
  assertOptions(opts);
  const n = data.close.length;
  const d = features.length;
  const h = opts.horizon;
  const minTrain = opts.minTrainRows ?? Math.max(50, 10 * (d + 1));
  const cols = features.map((f) => {
    const col = f.compute(data);
    if (col.length !== n) {
      throw new AitbcError('INVALID_INPUT', `feature "${f.name}" has ${col.length} values for ${n} bars`, {
        feature: f.name,
      });
    }
    assertCausal(f.name, (x) => f.compute(x), data, { full: col });
    return col;
  });
  const valid = new Uint8Array(n);
  let first = -1;
  for (let t = 0; t < n; t++) {
    let ok = 1;
    for (let c = 0; c < d; c++) if (!Number.isFinite(cols[c][t])) ok = 0;
    valid[t] = ok;
    if (ok && first < 0) first = t;
  }
  const lastLabelled = n - 1 - h;
  const labels = new Uint8Array(n);
  for (let t = 0; t <= lastLabelled; t++) labels[t] = data.close[t + h] > data.close[t] ? 1 : 0;
  // The null model trains on shuffled labels and is still scored against the true ones.
  const trainLabels = opts.permuteSeed === undefined ? labels : labels.slice();
  if (opts.permuteSeed !== undefined) {
    const idx: number[] = [];
    for (let t = 0; t <= lastLabelled; t++) if (valid[t]) idx.push(t);
    const shuffled = createPrng(opts.permuteSeed).shuffle(idx.map((t) => labels[t]));
    idx.forEach((t, k) => {
      trainLabels[t] = shuffled[k];
    });
  }
  const trueLabels = labels;

  const usableFrom = first < 0 ? n : first;
  const testStart = usableFrom + Math.floor((n - usableFrom) * opts.trainFraction);
  const testBars = n - testStart;
  const firstTrainRows = Math.max(0, testStart - opts.gap - usableFrom);
  if (first < 0 || testBars < opts.folds || firstTrainRows < minTrain) {
    const needed = Math.ceil((minTrain + opts.gap) / opts.trainFraction) + Math.max(first, 0);
    throw new AitbcError(
      'INVALID_INPUT',
      `series too short for ml: ${n} bars give ${firstTrainRows} training rows before the first test window ` +
        `(need ${minTrain}) and ${testBars} test bars for ${opts.folds} folds; about ${needed} bars are needed`,
      { bars: n, trainingRows: firstTrainRows, minTrainRows: minTrain, testBars, folds: opts.folds, needed },
    );
  }

  const namedWeights = (m: LogisticModel): Record<string, number> =>
    Object.fromEntries(features.map((f, c) => [f.name, m.weights[c]]));
  const probability = new Float64Array(n).fill(Number.NaN);
  const foldReports: FoldReport[] = [];
  const allScored: number[] = [];
  const row = new Float64Array(d);
  for (let k = 0; k < opts.folds; k++) {
    const a = testStart + Math.floor((k * testBars) / opts.folds);
    const b = testStart + Math.floor(((k + 1) * testBars) / opts.folds);
    const trainTo = a - opts.gap;
    const trainIdx: number[] = [];
    for (let t = usableFrom; t < trainTo && t <= lastLabelled; t++) if (valid[t]) trainIdx.push(t);
    if (trainIdx.length < minTrain) {
      throw new AitbcError(
        'INVALID_INPUT',
        `series too short for ml: fold ${k + 1} has ${trainIdx.length} training rows, needs ${minTrain}`,
        { fold: k + 1, trainingRows: trainIdx.length, minTrainRows: minTrain },
      );
    }
    const xs = new Float64Array(trainIdx.length * d);
    const ys = new Uint8Array(trainIdx.length);
    trainIdx.forEach((t, r) => {
      for (let c = 0; c < d; c++) xs[r * d + c] = cols[c][t];
      ys[r] = trainLabels[t];
    });
    const model = fitLogistic({ rows: trainIdx.length, cols: d, data: xs }, ys, { l2: opts.l2 });
    const scored: number[] = [];
    for (let t = a; t < b; t++) {
      if (!valid[t]) continue;
      for (let c = 0; c < d; c++) row[c] = cols[c][t];
      probability[t] = predictRow(model, row);
      if (t <= lastLabelled) scored.push(t);
    }
    allScored.push(...scored);
    foldReports.push({
      fold: k + 1,
      trainFrom: usableFrom,
      trainTo,
      testFrom: a,
      testTo: b,
      trainFromTime: data.time[usableFrom],
      trainToTime: data.time[trainTo - 1],
      testFromTime: data.time[a],
      testToTime: data.time[b - 1],
      trainRows: trainIdx.length,
      iterations: model.iterations,
      weights: namedWeights(model),
      intercept: model.intercept,
      ...scoreBinary(probability, trueLabels, scored),
    });
  }
  return {
    probability,
    labels: trueLabels,
    lastLabelledBar: lastLabelled,
    features: features.map((f) => f.name),
    folds: foldReports,
    outOfSample: scoreBinary(probability, trueLabels, allScored),
    lastModel: foldReports[foldReports.length - 1]
      ? {
          weights: foldReports[foldReports.length - 1].weights,
          intercept: foldReports[foldReports.length - 1].intercept,
        }
      : { weights: {}, intercept: Number.NaN },
    options: {
      horizon: h,
      folds: opts.folds,
      trainFraction: opts.trainFraction,
      gap: opts.gap,
      l2: opts.l2,
      minTrainRows: minTrain,
      ...(opts.permuteSeed !== undefined ? { permuteSeed: opts.permuteSeed } : {}),
    },
  };
}
