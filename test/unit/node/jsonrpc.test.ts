import { describe, expect, it } from 'vitest';
import { AitbcError } from '../../../src/core/errors.js';
import { addressFromPublicKey } from '../../../src/crypto/address.js';
import { createNodeMetrics, Metrics } from '../../../src/node/metrics.js';
import {
  type Handler,
  handleBody,
  RPC_ERROR,
  rpcCodeFor,
  toRpcError,
} from '../../../src/node/rpc/jsonrpc.js';
import { checkParams, type ParamSchema, paramsFromQuery } from '../../../src/node/rpc/params.js';

const handlers: Record<string, Handler> = {
  echo: (p) => p,
  fail: () => {
    throw new AitbcError('INSUFFICIENT_FUNDS', 'not enough', { need: '5' });
  },
  boom: () => {
    throw new TypeError('oops');
  },
};
const lookup = (m: string) => handlers[m];

describe('JSON-RPC envelopes', () => {
  it('answers a call, keeping its id', async () => {
    expect(
      await handleBody({ jsonrpc: '2.0', id: 7, method: 'echo', params: { a: 1 } }, lookup, { maxBatch: 10 }),
    ).toEqual({
      jsonrpc: '2.0',
      id: 7,
      result: { a: 1 },
    });
  });

  it('maps rule violations to −32000 with the string code in error.data.code', async () => {
    const r = (await handleBody({ jsonrpc: '2.0', id: 'x', method: 'fail' }, lookup, { maxBatch: 10 })) as {
      error: { code: number; data: { code: string; details: unknown } };
    };
    expect(r.error.code).toBe(RPC_ERROR.REFUSED);
    expect(r.error.data).toEqual({ code: 'INSUFFICIENT_FUNDS', details: { need: '5' } });
  });

  it('hides internal errors behind −32603', async () => {
    const r = (await handleBody({ jsonrpc: '2.0', id: 1, method: 'boom' }, lookup, { maxBatch: 10 })) as {
      error: { code: number; message: string };
    };
    expect(r.error).toMatchObject({ code: RPC_ERROR.INTERNAL_ERROR, message: 'internal error' });
  });

  it('refuses malformed requests with −32600 and unknown methods with −32601', async () => {
    const bad = (await handleBody({ id: 1, method: 'echo' }, lookup, { maxBatch: 10 })) as {
      error: { code: number };
    };
    expect(bad.error.code).toBe(RPC_ERROR.INVALID_REQUEST);
    const extra = (await handleBody({ jsonrpc: '2.0', id: 1, method: 'echo', x: 1 }, lookup, {
      maxBatch: 10,
    })) as {
      error: { code: number };
    };
    expect(extra.error.code).toBe(RPC_ERROR.INVALID_REQUEST);
    const unknown = (await handleBody({ jsonrpc: '2.0', id: 1, method: 'nope' }, lookup, {
      maxBatch: 10,
    })) as {
      error: { code: number; data: { code: string } };
    };
    expect(unknown.error).toMatchObject({
      code: RPC_ERROR.METHOD_NOT_FOUND,
      data: { code: 'METHOD_NOT_FOUND' },
    });
    const positional = (await handleBody({ jsonrpc: '2.0', id: 1, method: 'echo', params: [1] }, lookup, {
      maxBatch: 10,
    })) as { error: { code: number } };
    expect(positional.error.code).toBe(RPC_ERROR.INVALID_PARAMS);
  });

  it('handles batches in order, drops notifications, refuses empty and oversized batches', async () => {
    const out = (await handleBody(
      [
        { jsonrpc: '2.0', id: 1, method: 'echo', params: { n: 1 } },
        { jsonrpc: '2.0', method: 'echo' },
        5,
        { jsonrpc: '2.0', id: 2, method: 'fail' },
      ],
      lookup,
      { maxBatch: 10 },
    )) as Array<{ id: unknown; result?: unknown; error?: { code: number } }>;
    expect(out.map((r) => r.id)).toEqual([1, null, 2]);
    expect(out[1].error?.code).toBe(RPC_ERROR.INVALID_REQUEST);
    expect(await handleBody([{ jsonrpc: '2.0', method: 'echo' }], lookup, { maxBatch: 10 })).toBeUndefined();
    expect(((await handleBody([], lookup, { maxBatch: 10 })) as { error: { code: number } }).error.code).toBe(
      RPC_ERROR.INVALID_REQUEST,
    );
    const big = Array.from({ length: 3 }, (_, i) => ({ jsonrpc: '2.0', id: i, method: 'echo' }));
    expect(((await handleBody(big, lookup, { maxBatch: 2 })) as { error: { code: number } }).error.code).toBe(
      RPC_ERROR.INVALID_REQUEST,
    );
  });

  it('maps param errors to −32602', () => {
    expect(rpcCodeFor('INVALID_ADDRESS')).toBe(RPC_ERROR.INVALID_PARAMS);
    expect(rpcCodeFor('BAD_NONCE')).toBe(RPC_ERROR.REFUSED);
    expect(toRpcError(new AitbcError('TX_NOT_FOUND', 'no such tx')).data).toEqual({ code: 'TX_NOT_FOUND' });
  });
});

describe('RPC params', () => {
  const schema: ParamSchema = {
    height: { kind: 'int', min: 1 },
    address: { kind: 'address', required: true },
    wait: { kind: 'enum', values: ['none', 'committed'] },
    full: { kind: 'bool' },
    tx: { kind: 'json' },
    hash: { kind: 'hex', bytes: 32 },
    amount: { kind: 'amount' },
  };
  const addr = addressFromPublicKey(new Uint8Array(32).fill(7));

  it('refuses unknown, missing and mistyped params with the matching code', () => {
    const code = (p: Record<string, unknown>) => {
      try {
        checkParams(schema, p);
        return 'ok';
      } catch (e) {
        return (e as AitbcError).code;
      }
    };
    expect(code({ nope: 1 })).toBe('INVALID_INPUT');
    expect(code({})).toBe('INVALID_INPUT');
    expect(code({ address: 'AIT1X' })).toBe('INVALID_ADDRESS');
    expect(code({ address: addr, height: 0 })).toBe('INVALID_INPUT');
    expect(code({ address: addr, height: 1.5 })).toBe('INVALID_INPUT');
    expect(code({ address: addr, wait: 'later' })).toBe('INVALID_INPUT');
    expect(code({ address: addr, hash: 'AB'.repeat(32) })).toBe('INVALID_INPUT');
    expect(code({ address: addr, amount: '-1' })).toBe('INVALID_AMOUNT');
    expect(code({ address: addr, chainId: 5 })).toBe('INVALID_INPUT');
  });

  it('reads GET query strings into typed params', () => {
    const p = paramsFromQuery(
      schema,
      new URLSearchParams(`height=12&full=true&tx=${encodeURIComponent('{"a":1}')}&address=${addr}`),
    );
    expect(p).toEqual({ height: 12, full: true, tx: { a: 1 }, address: addr });
    expect(() => paramsFromQuery(schema, new URLSearchParams('height=01'))).toThrowError(/integer/);
    expect(() => paramsFromQuery(schema, new URLSearchParams('height=1&height=2'))).toThrowError(/repeated/);
    expect(() => paramsFromQuery(schema, new URLSearchParams('tx={"a":1,"a":2}'))).toThrowError(/duplicate/);
  });
});

describe('metrics', () => {
  it('renders Prometheus text with escaped labels', () => {
    const m = new Metrics();
    m.define('x_total', 'counter', 'X.');
    m.inc('x_total', { method: 'a"b' });
    m.inc('x_total', { method: 'a"b' }, 2);
    expect(m.render()).toBe('# HELP x_total X.\n# TYPE x_total counter\nx_total{method="a\\"b"} 3\n');
  });

  it('defines the node series and runs collectors on render', () => {
    const m = createNodeMetrics();
    m.collect(() => m.set('aitbc_block_height', { chain: 'c' }, 42));
    expect(m.render()).toContain('aitbc_block_height{chain="c"} 42');
    expect(() => m.inc('undefined_total')).toThrow();
  });
});
