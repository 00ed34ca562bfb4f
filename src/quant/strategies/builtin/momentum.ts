/** momentum: follow the sign of the rate of change over a lookback, beyond a dead band. */
import { rateOfChange } from '../series.js';
import type { Strategy } from '../types.js';

/** +1 where roc > th, −1 where roc < −th, else 0 (typed arrays only; see sma-cross). */
function bandTarget(roc: Float64Array, th: number): Int8Array {
  const n = roc.length;
  const target = new Int8Array(n);
  for (let t = 0; t < n; t++) {
    const r = roc[t];
    target[t] = r > th ? 1 : r < -th ? -1 : 0;
  }
  return target;
}

export const momentum: Strategy = {
  name: 'momentum',
  summary: 'rate of change over a lookback above +threshold → long, below −threshold → short',
  description:
    'roc = close[t] / close[t − lookback] − 1; target = +1 when roc > threshold, −1 when roc < −threshold, ' +
    'else 0 (a dead band of ±threshold around zero).',
  params: {
    lookback: { default: 20, min: 1, integer: true, description: 'bars over which the return is measured' },
    threshold: { default: 0, min: 0, description: 'dead band as a fraction (0.01 = 1 %)' },
  },
  warmup: (p) => p.lookback,
  run(data, p, ctx) {
    const roc = ctx.memo(`roc:${p.lookback}`, () => rateOfChange(data.close, p.lookback));
    const target = bandTarget(roc, p.threshold);
    return { target, indicators: { [`roc:${p.lookback}`]: roc } };
  },
  source: 'builtin',
};
