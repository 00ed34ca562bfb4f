/**
 * Typed errors shared by every layer. A library throws `AitbcError` with a stable `code`; the CLI maps
 * the code to an exit code (src/cli/errors.ts), the node and coordinator map it onto their wire errors.
 */

/** Every error code the project uses. Adding one requires adding it to the exit-code table. */
export const ERROR_CODES = [
  'INTERNAL',
  'USAGE',
  'MISSING_INPUT',
  'INVALID_AMOUNT',
  'INVALID_ADDRESS',
  'INVALID_INPUT',
  'INVALID_MNEMONIC',
  'WALLET_EXISTS',
  'CONFIG',
  'KEYSTORE_CORRUPT',
  'WRONG_PASSWORD',
  'HOME_LOCKED',
  'WALLET_NOT_FOUND',
  'BLOCK_NOT_FOUND',
  'TX_NOT_FOUND',
  'JOB_NOT_FOUND',
  'RECEIPT_NOT_FOUND',
  'CHAIN_NOT_FOUND',
  'MINER_NOT_FOUND',
  'SESSION_NOT_FOUND',
  'METHOD_NOT_FOUND',
  'UNREACHABLE',
  'INSUFFICIENT_FUNDS',
  'BAD_SIGNATURE',
  'WRONG_CHAIN',
  'BAD_NONCE',
  'DUPLICATE_NONCE',
  'FEE_TOO_LOW',
  'TX_TOO_LARGE',
  'MEMPOOL_FULL',
  'ESCROW_NOT_FOUND',
  'ESCROW_EXISTS',
  'ESCROW_SETTLED',
  'ESCROW_NOT_EXPIRED',
  'ESCROW_EXPIRED',
  'RECEIPT_INVALID',
  'FORBIDDEN',
  'UNAUTHORIZED',
  'REPLAYED_REQUEST',
  'NO_FAUCET',
  'RATE_LIMITED',
  'NO_MINER_FOR_MODEL',
  'PRICE_TOO_LOW',
  'TX_FAILED',
  'TIMEOUT',
  'JOB_FAILED',
  'JOB_CANCELED',
  'JOB_EXPIRED',
  'INTERRUPTED',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

export type ErrorDetails = Record<string, unknown>;

/**
 * The one error class the project throws on purpose.
 * @example throw new AitbcError('WRONG_PASSWORD', 'wrong password for wallet "alice"', {wallet: 'alice'})
 */
export class AitbcError extends Error {
  override readonly name = 'AitbcError';
  readonly code: ErrorCode;
  readonly details: ErrorDetails;
  /** A one-line suggestion shown under the message in human output. */
  readonly hint?: string;

  constructor(
    code: ErrorCode,
    message: string,
    details: ErrorDetails = {},
    opts: { cause?: unknown; hint?: string } = {},
  ) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.code = code;
    this.details = details;
    if (opts.hint !== undefined) this.hint = opts.hint;
  }
}

/** True when `e` is an AitbcError (also across duplicated module instances). */
export function isAitbcError(e: unknown): e is AitbcError {
  return (
    e instanceof AitbcError ||
    (e instanceof Error && e.name === 'AitbcError' && typeof (e as AitbcError).code === 'string')
  );
}

/** True when `code` is one of ERROR_CODES (for codes that arrive over the wire). */
export function isErrorCode(code: unknown): code is ErrorCode {
  return typeof code === 'string' && (ERROR_CODES as readonly string[]).includes(code);
}
