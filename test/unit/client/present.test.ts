import { describe, expect, it } from 'vitest';
import { historyItem } from '../../../src/client/history.js';
import { parseBlockRef, parseTxHash, rfc3339, withRfc3339 } from '../../../src/client/present.js';
import type { CommittedTxInfo } from '../../../src/client/rpc-types.js';

const A = 'ait1gu7fcne3t2rcx7x4390s285dnnx9nx3xjw9agd';
const B = 'ait1lkee8yskahm86d8ev05y08uwhen8ql208p0akn';

/** Matches an AitbcError with this code. */
const withCode = (code: string) => expect.objectContaining({ code });

describe('present', () => {
  it('parses block references', () => {
    expect(parseBlockRef(undefined)).toEqual({ latest: true });
    expect(parseBlockRef('LATEST')).toEqual({ latest: true });
    expect(parseBlockRef('42')).toEqual({ height: 42 });
    expect(parseBlockRef('AB'.repeat(32))).toEqual({ hash: 'ab'.repeat(32) });
    for (const bad of ['0', '-1', '1.5', 'ab', '9007199254740993', 'tip'])
      expect(() => parseBlockRef(bad)).toThrow(withCode('INVALID_INPUT'));
  });

  it('parses transaction hashes, lowercasing them', () => {
    expect(parseTxHash(` ${'C'.repeat(64)} `)).toBe('c'.repeat(64));
    expect(() => parseTxHash('c'.repeat(63))).toThrow(withCode('INVALID_INPUT'));
  });

  it('turns unix-ms fields into RFC 3339 and drops the node’s copies, leaving the rest alone', () => {
    expect(rfc3339(0)).toBe('1970-01-01T00:00:00.000Z');
    expect(rfc3339(undefined)).toBeUndefined();
    const r = withRfc3339({ time: 1_700_000_000_123, timeIso: 'x', block: { header: { time: 5 } } }, [
      'time',
    ]);
    expect(r).toEqual({ time: '2023-11-14T22:13:20.123Z', block: { header: { time: 5 } } });
    expect(withRfc3339({ height: 1 }, ['time'])).toEqual({ height: 1 });
  });
});

describe('historyItem', () => {
  const info = (tx: object, extra: object = {}) =>
    ({
      hash: 'h',
      status: 'committed',
      height: 3,
      index: 1,
      code: 0,
      log: '',
      time: 0,
      tx,
      ...extra,
    }) as CommittedTxInfo;
  const transfer = (from: string, to: string) => ({
    chainId: 'c',
    type: 'transfer',
    from,
    pubkey: '00',
    nonce: 4,
    fee: '1000',
    body: { to, amount: '7', memo: 'm' },
    sig: '00',
  });

  it('flattens a transfer with its direction as seen from the address', () => {
    expect(historyItem(info(transfer(A, B)), A)).toEqual({
      hash: 'h',
      height: 3,
      index: 1,
      time: '1970-01-01T00:00:00.000Z',
      type: 'transfer',
      direction: 'out',
      from: A,
      to: B,
      amount: '7',
      fee: '1000',
      nonce: 4,
      memo: 'm',
      code: 0,
    });
    expect(historyItem(info(transfer(A, B)), B).direction).toBe('in');
    expect(historyItem(info(transfer(A, A)), A).direction).toBe('self');
  });

  it('keeps a failed result with its log', () => {
    const r = historyItem(info(transfer(A, B), { code: 3, log: 'escrow settled' }), A);
    expect(r).toMatchObject({ code: 3, log: 'escrow settled' });
  });

  it('names the counterparty of escrow transactions', () => {
    const lock = {
      ...transfer(A, B),
      type: 'escrow_lock',
      body: { jobId: 'j', amount: '9', coordinator: B, expiresAt: 1, terms: {} },
    };
    expect(historyItem(info(lock), A)).toMatchObject({ direction: 'out', to: B, amount: '9' });
    const refund = { ...transfer(B, A), type: 'escrow_refund', body: { client: A, jobId: 'j' } };
    expect(historyItem(info(refund), A)).toMatchObject({ direction: 'in', from: B, to: A });
    expect(historyItem(info(refund), A).amount).toBeUndefined();
  });
});
