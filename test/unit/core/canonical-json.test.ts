import { describe, expect, it } from 'vitest';
import { canonicalJson, parseStrictJson } from '../../../src/core/canonical-json.js';
import { AitbcError } from '../../../src/core/errors.js';
import { loadFixture } from '../../helpers/fixtures.js';

interface JcsFixture {
  vectors: Array<{ input: string; canonical: string }>;
}

function errorOf(fn: () => unknown): AitbcError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(AitbcError);
    return e as AitbcError;
  }
  throw new Error('expected an AitbcError, nothing was thrown');
}

describe('canonicalJson over the RFC 8785 fixture', () => {
  const { vectors } = loadFixture<JcsFixture>('rfc8785-jcs.json');

  it('has vectors', () => {
    expect(vectors.length).toBeGreaterThanOrEqual(3);
  });

  it.each(vectors.map((v, i) => [i, v] as const))('vector %i: canonicalJson(JSON.parse(input))', (_i, v) => {
    expect(canonicalJson(JSON.parse(v.input))).toBe(v.canonical);
    // The strict parser accepts every fixture input and canonicalisation is idempotent.
    expect(canonicalJson(parseStrictJson(v.input))).toBe(v.canonical);
    expect(canonicalJson(JSON.parse(v.canonical))).toBe(v.canonical);
  });
});

describe('canonicalJson', () => {
  it('sorts keys by UTF-16 code units, recursively, and keeps array order', () => {
    expect(canonicalJson({ b: 1, a: { d: [3, 1, 2], c: null } })).toBe('{"a":{"c":null,"d":[3,1,2]},"b":1}');
  });

  it.each([
    ['NaN', Number.NaN],
    ['Infinity', Number.POSITIVE_INFINITY],
    ['-Infinity', Number.NEGATIVE_INFINITY],
  ])('refuses %s at the top level and nested', (_name, n) => {
    expect(errorOf(() => canonicalJson(n)).code).toBe('INVALID_INPUT');
    const e = errorOf(() => canonicalJson({ a: [1, { b: n }] }));
    expect(e.code).toBe('INVALID_INPUT');
    expect(e.message).toMatch(/non-finite number at \$\.a\[1\]\.b/);
  });

  it('refuses lone surrogates in values and keys', () => {
    expect(errorOf(() => canonicalJson({ a: '\ud800' })).message).toMatch(/lone surrogate/);
    expect(errorOf(() => canonicalJson({ '\udc00': 1 })).message).toMatch(/lone surrogate in key/);
    expect(canonicalJson({ a: '\ud83d\ude00' })).toBe('{"a":"😀"}');
  });

  it.each([
    ['undefined', undefined],
    ['a bigint', 1n],
    ['a function', () => 1],
    ['a symbol', Symbol('x')],
  ])('refuses %s', (_name, v) => {
    expect(errorOf(() => canonicalJson(v)).code).toBe('INVALID_INPUT');
    expect(errorOf(() => canonicalJson({ x: v })).code).toBe('INVALID_INPUT');
  });
});

describe('parseStrictJson', () => {
  it('parses ordinary JSON', () => {
    expect(parseStrictJson('{"a":[1,{"b":"c"}],"d":null}')).toEqual({ a: [1, { b: 'c' }], d: null });
  });

  it.each([
    ['plain', '{"a":1,"a":2}', 'a'],
    ['nested', '{"x":{"a":1,"b":2,"a":3}}', 'a'],
    ['inside an array', '[{"k":1},{"k":2,"k":3}]', 'k'],
    ['with whitespace before the colon', '{"a" :1, "a"\n:2}', 'a'],
    ['escaped \\u0061 vs a', '{"a":1,"\\u0061":2}', 'a'],
    ['both escaped', '{"\\u0062":1,"\\u0062":2}', 'b'],
    ['escaped quote in the key', '{"a\\"b":1,"a\\u0022b":2}', 'a"b'],
    ['after a nested object closes', '{"a":{"z":1},"b":2,"a":3}', 'a'],
  ])('refuses duplicate keys (%s)', (_name, text, key) => {
    const e = errorOf(() => parseStrictJson(text));
    expect(e.code).toBe('INVALID_INPUT');
    expect(e.details).toEqual({ key });
  });

  it.each([
    ['the same key in sibling objects', '[{"a":1},{"a":2}]'],
    ['the same key in parent and child', '{"a":{"a":1}}'],
    ['repeated string values', '{"a":"a","b":"a","c":["a","a"]}'],
    ['a value that looks like a key', '{"a":"b:","b":1}'],
    ['escaped backslash before the closing quote', '{"a\\\\":1,"a":2}'],
  ])('accepts %s', (_name, text) => {
    expect(() => parseStrictJson(text)).not.toThrow();
  });

  it.each([
    ['raw lone high surrogate in a value', '{"a":"\ud800"}'],
    ['raw lone low surrogate in a key', '{"\udc00":1}'],
    ['escaped lone high surrogate', '{"a":"\\ud800"}'],
    ['escaped lone low surrogate', '"\\udfff"'],
    ['escaped surrogate pair reversed', '["\\ude00\\ud83d"]'],
    ['escaped lone surrogate in a key', '{"\\ud800":1}'],
  ])('refuses a %s', (_name, text) => {
    const e = errorOf(() => parseStrictJson(text));
    expect(e.code).toBe('INVALID_INPUT');
    expect(e.message).toMatch(/lone surrogate/);
  });

  it('accepts an escaped surrogate pair', () => {
    expect(parseStrictJson('{"a":"\\ud83d\\ude00"}')).toEqual({ a: '😀' });
  });

  it('refuses numbers beyond a double (they would parse to Infinity)', () => {
    expect(errorOf(() => parseStrictJson('{"a":1e400}')).message).toMatch(/non-finite/);
  });

  it.each(['', '{', '{"a":1,}', "{'a':1}", '{"a":1} x', 'NaN'])('refuses malformed JSON %j', (text) => {
    const e = errorOf(() => parseStrictJson(text));
    expect(e.code).toBe('INVALID_INPUT');
    expect(e.message).toMatch(/^malformed JSON/);
  });
});

describe('canonicalJson against the canonicalize package (the RFC author’s, as an oracle)', () => {
  it('agrees on 3,000 random I-JSON values (nested objects and arrays, unicode keys, odd numbers)', async () => {
    const { default: canonicalize } = await import('canonicalize');
    const { createPrng } = await import('../../../src/core/prng.js');
    const rng = createPrng(8785);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rng.next() * xs.length)];
    const strings = [
      '',
      'a',
      'é',
      '€',
      '😀',
      '\u0000\u001f',
      '"\\/',
      '\u2028\u2029',
      'z\ud83d\ude00a',
      'B',
      'ab',
    ];
    const numbers = [
      0,
      -0,
      1,
      -1,
      1e21,
      1e-7,
      0.1 + 0.2,
      2 ** 53 - 1,
      -(2 ** 31),
      5e-324,
      1.7976931348623157e308,
    ];
    const value = (depth: number): unknown => {
      const kind = Math.floor(rng.next() * (depth > 3 ? 4 : 6));
      if (kind === 0) return pick(strings) + pick(strings);
      if (kind === 1)
        return rng.next() < 0.5 ? pick(numbers) : (rng.next() - 0.5) * 10 ** Math.floor(rng.next() * 30);
      if (kind === 2) return rng.next() < 0.5;
      if (kind === 3) return null;
      if (kind === 4) return Array.from({ length: Math.floor(rng.next() * 4) }, () => value(depth + 1));
      const o: Record<string, unknown> = {};
      for (let i = Math.floor(rng.next() * 5); i > 0; i--)
        o[pick(strings) + pick(strings)] = value(depth + 1);
      return o;
    };
    for (let i = 0; i < 3_000; i++) {
      const v = value(0);
      expect(canonicalJson(v)).toBe(canonicalize(v));
    }
  });
});
