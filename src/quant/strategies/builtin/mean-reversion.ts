/**
 * mean_reversion: fade stretches away from the moving average measured in standard deviations (the
 * z-score behind Bollinger Bands), and leave once price has come back near the mean.
 */
import { AitbcError } from '../../../core/errors.js';
import { bbands } from '../../indicators/index.js';
import type { Strategy } from '../types.js';

export const meanReversion: Strategy = {
  name: 'mean_reversion',
  summary: 'z-score of close vs its SMA below −entry → long, above +entry → short; exit near the mean',
  description:
    'z = (close − SMA(close, period)) / σ(close, period) (population σ, as Bollinger Bands). Flat: z < −entry → ' +
    'long, z > entry → short. Long exits when z ≥ −exit; short exits when z ≤ exit.',
  params: {
    period: { default: 20, min: 2, integer: true, description: 'window of the mean and σ (bars)' },
    entry: { default: 2, min: 0, description: 'entry distance in σ' },
    exit: { default: 0.5, min: 0, description: 'exit distance in σ, < entry' },
  },
  warmup: (p) => p.period - 1,
  validate(p) {
    if (p.exit >= p.entry) {
      throw new AitbcError(
        'INVALID_INPUT',
        `mean_reversion: exit (${p.exit}) must be less than entry (${p.entry})`,
        {
          entry: p.entry,
          exit: p.exit,
        },
      );
    }
  },
  run(data, p, ctx) {
    const bands = ctx.memo(`bbands:${p.period}:1`, () => bbands(data.close, p.period, 1));
    const close = data.close;
    const n = close.length;
    const z = ctx.memo(`zscore:${p.period}`, () => {
      const out = new Float64Array(n);
      for (let t = 0; t < n; t++) {
        const sd = bands.upper[t] - bands.middle[t];
        out[t] = sd > 0 ? (close[t] - bands.middle[t]) / sd : Number.NaN;
      }
      return out;
    });
    const target = new Int8Array(n);
    let pos = 0;
    for (let t = 0; t < n; t++) {
      const v = z[t];
      if (pos === 1 && v >= -p.exit) pos = 0;
      else if (pos === -1 && v <= p.exit) pos = 0;
      if (pos === 0) {
        if (v < -p.entry) pos = 1;
        else if (v > p.entry) pos = -1;
      }
      target[t] = pos;
    }
    return { target, indicators: { [`sma:${p.period}`]: bands.middle, [`zscore:${p.period}`]: z } };
  },
  source: 'builtin',
};
