/** rsi_reversion: buy oversold and sell overbought by Wilder's RSI, exit when RSI crosses back. */
import { AitbcError } from '../../../core/errors.js';
import { rsi } from '../../indicators/index.js';
import type { Strategy } from '../types.js';

/**
 * The RSI state machine: flat → long below `lower`, short above `upper`; long exits at ≥ `exit`, short
 * at ≤ `exit` (typed arrays only; see sma-cross).
 */
function levelTarget(r: Float64Array, lower: number, upper: number, exit: number): Int8Array {
  const n = r.length;
  const target = new Int8Array(n);
  let pos = 0;
  for (let t = 0; t < n; t++) {
    const v = r[t];
    if (pos === 1 && v >= exit) pos = 0;
    else if (pos === -1 && v <= exit) pos = 0;
    if (pos === 0) {
      if (v < lower) pos = 1;
      else if (v > upper) pos = -1;
    }
    target[t] = pos;
  }
  return target;
}

export const rsiReversion: Strategy = {
  name: 'rsi_reversion',
  summary: 'RSI below lower → long until RSI ≥ exit; above upper → short until RSI ≤ exit',
  description:
    'Wilder RSI(close, period). Flat: RSI < lower → long, RSI > upper → short. Long exits at RSI ≥ exit, ' +
    'short exits at RSI ≤ exit. Requires lower < exit < upper.',
  params: {
    period: { default: 14, min: 1, integer: true, description: 'RSI period (bars)' },
    lower: { default: 30, min: 0, max: 100, description: 'oversold level' },
    upper: { default: 70, min: 0, max: 100, description: 'overbought level' },
    exit: { default: 50, min: 0, max: 100, description: 'level where positions are closed' },
  },
  warmup: (p) => p.period,
  validate(p) {
    if (!(p.lower < p.exit && p.exit < p.upper)) {
      throw new AitbcError(
        'INVALID_INPUT',
        `rsi_reversion: need lower < exit < upper, got ${p.lower}, ${p.exit}, ${p.upper}`,
        { lower: p.lower, exit: p.exit, upper: p.upper },
      );
    }
  },
  run(data, p, ctx) {
    const r = ctx.memo(`rsi:${p.period}`, () => rsi(data.close, p.period));
    const target = levelTarget(r, p.lower, p.upper, p.exit);
    return { target, indicators: { [`rsi:${p.period}`]: r } };
  },
  source: 'builtin',
};
