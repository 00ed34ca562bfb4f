/**
 * Shared pieces of the indicator kernels: the convention switch, NaN-filled outputs and parameter
 * checks. Kernels are plain loops over Float64Arrays so that each indicator stays O(n) with no
 * per-bar allocation.
 */
import { AitbcError } from '../../core/errors.js';

/**
 * Whose published conventions to follow where the references differ (seeds, first output index):
 * `talib` (TA-Lib, the default) or `tulip` (Tulip Indicators, as in Achelis' worked examples).
 */
export type Convention = 'talib' | 'tulip';

/** The valid conventions, for messages and flag options. */
export const CONVENTIONS: readonly Convention[] = ['talib', 'tulip'];

/** Any numeric series an indicator accepts: Float64Array, number[] and friends. */
export type Series = ArrayLike<number>;

/** A Float64Array of `n` NaNs: the warm-up marker every indicator uses. */
export function nanArray(n: number): Float64Array {
  return new Float64Array(n).fill(Number.NaN);
}

/**
 * A Float64Array of `n` whose first `first` entries are NaN (the warm-up) and the rest 0, for a kernel
 * that then writes every index from `first` on. Filling only the warm-up saves a full pass over a fresh
 * array per output, which on 10^6 bars is a large share of a cheap indicator.
 */
export function warmupArray(n: number, first: number): Float64Array {
  return new Float64Array(n).fill(Number.NaN, 0, Math.min(Math.max(first, 0), n));
}

/**
 * Index of the first finite value at or after `from` (the length when there is none). Single-input
 * indicators start there, so an indicator of an indicator (an EMA of an RSI) skips the inner warm-up.
 */
export function firstFinite(values: Series, from = 0): number {
  let i = from;
  while (i < values.length && !Number.isFinite(values[i])) i++;
  return i;
}

/**
 * @throws AitbcError INVALID_INPUT unless `value` is an integer in [min, 10^7].
 */
export function assertPeriod(indicator: string, name: string, value: number, min = 1): void {
  if (!Number.isInteger(value) || value < min || value > 10_000_000) {
    throw new AitbcError('INVALID_INPUT', `${indicator}: ${name} must be an integer ≥ ${min}, got ${value}`, {
      indicator,
      parameter: name,
      value,
    });
  }
}

/** @throws AitbcError INVALID_INPUT unless `conv` is a known convention. */
export function assertConvention(conv: string): asserts conv is Convention {
  if (!(CONVENTIONS as readonly string[]).includes(conv)) {
    throw new AitbcError('INVALID_INPUT', `unknown convention "${conv}"; use ${CONVENTIONS.join(' or ')}`, {
      convention: conv,
      valid: CONVENTIONS,
    });
  }
}

/** @throws AitbcError INVALID_INPUT when the input series differ in length. */
export function assertSameLength(indicator: string, ...series: Series[]): number {
  const n = series[0].length;
  for (const s of series) {
    if (s.length !== n) {
      throw new AitbcError('INVALID_INPUT', `${indicator}: input series differ in length`, {
        indicator,
        lengths: series.map((x) => x.length),
      });
    }
  }
  return n;
}
