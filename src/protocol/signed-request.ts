/**
 * Signed requests to the coordinator (DESIGN §8). Every client and miner request carries four headers:
 * `X-Aitbc-Pubkey` (64 hex), `X-Aitbc-Timestamp` (unix ms, decimal), `X-Aitbc-Nonce` (32 random hex)
 * and `X-Aitbc-Signature` (128 hex) over
 * `"aitbc/request/v1\n" + JCS({audience, method, path, bodySha256, timestamp, nonce})`, where `audience`
 * is the coordinator's address (so a request signed for one coordinator never verifies at another),
 * `path` is the request target exactly as sent (query string included) and `bodySha256` the hex SHA-256
 * of the raw body ("" when there is none).
 *
 * This module is pure: it builds and checks headers. The replay window (a `(pubkey, nonce)` seen in the
 * last 60 s) needs storage and is the coordinator's.
 */
import { randomBytes } from 'node:crypto';
import { AitbcError } from '../core/errors.js';
import { sha256Hex } from '../core/hash.js';
import { fromHex, isLowerHex, toHex } from '../core/hex.js';
import { signBytes } from '../core/sign-bytes.js';
import { addressFromPublicKey } from '../crypto/address.js';
import { isValidPublicKey, type Signer } from '../crypto/ed25519.js';
import type { Address, Hex, VerifyFn } from './types.js';

/** Header names as sent (HTTP header names are case-insensitive; node:http lowercases them). */
export const REQUEST_HEADERS = {
  pubkey: 'X-Aitbc-Pubkey',
  timestamp: 'X-Aitbc-Timestamp',
  nonce: 'X-Aitbc-Nonce',
  signature: 'X-Aitbc-Signature',
} as const;

/** A timestamp further than this from the verifier's clock is refused (±30 s). */
export const REQUEST_MAX_SKEW_MS = 30_000;
/** How long a `(pubkey, nonce)` must be remembered so that no replay is accepted (60 s). */
export const REQUEST_REPLAY_WINDOW_MS = 60_000;

/** The object whose JCS is signed. */
export interface RequestSignFields {
  /** the coordinator's address */
  audience: Address;
  /** upper-case HTTP method */
  method: string;
  /** request target as sent: path plus query string */
  path: string;
  /** hex SHA-256 of the raw body (of "" when none) */
  bodySha256: Hex;
  /** unix ms */
  timestamp: number;
  /** 32 lowercase hex */
  nonce: Hex;
}

/** The four headers, under their canonical names. */
export type SignedRequestHeaders = Record<(typeof REQUEST_HEADERS)[keyof typeof REQUEST_HEADERS], string>;

/** What a verified request proves: who signed it, when, with which nonce. */
export interface VerifiedRequest {
  pubkey: Hex;
  address: Address;
  timestamp: number;
  nonce: Hex;
}

const TIMESTAMP = /^(0|[1-9][0-9]{0,15})$/;
const METHOD = /^[A-Z]+$/;

/** hex SHA-256 of a raw body; `undefined` and empty bodies hash as "". */
export function bodySha256(body: string | Uint8Array | undefined): Hex {
  return sha256Hex(body ?? '');
}

/**
 * `"aitbc/request/v1\n" + JCS(fields)` as UTF-8.
 * @throws AitbcError INVALID_INPUT when a field has the wrong form.
 * @example requestSignBytes({audience, method: 'GET', path: '/v1/jobs?limit=5', bodySha256: bodySha256(''), timestamp, nonce})
 */
export function requestSignBytes(fields: RequestSignFields): Uint8Array {
  checkFields(fields);
  const { audience, method, path, bodySha256, timestamp, nonce } = fields;
  return signBytes('aitbc/request/v1', { audience, method, path, bodySha256, timestamp, nonce });
}

function checkFields(f: RequestSignFields): void {
  const bad = (field: string, why: string) =>
    new AitbcError('INVALID_INPUT', `request ${field} ${why}`, { field });
  if (typeof f.audience !== 'string' || f.audience === '') throw bad('audience', 'must be an address');
  if (typeof f.method !== 'string' || !METHOD.test(f.method)) throw bad('method', 'must be upper-case');
  if (typeof f.path !== 'string' || !f.path.startsWith('/')) throw bad('path', 'must start with "/"');
  if (!isLowerHex(f.bodySha256, 32)) throw bad('bodySha256', 'must be 64 lowercase hex characters');
  if (!Number.isSafeInteger(f.timestamp) || f.timestamp < 0)
    throw bad('timestamp', 'must be a non-negative safe integer');
  if (!isLowerHex(f.nonce, 16)) throw bad('nonce', 'must be 32 lowercase hex characters');
}

/** 32 random lowercase hex characters (16 bytes from the OS). */
export function newRequestNonce(): Hex {
  return randomBytes(16).toString('hex');
}

/**
 * Signs a request and returns the four headers to send with it. `timestamp` defaults to now and `nonce`
 * to a fresh random one; tests pass both.
 * @example fetch(url + path, {method: 'POST', body, headers: {...signRequest({signer, audience, method: 'POST', path, body}), 'content-type': 'application/json'}})
 */
export function signRequest(opts: {
  signer: Signer;
  audience: Address;
  method: string;
  path: string;
  body?: string | Uint8Array;
  timestamp?: number;
  nonce?: Hex;
}): SignedRequestHeaders {
  const fields: RequestSignFields = {
    audience: opts.audience,
    method: opts.method.toUpperCase(),
    path: opts.path,
    bodySha256: bodySha256(opts.body),
    timestamp: opts.timestamp ?? Date.now(),
    nonce: opts.nonce ?? newRequestNonce(),
  };
  const sig = opts.signer.sign(requestSignBytes(fields));
  return {
    [REQUEST_HEADERS.pubkey]: toHex(opts.signer.publicKey),
    [REQUEST_HEADERS.timestamp]: String(fields.timestamp),
    [REQUEST_HEADERS.nonce]: fields.nonce,
    [REQUEST_HEADERS.signature]: toHex(sig),
  } as SignedRequestHeaders;
}

/** Incoming headers as node:http gives them (lowercase names). */
export type IncomingHeaders = Record<string, string | string[] | undefined>;

function unauthorized(message: string, reason: string, extra: Record<string, unknown> = {}): AitbcError {
  return new AitbcError('UNAUTHORIZED', message, { reason, ...extra });
}

function header(headers: IncomingHeaders, name: string): string | undefined {
  const v = headers[name.toLowerCase()];
  if (Array.isArray(v))
    throw unauthorized(`header ${name} is repeated`, 'malformed_header', { header: name });
  return v;
}

/** True when the request carries any of the four signature headers. */
export function hasRequestSignature(headers: IncomingHeaders): boolean {
  return Object.values(REQUEST_HEADERS).some((h) => headers[h.toLowerCase()] !== undefined);
}

/**
 * Verifies a request's signature headers against what arrived. Checks, in order: all four headers present
 * and well-formed (UNAUTHORIZED, `details.reason` `missing_header` / `malformed_header`); the timestamp
 * within ±`maxSkewMs` of `now` (UNAUTHORIZED `timestamp_skew`, with the verifier's time in
 * `details.serverTime`); the signature, under a `verify` that refuses non-canonical and small-order keys
 * (`verifyStrict`, `createFastVerifier`): a refusal is UNAUTHORIZED `invalid_pubkey` when the key is the
 * reason, else BAD_SIGNATURE. Replays are the caller's to refuse (see REQUEST_REPLAY_WINDOW_MS).
 * @throws AitbcError UNAUTHORIZED | BAD_SIGNATURE
 */
export function verifySignedRequest(input: SignedRequestInput & { verify: VerifyFn }): VerifiedRequest {
  return confirmRequestSignature(readSignedRequest(input), input.verify);
}

/** What arrived: headers, target and body, with the verifier's address and clock. */
export interface SignedRequestInput {
  headers: IncomingHeaders;
  audience: Address;
  method: string;
  path: string;
  body: string | Uint8Array | undefined;
  now: number;
  maxSkewMs?: number;
}

/** A request whose headers and timestamp passed, with the signature still to check. */
export interface ReadRequest {
  request: VerifiedRequest;
  /** the signature, the sign bytes, the key */
  check: { sig: Uint8Array; msg: Uint8Array; pub: Uint8Array };
}

/**
 * The first half of `verifySignedRequest`: the headers and the timestamp checked, the sign bytes built
 * (so the signature can be verified elsewhere first, e.g. on worker threads).
 * @throws AitbcError UNAUTHORIZED
 */
export function readSignedRequest(input: SignedRequestInput): ReadRequest {
  const values: Record<string, string> = {};
  for (const [key, name] of Object.entries(REQUEST_HEADERS)) {
    const v = header(input.headers, name);
    if (v === undefined || v === '')
      throw unauthorized(`missing header ${name}: requests must be signed (DESIGN §8)`, 'missing_header', {
        header: name,
      });
    values[key] = v;
  }
  if (!isLowerHex(values.pubkey, 32))
    throw unauthorized(`${REQUEST_HEADERS.pubkey} must be 64 lowercase hex characters`, 'malformed_header', {
      header: REQUEST_HEADERS.pubkey,
    });
  if (!TIMESTAMP.test(values.timestamp) || !Number.isSafeInteger(Number(values.timestamp)))
    throw unauthorized(`${REQUEST_HEADERS.timestamp} must be unix milliseconds`, 'malformed_header', {
      header: REQUEST_HEADERS.timestamp,
    });
  if (!isLowerHex(values.nonce, 16))
    throw unauthorized(`${REQUEST_HEADERS.nonce} must be 32 lowercase hex characters`, 'malformed_header', {
      header: REQUEST_HEADERS.nonce,
    });
  if (!isLowerHex(values.signature, 64))
    throw unauthorized(
      `${REQUEST_HEADERS.signature} must be 128 lowercase hex characters`,
      'malformed_header',
      {
        header: REQUEST_HEADERS.signature,
      },
    );
  const pub = fromHex(values.pubkey, 32);
  const timestamp = Number(values.timestamp);
  const skew = input.maxSkewMs ?? REQUEST_MAX_SKEW_MS;
  if (Math.abs(timestamp - input.now) > skew)
    throw unauthorized(
      `request timestamp ${timestamp} is more than ${skew / 1000} s from the coordinator's clock`,
      'timestamp_skew',
      { timestamp, serverTime: input.now, maxSkewMs: skew },
    );
  const message = requestSignBytes({
    audience: input.audience,
    method: input.method.toUpperCase(),
    path: input.path,
    bodySha256: bodySha256(input.body),
    timestamp,
    nonce: values.nonce,
  });
  return {
    request: { pubkey: values.pubkey, address: addressFromPublicKey(pub), timestamp, nonce: values.nonce },
    check: { sig: fromHex(values.signature, 64), msg: message, pub },
  };
}

/**
 * The second half of `verifySignedRequest`: the signature under `verify`.
 * @throws AitbcError UNAUTHORIZED (`invalid_pubkey`) | BAD_SIGNATURE
 */
export function confirmRequestSignature(r: ReadRequest, verify: VerifyFn): VerifiedRequest {
  const { sig, msg, pub } = r.check;
  if (!verify(sig, msg, pub)) {
    // The strict verifiers refuse invalid keys themselves; only a refusal pays for telling which it was.
    if (!isValidPublicKey(pub))
      throw unauthorized(
        'the public key is not a valid ed25519 key (non-canonical or small order)',
        'invalid_pubkey',
      );
    throw new AitbcError('BAD_SIGNATURE', 'the request signature does not verify', {
      reason: 'bad_signature',
    });
  }
  return r.request;
}
