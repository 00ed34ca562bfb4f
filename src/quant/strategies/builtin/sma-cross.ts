/** sma_cross: long while the fast simple moving average is above the slow one, short while below. */
import { AitbcError } from '../../../core/errors.js';
import { sma } from '../../indicators/index.js';
import type { Strategy } from '../types.js';

/**
 * +1 where fast > slow, −1 where below, 0 otherwise (equal or NaN). A separate function of typed
 * arrays only, so its loop is compiled once whatever objects the caller passes around.
 */
function crossTarget(fast: Float64Array, slow: Float64Array): Int8Array {
  const n = fast.length;
  const target = new Int8Array(n);
  for (let t = 0; t < n; t++) {
    const f = fast[t];
    const s = slow[t];
    target[t] = f > s ? 1 : f < s ? -1 : 0;
  }
  return target;
}

export const smaCross: Strategy = {
  name: 'sma_cross',
  summary: 'fast SMA above slow SMA → long, below → short (flat unless --short)',
  description:
    'target = +1 while SMA(close, fast) > SMA(close, slow), −1 while below, 0 when equal or in warm-up.',
  params: {
    fast: { default: 10, min: 1, integer: true, description: 'fast SMA period (bars)' },
    slow: { default: 30, min: 2, integer: true, description: 'slow SMA period (bars), > fast' },
  },
  warmup: (p) => p.slow - 1,
  validate(p) {
    if (p.fast >= p.slow) {
      throw new AitbcError(
        'INVALID_INPUT',
        `sma_cross: fast (${p.fast}) must be less than slow (${p.slow})`,
        {
          fast: p.fast,
          slow: p.slow,
        },
      );
    }
  },
  run(data, p, ctx) {
    const fast = ctx.memo(`sma:${p.fast}`, () => sma(data.close, p.fast));
    const slow = ctx.memo(`sma:${p.slow}`, () => sma(data.close, p.slow));
    const target = crossTarget(fast, slow);
    return { target, indicators: { [`sma:${p.fast}`]: fast, [`sma:${p.slow}`]: slow } };
  },
  source: 'builtin',
};
