/**
 * The look-ahead guard. A series computed from bars is causal when its value at bar t depends only on
 * bars 0..t. The guard recomputes the series on prefixes of the data ending at a few probe bars and
 * demands the same values up to each probe: a feature shifted even one bar into the future, a centred
 * window, or a normalisation over the whole sample all change under truncation and are refused.
 * Used on ML features and on user strategy modules, whose code we cannot read.
 */
import { AitbcError } from '../../core/errors.js';
import { sliceOhlcv } from '../data/series.js';
import type { Ohlcv } from '../types.js';

export type BarSeriesFn = (data: Ohlcv) => ArrayLike<number>;

function same(a: number, b: number): boolean {
  if (Number.isNaN(a) && Number.isNaN(b)) return true;
  if (a === b) return true;
  // Bitwise equality is expected for the same arithmetic on a prefix; allow rounding noise only.
  return Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a), Math.abs(b));
}

/** The probe bars: spread over the second half of the data, always including the next-to-last bar. */
export function probeBars(bars: number, probes: number): number[] {
  const out = new Set<number>();
  if (bars < 3) return [];
  for (let k = 1; k <= probes; k++) {
    out.add(Math.min(bars - 2, Math.floor(bars / 2 + ((bars / 2) * (k - 1)) / probes)));
  }
  out.add(bars - 2);
  return [...out].sort((x, y) => x - y);
}

/**
 * Throws when `fn` looks ahead on `data`: for each probe bar c, the series computed on bars 0..c must
 * equal the full series at bars 0..c. `full` may be passed when already computed.
 * @throws AitbcError INVALID_INPUT naming the series, the bar and both values.
 * @example assertCausal('ret_1', (d) => oneBarReturns(d.close), data)
 */
export function assertCausal(
  name: string,
  fn: BarSeriesFn,
  data: Ohlcv,
  opts: { probes?: number; full?: ArrayLike<number> } = {},
): void {
  const n = data.close.length;
  const full = opts.full ?? fn(data);
  for (const c of probeBars(n, opts.probes ?? 3)) {
    const prefix = fn(sliceOhlcv(data, 0, c + 1));
    for (let t = 0; t <= c; t++) {
      const a = Number(full[t]);
      const b = Number(prefix[t]);
      if (!same(a, b)) {
        throw new AitbcError(
          'INVALID_INPUT',
          `look-ahead: "${name}" at bar ${t} is ${a} with all ${n} bars but ${b} with only bars 0..${c}; ` +
            'a value may use only bars up to its own',
          { series: name, bar: t, withAllBars: a, withPrefix: b, prefixEnd: c },
        );
      }
    }
  }
}
