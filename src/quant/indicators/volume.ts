/**
 * Volume indicators: on-balance volume and the volume-weighted average price.
 */
import { AitbcError } from '../../core/errors.js';
import type { Ohlcv } from '../types.js';
import { assertConvention, assertSameLength, type Convention, nanArray, type Series } from './common.js';

/**
 * On-balance volume: the running sum of volume signed by the close's direction (unchanged close adds
 * nothing). `talib` starts at volume[0]; `tulip` starts at 0. Defined from index 0 in both.
 * @throws AitbcError INVALID_INPUT for inputs of different lengths or a bad convention.
 * @example obv([10, 11, 10], [5, 6, 7]) // [5, 11, 4]
 */
export function obv(close: Series, volume: Series, conv: Convention = 'talib'): Float64Array {
  assertConvention(conv);
  const len = assertSameLength('obv', close, volume);
  const out = nanArray(len);
  if (len === 0) return out;
  let acc = conv === 'talib' ? volume[0] : 0;
  out[0] = acc;
  for (let i = 1; i < len; i++) {
    const c = close[i];
    const p = close[i - 1];
    if (c > p) acc += volume[i];
    else if (c < p) acc -= volume[i];
    out[i] = acc;
  }
  return out;
}

/** Where VWAP's running sums restart: never, or at every UTC midnight. */
export type VwapAnchor = 'none' | 'day';

/** The valid anchors, for messages and flag options. */
export const VWAP_ANCHORS: readonly VwapAnchor[] = ['none', 'day'];

const DAY_MS = 86_400_000;

/**
 * Volume-weighted average price of the typical price (high + low + close) / 3: Σ tp·volume / Σ volume
 * since the anchor (the first bar, or the bar's UTC day with `'day'`). NaN until the session has traded
 * some volume. Not part of TA-Lib or Tulip, so there is no convention switch.
 * @throws AitbcError INVALID_INPUT for an unknown anchor.
 * @example vwap(data, 'day')
 */
export function vwap(data: Ohlcv, anchor: VwapAnchor = 'none'): Float64Array {
  if (!(VWAP_ANCHORS as readonly string[]).includes(anchor)) {
    throw new AitbcError('INVALID_INPUT', `vwap: anchor must be none or day, got "${anchor}"`, {
      indicator: 'vwap',
      anchor,
    });
  }
  const { time, high, low, close, volume } = data;
  const len = assertSameLength('vwap', time, high, low, close, volume);
  const out = nanArray(len);
  let pv = 0;
  let vol = 0;
  let day = Number.NaN;
  for (let i = 0; i < len; i++) {
    if (anchor === 'day') {
      const d = Math.floor(time[i] / DAY_MS);
      if (d !== day) {
        day = d;
        pv = 0;
        vol = 0;
      }
    }
    const v = volume[i];
    pv += ((high[i] + low[i] + close[i]) / 3) * v;
    vol += v;
    if (vol > 0) out[i] = pv / vol;
  }
  return out;
}
