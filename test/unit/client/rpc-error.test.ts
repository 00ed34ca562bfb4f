import { describe, expect, it } from 'vitest';
import { backoffDelays, errorFromJsonRpc, isConnectionError } from '../../../src/client/rpc-error.js';

describe('rpc-error', () => {
  it('keeps a known data.code and the details', () => {
    const e = errorFromJsonRpc(
      {
        code: -32000,
        message: 'nonce 3 already used',
        data: { code: 'BAD_NONCE', details: { expected: 4 } },
      },
      'broadcast_tx',
    );
    expect(e.code).toBe('BAD_NONCE');
    expect(e.details).toEqual({ expected: 4, method: 'broadcast_tx', rpcCode: -32000 });
  });

  it('uses the rest of data as details when there is no details member', () => {
    const e = errorFromJsonRpc(
      { code: -32000, message: 'm', data: { code: 'NO_FAUCET', chainId: 'x' } },
      'faucet',
    );
    expect(e.code).toBe('NO_FAUCET');
    expect(e.details.chainId).toBe('x');
  });

  it('doubles backoff delays up to the cap', () => {
    expect(backoffDelays(5, 100, 500)).toEqual([100, 200, 400, 500, 500]);
    expect(backoffDelays(0, 100, 500)).toEqual([]);
  });

  it('recognises connection errors through their cause', () => {
    expect(isConnectionError(Object.assign(new Error('x'), { code: 'ECONNREFUSED' }))).toBe(true);
    expect(
      isConnectionError(new Error('x', { cause: Object.assign(new Error('y'), { code: 'ECONNRESET' }) })),
    ).toBe(true);
    expect(isConnectionError(Object.assign(new Error('x'), { code: 'ERR_INVALID_URL' }))).toBe(false);
  });
});
