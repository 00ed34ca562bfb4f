/**
 * Periods per year for annualising returns. Crypto-style markets trade 24/7, so a year is 365 days of
 * bars of the data's spacing (DESIGN §9); a user can override it (252 for daily equity bars, say).
 */
import { AitbcError } from '../../core/errors.js';

/** Milliseconds in the 365-day year used for annualising. */
export const YEAR_MS = 365 * 24 * 3600 * 1000;

/**
 * Bars per 365-day year for bars `intervalMs` apart.
 * @throws AitbcError INVALID_INPUT when the interval is not a positive finite number.
 * @example periodsPerYear(3_600_000) // 8760
 */
export function periodsPerYear(intervalMs: number): number {
  if (!Number.isFinite(intervalMs) || intervalMs <= 0) {
    throw new AitbcError(
      'INVALID_INPUT',
      `cannot annualise: bar interval must be positive, got ${intervalMs} ms`,
      {
        intervalMs,
      },
    );
  }
  return YEAR_MS / intervalMs;
}

/**
 * The periods per year to use: the override when given, else derived from the bar spacing.
 * @throws AitbcError INVALID_INPUT for a non-positive override.
 */
export function resolvePeriodsPerYear(
  intervalMs: number,
  override?: number,
): { periodsPerYear: number; source: 'override' | 'bar spacing, 24/7 over 365 days' } {
  if (override !== undefined) {
    if (!Number.isFinite(override) || override <= 0) {
      throw new AitbcError('INVALID_INPUT', `--periods-per-year must be a positive number, got ${override}`, {
        periodsPerYear: override,
      });
    }
    return { periodsPerYear: override, source: 'override' };
  }
  return { periodsPerYear: periodsPerYear(intervalMs), source: 'bar spacing, 24/7 over 365 days' };
}
