import { describe, expect, it } from 'vitest';
import { minFeeOf } from '../../../src/client/send.js';
import {
  assertMemo,
  assertPositiveAmount,
  readSignedTx,
  signTransfer,
} from '../../../src/client/transfer.js';
import { fromHex } from '../../../src/core/hex.js';
import { addressFromPublicKey } from '../../../src/crypto/address.js';
import { signerFromSecret, verifyStrict } from '../../../src/crypto/ed25519.js';
import { txSignBytes } from '../../../src/protocol/tx.js';

const signer = signerFromSecret(new Uint8Array(32).fill(7));
const from = addressFromPublicKey(signer.publicKey);
const to = addressFromPublicKey(signerFromSecret(new Uint8Array(32).fill(8)).publicKey);

/** Matches an AitbcError with this code. */
const withCode = (code: string) => expect.objectContaining({ code });

describe('transfer', () => {
  it('signs a transfer that verifies strictly and hashes deterministically', () => {
    const a = signTransfer({ chainId: 'c1', signer, from, to, amount: 5n, fee: 1000n, nonce: 2, memo: 'hi' });
    expect(a.tx).toMatchObject({
      chainId: 'c1',
      type: 'transfer',
      from,
      nonce: 2,
      fee: '1000',
      body: { to, amount: '5', memo: 'hi' },
    });
    expect(verifyStrict(fromHex(a.tx.sig, 64), txSignBytes(a.tx), signer.publicKey)).toBe(true);
    expect(
      signTransfer({ chainId: 'c1', signer, from, to, amount: 5n, fee: 1000n, nonce: 2, memo: 'hi' }).hash,
    ).toBe(a.hash);
    expect(
      signTransfer({ chainId: 'c1', signer, from, to, amount: 5n, fee: 1000n, nonce: 2 }).tx.body,
    ).toEqual({ to, amount: '5' });
  });

  it('refuses a zero amount and an over-long memo before anything is signed', () => {
    expect(() => assertPositiveAmount(0n, '0')).toThrow(withCode('INVALID_AMOUNT'));
    expect(() => assertPositiveAmount(1n, '1uait')).not.toThrow();
    expect(() => assertMemo('x'.repeat(256))).not.toThrow();
    expect(() => assertMemo('é'.repeat(129))).toThrow(withCode('INVALID_INPUT'));
    expect(() => assertMemo('\ud800')).toThrow(withCode('INVALID_INPUT'));
  });

  it('reads an offline-signed transaction bare or wrapped, strictly', () => {
    const { tx, hash } = signTransfer({ chainId: 'c1', signer, from, to, amount: 5n, fee: 1000n, nonce: 0 });
    expect(readSignedTx(JSON.stringify(tx), 'f')).toEqual({ tx, hash });
    expect(readSignedTx(JSON.stringify({ status: 'signed', hash, tx }, null, 2), 'f').hash).toBe(hash);
    expect(() => readSignedTx('{', 'f')).toThrow(withCode('INVALID_INPUT'));
    const duplicate = JSON.stringify(tx).replace('"nonce":0', '"nonce":0,"nonce":1');
    expect(() => readSignedTx(duplicate, 'f')).toThrow(withCode('INVALID_INPUT'));
    expect(() => readSignedTx(JSON.stringify({ ...tx, fee: '01' }), 'f')).toThrow(withCode('INVALID_AMOUNT'));
    const upper = JSON.stringify({ ...tx, from: from.toUpperCase() });
    expect(() => readSignedTx(upper, 'f')).toThrow(withCode('INVALID_ADDRESS'));
  });

  it('reads the minimum fee from a status, or says it is missing', () => {
    const status = { chainId: 'c', genesisHash: 'g', height: 1, validators: [] };
    expect(minFeeOf({ ...status, params: { minFee: '1000' } as never }, 'u')).toBe(1000n);
    expect(() => minFeeOf(status, 'u')).toThrow(withCode('INTERNAL'));
  });
});
