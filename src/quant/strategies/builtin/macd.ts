/** macd: long while the MACD line is above its signal line (histogram > 0), short while below. */
import { AitbcError } from '../../../core/errors.js';
import { macd as macdIndicator } from '../../indicators/index.js';
import type { Strategy } from '../types.js';

/** +1 where h > 0, −1 where h < 0, else 0 (typed arrays only; see sma-cross). */
function signTarget(hist: Float64Array): Int8Array {
  const n = hist.length;
  const target = new Int8Array(n);
  for (let t = 0; t < n; t++) {
    const h = hist[t];
    target[t] = h > 0 ? 1 : h < 0 ? -1 : 0;
  }
  return target;
}

export const macd: Strategy = {
  name: 'macd',
  summary: 'MACD histogram > 0 → long, < 0 → short',
  description:
    'MACD = EMA(close, fast) − EMA(close, slow), signal = EMA(MACD, signal), hist = MACD − signal ' +
    '(TA-Lib convention). target = +1 while hist > 0, −1 while hist < 0.',
  params: {
    fast: { default: 12, min: 1, integer: true, description: 'fast EMA period' },
    slow: { default: 26, min: 2, integer: true, description: 'slow EMA period, > fast' },
    signal: { default: 9, min: 1, integer: true, description: 'signal EMA period' },
  },
  warmup: (p) => p.slow + p.signal - 2,
  validate(p) {
    if (p.fast >= p.slow) {
      throw new AitbcError('INVALID_INPUT', `macd: fast (${p.fast}) must be less than slow (${p.slow})`, {
        fast: p.fast,
        slow: p.slow,
      });
    }
  },
  run(data, p, ctx) {
    const id = `macd:${p.fast}:${p.slow}:${p.signal}`;
    const m = ctx.memo(id, () => macdIndicator(data.close, p.fast, p.slow, p.signal));
    const target = signTarget(m.hist);
    return {
      target,
      indicators: { [`${id}.macd`]: m.macd, [`${id}.signal`]: m.signal, [`${id}.hist`]: m.hist },
    };
  },
  source: 'builtin',
};
