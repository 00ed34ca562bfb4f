import { describe, expect, it } from 'vitest';
import {
  formatAit,
  formatAitWithUnit,
  isWireAmount,
  MAX_AMOUNT,
  parseAmount,
  parseWireAmount,
} from '../../../src/core/amount.js';
import { AitbcError } from '../../../src/core/errors.js';
import { createPrng } from '../../../src/core/prng.js';

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(AitbcError);
    return (e as AitbcError).code;
  }
  return undefined;
}

describe('parseAmount', () => {
  it.each([
    ['1.5', 1_500_000n],
    ['1.5AIT', 1_500_000n],
    ['1.5 ait', 1_500_000n],
    ['1.5Ait', 1_500_000n],
    ['1500000uait', 1_500_000n],
    ['1500000 UAIT', 1_500_000n],
    ['0', 0n],
    ['0uait', 0n],
    ['0.000001', 1n],
    ['1.000000', 1_000_000n],
    ['2', 2_000_000n],
    ['1.50', 1_500_000n],
    ['9223372036854775807uait', MAX_AMOUNT],
    ['9223372036854.775807', MAX_AMOUNT],
    ['  1.5  ', 1_500_000n],
    ['\t1.5ait\n', 1_500_000n],
  ])('accepts "%s"', (input, want) => {
    expect(parseAmount(input)).toBe(want);
  });

  it.each([
    ['9223372036854775808uait', 'over max in uait'],
    ['9223372036854.775808', 'over max in AIT'],
    ['99999999999999999999999999', 'far over max'],
    ['-1', 'negative'],
    ['-0.5ait', 'negative AIT'],
    ['-1uait', 'negative uait'],
    ['+1', 'explicit plus'],
    ['1e6', 'exponent'],
    ['1E6uait', 'exponent uait'],
    ['.5', 'no whole part'],
    ['1.', 'no fraction digits'],
    ['1.1234567', '7 decimals'],
    ['0.0000001', '7 decimals below one uait'],
    ['1.5uait', 'fractional uait'],
    ['0.1uait', 'fractional uait below one'],
    ['', 'empty'],
    ['   ', 'only whitespace'],
    ['abc', 'garbage'],
    ['1.5 eth', 'unknown unit'],
    ['1,5', 'comma decimal'],
    ['1 000', 'inner whitespace'],
    ['1. 5', 'space in the number'],
    ['0x10', 'hex'],
    ['Infinity', 'Infinity'],
    ['NaN', 'NaN'],
    ['1.5aitx', 'trailing garbage'],
    ['ait', 'unit alone'],
    ['\u0661', 'non-ASCII digit'],
  ])('refuses %j (%s) with INVALID_AMOUNT', (input) => {
    expect(codeOf(() => parseAmount(input))).toBe('INVALID_AMOUNT');
  });

  it('names the input in the error details', () => {
    try {
      parseAmount('1.1234567');
      expect.unreachable();
    } catch (e) {
      expect((e as AitbcError).details).toEqual({ input: '1.1234567' });
      expect((e as AitbcError).message).toMatch(/6 decimals/);
    }
  });
});

describe('formatAit', () => {
  it.each([
    [0n, '0'],
    [1n, '0.000001'],
    [10n, '0.00001'],
    [1_500_000n, '1.5'],
    [2_000_000n, '2'],
    [1_234_567n, '1.234567'],
    [MAX_AMOUNT, '9223372036854.775807'],
    [-1_500_000n, '-1.5'],
  ])('formats %s uait as %j', (uait, text) => {
    expect(formatAit(uait)).toBe(text);
  });

  it('adds the unit for people', () => {
    expect(formatAitWithUnit(1_500_000n)).toBe('1.5 AIT');
  });

  it('round trips through parseAmount (edges and 2,000 seeded values)', () => {
    const rng = createPrng('amount-round-trip');
    const values = [0n, 1n, 999_999n, 1_000_000n, 1_000_001n, MAX_AMOUNT, MAX_AMOUNT - 1n];
    for (let i = 0; i < 2000; i++) {
      // Spread magnitudes: a random number of random decimal digits, capped at MAX_AMOUNT.
      const digits = 1 + rng.int(19);
      let v = 0n;
      for (let d = 0; d < digits; d++) v = v * 10n + BigInt(rng.int(10));
      values.push(v > MAX_AMOUNT ? v % MAX_AMOUNT : v);
    }
    for (const v of values) {
      expect(parseAmount(formatAit(v))).toBe(v);
      expect(parseAmount(`${formatAit(v)}AIT`)).toBe(v);
      expect(parseAmount(`${v}uait`)).toBe(v);
    }
  });
});

describe('parseWireAmount / isWireAmount', () => {
  it.each([
    ['0', 0n],
    ['1', 1n],
    ['1500000', 1_500_000n],
    ['9223372036854775807', MAX_AMOUNT],
  ])('accepts "%s"', (s, want) => {
    expect(parseWireAmount(s)).toBe(want);
    expect(isWireAmount(s)).toBe(true);
  });

  it.each([
    '00',
    '01',
    '007',
    '-1',
    '-0',
    '+1',
    '1.0',
    '1e3',
    ' 1',
    '1 ',
    '',
    '9223372036854775808',
    '18446744073709551615',
    '10000000000000000000',
    '00000000000000000001',
  ])('refuses %j', (s) => {
    expect(codeOf(() => parseWireAmount(s, 'fee'))).toBe('INVALID_AMOUNT');
    expect(isWireAmount(s)).toBe(false);
  });

  it.each([1, 1n, null, undefined, {}, ['1']])('refuses non-string value #%#', (v) => {
    expect(codeOf(() => parseWireAmount(v))).toBe('INVALID_AMOUNT');
    expect(isWireAmount(v)).toBe(false);
  });

  it('names the field', () => {
    try {
      parseWireAmount('01', 'fee');
      expect.unreachable();
    } catch (e) {
      expect((e as AitbcError).message).toMatch(/^fee /);
      expect((e as AitbcError).details).toMatchObject({ field: 'fee', value: '01' });
    }
  });
});
