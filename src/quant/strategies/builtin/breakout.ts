/** breakout: Donchian channel breakout (turtle style) with a shorter exit channel. */
import { AitbcError } from '../../../core/errors.js';
import { cleanPriorExtreme, isCleanSeries, priorHighest, priorLowest } from '../series.js';
import type { Strategy } from '../types.js';

/**
 * The channel state machine: flat → long above the entry high, short below the entry low; long exits
 * below the exit low, short above the exit high (typed arrays only; see sma-cross).
 */
function channelTarget(
  close: Float64Array,
  hiIn: Float64Array,
  loIn: Float64Array,
  hiOut: Float64Array,
  loOut: Float64Array,
): Int8Array {
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
  return target;
}

/**
 * The entry channels widened from the exit channels, and the target of channelTarget, in one pass.
 * For exit ≤ entry ≤ 2·exit the window t−entry .. t−1 is the union of t−exit .. t−1 and
 * t−entry .. t−entry+exit−1, which overlap, so on a clean series (see isCleanSeries) the entry
 * extreme is exactly the extreme of exitChannel[t] and exitChannel[t − (entry − exit)]: one cheap
 * comparison instead of a second rolling extreme, and the widened values go straight into the state
 * machine instead of being written out and read back. Before bar `entry` the entry channels are NaN,
 * so nothing can enter and the target is 0 there.
 */
function widenedChannelTarget(
  close: Float64Array,
  hiOut: Float64Array,
  loOut: Float64Array,
  exit: number,
  entry: number,
): { hiIn: Float64Array; loIn: Float64Array; target: Int8Array } {
  const n = close.length;
  const first = Math.min(entry, n);
  const hiIn = new Float64Array(n).fill(Number.NaN, 0, first);
  const loIn = new Float64Array(n).fill(Number.NaN, 0, first);
  const target = new Int8Array(n);
  const d = entry - exit;
  let pos = 0;
  for (let t = first; t < n; t++) {
    const hi = Math.max(hiOut[t], hiOut[t - d]);
    const lo = Math.min(loOut[t], loOut[t - d]);
    hiIn[t] = hi;
    loIn[t] = lo;
    const c = close[t];
    if (pos === 1 && c < loOut[t]) pos = 0;
    else if (pos === -1 && c > hiOut[t]) pos = 0;
    if (pos === 0) {
      if (c > hi) pos = 1;
      else if (c < lo) pos = -1;
    }
    target[t] = pos;
  }
  return { hiIn, loIn, target };
}

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
    const { high, low } = data;
    const { entry, exit } = p;
    // Validated bars are clean (see isCleanSeries); then the exit channels take the fast path and,
    // when entry ≤ 2·exit, the entry channels are widened from them (with the target in the same
    // pass) instead of computed afresh.
    const clean = ctx.memo('clean:high,low', () => isCleanSeries(high) && isCleanSeries(low));
    const channel = (values: Float64Array, n: number, wantMax: boolean) =>
      clean
        ? cleanPriorExtreme(values, n, wantMax)
        : wantMax
          ? priorHighest(values, n)
          : priorLowest(values, n);
    const hiOut = ctx.memo(`donchian_high:${exit}`, () => channel(high, exit, true));
    const loOut = ctx.memo(`donchian_low:${exit}`, () => channel(low, exit, false));
    let hiIn: Float64Array;
    let loIn: Float64Array;
    let target: Int8Array;
    if (clean && entry <= 2 * exit) {
      ({ hiIn, loIn, target } = widenedChannelTarget(data.close, hiOut, loOut, exit, entry));
    } else {
      hiIn = ctx.memo(`donchian_high:${entry}`, () => channel(high, entry, true));
      loIn = ctx.memo(`donchian_low:${entry}`, () => channel(low, entry, false));
      target = channelTarget(data.close, hiIn, loIn, hiOut, loOut);
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
