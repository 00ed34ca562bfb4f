/**
 * Numeric result codes of executed transactions (TxResult.code) and the error code each stands for.
 * A transaction that passed admission but fails at execution is still included with one of these: it
 * pays its fee, bumps its nonce and changes nothing else. The numbers are part of the protocol
 * (resultsRoot commits to them): never renumber, only append.
 */
import { AitbcError, type ErrorCode } from '../../core/errors.js';
import type { TxResult } from '../../protocol/types.js';

export const RESULT_CODES: ReadonlyArray<{ code: number; error: ErrorCode | 'OK' }> = [
  { code: 0, error: 'OK' },
  { code: 1, error: 'INSUFFICIENT_FUNDS' },
  { code: 2, error: 'ESCROW_NOT_FOUND' },
  { code: 3, error: 'ESCROW_EXISTS' },
  { code: 4, error: 'ESCROW_SETTLED' },
  { code: 5, error: 'ESCROW_NOT_EXPIRED' },
  { code: 6, error: 'ESCROW_EXPIRED' },
  { code: 7, error: 'RECEIPT_INVALID' },
  { code: 8, error: 'FORBIDDEN' },
  { code: 9, error: 'INVALID_AMOUNT' },
  { code: 10, error: 'INVALID_INPUT' },
  { code: 11, error: 'FEE_TOO_LOW' },
];

const BY_ERROR = new Map(RESULT_CODES.map((r) => [r.error, r.code]));
const BY_CODE = new Map(RESULT_CODES.map((r) => [r.code, r.error]));

/** The success result. */
export const OK_RESULT: TxResult = Object.freeze({ code: 0, log: '' });

/**
 * The recorded result of a failed execution: `{code, log: "<ERROR_CODE>: <message>"}`.
 * @throws AitbcError INTERNAL for an error code that has no result code (a bug in the rules).
 */
export function failureResult(error: AitbcError): TxResult {
  const code = BY_ERROR.get(error.code);
  if (code === undefined)
    throw new AitbcError(
      'INTERNAL',
      `no result code for ${error.code}`,
      { code: error.code },
      { cause: error },
    );
  return { code, log: `${error.code}: ${error.message}` };
}

/** The error code a numeric result code stands for ('OK' for 0, undefined for an unknown number). */
export function errorCodeOfResult(code: number): ErrorCode | 'OK' | undefined {
  return BY_CODE.get(code);
}
