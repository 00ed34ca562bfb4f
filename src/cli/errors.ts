/**
 * The exit-code table (DESIGN §4): the one place that maps error codes to exit codes, and renders
 * errors as JSON (`--json`, on stdout) or as one line plus a hint (stderr).
 */
import { AitbcError, type ErrorCode, isAitbcError } from '../core/errors.js';

export const EXIT = {
  OK: 0,
  INTERNAL: 1,
  USAGE: 2,
  CONFIG: 3,
  NOT_FOUND: 4,
  UNREACHABLE: 5,
  REFUSED: 6,
  TIMEOUT: 7,
  JOB_ENDED_BADLY: 8,
  INTERRUPTED: 130,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** Every error code's exit code. A new code fails to compile until it is placed here. */
export const EXIT_CODE_OF: Record<ErrorCode, ExitCode> = {
  INTERNAL: 1,
  USAGE: 2,
  MISSING_INPUT: 2,
  INVALID_AMOUNT: 2,
  INVALID_ADDRESS: 2,
  INVALID_INPUT: 2,
  INVALID_MNEMONIC: 2,
  WALLET_EXISTS: 2,
  CONFIG: 3,
  KEYSTORE_CORRUPT: 3,
  WRONG_PASSWORD: 3,
  HOME_LOCKED: 3,
  WALLET_NOT_FOUND: 4,
  BLOCK_NOT_FOUND: 4,
  TX_NOT_FOUND: 4,
  JOB_NOT_FOUND: 4,
  RECEIPT_NOT_FOUND: 4,
  CHAIN_NOT_FOUND: 4,
  MINER_NOT_FOUND: 4,
  SESSION_NOT_FOUND: 4,
  METHOD_NOT_FOUND: 4,
  UNREACHABLE: 5,
  INSUFFICIENT_FUNDS: 6,
  BAD_SIGNATURE: 6,
  WRONG_CHAIN: 6,
  BAD_NONCE: 6,
  DUPLICATE_NONCE: 6,
  FEE_TOO_LOW: 6,
  TX_TOO_LARGE: 6,
  MEMPOOL_FULL: 6,
  ESCROW_NOT_FOUND: 6,
  ESCROW_EXISTS: 6,
  ESCROW_SETTLED: 6,
  ESCROW_NOT_EXPIRED: 6,
  ESCROW_EXPIRED: 6,
  RECEIPT_INVALID: 6,
  FORBIDDEN: 6,
  UNAUTHORIZED: 6,
  REPLAYED_REQUEST: 6,
  NO_FAUCET: 6,
  RATE_LIMITED: 6,
  NO_MINER_FOR_MODEL: 6,
  PRICE_TOO_LOW: 6,
  TX_FAILED: 6,
  TIMEOUT: 7,
  JOB_FAILED: 8,
  JOB_CANCELED: 8,
  JOB_EXPIRED: 8,
  INTERRUPTED: 130,
};

/** What each exit code means, for `aitbc --help` and docs/cli.md. */
export const EXIT_MEANINGS: ReadonlyArray<{ exit: ExitCode; meaning: string }> = [
  { exit: 0, meaning: 'ok' },
  { exit: 1, meaning: 'unexpected failure' },
  { exit: 2, meaning: 'usage or invalid input' },
  { exit: 3, meaning: 'configuration or keystore' },
  { exit: 4, meaning: 'not found' },
  { exit: 5, meaning: 'service unreachable' },
  { exit: 6, meaning: 'refused by node or coordinator' },
  { exit: 7, meaning: 'timed out' },
  { exit: 8, meaning: 'a waited-for job ended badly' },
  { exit: 130, meaning: 'interrupted' },
];

/** The codes that map to each exit code, in table order. */
export function codesByExit(): Map<ExitCode, ErrorCode[]> {
  const m = new Map<ExitCode, ErrorCode[]>();
  for (const [code, exit] of Object.entries(EXIT_CODE_OF) as Array<[ErrorCode, ExitCode]>) {
    m.set(exit, [...(m.get(exit) ?? []), code]);
  }
  return m;
}

/** The JSON shape of an error on stdout under `--json`. */
export interface ErrorJson {
  error: { code: ErrorCode; message: string; exitCode: ExitCode; details: Record<string, unknown> };
}

/**
 * Normalises anything thrown into an AitbcError: our own errors pass through, oclif's parse errors
 * become USAGE, everything else INTERNAL.
 */
export function toAitbcError(err: unknown): AitbcError {
  if (isAitbcError(err)) return err;
  const e = err as { message?: string; oclif?: { exit?: number }; code?: string; name?: string } | undefined;
  const message = String(e?.message ?? err ?? 'unknown error').replace(/^Error: /, '');
  if (isOclifUsageError(err))
    return new AitbcError('USAGE', stripAnsi(firstLines(message)), {}, { hint: 'see --help' });
  if (e?.name === 'AbortError' || e?.code === 'ABORT_ERR')
    return new AitbcError('INTERRUPTED', 'interrupted');
  return new AitbcError('INTERNAL', message, {}, { cause: err });
}

function isOclifUsageError(err: unknown): boolean {
  const e = err as {
    oclif?: { exit?: number };
    parse?: unknown;
    name?: string;
    constructor?: { name?: string };
  };
  if (!e || typeof e !== 'object') return false;
  if (e.parse !== undefined) return true;
  const name = e.constructor?.name ?? '';
  return /(Flag|Arg|Args|Parse|Validation|Required|Unexpected|NonExistent)/.test(name) || e.oclif?.exit === 2;
}

function firstLines(s: string): string {
  return s
    .split('\n')
    .filter((l) => l.trim() !== '' && !/^\s*See more help/.test(l))
    .join(' ')
    .replace(/\s+/g, ' ')
    .trim();
}

function stripAnsi(s: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: ANSI escapes are control characters.
  return s.replace(/\u001b\[[0-9;]*m/g, '');
}

/** The exit code of an error. */
export function exitCodeOf(err: AitbcError): ExitCode {
  return EXIT_CODE_OF[err.code] ?? 1;
}

/** The `--json` error document. */
export function errorJson(err: AitbcError): ErrorJson {
  return { error: { code: err.code, message: err.message, exitCode: exitCodeOf(err), details: err.details } };
}

/** One line plus a hint, for stderr. Stack traces only when DEBUG is set. */
export function errorText(err: AitbcError, opts: { debug?: boolean; color?: boolean } = {}): string {
  const red = (s: string) => (opts.color ? `\u001b[31m${s}\u001b[39m` : s);
  const dim = (s: string) => (opts.color ? `\u001b[2m${s}\u001b[22m` : s);
  const lines = [`${red('Error:')} ${err.message} (${err.code}, exit ${exitCodeOf(err)})`];
  if (err.hint) lines.push(dim(`Hint: ${err.hint}`));
  if (opts.debug) lines.push(String((err.cause as Error | undefined)?.stack ?? err.stack ?? ''));
  return lines.join('\n');
}
