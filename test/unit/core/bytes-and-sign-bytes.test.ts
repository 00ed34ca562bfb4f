import { describe, expect, it } from 'vitest';
import { AitbcError } from '../../../src/core/errors.js';
import { sha256, sha256Hex } from '../../../src/core/hash.js';
import { bytesEqual, concatBytes, fromHex, isLowerHex, toHex, utf8 } from '../../../src/core/hex.js';
import { SIGN_DOMAINS, signBytes } from '../../../src/core/sign-bytes.js';

describe('hex', () => {
  it('round trips bytes, including subarrays', () => {
    const buf = new Uint8Array([0, 1, 0xab, 0xff, 0x10]);
    expect(toHex(buf)).toBe('0001abff10');
    expect(toHex(buf.subarray(2, 4))).toBe('abff');
    expect(fromHex('0001abff10')).toEqual(buf);
    expect(fromHex('abff', 2)).toEqual(new Uint8Array([0xab, 0xff]));
  });

  it.each([
    ['uppercase', 'ABFF', undefined],
    ['odd length', 'abf', undefined],
    ['non-hex', 'zz', undefined],
    ['wrong length', 'abff', 3],
    ['a number', 12, undefined],
  ])('refuses %s', (_why, s, n) => {
    expect(isLowerHex(s, n)).toBe(false);
    expect(() => fromHex(s, n, 'pubkey')).toThrow(AitbcError);
    try {
      fromHex(s, n, 'pubkey');
    } catch (e) {
      expect((e as AitbcError).code).toBe('INVALID_INPUT');
      expect((e as AitbcError).details).toEqual({ field: 'pubkey' });
    }
  });

  it('compares and concatenates bytes', () => {
    expect(bytesEqual(utf8('ab'), new Uint8Array([0x61, 0x62]))).toBe(true);
    expect(bytesEqual(utf8('ab'), utf8('ac'))).toBe(false);
    expect(bytesEqual(utf8('ab'), utf8('abc'))).toBe(false);
    expect(toHex(concatBytes(utf8('a'), new Uint8Array(), utf8('€')))).toBe('61e282ac');
  });
});

describe('sha256', () => {
  it('matches the FIPS 180-2 "abc" vector for strings and bytes', () => {
    const want = 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad';
    expect(sha256Hex('abc')).toBe(want);
    expect(toHex(sha256(utf8('abc')))).toBe(want);
    expect(sha256Hex('')).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
  });
});

describe('signBytes', () => {
  it('is the UTF-8 of "<domain>\\n" + JCS(body)', () => {
    const bytes = signBytes(SIGN_DOMAINS.message, { message: 'hé', address: 'ait1x' });
    expect(new TextDecoder().decode(bytes)).toBe('aitbc/message/v1\n{"address":"ait1x","message":"hé"}');
  });

  it('separates every domain', () => {
    const body = { a: 1 };
    const all = Object.values(SIGN_DOMAINS).map((d) => toHex(signBytes(d, body)));
    expect(new Set(all).size).toBe(Object.keys(SIGN_DOMAINS).length);
    expect(Object.values(SIGN_DOMAINS)).toEqual([
      'aitbc/tx/v1',
      'aitbc/block/v1',
      'aitbc/vote/v1',
      'aitbc/proposal/v1',
      'aitbc/receipt/v1',
      'aitbc/request/v1',
      'aitbc/message/v1',
    ]);
  });

  it('refuses bodies that are not I-JSON', () => {
    expect(() => signBytes(SIGN_DOMAINS.tx, { n: Number.NaN })).toThrow(AitbcError);
  });
});
