/**
 * Transfers as the CLI builds them (DESIGN §7): input checks that must fail before any network call
 * (exit 2), building and signing the transaction, and the offline-signed file format that
 * `wallet send --sign-only` writes and `chain broadcast` reads.
 */
import { parseStrictJson } from '../core/canonical-json.js';
import { AitbcError } from '../core/errors.js';
import { toHex } from '../core/hex.js';
import type { Signer } from '../crypto/ed25519.js';
import { MAX_MEMO_BYTES, signTx, txHash, validateTx } from '../protocol/tx.js';
import type { SignedTx } from '../protocol/types.js';

/**
 * @throws AitbcError INVALID_AMOUNT when `amount` is zero (a transfer must move something).
 */
export function assertPositiveAmount(amount: bigint, input: string): void {
  if (amount <= 0n)
    throw new AitbcError('INVALID_AMOUNT', `invalid amount "${input}": must be above zero`, { input });
}

/**
 * @throws AitbcError INVALID_INPUT when the memo is over 256 UTF-8 bytes or holds a lone surrogate.
 */
export function assertMemo(memo: string): void {
  if (!memo.isWellFormed())
    throw new AitbcError('INVALID_INPUT', 'memo contains a lone surrogate', { field: 'memo' });
  const bytes = Buffer.byteLength(memo, 'utf8');
  if (bytes > MAX_MEMO_BYTES) {
    throw new AitbcError('INVALID_INPUT', `memo is ${bytes} UTF-8 bytes; at most ${MAX_MEMO_BYTES}`, {
      field: 'memo',
      bytes,
    });
  }
}

export interface TransferInput {
  chainId: string;
  signer: Signer;
  from: string;
  to: string;
  amount: bigint;
  fee: bigint;
  nonce: number;
  memo?: string;
}

/**
 * Builds and signs a transfer.
 * @example signTransfer({chainId, signer, from, to, amount: 5n, fee: 1000n, nonce: 0}).hash
 */
export function signTransfer(t: TransferInput): { tx: SignedTx<'transfer'>; hash: string } {
  const tx = signTx(
    {
      chainId: t.chainId,
      type: 'transfer',
      from: t.from,
      pubkey: toHex(t.signer.publicKey),
      nonce: t.nonce,
      fee: t.fee.toString(),
      body: { to: t.to, amount: t.amount.toString(), ...(t.memo === undefined ? {} : { memo: t.memo }) },
    },
    t.signer,
  );
  return { tx, hash: txHash(tx) };
}

/**
 * Reads an offline-signed transaction: either the bare transaction or any JSON object carrying it in
 * a `tx` member (what `wallet send --sign-only --json` prints). Parsed strictly (duplicate keys
 * refused) and validated without a size limit (the node applies its chain's).
 * @throws AitbcError INVALID_INPUT (malformed JSON, not a transaction), INVALID_ADDRESS, INVALID_AMOUNT, BAD_SIGNATURE
 */
export function readSignedTx(text: string, source: string): { tx: SignedTx; hash: string } {
  let value: unknown;
  try {
    value = parseStrictJson(text);
  } catch (e) {
    throw new AitbcError('INVALID_INPUT', `${source}: ${(e as Error).message}`, { file: source });
  }
  const candidate =
    typeof value === 'object' && value !== null && !Array.isArray(value) && 'tx' in value && !('sig' in value)
      ? (value as { tx: unknown }).tx
      : value;
  const tx = validateTx(candidate, { maxTxBytes: Number.POSITIVE_INFINITY });
  return { tx, hash: txHash(tx) };
}
