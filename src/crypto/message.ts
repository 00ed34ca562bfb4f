/**
 * Signed messages (`wallet sign` / `wallet verify`): the signature is 192 lowercase hex — the 32-byte
 * public key then the 64-byte ed25519 signature over `"aitbc/message/v1\n" + JCS({address, message})` —
 * so verifying needs no keystore and no network.
 */
import { fromHex, isLowerHex, toHex } from '../core/hex.js';
import { SIGN_DOMAINS, signBytes } from '../core/sign-bytes.js';
import { addressFromPublicKey } from './address.js';
import { type Signer, verifyStrict } from './ed25519.js';

export interface SignedMessage {
  address: string;
  publicKey: string;
  message: string;
  signature: string;
}

/** Signs `message` as `address` (which must be the signer's). */
export function signMessage(message: string, signer: Signer): SignedMessage {
  const address = addressFromPublicKey(signer.publicKey);
  const sig = signer.sign(signBytes(SIGN_DOMAINS.message, { address, message }));
  return {
    address,
    publicKey: toHex(signer.publicKey),
    message,
    signature: toHex(signer.publicKey) + toHex(sig),
  };
}

export type MessageVerdict =
  | { valid: true; publicKey: string }
  | { valid: false; reason: 'malformed' | 'key-mismatch' | 'bad-signature'; publicKey?: string };

/** Verifies a 192-hex message signature against the claimed address, strictly. */
export function verifyMessage(message: string, signature: string, address: string): MessageVerdict {
  const sig = signature.trim().toLowerCase();
  if (!isLowerHex(sig, 96)) return { valid: false, reason: 'malformed' };
  const pub = fromHex(sig.slice(0, 64), 32);
  const publicKey = sig.slice(0, 64);
  if (addressFromPublicKey(pub) !== address) {
    return { valid: false, reason: 'key-mismatch', publicKey };
  }
  const ok = verifyStrict(
    fromHex(sig.slice(64), 64),
    signBytes(SIGN_DOMAINS.message, { address, message }),
    pub,
  );
  return ok ? { valid: true, publicKey } : { valid: false, reason: 'bad-signature', publicKey };
}
