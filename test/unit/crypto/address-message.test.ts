import { bech32, bech32m } from '@scure/base';
import { describe, expect, it } from 'vitest';
import { AitbcError } from '../../../src/core/errors.js';
import { sha256 } from '../../../src/core/hash.js';
import { fromHex, toHex, utf8 } from '../../../src/core/hex.js';
import { SIGN_DOMAINS, signBytes } from '../../../src/core/sign-bytes.js';
import { addressFromPublicKey, isAddress, parseAddress } from '../../../src/crypto/address.js';
import { signerFromSecret, verifyStrict } from '../../../src/crypto/ed25519.js';
import { signMessage, verifyMessage } from '../../../src/crypto/message.js';

const RFC_TEST1_PUB = 'd75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a';

describe('addresses', () => {
  it('is bech32m(ait, first 20 bytes of SHA-256(raw key))', () => {
    const pub = fromHex(RFC_TEST1_PUB, 32);
    const addr = addressFromPublicKey(pub);
    expect(addr.startsWith('ait1')).toBe(true);
    expect(addr).toBe(addr.toLowerCase());
    const { prefix, words } = bech32m.decode(addr as `${string}1${string}`);
    expect(prefix).toBe('ait');
    expect(toHex(bech32m.fromWords(words))).toBe(toHex(sha256(pub).subarray(0, 20)));
    expect(isAddress(addr)).toBe(true);
  });

  it('refuses a key that is not 32 bytes', () => {
    expect(() => addressFromPublicKey(new Uint8Array(33))).toThrow(RangeError);
  });

  it('rejects uppercase, wrong HRP, wrong checksum, wrong payload length and bech32 (not m)', () => {
    const addr = addressFromPublicKey(fromHex(RFC_TEST1_PUB, 32));
    const flipped = addr.slice(0, -1) + (addr.endsWith('q') ? 'p' : 'q');
    const other = bech32m.encode('btc', bech32m.toWords(new Uint8Array(20)));
    const short = bech32m.encode('ait', bech32m.toWords(new Uint8Array(19)));
    const legacy = bech32.encode('ait', bech32.toWords(new Uint8Array(20)));
    for (const bad of [addr.toUpperCase(), flipped, other, short, legacy, '', 'ait1', 42]) {
      expect(isAddress(bad)).toBe(false);
    }
  });

  it('parseAddress lowercases user input and refuses the rest with INVALID_ADDRESS', () => {
    const addr = addressFromPublicKey(fromHex(RFC_TEST1_PUB, 32));
    expect(parseAddress(`  ${addr.toUpperCase()} `)).toBe(addr);
    try {
      parseAddress('ait1nope', 'to');
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(AitbcError);
      expect((e as AitbcError).code).toBe('INVALID_ADDRESS');
      expect((e as AitbcError).details).toMatchObject({ field: 'to', input: 'ait1nope' });
    }
  });
});

describe('signed messages', () => {
  const signer = signerFromSecret(new Uint8Array(32).fill(3));
  const other = signerFromSecret(new Uint8Array(32).fill(4));
  const address = addressFromPublicKey(signer.publicKey);

  it('signs aitbc/message/v1 + JCS({address, message}) and embeds the key', () => {
    const signed = signMessage('héllo wörld', signer);
    expect(signed.address).toBe(address);
    expect(signed.publicKey).toBe(toHex(signer.publicKey));
    expect(signed.signature).toMatch(/^[0-9a-f]{192}$/);
    expect(signed.signature.slice(0, 64)).toBe(signed.publicKey);
    const bytes = signBytes(SIGN_DOMAINS.message, { address, message: 'héllo wörld' });
    expect(new TextDecoder().decode(bytes)).toBe(
      `aitbc/message/v1\n{"address":"${address}","message":"héllo wörld"}`,
    );
    expect(verifyStrict(fromHex(signed.signature.slice(64), 64), bytes, signer.publicKey)).toBe(true);
    expect(verifyMessage('héllo wörld', signed.signature, address)).toEqual({
      valid: true,
      publicKey: signed.publicKey,
    });
    // Upper case and surrounding whitespace in a pasted signature are tolerated.
    expect(verifyMessage('héllo wörld', ` ${signed.signature.toUpperCase()}\n`, address).valid).toBe(true);
  });

  it('reports why a signature fails', () => {
    const signed = signMessage('hello', signer);
    expect(verifyMessage('hello!', signed.signature, address)).toMatchObject({
      valid: false,
      reason: 'bad-signature',
    });
    expect(verifyMessage('hello', signed.signature, addressFromPublicKey(other.publicKey))).toMatchObject({
      valid: false,
      reason: 'key-mismatch',
    });
    expect(verifyMessage('hello', signed.signature.slice(2), address)).toEqual({
      valid: false,
      reason: 'malformed',
    });
    expect(verifyMessage('hello', `${signed.signature.slice(0, -1)}g`, address)).toEqual({
      valid: false,
      reason: 'malformed',
    });
    // Another key's valid signature, with our key swapped in, does not verify.
    const theirs = signMessage('hello', other);
    const spliced = signed.publicKey + theirs.signature.slice(64);
    expect(verifyMessage('hello', spliced, address)).toMatchObject({ valid: false, reason: 'bad-signature' });
  });

  it('never verifies a signature made for another domain', () => {
    const body = { address, message: 'hello' };
    const txSig = signer.sign(signBytes(SIGN_DOMAINS.tx, body));
    expect(verifyMessage('hello', toHex(signer.publicKey) + toHex(txSig), address).valid).toBe(false);
    expect(verifyStrict(txSig, utf8('hello'), signer.publicKey)).toBe(false);
  });
});
