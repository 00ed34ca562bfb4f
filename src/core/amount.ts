/**
 * Amounts: 1 AIT = 10^6 uait, always an integer number of uait held as bigint (DESIGN §5).
 * No floating point touches money.
 */
import { AitbcError } from './errors.js';

export const UAIT_PER_AIT = 1_000_000n;
/** The largest amount anything may carry: 2^63 − 1 uait. */
export const MAX_AMOUNT = (1n << 63n) - 1n;

const WIRE_AMOUNT = /^(0|[1-9][0-9]*)$/;
const USER_AMOUNT = /^([0-9]+)(?:\.([0-9]+))?\s*(ait|uait)?$/i;

/**
 * Parses what a user types: `1.5`, `1.5AIT`, `1.5 ait`, `1500000uait`. A bare number is AIT.
 * @throws AitbcError INVALID_AMOUNT for negatives, more than 6 decimals, fractional uait, garbage or > 2^63−1.
 * @example parseAmount('1.5') === 1_500_000n
 */
export function parseAmount(input: string): bigint {
  const text = input.trim();
  const m = USER_AMOUNT.exec(text);
  if (!m) {
    throw new AitbcError(
      'INVALID_AMOUNT',
      `invalid amount "${input}": expected e.g. 1.5, 1.5AIT or 1500000uait`,
      {
        input,
      },
    );
  }
  const [, whole, frac = '', unitRaw] = m;
  const unit = (unitRaw ?? 'ait').toLowerCase();
  let value: bigint;
  if (unit === 'uait') {
    if (frac.length > 0)
      throw new AitbcError('INVALID_AMOUNT', `invalid amount "${input}": uait is indivisible`, { input });
    value = BigInt(whole);
  } else {
    if (frac.length > 6) {
      throw new AitbcError(
        'INVALID_AMOUNT',
        `invalid amount "${input}": at most 6 decimals (1 uait = 0.000001 AIT)`,
        {
          input,
        },
      );
    }
    value = BigInt(whole) * UAIT_PER_AIT + BigInt(frac.padEnd(6, '0'));
  }
  if (value > MAX_AMOUNT)
    throw new AitbcError('INVALID_AMOUNT', `invalid amount "${input}": above 2^63−1 uait`, { input });
  return value;
}

/**
 * Parses a wire amount: a decimal string of uait, `^(0|[1-9][0-9]*)$`, at most 2^63−1.
 * @throws AitbcError INVALID_AMOUNT
 */
export function parseWireAmount(value: unknown, field = 'amount'): bigint {
  if (typeof value !== 'string' || !WIRE_AMOUNT.test(value) || value.length > 19) {
    throw new AitbcError('INVALID_AMOUNT', `${field} must be a decimal string of uait`, { field, value });
  }
  const n = BigInt(value);
  if (n > MAX_AMOUNT)
    throw new AitbcError('INVALID_AMOUNT', `${field} is above 2^63−1 uait`, { field, value });
  return n;
}

/** True when `value` is a valid wire amount string. */
export function isWireAmount(value: unknown): value is string {
  return (
    typeof value === 'string' && WIRE_AMOUNT.test(value) && value.length <= 19 && BigInt(value) <= MAX_AMOUNT
  );
}

/**
 * Formats uait as AIT without trailing zeros: 1500000n → "1.5", 1n → "0.000001".
 * @example formatAit(2_000_000n) === '2'
 */
export function formatAit(uait: bigint): string {
  const neg = uait < 0n;
  const abs = neg ? -uait : uait;
  const whole = abs / UAIT_PER_AIT;
  const frac = (abs % UAIT_PER_AIT).toString().padStart(6, '0').replace(/0+$/, '');
  return `${neg ? '-' : ''}${whole}${frac ? `.${frac}` : ''}`;
}

/** Formats uait for people: "1.5 AIT". */
export function formatAitWithUnit(uait: bigint): string {
  return `${formatAit(uait)} AIT`;
}
