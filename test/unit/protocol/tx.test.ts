import { describe, expect, it } from 'vitest';
import { canonicalJson } from '../../../src/core/canonical-json.js';
import { type ErrorCode, isAitbcError } from '../../../src/core/errors.js';
import { toHex } from '../../../src/core/hex.js';
import { signBytes } from '../../../src/core/sign-bytes.js';
import { verifyStrict } from '../../../src/crypto/ed25519.js';
import {
  decodeTx,
  parseTx,
  signTx,
  txAddresses,
  txHash,
  txSignBytes,
  validateTx,
  verifyTxSignature,
} from '../../../src/protocol/tx.js';
import type { SignedTx } from '../../../src/protocol/types.js';
import { loadFixture } from '../../helpers/fixtures.js';
import { alice, bob, CHAIN, carol, lockBody, makeTx, receiptBodyFor, signReceipt, T0 } from './helpers.js';

function expectCode(fn: () => unknown, code: ErrorCode, field?: string): void {
  try {
    fn();
  } catch (e) {
    if (!isAitbcError(e)) throw e;
    expect(e.code, e.message).toBe(code);
    if (field !== undefined) expect(e.details.field).toBe(field);
    return;
  }
  throw new Error(`expected ${code}, nothing was thrown`);
}

const transfer = (): SignedTx =>
  makeTx(alice, 'transfer', { to: bob.address, amount: '5000000', memo: 'rent' });
/** A copy of the transfer with `edit` applied (the signature is left as is). */
function edited(edit: (tx: Record<string, any>) => void): unknown {
  const tx = structuredClone(transfer()) as Record<string, any>;
  edit(tx);
  return tx;
}

const L = 2n ** 252n + 27742317777372353535851937790883648493n;

describe('validateTx accepts well-formed transactions', () => {
  it('returns the transaction with its canonical text, size and hash', () => {
    const tx = transfer();
    const d = decodeTx(tx);
    expect(d.tx).toBe(tx);
    expect(d.json).toBe(canonicalJson(tx));
    expect(d.size).toBe(Buffer.byteLength(d.json));
    expect(d.hash).toBe(txHash(tx));
    expect(validateTx(JSON.parse(JSON.stringify(tx)))).toEqual(tx);
  });

  it('accepts every type, the largest amount and a 256-byte multi-byte memo', () => {
    const jobId = '00'.repeat(16);
    validateTx(makeTx(alice, 'escrow_lock', lockBody(jobId, T0)));
    validateTx(
      makeTx(carol, 'escrow_release', {
        client: alice.address,
        jobId,
        receipt: signReceipt(receiptBodyFor(alice.address, jobId)),
      }),
    );
    validateTx(makeTx(alice, 'escrow_refund', { client: alice.address, jobId }));
    validateTx(makeTx(alice, 'transfer', { to: bob.address, amount: '9223372036854775807' }));
    validateTx(makeTx(alice, 'transfer', { to: bob.address, amount: '1', memo: 'é'.repeat(128) }));
  });

  it('parses strict JSON text', () => {
    const tx = transfer();
    expect(parseTx(JSON.stringify(tx)).tx).toEqual(tx);
  });
});

describe('validateTx refuses bad input with the DESIGN §4 codes', () => {
  it('malformed JSON and duplicate fields → INVALID_INPUT', () => {
    const text = JSON.stringify(transfer());
    expectCode(() => parseTx(text.slice(0, -1)), 'INVALID_INPUT');
    expectCode(() => parseTx(text.replace('{"chainId"', '{"nonce":0,"chainId"')), 'INVALID_INPUT');
    expectCode(() => parseTx(text.replace('"to":', '"amount":"1","to":')), 'INVALID_INPUT');
    expectCode(
      () => parseTx(text.replace('{"chainId"', '{"__proto__":{},"chainId"')),
      'INVALID_INPUT',
      '__proto__',
    );
  });

  it('not an object → INVALID_INPUT', () => {
    for (const v of [null, [], 'tx', 42, true]) expectCode(() => validateTx(v), 'INVALID_INPUT');
  });

  it('missing, extra and null fields → INVALID_INPUT naming the field', () => {
    for (const k of ['chainId', 'type', 'from', 'pubkey', 'nonce', 'fee', 'body', 'sig'])
      expectCode(() => validateTx(edited((t) => delete t[k])), 'INVALID_INPUT', k);
    expectCode(() => validateTx(edited((t) => (t.extra = 1))), 'INVALID_INPUT', 'extra');
    expectCode(() => validateTx(edited((t) => (t.body.extra = 'x'))), 'INVALID_INPUT', 'body.extra');
    expectCode(() => validateTx(edited((t) => (t.body.memo = null))), 'INVALID_INPUT', 'body.memo');
    expectCode(() => validateTx(edited((t) => (t.fee = null))), 'INVALID_INPUT', 'fee');
    expectCode(() => validateTx(edited((t) => delete t.body.to)), 'INVALID_INPUT', 'body.to');
  });

  it('uppercase hex → INVALID_INPUT', () => {
    expectCode(
      () => validateTx(edited((t) => (t.pubkey = t.pubkey.toUpperCase()))),
      'INVALID_INPUT',
      'pubkey',
    );
    expectCode(() => validateTx(edited((t) => (t.sig = t.sig.toUpperCase()))), 'INVALID_INPUT', 'sig');
    const lock = makeTx(alice, 'escrow_lock', lockBody('ab'.repeat(16), T0)) as any;
    lock.body.jobId = 'AB'.repeat(16);
    expectCode(() => validateTx(lock), 'INVALID_INPUT', 'body.jobId');
  });

  it('bad addresses → INVALID_ADDRESS', () => {
    expectCode(
      () => validateTx(edited((t) => (t.body.to = t.body.to.toUpperCase()))),
      'INVALID_ADDRESS',
      'body.to',
    );
    expectCode(
      () =>
        validateTx(
          edited((t) => (t.body.to = `${t.body.to.slice(0, -1)}${t.body.to.endsWith('q') ? 'p' : 'q'}`)),
        ),
      'INVALID_ADDRESS',
      'body.to',
    );
    expectCode(() => validateTx(edited((t) => (t.from = 'ait1'))), 'INVALID_ADDRESS', 'from');
    expectCode(() => validateTx(edited((t) => (t.body.to = 42))), 'INVALID_ADDRESS', 'body.to');
  });

  it('zero, negative, fractional, non-canonical and too-large amounts → INVALID_AMOUNT', () => {
    for (const amount of [
      '0',
      '-1',
      '1.5',
      '01',
      '1e3',
      ' 1',
      '9223372036854775808',
      '99999999999999999999',
      5,
      '',
    ])
      expectCode(() => validateTx(edited((t) => (t.body.amount = amount))), 'INVALID_AMOUNT', 'body.amount');
    for (const fee of ['-1', '1.0', 1000, '9223372036854775808'])
      expectCode(() => validateTx(edited((t) => (t.fee = fee))), 'INVALID_AMOUNT', 'fee');
  });

  it('bad nonces, chain ids and types → INVALID_INPUT', () => {
    for (const nonce of [-1, 1.5, '1', 2 ** 53])
      expectCode(() => validateTx(edited((t) => (t.nonce = nonce))), 'INVALID_INPUT', 'nonce');
    for (const chainId of ['', 'Aitbc', 'a b', '../x', 'x'.repeat(65), 7])
      expectCode(() => validateTx(edited((t) => (t.chainId = chainId))), 'INVALID_INPUT', 'chainId');
    expectCode(() => validateTx(edited((t) => (t.type = 'mint'))), 'INVALID_INPUT', 'type');
  });

  it('a memo over 256 UTF-8 bytes or with a lone surrogate → INVALID_INPUT', () => {
    expectCode(
      () => validateTx(edited((t) => (t.body.memo = 'x'.repeat(257)))),
      'INVALID_INPUT',
      'body.memo',
    );
    expectCode(
      () => validateTx(edited((t) => (t.body.memo = 'é'.repeat(129)))),
      'INVALID_INPUT',
      'body.memo',
    );
    expectCode(() => validateTx(edited((t) => (t.body.memo = 'a\ud800'))), 'INVALID_INPUT');
  });

  it('an oversized transaction → TX_TOO_LARGE, before any field rule', () => {
    expectCode(() => validateTx(edited((t) => (t.body.memo = 'x'.repeat(5000)))), 'TX_TOO_LARGE');
    expectCode(() => validateTx(edited((t) => (t.padding = 'x'.repeat(5000)))), 'TX_TOO_LARGE');
    const tx = transfer();
    const size = decodeTx(tx).size;
    expect(() => validateTx(tx, { maxTxBytes: size })).not.toThrow();
    expectCode(() => validateTx(tx, { maxTxBytes: size - 1 }), 'TX_TOO_LARGE');
  });

  it('small-order and non-canonical public keys → BAD_SIGNATURE', () => {
    const edge = loadFixture<{ vectors: Array<{ why: string; publicKey: string }> }>('ed25519-edge.json');
    const smallOrder = [
      ...new Set(edge.vectors.filter((v) => /small-order/.test(v.why)).map((v) => v.publicKey)),
    ];
    expect(smallOrder.length).toBeGreaterThan(0);
    for (const pubkey of smallOrder)
      expectCode(() => validateTx(edited((t) => (t.pubkey = pubkey))), 'BAD_SIGNATURE', 'pubkey');
    // y = p (2^255 − 19) is a non-canonical encoding of y = 0.
    const yIsP = `ed${'ff'.repeat(30)}7f`;
    expectCode(() => validateTx(edited((t) => (t.pubkey = yIsP))), 'BAD_SIGNATURE', 'pubkey');
  });

  it('bad escrow bodies', () => {
    const lock = (edit: (b: Record<string, any>) => void) => {
      const tx = structuredClone(makeTx(alice, 'escrow_lock', lockBody('cd'.repeat(16), T0))) as any;
      edit(tx.body);
      return tx;
    };
    expectCode(() => validateTx(lock((b) => (b.jobId = 'cd'.repeat(32)))), 'INVALID_INPUT', 'body.jobId');
    expectCode(
      () => validateTx(lock((b) => (b.terms.maxTokens = 0))),
      'INVALID_INPUT',
      'body.terms.maxTokens',
    );
    expectCode(() => validateTx(lock((b) => (b.terms.seed = 1))), 'INVALID_INPUT', 'body.terms.seed');
    expectCode(() => validateTx(lock((b) => (b.terms.model = ''))), 'INVALID_INPUT', 'body.terms.model');
    expectCode(() => validateTx(lock((b) => (b.coordinator = 'x'))), 'INVALID_ADDRESS', 'body.coordinator');
    expectCode(() => validateTx(lock((b) => (b.amount = '0'))), 'INVALID_AMOUNT', 'body.amount');
    const release = structuredClone(
      makeTx(carol, 'escrow_release', {
        client: alice.address,
        jobId: 'cd'.repeat(16),
        receipt: signReceipt(receiptBodyFor(alice.address, 'cd'.repeat(16))),
      }),
    ) as any;
    delete release.body.receipt.minerSig;
    expectCode(() => validateTx(release), 'INVALID_INPUT', 'body.receipt.minerSig');
  });
});

describe('signatures', () => {
  it('signTx signs the aitbc/tx/v1 bytes and verifyTxSignature accepts them', () => {
    const tx = transfer();
    const { sig: _sig, ...unsigned } = tx;
    expect(Buffer.from(txSignBytes(tx)).toString()).toBe(`aitbc/tx/v1\n${canonicalJson(unsigned)}`);
    expect(() => verifyTxSignature(tx, verifyStrict)).not.toThrow();
  });

  it('verifies from the canonical text too, whatever the memo holds', () => {
    const other = transfer();
    const jobId = '34'.repeat(16);
    const txs: SignedTx[] = [
      transfer(),
      makeTx(alice, 'transfer', { to: bob.address, amount: '1', memo: `,"sig":"${other.sig}","type":"x"` }),
      makeTx(alice, 'transfer', { to: bob.address, amount: '1', memo: '\\",\u2028"sig' }),
      makeTx(alice, 'escrow_lock', lockBody(jobId, T0)),
      makeTx(carol, 'escrow_release', {
        client: alice.address,
        jobId,
        receipt: signReceipt(receiptBodyFor(alice.address, jobId)),
      }),
      makeTx(alice, 'escrow_refund', { client: alice.address, jobId }),
    ];
    for (const tx of txs) {
      const { json } = decodeTx(tx);
      expect(() => verifyTxSignature(tx, verifyStrict, json)).not.toThrow();
      const forged = { ...tx, nonce: tx.nonce + 1 } as SignedTx;
      expectCode(() => verifyTxSignature(forged, verifyStrict, decodeTx(forged).json), 'BAD_SIGNATURE');
    }
  });

  it('signTx refuses a pubkey that is not the signer’s', () => {
    const { sig: _sig, ...unsigned } = transfer();
    expectCode(() => signTx({ ...unsigned, pubkey: bob.publicKey }, alice.signer), 'INVALID_INPUT');
  });

  it('a tampered transaction → BAD_SIGNATURE', () => {
    const tx = edited((t) => (t.body.amount = '5000001')) as SignedTx;
    expectCode(() => verifyTxSignature(validateTx(tx), verifyStrict), 'BAD_SIGNATURE', 'sig');
  });

  it('a key that does not hash to from → BAD_SIGNATURE (pubkey_mismatch)', () => {
    const { sig: _sig, ...unsigned } = transfer();
    // Signed correctly by bob's key, but claiming to be from alice.
    const forged = { ...unsigned, pubkey: bob.publicKey };
    const tx = { ...forged, sig: toHex(bob.signer.sign(txSignBytes(forged))) } as SignedTx;
    try {
      verifyTxSignature(validateTx(tx), verifyStrict);
      throw new Error('accepted');
    } catch (e) {
      expect(isAitbcError(e) && e.code).toBe('BAD_SIGNATURE');
      expect(isAitbcError(e) && e.details.reason).toBe('pubkey_mismatch');
    }
  });

  it('a signature made for another domain → BAD_SIGNATURE', () => {
    const { sig: _sig, ...unsigned } = transfer();
    const tx = {
      ...unsigned,
      sig: toHex(alice.signer.sign(signBytes('aitbc/message/v1', unsigned))),
    } as SignedTx;
    expectCode(() => verifyTxSignature(validateTx(tx), verifyStrict), 'BAD_SIGNATURE');
  });

  it('a malleated signature (S + L) → BAD_SIGNATURE', () => {
    const tx = transfer();
    const sig = Buffer.from(tx.sig, 'hex');
    let s = 0n;
    for (let i = 63; i >= 32; i--) s = (s << 8n) | BigInt(sig[i]);
    s += L;
    for (let i = 32; i < 64; i++) {
      sig[i] = Number(s & 0xffn);
      s >>= 8n;
    }
    expectCode(
      () => verifyTxSignature(validateTx({ ...tx, sig: sig.toString('hex') }), verifyStrict),
      'BAD_SIGNATURE',
    );
  });

  it('another chain’s signature does not verify on this chain', () => {
    const other = makeTx(alice, 'transfer', { to: bob.address, amount: '1' }, { chainId: 'other-chain' });
    expectCode(() => verifyTxSignature({ ...other, chainId: CHAIN }, verifyStrict), 'BAD_SIGNATURE');
  });
});

describe('txAddresses', () => {
  it('lists every party once', () => {
    expect(txAddresses(transfer())).toEqual([alice.address, bob.address]);
    const jobId = 'ef'.repeat(16);
    const release = makeTx(carol, 'escrow_release', {
      client: alice.address,
      jobId,
      receipt: signReceipt(receiptBodyFor(alice.address, jobId)),
    });
    expect(txAddresses(release).sort()).toEqual(
      [carol.address, alice.address, release.body.receipt.miner].sort(),
    );
  });
});
