/**
 * Strict readers for the fields of wire objects (DESIGN §6): exact key sets, no `null`, lowercase hex,
 * canonical amounts, safe integers, `ait1…` addresses. Each reader names the field it refuses in the
 * error's `details.field`, so a caller (RPC, CLI, fuzz test) can tell which rule broke.
 */
import { parseWireAmount } from '../core/amount.js';
import { AitbcError } from '../core/errors.js';
import { isLowerHex } from '../core/hex.js';
import { isAddress } from '../crypto/address.js';

/** Chain ids become directory names (`node/chains/<id>/`): 1–64 of [a-z0-9._-], no "..". */
const CHAIN_ID = /^[a-z0-9][a-z0-9._-]{0,63}$/;

/** True when `s` is a valid chain id. @example isChainId('aitbc-devnet') === true */
export function isChainId(s: unknown): s is string {
  return typeof s === 'string' && CHAIN_ID.test(s) && !s.includes('..');
}

function invalid(field: string, message: string): AitbcError {
  return new AitbcError('INVALID_INPUT', `${field} ${message}`, { field });
}

/**
 * Checks that `value` is a plain JSON object whose keys are exactly `required` plus any of `optional`,
 * none of them `null`. Returns it typed as a record.
 * @throws AitbcError INVALID_INPUT naming the missing, unknown or null field.
 */
export function readObject(
  value: unknown,
  field: string,
  required: readonly string[],
  optional: readonly string[] = [],
): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw invalid(field, value === null ? 'is null' : 'must be an object');
  const obj = value as Record<string, unknown>;
  for (const key of Object.keys(obj)) {
    if (!required.includes(key) && !optional.includes(key))
      throw invalid(field === '$' ? key : `${field}.${key}`, 'is not a known field');
    if (obj[key] === null)
      throw invalid(field === '$' ? key : `${field}.${key}`, 'is null (omit it instead)');
  }
  for (const key of required) {
    if (!Object.hasOwn(obj, key) || obj[key] === undefined)
      throw invalid(field === '$' ? key : `${field}.${key}`, 'is missing');
  }
  return obj;
}

/** A non-negative safe integer (nonce, height, time, tokens, …). @throws AitbcError INVALID_INPUT */
export function readUint(value: unknown, field: string): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0)
    throw invalid(field, 'must be a non-negative safe integer');
  return value;
}

/** A positive safe integer. @throws AitbcError INVALID_INPUT */
export function readPositiveInt(value: unknown, field: string): number {
  const n = readUint(value, field);
  if (n === 0) throw invalid(field, 'must be positive');
  return n;
}

/** Lowercase hex of exactly `bytes` bytes. @throws AitbcError INVALID_INPUT */
export function readHex(value: unknown, field: string, bytes: number): string {
  if (!isLowerHex(value, bytes)) throw invalid(field, `must be ${bytes * 2} lowercase hex characters`);
  return value;
}

/** An `ait1…` address, lowercase, 20-byte payload, valid checksum. @throws AitbcError INVALID_ADDRESS */
export function readAddress(value: unknown, field: string): string {
  if (!isAddress(value))
    throw new AitbcError('INVALID_ADDRESS', `${field} must be a lowercase ait1… address`, { field, value });
  return value;
}

/** A wire amount: `^(0|[1-9][0-9]*)$`, ≤ 2^63−1. @throws AitbcError INVALID_AMOUNT */
export function readAmount(value: unknown, field: string): bigint {
  return parseWireAmount(value, field);
}

/** A wire amount that must be above zero. @throws AitbcError INVALID_AMOUNT */
export function readPositiveAmount(value: unknown, field: string): bigint {
  const n = parseWireAmount(value, field);
  if (n === 0n) throw new AitbcError('INVALID_AMOUNT', `${field} must be above zero`, { field, value });
  return n;
}

/**
 * A string of 1..maxBytes UTF-8 bytes (or 0.. when `allowEmpty`), well-formed (no lone surrogates).
 * @throws AitbcError INVALID_INPUT
 */
export function readString(value: unknown, field: string, maxBytes: number, allowEmpty = false): string {
  if (typeof value !== 'string') throw invalid(field, 'must be a string');
  if (!value.isWellFormed()) throw invalid(field, 'contains a lone surrogate');
  if (!allowEmpty && value.length === 0) throw invalid(field, 'must not be empty');
  if (Buffer.byteLength(value, 'utf8') > maxBytes)
    throw invalid(field, `must be at most ${maxBytes} UTF-8 bytes`);
  return value;
}

/** A chain id (see `isChainId`). @throws AitbcError INVALID_INPUT */
export function readChainId(value: unknown, field = 'chainId'): string {
  if (!isChainId(value))
    throw invalid(field, 'must be 1–64 of a-z, 0-9, ".", "_", "-", starting with a letter or digit');
  return value;
}
