/**
 * Signed requests (DESIGN §8): the golden vector in test/vectors/request.json reproduced byte for byte,
 * both verifiers agreeing, and every refusal (missing/malformed header, invalid key, skew, tampering,
 * wrong audience, method, path or body).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { AitbcError } from '../../../src/core/errors.js';
import { sha256 } from '../../../src/core/hash.js';
import { toHex } from '../../../src/core/hex.js';
import { createFastVerifier, signerFromSecret, verifyStrict } from '../../../src/crypto/ed25519.js';
import {
  bodySha256,
  hasRequestSignature,
  newRequestNonce,
  REQUEST_HEADERS,
  REQUEST_MAX_SKEW_MS,
  requestSignBytes,
  signRequest,
  verifySignedRequest,
} from '../../../src/protocol/signed-request.js';
import { alice, bob, carol } from './helpers.js';

interface VectorRequest {
  method: string;
  path: string;
  body: string;
  fields: {
    audience: string;
    method: string;
    path: string;
    bodySha256: string;
    timestamp: number;
    nonce: string;
  };
  signBytes: string;
  signBytesSha256: string;
  headers: Record<string, string>;
}

const vector = JSON.parse(readFileSync(new URL('../../vectors/request.json', import.meta.url), 'utf8')) as {
  signer: { seed: string; secretKey: string; publicKey: string; address: string };
  audience: { seed: string; publicKey: string; address: string };
  requests: VectorRequest[];
};

/** Headers as node:http presents them: lowercase names. */
const lower = (h: Record<string, string>) =>
  Object.fromEntries(Object.entries(h).map(([k, v]) => [k.toLowerCase(), v]));

const T = 1_750_000_000_000;
const fast = createFastVerifier().verify;

function errorOf(fn: () => unknown): AitbcError {
  try {
    fn();
  } catch (e) {
    return e as AitbcError;
  }
  throw new Error('expected a throw');
}

describe('request vector', () => {
  it('derives the keys from the seeds', () => {
    expect(toHex(sha256(vector.signer.seed))).toBe(vector.signer.secretKey);
    expect(alice.publicKey).toBe(vector.signer.publicKey);
    expect(alice.address).toBe(vector.signer.address);
    expect(carol.address).toBe(vector.audience.address);
  });

  for (const r of vector.requests) {
    it(`reproduces ${r.method} ${r.path} byte for byte`, () => {
      expect(bodySha256(r.body)).toBe(r.fields.bodySha256);
      const bytes = requestSignBytes(r.fields);
      expect(Buffer.from(bytes).toString('utf8')).toBe(r.signBytes);
      expect(toHex(sha256(bytes))).toBe(r.signBytesSha256);
      const headers = signRequest({
        signer: signerFromSecret(Buffer.from(vector.signer.secretKey, 'hex')),
        audience: vector.audience.address,
        method: r.method,
        path: r.path,
        body: r.body,
        timestamp: r.fields.timestamp,
        nonce: r.fields.nonce,
      });
      expect(headers).toEqual(r.headers);
      for (const verify of [verifyStrict, fast]) {
        const v = verifySignedRequest({
          headers: lower(r.headers),
          audience: r.fields.audience,
          method: r.method,
          path: r.path,
          body: r.body === '' ? undefined : r.body,
          now: r.fields.timestamp + 1000,
          verify,
        });
        expect(v).toEqual({
          pubkey: vector.signer.publicKey,
          address: vector.signer.address,
          timestamp: r.fields.timestamp,
          nonce: r.fields.nonce,
        });
      }
    });
  }
});

describe('verifySignedRequest', () => {
  const body = '{"a":1}';
  const base = (over: Partial<Parameters<typeof verifySignedRequest>[0]> = {}) => ({
    headers: lower(
      signRequest({
        signer: alice.signer,
        audience: carol.address,
        method: 'post',
        path: '/v1/jobs?x=1',
        body,
        timestamp: T,
        nonce: 'ab'.repeat(16),
      }),
    ),
    audience: carol.address,
    method: 'POST',
    path: '/v1/jobs?x=1',
    body,
    now: T,
    verify: fast,
    ...over,
  });

  it('accepts a good request and names the signer', () => {
    expect(verifySignedRequest(base()).address).toBe(alice.address);
    expect(hasRequestSignature(base().headers)).toBe(true);
    expect(hasRequestSignature({})).toBe(false);
  });

  it('binds audience, method, path with query, and body', () => {
    for (const over of [
      { audience: bob.address },
      { method: 'PUT' },
      { path: '/v1/jobs' },
      { path: '/v1/jobs?x=2' },
      { body: '{"a":2}' },
      { body: undefined },
    ]) {
      const e = errorOf(() => verifySignedRequest(base(over)));
      expect(e.code).toBe('BAD_SIGNATURE');
    }
  });

  it('refuses a timestamp outside ±30 s and reports the server time', () => {
    expect(verifySignedRequest(base({ now: T + REQUEST_MAX_SKEW_MS })).address).toBe(alice.address);
    expect(verifySignedRequest(base({ now: T - REQUEST_MAX_SKEW_MS })).address).toBe(alice.address);
    for (const now of [T + REQUEST_MAX_SKEW_MS + 1, T - REQUEST_MAX_SKEW_MS - 1]) {
      const e = errorOf(() => verifySignedRequest(base({ now })));
      expect(e.code).toBe('UNAUTHORIZED');
      expect(e.details).toMatchObject({ reason: 'timestamp_skew', serverTime: now });
    }
  });

  it('refuses missing, repeated and malformed headers', () => {
    for (const name of Object.values(REQUEST_HEADERS)) {
      const h = base().headers;
      delete h[name.toLowerCase()];
      const e = errorOf(() => verifySignedRequest(base({ headers: h })));
      expect(e.code).toBe('UNAUTHORIZED');
      expect(e.details).toMatchObject({ reason: 'missing_header', header: name });
    }
    const cases: Array<[string, string]> = [
      ['x-aitbc-pubkey', alice.publicKey.toUpperCase()],
      ['x-aitbc-timestamp', '1.5'],
      ['x-aitbc-timestamp', '-1'],
      ['x-aitbc-timestamp', '01750000000000'],
      ['x-aitbc-nonce', 'ab'.repeat(15)],
      ['x-aitbc-signature', 'zz'.repeat(64)],
    ];
    for (const [name, value] of cases) {
      const e = errorOf(() => verifySignedRequest(base({ headers: { ...base().headers, [name]: value } })));
      expect(e.code).toBe('UNAUTHORIZED');
      expect(e.details.reason).toBe('malformed_header');
    }
    const repeated = { ...base().headers, 'x-aitbc-nonce': ['ab'.repeat(16), 'cd'.repeat(16)] };
    expect(errorOf(() => verifySignedRequest(base({ headers: repeated }))).details.reason).toBe(
      'malformed_header',
    );
  });

  it('refuses small-order and non-canonical public keys before verifying', () => {
    const identity = `01${'00'.repeat(31)}`;
    const nonCanonical = `ed${'ff'.repeat(30)}7f`;
    for (const pub of [identity, nonCanonical]) {
      const e = errorOf(() =>
        verifySignedRequest(base({ headers: { ...base().headers, 'x-aitbc-pubkey': pub } })),
      );
      expect(e.code).toBe('UNAUTHORIZED');
      expect(e.details.reason).toBe('invalid_pubkey');
    }
  });

  it('refuses a signature by another key and a flipped bit', () => {
    const byBob = lower(
      signRequest({
        signer: bob.signer,
        audience: carol.address,
        method: 'POST',
        path: '/v1/jobs?x=1',
        body,
        timestamp: T,
        nonce: 'ab'.repeat(16),
      }),
    );
    const h = { ...base().headers, 'x-aitbc-signature': byBob['x-aitbc-signature'] };
    expect(errorOf(() => verifySignedRequest(base({ headers: h }))).code).toBe('BAD_SIGNATURE');
    const sig = base().headers['x-aitbc-signature'] as string;
    const flipped = (Number.parseInt(sig[0], 16) ^ 1).toString(16) + sig.slice(1);
    const h2 = { ...base().headers, 'x-aitbc-signature': flipped };
    expect(errorOf(() => verifySignedRequest(base({ headers: h2 }))).code).toBe('BAD_SIGNATURE');
  });

  it('checks the fields it signs', () => {
    const fields = {
      audience: carol.address,
      method: 'GET',
      path: '/v1/info',
      bodySha256: bodySha256(''),
      timestamp: T,
      nonce: newRequestNonce(),
    };
    expect(requestSignBytes(fields)).toBeInstanceOf(Uint8Array);
    for (const over of [
      { method: 'get' },
      { path: 'v1/info' },
      { bodySha256: 'AB'.repeat(32) },
      { timestamp: -1 },
      { timestamp: 1.5 },
      { nonce: 'ab' },
    ]) {
      expect(errorOf(() => requestSignBytes({ ...fields, ...over })).code).toBe('INVALID_INPUT');
    }
    expect(newRequestNonce()).toMatch(/^[0-9a-f]{32}$/);
    expect(newRequestNonce()).not.toBe(newRequestNonce());
  });
});
