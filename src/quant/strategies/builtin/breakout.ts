/** breakout: Donchian channel breakout (turtle style) with a shorter exit channel. */
import { AitbcError } from '../../../core/errors.js';
import { priorHighest, priorLowest } from '../series.js';
import type { Strategy } from '../types.js';

export const breakout: Strategy = {
  name: 'breakout',
  summary:
    'close above the prior `entry`-bar high → long, below the prior low → short; exit on the `exit` channel',
  description:
    'Flat: close > max(high over the previous entry bars) → long; close < min(low over the previous entry bars) ' +
    '→ short. Long exits when close < min(low over the previous exit bars); short exits when close > ' +
    'max(high over the previous exit bars). The current bar is never in its own channel.',
  params: {
    entry: { default: 20, min: 1, integer: true, description: 'entry channel length (bars)' },
    exit: { default: 10, min: 1, integer: true, description: 'exit channel length (bars), ≤ entry' },
  },
  warmup: (p) => p.entry,
  validate(p) {
    if (p.exit > p.entry) {
      throw new AitbcError('INVALID_INPUT', `breakout: exit (${p.exit}) must not exceed entry (${p.entry})`, {
        entry: p.entry,
        exit: p.exit,
      });
    }
  },
  run(data, p, ctx) {
    const hiIn = ctx.memo(`donchian_high:${p.entry}`, () => priorHighest(data.high, p.entry));
    const loIn = ctx.memo(`donchian_low:${p.entry}`, () => priorLowest(data.low, p.entry));
    const hiOut = ctx.memo(`donchian_high:${p.exit}`, () => priorHighest(data.high, p.exit));
    const loOut = ctx.memo(`donchian_low:${p.exit}`, () => priorLowest(data.low, p.exit));
    const close = data.close;
    const n = close.length;
    const target = new Int8Array(n);
    let pos = 0;
    for (let t = 0; t < n; t++) {
      const c = close[t];
      if (pos === 1 && c < loOut[t]) pos = 0;
      else if (pos === -1 && c > hiOut[t]) pos = 0;
      if (pos === 0) {
        if (c > hiIn[t]) pos = 1;
        else if (c < loIn[t]) pos = -1;
      }
      target[t] = pos;
    }
    return {
      target,
      indicators: {
        [`donchian_high:${p.entry}`]: hiIn,
        [`donchian_low:${p.entry}`]: loIn,
        [`donchian_high:${p.exit}`]: hiOut,
        [`donchian_low:${p.exit}`]: loOut,
      },
    };
  },
  source: 'builtin',
};
