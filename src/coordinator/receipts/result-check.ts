/**
 * Checking what a miner delivers and counter-signing it (DESIGN §8). The coordinator vouches for the
 * output, so before it signs it checks the receipt body against the job (parties, chain, model,
 * inputHash, the assigned unitPrice, token counts within the terms, the price rule and the escrow's cap),
 * the output against `outputHash` and the tokens streamed so far, and the miner's signature. A receipt
 * that fails any check is never signed, stored or settled.
 */
import { AitbcError } from '../../core/errors.js';
import { fromHex } from '../../core/hex.js';
import type { Signer } from '../../crypto/ed25519.js';
import { readHex, readObject } from '../../protocol/fields.js';
import {
  assembleReceipt,
  computeOutputHash,
  computePrice,
  receiptSignBytes,
  signReceiptAs,
  validateReceiptBody,
} from '../../protocol/receipt.js';
import type { Receipt, ReceiptBackend, ReceiptBody, VerifyFn } from '../../protocol/types.js';

/** The body of `POST /v1/miners/jobs/{id}/result`. */
export interface MinerResult {
  output: string;
  receipt: ReceiptBody;
  minerSig: string;
}

/** What the result is checked against. */
export interface ResultContext {
  chainId: string;
  coordinator: string;
  coordinatorPubkey: string;
  job: {
    jobId: string;
    client: string;
    model: string;
    inputHash: string;
    unitPrice: bigint;
    maxTokensIn: number;
    maxTokens: number;
    amount: bigint;
    settlementFee: bigint;
    /** the text streamed so far (the output must begin with it) and its token count */
    streamedText: string;
    tokensStreamed: number;
  };
  /** the caller, from its request signature */
  miner: { address: string; pubkey: string };
  /** from its registration */
  registration: { payTo: string; backend: ReceiptBackend };
  /** unix ms; completedAt may not lie beyond now + maxClockSkewMs */
  now: number;
  maxClockSkewMs: number;
  maxOutputBytes: number;
  verify: VerifyFn;
}

function invalid(problem: string, extra: Record<string, unknown> = {}): AitbcError {
  return new AitbcError('RECEIPT_INVALID', `receipt refused: ${problem}`, { problem, ...extra });
}

/**
 * Parses and checks a miner's result.
 * @throws AitbcError INVALID_INPUT for a malformed body, RECEIPT_INVALID (with `details.problem`) for a
 *   receipt that disagrees with the job, the caller, the output or its signature.
 */
export function checkMinerResult(value: unknown, ctx: ResultContext): MinerResult {
  const o = readObject(value, '$', ['output', 'receipt', 'minerSig']);
  if (typeof o.output !== 'string' || !o.output.isWellFormed())
    throw new AitbcError('INVALID_INPUT', 'output must be a well-formed string', { field: 'output' });
  const output = o.output;
  const outBytes = Buffer.byteLength(output, 'utf8');
  if (outBytes > ctx.maxOutputBytes)
    throw new AitbcError('INVALID_INPUT', `output is ${outBytes} bytes; the limit is ${ctx.maxOutputBytes}`, {
      field: 'output',
      reason: 'too_large',
    });
  const minerSig = readHex(o.minerSig, 'minerSig', 64);
  const body = validateReceiptBody(o.receipt, 'receipt');
  const j = ctx.job;
  const expect = <K extends keyof ReceiptBody>(field: K, want: ReceiptBody[K]) => {
    if (body[field] !== want)
      throw invalid(`${field} is ${String(body[field])}, expected ${String(want)}`, { field });
  };
  expect('chainId', ctx.chainId);
  expect('jobId', j.jobId);
  expect('client', j.client);
  expect('coordinator', ctx.coordinator);
  expect('coordinatorPubkey', ctx.coordinatorPubkey);
  expect('miner', ctx.miner.address);
  expect('minerPubkey', ctx.miner.pubkey);
  expect('payTo', ctx.registration.payTo);
  expect('backend', ctx.registration.backend);
  expect('model', j.model);
  expect('inputHash', j.inputHash);
  if (body.outputHash !== computeOutputHash(output))
    throw invalid('outputHash is not SHA-256 of the output delivered', { field: 'outputHash' });
  if (!output.startsWith(ctx.job.streamedText))
    throw invalid('the output does not begin with the tokens streamed', { field: 'output' });
  if (body.tokensOut < j.tokensStreamed)
    throw invalid(`tokensOut ${body.tokensOut} is below the ${j.tokensStreamed} tokens streamed`, {
      field: 'tokensOut',
    });
  if (body.tokensIn > j.maxTokensIn)
    throw invalid(`tokensIn ${body.tokensIn} exceeds maxTokensIn ${j.maxTokensIn}`, { field: 'tokensIn' });
  if (body.tokensOut > j.maxTokens)
    throw invalid(`tokensOut ${body.tokensOut} exceeds maxTokens ${j.maxTokens}`, { field: 'tokensOut' });
  if (BigInt(body.unitPrice) !== j.unitPrice)
    throw invalid(`unitPrice ${body.unitPrice} is not the assigned ${j.unitPrice}`, { field: 'unitPrice' });
  const price = computePrice(j.unitPrice, body.tokensIn, body.tokensOut);
  if (BigInt(body.price) !== price)
    throw invalid(`price ${body.price} is not ceil(unitPrice × tokens / 1000) = ${price}`, {
      field: 'price',
    });
  const cap = j.amount - j.settlementFee;
  if (price > cap)
    throw invalid(`price ${price} exceeds the escrow's amount − settlementFee ${cap}`, { field: 'price' });
  if (body.completedAt < body.startedAt)
    throw invalid('completedAt is before startedAt', { field: 'completedAt' });
  if (body.completedAt > ctx.now + ctx.maxClockSkewMs)
    throw invalid('completedAt lies in the future', { field: 'completedAt' });
  if (!ctx.verify(fromHex(minerSig, 64), receiptSignBytes(body), fromHex(ctx.miner.pubkey, 32)))
    throw invalid('minerSig does not verify', { field: 'minerSig' });
  return { output, receipt: body, minerSig };
}

/**
 * The miner's signature over a delivered result's receipt as (signature, message, key), for verifying it
 * ahead of `checkMinerResult` (on worker threads); undefined when the body does not parse (the check then
 * says why).
 */
export function minerSigCheck(
  value: unknown,
  minerPubkey: string,
): { sig: Uint8Array; msg: Uint8Array; pub: Uint8Array } | undefined {
  try {
    const o = readObject(value, '$', ['output', 'receipt', 'minerSig']);
    const sig = fromHex(readHex(o.minerSig, 'minerSig', 64), 64);
    return {
      sig,
      msg: receiptSignBytes(validateReceiptBody(o.receipt, 'receipt')),
      pub: fromHex(minerPubkey, 32),
    };
  } catch {
    return undefined;
  }
}

/**
 * Adds the coordinator's signature and the receipt id. Call it only on what `checkMinerResult` returned:
 * that check already verified the miner's signature and that its key is the caller's (so it hashes to
 * `miner`), and the coordinator's half is made here with the key `coordinatorPubkey` names.
 */
export function counterSign(result: MinerResult, signer: Signer): Receipt {
  const coordinatorSig = signReceiptAs(result.receipt, 'coordinator', signer);
  return assembleReceipt(result.receipt, { minerSig: result.minerSig, coordinatorSig });
}
