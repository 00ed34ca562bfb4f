/**
 * ml: an L2-regularised logistic regression on indicator features, trained walk-forward (see
 * src/quant/ml/walk-forward.ts). It trades only inside test windows, on the probability from the model
 * fitted strictly before that window; before the first window it stays flat. Its report carries the
 * out-of-sample accuracy next to the chance accuracy and σ, all computed in the run.
 */
import { DEFAULT_FEATURES, DEFAULT_FEATURES_WARMUP } from '../../ml/features.js';
import { trainWalkForward } from '../../ml/walk-forward.js';
import type { Params, Strategy } from '../types.js';

function options(p: Params) {
  return {
    horizon: p.horizon,
    folds: p.folds,
    trainFraction: p.train,
    gap: p.gap === 0 ? p.horizon : p.gap,
    l2: p.l2,
  };
}

const MIN_TRAIN_ROWS = Math.max(50, 10 * (DEFAULT_FEATURES.length + 1));

export const ml: Strategy = {
  name: 'ml',
  summary:
    'logistic regression on indicator features, trained walk-forward; trades its out-of-sample forecasts',
  description:
    'Label: close[t + horizon] > close[t]. Features: returns over 1/5/20 bars, RSI 14, MACD histogram / price, ' +
    'Bollinger %B, ATR 14 / price, close / SMA 50, σ of returns over 20 bars, log volume / SMA 20 of volume. ' +
    "After the first `train` share of bars, the rest is cut into `folds` test windows; each window's model is " +
    'fitted only on bars ending `gap` (≥ horizon) bars before it. target = +1 when P(up) > 0.5 + margin, ' +
    '−1 when P(up) < 0.5 − margin, else 0.',
  params: {
    horizon: { default: 1, min: 1, integer: true, description: 'bars ahead the label looks' },
    folds: { default: 5, min: 1, max: 100, integer: true, description: 'walk-forward test windows' },
    train: { default: 0.5, min: 0.05, max: 0.95, description: 'share of bars before the first test window' },
    gap: {
      default: 0,
      min: 0,
      integer: true,
      description: 'bars purged between training and test (0 = horizon; otherwise must be ≥ horizon)',
    },
    l2: { default: 0.01, min: 1e-9, description: 'L2 penalty on standardised weights' },
    margin: { default: 0, min: 0, max: 0.5, description: 'probability band around 0.5 that stays flat' },
  },
  warmup(p) {
    const o = options(p);
    return DEFAULT_FEATURES_WARMUP + Math.ceil((MIN_TRAIN_ROWS + o.gap) / o.trainFraction) + o.folds;
  },
  run(data, p) {
    const wf = trainWalkForward(data, DEFAULT_FEATURES, { ...options(p), minTrainRows: MIN_TRAIN_ROWS });
    const n = data.close.length;
    const target = new Int8Array(n);
    const hi = 0.5 + p.margin;
    const lo = 0.5 - p.margin;
    for (let t = 0; t < n; t++) {
      const q = wf.probability[t];
      target[t] = q > hi ? 1 : q < lo ? -1 : 0;
    }
    return {
      target,
      indicators: { 'ml.p_up': wf.probability },
      report: {
        model: 'logistic regression, L2, Newton/IRLS',
        features: wf.features,
        options: wf.options,
        folds: wf.folds,
        outOfSample: wf.outOfSample,
        lastModel: wf.lastModel,
      },
    };
  },
  source: 'builtin',
};
