import { Errors } from '@oclif/core';
import { describe, expect, it } from 'vitest';
import {
  codesByExit,
  EXIT_CODE_OF,
  EXIT_MEANINGS,
  errorJson,
  errorText,
  exitCodeOf,
  toAitbcError,
} from '../../../src/cli/errors.js';
import { exitCodeTable } from '../../../src/cli/help.js';
import { toJsonText } from '../../../src/cli/output.js';
import { AitbcError, ERROR_CODES, isAitbcError, isErrorCode } from '../../../src/core/errors.js';

/** DESIGN §4's table: the codes each exit code must carry at least. */
const DESIGN_TABLE: Record<number, string[]> = {
  1: ['INTERNAL'],
  2: ['USAGE', 'MISSING_INPUT', 'INVALID_AMOUNT', 'INVALID_ADDRESS', 'INVALID_INPUT'],
  3: ['CONFIG', 'KEYSTORE_CORRUPT', 'WRONG_PASSWORD'],
  4: ['WALLET_NOT_FOUND', 'BLOCK_NOT_FOUND', 'TX_NOT_FOUND', 'JOB_NOT_FOUND', 'RECEIPT_NOT_FOUND'],
  5: ['UNREACHABLE'],
  6: [
    'INSUFFICIENT_FUNDS',
    'BAD_SIGNATURE',
    'WRONG_CHAIN',
    'BAD_NONCE',
    'DUPLICATE_NONCE',
    'FEE_TOO_LOW',
    'TX_TOO_LARGE',
    'MEMPOOL_FULL',
    'ESCROW_NOT_FOUND',
    'ESCROW_SETTLED',
    'ESCROW_NOT_EXPIRED',
    'RECEIPT_INVALID',
    'FORBIDDEN',
    'REPLAYED_REQUEST',
    'NO_FAUCET',
    'NO_MINER_FOR_MODEL',
    'PRICE_TOO_LOW',
  ],
  7: ['TIMEOUT'],
  8: ['JOB_FAILED', 'JOB_CANCELED', 'JOB_EXPIRED'],
  130: ['INTERRUPTED'],
};

describe('the exit-code table', () => {
  it.each(Object.entries(DESIGN_TABLE))('exit %s carries the codes of DESIGN §4', (exit, codes) => {
    for (const c of codes) expect(EXIT_CODE_OF[c as keyof typeof EXIT_CODE_OF], c).toBe(Number(exit));
  });

  it('places every error code, and only known exit codes', () => {
    expect(Object.keys(EXIT_CODE_OF).sort()).toEqual([...ERROR_CODES].sort());
    const exits = new Set(EXIT_MEANINGS.map((m) => m.exit));
    for (const exit of Object.values(EXIT_CODE_OF)) expect(exits.has(exit)).toBe(true);
    expect([...exits]).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 130]);
  });

  it('groups codes by exit code for the help table', () => {
    const byExit = codesByExit();
    expect(byExit.get(3)).toEqual(expect.arrayContaining(['KEYSTORE_CORRUPT', 'WRONG_PASSWORD']));
    expect(byExit.has(0)).toBe(false);
  });

  it('renders one line per exit code with its meaning and codes', () => {
    const lines = exitCodeTable().split('\n');
    expect(lines).toHaveLength(EXIT_MEANINGS.length);
    expect(lines[0].trim()).toBe('0  ok');
    const line3 = lines.find((l) => l.trimStart().startsWith('3 '))!;
    expect(line3).toContain('configuration or keystore');
    expect(line3).toContain('WRONG_PASSWORD');
    for (const code of ERROR_CODES) expect(exitCodeTable()).toContain(code);
  });
});

describe('error rendering', () => {
  it('renders the --json error document', () => {
    const e = new AitbcError('WRONG_PASSWORD', 'wrong password for wallet "a"', { wallet: 'a' });
    expect(errorJson(e)).toEqual({
      error: {
        code: 'WRONG_PASSWORD',
        message: 'wrong password for wallet "a"',
        exitCode: 3,
        details: { wallet: 'a' },
      },
    });
    expect(exitCodeOf(e)).toBe(3);
  });

  it('renders bigint details (amounts) as decimal strings in the JSON document', () => {
    const e = new AitbcError('INSUFFICIENT_FUNDS', 'not enough', { balance: 5n, needed: 2n ** 63n - 1n });
    expect(JSON.parse(toJsonText(errorJson(e))).error.details).toEqual({
      balance: '5',
      needed: '9223372036854775807',
    });
  });

  it('renders one line plus a hint, a stack only with debug, colour only when asked', () => {
    const e = new AitbcError(
      'WALLET_NOT_FOUND',
      'no wallet named "x"',
      {},
      { hint: 'see aitbc wallet list' },
    );
    const text = errorText(e);
    expect(text).toBe('Error: no wallet named "x" (WALLET_NOT_FOUND, exit 4)\nHint: see aitbc wallet list');
    expect(text).not.toContain('\u001b[');
    expect(errorText(e, { color: true })).toContain('\u001b[31m');
    expect(errorText(e, { debug: true })).toMatch(/\n\s*at /);
  });

  it('passes AitbcErrors through and wraps everything else as INTERNAL', () => {
    const own = new AitbcError('TIMEOUT', 't');
    expect(toAitbcError(own)).toBe(own);
    const wrapped = toAitbcError(new TypeError('boom'));
    expect(wrapped.code).toBe('INTERNAL');
    expect(wrapped.message).toBe('boom');
    expect(toAitbcError('a string').code).toBe('INTERNAL');
    const abort = new Error('aborted');
    abort.name = 'AbortError';
    expect(toAitbcError(abort).code).toBe('INTERRUPTED');
  });

  it("maps oclif's parse errors to USAGE", () => {
    const parse = new Errors.CLIError('Nonexistent flag: --bogus\nSee more help with --help', { exit: 2 });
    const e = toAitbcError(parse);
    expect(e.code).toBe('USAGE');
    expect(e.message).toBe('Nonexistent flag: --bogus');
    expect(exitCodeOf(e)).toBe(2);
  });

  it('recognises AitbcErrors across module copies and validates wire codes', () => {
    const foreign = Object.assign(new Error('x'), { name: 'AitbcError', code: 'TIMEOUT' });
    expect(isAitbcError(foreign)).toBe(true);
    expect(isAitbcError(new Error('x'))).toBe(false);
    expect(isErrorCode('BAD_NONCE')).toBe(true);
    expect(isErrorCode('NOPE')).toBe(false);
    expect(isErrorCode(3)).toBe(false);
  });
});
