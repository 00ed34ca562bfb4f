/**
 * Transactions (DESIGN §6–§7): `{chainId, type, from, pubkey, nonce, fee, body, sig}` with the bodies
 * transfer, escrow_lock, escrow_release and escrow_refund. Validation is strict and stateless; the
 * state rules (nonce, balance, escrows) are the state machine's (src/node/state).
 */
import { canonicalJson, parseStrictJson } from '../core/canonical-json.js';
import { AitbcError } from '../core/errors.js';
import { sha256Hex } from '../core/hash.js';
import { fromHex, toHex } from '../core/hex.js';
import { SIGN_DOMAINS, signBytes } from '../core/sign-bytes.js';
import type { Signer } from '../crypto/ed25519.js';
import {
  readAddress,
  readAmount,
  readChainId,
  readHex,
  readObject,
  readPositiveAmount,
  readPositiveInt,
  readString,
  readUint,
} from './fields.js';
import { DEFAULT_PARAMS } from './genesis.js';
import { addressOfPublicKey } from './pubkey.js';
import { MAX_MODEL_BYTES, validateReceipt } from './receipt.js';
import type { Hex, SignedTx, TxType, UnsignedTx, VerifyFn } from './types.js';

export const TX_TYPES: readonly TxType[] = ['transfer', 'escrow_lock', 'escrow_release', 'escrow_refund'];
/** A memo's limit in UTF-8 bytes (DESIGN §6). */
export const MAX_MEMO_BYTES = 256;

const TX_FIELDS = ['chainId', 'type', 'from', 'pubkey', 'nonce', 'fee', 'body', 'sig'] as const;

/** A validated transaction with its canonical text, size and hash, computed once. */
export interface DecodedTx {
  tx: SignedTx;
  /** JCS of the whole signed transaction (what is stored and hashed). */
  json: string;
  /** UTF-8 byte length of `json`; compared with `maxTxBytes`. */
  size: number;
  /** SHA-256 of `json`, lowercase hex. */
  hash: Hex;
}

function validateBody(type: TxType, body: unknown): void {
  switch (type) {
    case 'transfer': {
      const b = readObject(body, 'body', ['to', 'amount'], ['memo']);
      readAddress(b.to, 'body.to');
      readPositiveAmount(b.amount, 'body.amount');
      if (b.memo !== undefined) readString(b.memo, 'body.memo', MAX_MEMO_BYTES, true);
      return;
    }
    case 'escrow_lock': {
      const b = readObject(body, 'body', ['jobId', 'amount', 'coordinator', 'expiresAt', 'terms']);
      readHex(b.jobId, 'body.jobId', 16);
      readPositiveAmount(b.amount, 'body.amount');
      readAddress(b.coordinator, 'body.coordinator');
      readUint(b.expiresAt, 'body.expiresAt');
      const t = readObject(b.terms, 'body.terms', [
        'model',
        'inputHash',
        'maxTokensIn',
        'maxTokens',
        'maxUnitPrice',
        'settlementFee',
      ]);
      readString(t.model, 'body.terms.model', MAX_MODEL_BYTES);
      readHex(t.inputHash, 'body.terms.inputHash', 32);
      readPositiveInt(t.maxTokensIn, 'body.terms.maxTokensIn');
      readPositiveInt(t.maxTokens, 'body.terms.maxTokens');
      readAmount(t.maxUnitPrice, 'body.terms.maxUnitPrice');
      readAmount(t.settlementFee, 'body.terms.settlementFee');
      return;
    }
    case 'escrow_release': {
      const b = readObject(body, 'body', ['client', 'jobId', 'receipt']);
      readAddress(b.client, 'body.client');
      readHex(b.jobId, 'body.jobId', 16);
      validateReceipt(b.receipt, 'body.receipt');
      return;
    }
    case 'escrow_refund': {
      const b = readObject(body, 'body', ['client', 'jobId']);
      readAddress(b.client, 'body.client');
      readHex(b.jobId, 'body.jobId', 16);
      return;
    }
  }
}

/**
 * Strict, stateless validation of a signed transaction, returning it with its canonical text, size and
 * hash. Checks in this order: a JSON object; its JCS size ≤ `maxTxBytes` (default
 * DEFAULT_PARAMS.maxTxBytes; TX_TOO_LARGE); the exact field
 * set with no nulls (INVALID_INPUT); chainId and type (INVALID_INPUT); `from` (INVALID_ADDRESS); pubkey
 * encoding (INVALID_INPUT) and validity — canonical, not of small order (BAD_SIGNATURE); nonce
 * (INVALID_INPUT); fee (INVALID_AMOUNT); the body (INVALID_INPUT / INVALID_ADDRESS / INVALID_AMOUNT);
 * sig encoding (INVALID_INPUT). The signature itself is `verifyTxSignature`'s.
 * @example decodeTx(JSON.parse(text), {maxTxBytes: genesis.params.maxTxBytes}).hash
 */
export function decodeTx(value: unknown, opts: { maxTxBytes?: number } = {}): DecodedTx {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new AitbcError('INVALID_INPUT', 'a transaction must be a JSON object', { field: '$' });
  const json = canonicalJson(value);
  const size = Buffer.byteLength(json, 'utf8');
  const maxTxBytes = opts.maxTxBytes ?? DEFAULT_PARAMS.maxTxBytes;
  if (size > maxTxBytes)
    throw new AitbcError('TX_TOO_LARGE', `transaction is ${size} bytes; the limit is ${maxTxBytes}`, {
      size,
      maxTxBytes,
    });
  const obj = readObject(value, '$', TX_FIELDS);
  readChainId(obj.chainId);
  if (!TX_TYPES.includes(obj.type as TxType))
    throw new AitbcError('INVALID_INPUT', `type must be one of ${TX_TYPES.join(', ')}`, { field: 'type' });
  readAddress(obj.from, 'from');
  if (addressOfPublicKey(readHex(obj.pubkey, 'pubkey', 32)) === null)
    throw new AitbcError(
      'BAD_SIGNATURE',
      'pubkey is not a valid ed25519 public key (non-canonical or small order)',
      {
        field: 'pubkey',
        reason: 'invalid_pubkey',
      },
    );
  readUint(obj.nonce, 'nonce');
  readAmount(obj.fee, 'fee');
  validateBody(obj.type as TxType, obj.body);
  readHex(obj.sig, 'sig', 64);
  return { tx: value as SignedTx, json, size, hash: sha256Hex(json) };
}

/**
 * Strict validation of a signed transaction (see `decodeTx` for the rules and their codes).
 * @throws AitbcError INVALID_INPUT | INVALID_ADDRESS | INVALID_AMOUNT | TX_TOO_LARGE | BAD_SIGNATURE
 */
export function validateTx(value: unknown, opts: { maxTxBytes?: number } = {}): SignedTx {
  return decodeTx(value, opts).tx;
}

/**
 * Parses transaction text as strict I-JSON (duplicate keys and lone surrogates refused) and validates it.
 * @throws AitbcError INVALID_INPUT for malformed JSON or a duplicate field, else as `decodeTx`.
 */
export function parseTx(text: string, opts: { maxTxBytes?: number } = {}): DecodedTx {
  return decodeTx(parseStrictJson(text), opts);
}

/** `"aitbc/tx/v1\n" + JCS(tx without sig)` as UTF-8 (a `sig` field, if present, is left out). */
export function txSignBytes(tx: UnsignedTx | SignedTx): Uint8Array {
  const { sig: _sig, ...unsigned } = tx as SignedTx;
  return signBytes('aitbc/tx/v1', unsigned);
}

/**
 * Signs an unsigned transaction and validates the result (no size limit: the chain's is checked on
 * submission).
 * @throws AitbcError INVALID_INPUT when `pubkey` is not the signer's key, else as `validateTx`.
 * @example signTx({chainId, type: 'transfer', from, pubkey, nonce: 0, fee: '1000', body: {to, amount: '5'}}, signer)
 */
export function signTx<T extends TxType>(unsigned: UnsignedTx<T>, signer: Signer): SignedTx<T> {
  if (toHex(signer.publicKey) !== unsigned.pubkey)
    throw new AitbcError('INVALID_INPUT', "pubkey is not the signing key's public key", { field: 'pubkey' });
  const tx = { ...unsigned, sig: toHex(signer.sign(txSignBytes(unsigned as UnsignedTx))) } as SignedTx<T>;
  validateTx(tx, { maxTxBytes: Number.POSITIVE_INFINITY });
  return tx;
}

/** SHA-256 of JCS of the whole signed transaction, lowercase hex. */
export function txHash(tx: SignedTx): Hex {
  return sha256Hex(canonicalJson(tx));
}

/**
 * The sign bytes from the JCS text of the signed transaction (`DecodedTx.json`), without serialising
 * again. In JCS the top-level members are sorted (`…,"pubkey":…,"sig":"…","type":…`) and every quote
 * inside a string is escaped, so the one unescaped `,"sig":"<sig>"` is the signature member, and the
 * text without it is exactly JCS of the unsigned transaction (no nested object of a transaction has
 * a `sig` member).
 */
function signBytesFromJson(json: string, sig: string): Uint8Array {
  const member = `,"sig":"${sig}"`;
  const at = json.indexOf(member);
  if (at < 0) throw new AitbcError('INTERNAL', 'the canonical text does not hold the signature');
  return Buffer.from(`${SIGN_DOMAINS.tx}\n${json.slice(0, at)}${json.slice(at + member.length)}`, 'utf8');
}

/**
 * Checks that `pubkey` hashes to `from` and that `sig` verifies strictly over the tx's sign bytes.
 * Call it on a validated transaction; pass its canonical text (`decodeTx(…).json`) to save
 * serialising it again.
 * @throws AitbcError BAD_SIGNATURE (details.reason `pubkey_mismatch` or `bad_signature`).
 */
export function verifyTxSignature(tx: SignedTx, verify: VerifyFn, json?: string): void {
  if (addressOfPublicKey(tx.pubkey) !== tx.from)
    throw new AitbcError('BAD_SIGNATURE', `pubkey does not hash to from ${tx.from}`, {
      field: 'pubkey',
      reason: 'pubkey_mismatch',
    });
  const message = json === undefined ? txSignBytes(tx) : signBytesFromJson(json, tx.sig);
  if (!verify(fromHex(tx.sig, 64, 'sig'), message, fromHex(tx.pubkey, 32, 'pubkey')))
    throw new AitbcError('BAD_SIGNATURE', 'signature does not verify', {
      field: 'sig',
      reason: 'bad_signature',
    });
}

/**
 * Every address a transaction touches (sender, recipient, escrow parties, receipt payee), unique, in a
 * fixed order: for indexing transactions by address.
 */
export function txAddresses(tx: SignedTx): string[] {
  const out = [tx.from];
  switch (tx.type) {
    case 'transfer':
      out.push(tx.body.to);
      break;
    case 'escrow_lock':
      out.push(tx.body.coordinator);
      break;
    case 'escrow_release': {
      const r = tx.body.receipt;
      out.push(tx.body.client, r.coordinator, r.miner, r.payTo);
      break;
    }
    case 'escrow_refund':
      out.push(tx.body.client);
      break;
  }
  return [...new Set(out)];
}
