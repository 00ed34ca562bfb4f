/**
 * Compute receipts (DESIGN §8): a flat object both the miner and the coordinator sign under
 * `aitbc/receipt/v1`; `receiptId` = SHA-256 of those sign bytes. The chain checks a receipt before it
 * pays (escrow_release), and `aitbc receipts verify` checks it offline with the same `verifyReceipt`.
 */
import { canonicalJson } from '../core/canonical-json.js';
import { AitbcError } from '../core/errors.js';
import { sha256Hex } from '../core/hash.js';
import { fromHex, toHex } from '../core/hex.js';
import { signBytes } from '../core/sign-bytes.js';
import type { Signer } from '../crypto/ed25519.js';
import { readAddress, readAmount, readChainId, readHex, readObject, readString, readUint } from './fields.js';
import { addressOfPublicKey } from './pubkey.js';
import type { GenerationParams, Hex, Receipt, ReceiptBackend, ReceiptBody, VerifyFn } from './types.js';

export const RECEIPT_BACKENDS: readonly ReceiptBackend[] = ['ollama', 'llama-cpp', 'echo'];
/** Longest model id or digest a receipt (and escrow terms) may carry, in UTF-8 bytes. */
export const MAX_MODEL_BYTES = 256;

const BODY_FIELDS = [
  'version',
  'chainId',
  'jobId',
  'client',
  'coordinator',
  'miner',
  'payTo',
  'model',
  'backend',
  'inputHash',
  'outputHash',
  'tokensIn',
  'tokensOut',
  'unitPrice',
  'price',
  'startedAt',
  'completedAt',
  'minerPubkey',
  'coordinatorPubkey',
] as const;
const SIG_FIELDS = ['receiptId', 'minerSig', 'coordinatorSig'] as const;

function readBodyFields(obj: Record<string, unknown>, field: string): void {
  if (obj.version !== 1)
    throw new AitbcError('INVALID_INPUT', `${field}.version must be 1`, { field: `${field}.version` });
  readChainId(obj.chainId, `${field}.chainId`);
  readHex(obj.jobId, `${field}.jobId`, 16);
  for (const k of ['client', 'coordinator', 'miner', 'payTo'] as const) readAddress(obj[k], `${field}.${k}`);
  readString(obj.model, `${field}.model`, MAX_MODEL_BYTES);
  if (obj.modelDigest !== undefined) readString(obj.modelDigest, `${field}.modelDigest`, MAX_MODEL_BYTES);
  if (!RECEIPT_BACKENDS.includes(obj.backend as ReceiptBackend))
    throw new AitbcError('INVALID_INPUT', `${field}.backend must be one of ${RECEIPT_BACKENDS.join(', ')}`, {
      field: `${field}.backend`,
    });
  readHex(obj.inputHash, `${field}.inputHash`, 32);
  readHex(obj.outputHash, `${field}.outputHash`, 32);
  for (const k of ['tokensIn', 'tokensOut', 'startedAt', 'completedAt'] as const)
    readUint(obj[k], `${field}.${k}`);
  readAmount(obj.unitPrice, `${field}.unitPrice`);
  readAmount(obj.price, `${field}.price`);
  readHex(obj.minerPubkey, `${field}.minerPubkey`, 32);
  readHex(obj.coordinatorPubkey, `${field}.coordinatorPubkey`, 32);
}

/**
 * Checks a receipt's encoding (exact fields, DESIGN §6 encodings); semantics are `verifyReceipt`'s.
 * @throws AitbcError INVALID_INPUT / INVALID_ADDRESS / INVALID_AMOUNT naming the field.
 */
export function validateReceipt(value: unknown, field = 'receipt'): Receipt {
  const obj = readObject(value, field, [...BODY_FIELDS, ...SIG_FIELDS], ['modelDigest']);
  readBodyFields(obj, field);
  readHex(obj.receiptId, `${field}.receiptId`, 32);
  readHex(obj.minerSig, `${field}.minerSig`, 64);
  readHex(obj.coordinatorSig, `${field}.coordinatorSig`, 64);
  return obj as unknown as Receipt;
}

/** Checks a receipt body's encoding (a receipt without receiptId and signatures). @throws like validateReceipt */
export function validateReceiptBody(value: unknown, field = 'receipt'): ReceiptBody {
  const obj = readObject(value, field, BODY_FIELDS, ['modelDigest']);
  readBodyFields(obj, field);
  return obj as unknown as ReceiptBody;
}

/** The signed part of a receipt: every field except receiptId, minerSig, coordinatorSig. */
export function receiptBody(receipt: Receipt | ReceiptBody): ReceiptBody {
  const { receiptId: _id, minerSig: _m, coordinatorSig: _c, ...body } = receipt as Receipt;
  return body;
}

/** `"aitbc/receipt/v1\n" + JCS(body)` as UTF-8; both parties sign exactly these bytes. */
export function receiptSignBytes(body: ReceiptBody): Uint8Array {
  return signBytes('aitbc/receipt/v1', receiptBody(body));
}

/** receiptId = SHA-256 of the receipt's sign bytes, lowercase hex. */
export function computeReceiptId(body: ReceiptBody): Hex {
  return sha256Hex(receiptSignBytes(body));
}

/**
 * inputHash = SHA-256(JCS({model, prompt, params})), `params` holding only the parameters the client sent.
 * @example computeInputHash({model: 'echo', prompt: 'hi', params: {maxTokens: 8}})
 */
export function computeInputHash(input: { model: string; prompt: string; params: GenerationParams }): Hex {
  const params: Record<string, number> = {};
  for (const k of ['maxTokens', 'temperature', 'seed'] as const) {
    const v = input.params[k];
    if (v !== undefined) params[k] = v;
  }
  return sha256Hex(canonicalJson({ model: input.model, prompt: input.prompt, params }));
}

/** outputHash = SHA-256 of the output's UTF-8 bytes exactly as delivered. */
export function computeOutputHash(output: string): Hex {
  return sha256Hex(output);
}

/**
 * price = ceil(unitPrice × (tokensIn + tokensOut) / 1000), in uait; unitPrice is per 1,000 tokens.
 * @example computePrice(1000n, 1, 0) === 1n
 */
export function computePrice(unitPrice: bigint, tokensIn: number, tokensOut: number): bigint {
  const work = unitPrice * (BigInt(tokensIn) + BigInt(tokensOut));
  return (work + 999n) / 1000n;
}

/**
 * One party's signature over the receipt body. The signer's key must be the body's `minerPubkey` or
 * `coordinatorPubkey` for that role.
 * @throws AitbcError INVALID_INPUT when the signer's key is not the one the body names for the role.
 */
export function signReceiptAs(body: ReceiptBody, role: 'miner' | 'coordinator', signer: Signer): Hex {
  const named = role === 'miner' ? body.minerPubkey : body.coordinatorPubkey;
  if (toHex(signer.publicKey) !== named)
    throw new AitbcError('INVALID_INPUT', `the signing key is not the receipt's ${role}Pubkey`, { role });
  return toHex(signer.sign(receiptSignBytes(body)));
}

/** The full receipt from a body and both signatures (receiptId computed). */
export function assembleReceipt(body: ReceiptBody, sigs: { minerSig: Hex; coordinatorSig: Hex }): Receipt {
  const b = receiptBody(body);
  return {
    ...b,
    receiptId: computeReceiptId(b),
    minerSig: sigs.minerSig,
    coordinatorSig: sigs.coordinatorSig,
  };
}

/**
 * The two signature checks of a receipt (miner's, coordinator's) as (signature, message, key), for
 * verifying them ahead of `verifyReceipt` (the node's workers); empty when the receipt does not parse.
 */
export function receiptSigChecks(
  receipt: unknown,
): Array<{ sig: Uint8Array; msg: Uint8Array; pub: Uint8Array }> {
  let r: Receipt;
  try {
    r = validateReceipt(receipt);
  } catch {
    return [];
  }
  const msg = receiptSignBytes(receiptBody(r));
  return [
    { sig: fromHex(r.minerSig, 64), msg, pub: fromHex(r.minerPubkey, 32) },
    { sig: fromHex(r.coordinatorSig, 64), msg, pub: fromHex(r.coordinatorPubkey, 32) },
  ];
}

/**
 * Every problem with a receipt, empty when it is valid: encoding, each key valid and hashing to its
 * address, times in order, `price` and `receiptId` recomputing, both signatures verifying strictly.
 * It does not check the output (the caller holds it) nor the chain.
 */
export function verifyReceipt(receipt: unknown, verify: VerifyFn): string[] {
  let r: Receipt;
  try {
    r = validateReceipt(receipt);
  } catch (e) {
    return [(e as Error).message];
  }
  const problems: string[] = [];
  if (r.completedAt < r.startedAt) problems.push('completedAt is before startedAt');
  const price = computePrice(BigInt(r.unitPrice), r.tokensIn, r.tokensOut);
  if (BigInt(r.price) !== price) problems.push(`price ${r.price} does not recompute (expected ${price})`);
  const body = receiptBody(r);
  const msg = receiptSignBytes(body);
  if (sha256Hex(msg) !== r.receiptId) problems.push('receiptId does not recompute');
  for (const role of ['miner', 'coordinator'] as const) {
    const pubkey = role === 'miner' ? r.minerPubkey : r.coordinatorPubkey;
    const address = role === 'miner' ? r.miner : r.coordinator;
    const sig = fromHex(role === 'miner' ? r.minerSig : r.coordinatorSig, 64);
    const keyAddress = addressOfPublicKey(pubkey);
    if (keyAddress === null) {
      problems.push(`${role}Pubkey is not a valid ed25519 public key`);
      continue;
    }
    if (keyAddress !== address) problems.push(`${role}Pubkey does not hash to ${role} ${address}`);
    if (!verify(sig, msg, fromHex(pubkey, 32))) problems.push(`${role}Sig does not verify`);
  }
  return problems;
}
