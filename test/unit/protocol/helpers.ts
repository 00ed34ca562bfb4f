/**
 * Fixed test keys and builders shared by the protocol, state and mempool tests. Keys derive from fixed
 * seeds: secret = SHA-256("aitbc/test-vectors/<name>"), so every run and every machine signs the same bytes.
 */
import { sha256 } from '../../../src/core/hash.js';
import { toHex } from '../../../src/core/hex.js';
import { addressFromPublicKey } from '../../../src/crypto/address.js';
import { type Signer, signerFromSecret } from '../../../src/crypto/ed25519.js';
import {
  assembleReceipt,
  computeInputHash,
  computePrice,
  signReceiptAs,
} from '../../../src/protocol/receipt.js';
import { signTx } from '../../../src/protocol/tx.js';
import type {
  EscrowLockBody,
  EscrowTerms,
  Receipt,
  ReceiptBody,
  SignedTx,
  TxBodies,
  TxType,
  UnsignedTx,
} from '../../../src/protocol/types.js';

export interface TestKey {
  name: string;
  seed: string;
  secret: Uint8Array;
  signer: Signer;
  publicKey: string;
  address: string;
}

/** The key named `name`, derived from the seed "aitbc/test-vectors/<name>". */
export function testKey(name: string): TestKey {
  const seed = `aitbc/test-vectors/${name}`;
  const secret = sha256(seed);
  const signer = signerFromSecret(secret);
  return {
    name,
    seed,
    secret,
    signer,
    publicKey: toHex(signer.publicKey),
    address: addressFromPublicKey(signer.publicKey),
  };
}

export const alice = testKey('alice');
export const bob = testKey('bob');
export const carol = testKey('carol');
export const dave = testKey('dave');
export const validator = testKey('validator');

export const CHAIN = 'aitbc-vectors';
/** Genesis time of the test chains, unix ms. */
export const T0 = 1_750_000_000_000;

/** Signs a transaction of `type` from `key`. */
export function makeTx<T extends TxType>(
  key: TestKey,
  type: T,
  body: TxBodies[T],
  opts: { nonce?: number; fee?: string; chainId?: string } = {},
): SignedTx<T> {
  const unsigned = {
    chainId: opts.chainId ?? CHAIN,
    type,
    from: key.address,
    pubkey: key.publicKey,
    nonce: opts.nonce ?? 0,
    fee: opts.fee ?? '1000',
    body,
  } as UnsignedTx<T>;
  return signTx(unsigned, key.signer);
}

export const PROMPT = 'Say hello in French.';
export const MODEL = 'echo';

/** Escrow terms for PROMPT: maxTokensIn = bytes + 16, 64 output tokens, 2000 uait per 1k tokens. */
export function testTerms(overrides: Partial<EscrowTerms> = {}): EscrowTerms {
  return {
    model: MODEL,
    inputHash: computeInputHash({ model: MODEL, prompt: PROMPT, params: { maxTokens: 64 } }),
    maxTokensIn: Buffer.byteLength(PROMPT) + 16,
    maxTokens: 64,
    maxUnitPrice: '2000',
    settlementFee: '1000',
    ...overrides,
  };
}

/** A lock body for `jobId` with coordinator carol, expiring `ttl` ms after `time`. */
export function lockBody(
  jobId: string,
  time: number,
  overrides: Partial<EscrowLockBody> = {},
): EscrowLockBody {
  return {
    jobId,
    amount: '1000000',
    coordinator: carol.address,
    expiresAt: time + 600_000,
    terms: testTerms(),
    ...overrides,
  };
}

/** A receipt body for a job of `client` run by dave and vouched for by carol. */
export function receiptBodyFor(
  client: string,
  jobId: string,
  overrides: Partial<ReceiptBody> = {},
): ReceiptBody {
  const unitPrice = overrides.unitPrice ?? '1500';
  const tokensIn = overrides.tokensIn ?? 21;
  const tokensOut = overrides.tokensOut ?? 3;
  return {
    version: 1,
    chainId: CHAIN,
    jobId,
    client,
    coordinator: carol.address,
    miner: dave.address,
    payTo: dave.address,
    model: MODEL,
    backend: 'echo',
    inputHash: computeInputHash({ model: MODEL, prompt: PROMPT, params: { maxTokens: 64 } }),
    outputHash: toHex(sha256('[echo] Say hello')),
    tokensIn,
    tokensOut,
    unitPrice,
    price: computePrice(BigInt(unitPrice), tokensIn, tokensOut).toString(),
    startedAt: T0 + 1000,
    completedAt: T0 + 2000,
    minerPubkey: dave.publicKey,
    coordinatorPubkey: carol.publicKey,
    ...overrides,
  };
}

/** A receipt signed by its miner and coordinator keys. */
export function signReceipt(body: ReceiptBody, miner: TestKey = dave, coordinator: TestKey = carol): Receipt {
  return assembleReceipt(body, {
    minerSig: signReceiptAs(body, 'miner', miner.signer),
    coordinatorSig: signReceiptAs(body, 'coordinator', coordinator.signer),
  });
}
