/**
 * mean_reversion: fade stretches away from the moving average measured in standard deviations (the
 * z-score behind Bollinger Bands), and leave once price has come back near the mean.
 */
import { AitbcError } from '../../../core/errors.js';
import { bbandsZscore } from '../../indicators/index.js';
import type { Strategy } from '../types.js';

/**
 * The z-score state machine: flat → long below −entry, short above +entry; long exits at z ≥ −exit,
 * short at z ≤ exit (typed arrays only; see sma-cross).
 */
function zTarget(z: Float64Array, entry: number, exit: number): Int8Array {
  const n = z.length;
  const target = new Int8Array(n);
  const negEntry = -entry;
  const negExit = -exit;
  let pos = 0;
  for (let t = 0; t < n; t++) {
    const v = z[t];
    if (pos === 1 && v >= negExit) pos = 0;
    else if (pos === -1 && v <= exit) pos = 0;
    if (pos === 0) {
      if (v < negEntry) pos = 1;
      else if (v > entry) pos = -1;
    }
    target[t] = pos;
  }
  return target;
}

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
    // z against the k = 1 Bollinger bands, with their middle, in one pass (see bbandsZscore).
    const { middle, z } = ctx.memo(`zscore:${p.period}`, () => bbandsZscore(data.close, p.period));
    const target = zTarget(z, p.entry, p.exit);
    return { target, indicators: { [`sma:${p.period}`]: middle, [`zscore:${p.period}`]: z } };
  },
  source: 'builtin',
};
