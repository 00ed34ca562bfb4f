import { describe, expect, it } from 'vitest';
import { canonicalJson } from '../../../src/core/canonical-json.js';
import { isAitbcError } from '../../../src/core/errors.js';
import { sha256Hex } from '../../../src/core/hash.js';
import { verifyStrict } from '../../../src/crypto/ed25519.js';
import {
  computeInputHash,
  computeOutputHash,
  computePrice,
  computeReceiptId,
  receiptBody,
  receiptSignBytes,
  signReceiptAs,
  validateReceipt,
  validateReceiptBody,
  verifyReceipt,
} from '../../../src/protocol/receipt.js';
import { alice, bob, carol, dave, receiptBodyFor, signReceipt } from './helpers.js';

const jobId = '12'.repeat(16);

describe('receipts', () => {
  it('a receipt signed by both parties verifies; its id is SHA-256 of the sign bytes', () => {
    const body = receiptBodyFor(alice.address, jobId);
    const r = signReceipt(body);
    expect(verifyReceipt(r, verifyStrict)).toEqual([]);
    expect(receiptBody(r)).toEqual(body);
    expect(Buffer.from(receiptSignBytes(body)).toString()).toBe(`aitbc/receipt/v1\n${canonicalJson(body)}`);
    expect(r.receiptId).toBe(computeReceiptId(body));
    expect(r.receiptId).toBe(sha256Hex(receiptSignBytes(body)));
    expect(validateReceipt(r)).toEqual(r);
    expect(validateReceiptBody(body)).toEqual(body);
    const withDigest = signReceipt(receiptBodyFor(alice.address, jobId, { modelDigest: 'sha256:abc' }));
    expect(verifyReceipt(withDigest, verifyStrict)).toEqual([]);
  });

  it('lists every problem', () => {
    const r = signReceipt(receiptBodyFor(alice.address, jobId));
    const problems = (edit: (x: Record<string, any>) => void) => {
      const x = structuredClone(r) as Record<string, any>;
      edit(x);
      return verifyReceipt(x, verifyStrict);
    };
    expect(problems((x) => (x.price = '1'))).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/price 1 does not recompute/),
        'receiptId does not recompute',
      ]),
    );
    expect(problems((x) => (x.receiptId = '00'.repeat(32)))).toEqual(['receiptId does not recompute']);
    expect(problems((x) => (x.minerSig = x.coordinatorSig))).toEqual(['minerSig does not verify']);
    expect(problems((x) => (x.completedAt = x.startedAt - 1))).toContain('completedAt is before startedAt');
    expect(problems((x) => (x.extra = 1))[0]).toMatch(/receipt.extra is not a known field/);
    expect(problems((x) => (x.backend = 'gpu'))[0]).toMatch(/backend/);
    expect(problems((x) => (x.version = 2))[0]).toMatch(/version/);
    expect(verifyReceipt('nope', verifyStrict)).toHaveLength(1);
  });

  it('keys must hash to their addresses and be valid', () => {
    // Signed correctly, but by bob posing as the miner dave.
    const forged = receiptBodyFor(alice.address, jobId, { minerPubkey: bob.publicKey });
    const r = signReceipt(forged, bob, carol);
    expect(verifyReceipt(r, verifyStrict)).toEqual([`minerPubkey does not hash to miner ${dave.address}`]);
    const small = receiptBodyFor(alice.address, jobId, { coordinatorPubkey: `01${'00'.repeat(31)}` });
    const r2 = { ...signReceipt(receiptBodyFor(alice.address, jobId)), ...small };
    expect(verifyReceipt(r2, verifyStrict)).toContain('coordinatorPubkey is not a valid ed25519 public key');
  });

  it('signReceiptAs refuses a key the body does not name for the role', () => {
    const body = receiptBodyFor(alice.address, jobId);
    expect(() => signReceiptAs(body, 'miner', carol.signer)).toThrow(/minerPubkey/);
    try {
      signReceiptAs(body, 'coordinator', dave.signer);
    } catch (e) {
      expect(isAitbcError(e) && e.code).toBe('INVALID_INPUT');
    }
  });

  it('price = ceil(unitPrice × tokens / 1000); inputHash omits absent parameters', () => {
    expect(computePrice(1500n, 21, 3)).toBe(36n);
    expect(computePrice(1000n, 1, 0)).toBe(1n);
    expect(computePrice(1n, 1, 0)).toBe(1n);
    expect(computePrice(0n, 100, 100)).toBe(0n);
    expect(computePrice(2000n, 500, 500)).toBe(2000n);
    expect(computePrice(9223372036854775807n, 2 ** 53 - 1, 2 ** 53 - 1)).toBe(
      (9223372036854775807n * (2n * (2n ** 53n - 1n)) + 999n) / 1000n,
    );
    expect(computeInputHash({ model: 'echo', prompt: 'hi', params: {} })).toBe(
      sha256Hex('{"model":"echo","params":{},"prompt":"hi"}'),
    );
    expect(
      computeInputHash({
        model: 'echo',
        prompt: 'hi',
        params: { seed: 7, temperature: 0.5, maxTokens: undefined },
      }),
    ).toBe(sha256Hex('{"model":"echo","params":{"seed":7,"temperature":0.5},"prompt":"hi"}'));
    expect(computeOutputHash('é')).toBe(sha256Hex(Buffer.from('é', 'utf8')));
  });
});
