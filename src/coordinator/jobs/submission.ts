/**
 * What a client posts to `POST /v1/jobs` and how the coordinator checks it against the escrow lock on
 * chain (DESIGN §7–§8): the lock must be committed, name this coordinator, be locked, and carry terms
 * that fit this very job (model, inputHash, maxTokensIn, maxTokens) with time left before its deadline.
 * Pure: the caller fetches the transaction and the escrow.
 */
import { AitbcError } from '../../core/errors.js';
import { maxTokensInFor } from '../../protocol/escrow.js';
import { readHex, readObject, readPositiveInt, readString, readUint } from '../../protocol/fields.js';
import { computeInputHash, MAX_MODEL_BYTES } from '../../protocol/receipt.js';
import type { GenerationParams } from '../../protocol/types.js';
import type { LockTerms } from './job.js';

/** The body of `POST /v1/jobs`. */
export interface JobSubmission {
  /** 32 lowercase hex, the escrow's jobId */
  jobId: string;
  /** hash of the client's escrow_lock transaction */
  lockTx: string;
  model: string;
  prompt: string;
  params: GenerationParams;
}

/**
 * Validates a submission. An oversized prompt is refused with `details.reason = "prompt_too_large"`
 * (the HTTP layer answers 413).
 * @throws AitbcError INVALID_INPUT naming the field.
 */
export function parseSubmission(value: unknown, maxPromptBytes: number): JobSubmission {
  const o = readObject(value, '$', ['jobId', 'lockTx', 'model', 'prompt'], ['params']);
  const jobId = readHex(o.jobId, 'jobId', 16);
  const lockTx = readHex(o.lockTx, 'lockTx', 32);
  const model = readString(o.model, 'model', MAX_MODEL_BYTES);
  if (typeof o.prompt !== 'string')
    throw new AitbcError('INVALID_INPUT', 'prompt must be a string', { field: 'prompt' });
  const bytes = Buffer.byteLength(o.prompt, 'utf8');
  if (bytes > maxPromptBytes)
    throw new AitbcError('INVALID_INPUT', `prompt is ${bytes} bytes; the limit is ${maxPromptBytes}`, {
      field: 'prompt',
      reason: 'prompt_too_large',
      bytes,
      maxPromptBytes,
    });
  const prompt = readString(o.prompt, 'prompt', maxPromptBytes);
  return { jobId, lockTx, model, prompt, params: parseParams(o.params) };
}

/** `{maxTokens?, temperature?, seed?}`; absent ones stay absent (they enter inputHash as sent). */
export function parseParams(value: unknown): GenerationParams {
  if (value === undefined) return {};
  const p = readObject(value, 'params', [], ['maxTokens', 'temperature', 'seed']);
  const out: GenerationParams = {};
  if (p.maxTokens !== undefined) out.maxTokens = readPositiveInt(p.maxTokens, 'params.maxTokens');
  if (p.temperature !== undefined) {
    if (typeof p.temperature !== 'number' || !Number.isFinite(p.temperature) || p.temperature < 0)
      throw new AitbcError('INVALID_INPUT', 'params.temperature must be a non-negative number', {
        field: 'params.temperature',
      });
    out.temperature = p.temperature;
  }
  if (p.seed !== undefined) out.seed = readUint(p.seed, 'params.seed');
  return out;
}

/** A committed transaction as `get_tx` returns it (only what the check reads). */
export interface LockTxInfo {
  tx: { type: string; from: string; body: object };
  height?: number;
  code?: number;
  log?: string;
}

/** An escrow as `get_escrow` returns it (only what the check reads). */
export interface EscrowView {
  client: string;
  jobId: string;
  amount: string;
  coordinator: string;
  expiresAt: number;
  status: string;
  terms: {
    model: string;
    inputHash: string;
    maxTokensIn: number;
    maxTokens: number;
    maxUnitPrice: string;
    settlementFee: string;
  };
}

/** The verdict on a lock. */
export type LockVerdict =
  | { status: 'pending' }
  | { status: 'confirmed'; terms: LockTerms; deadline: number }
  | { status: 'mismatch'; problem: string; refundable: boolean; terms?: LockTerms };

function termsOf(e: EscrowView): LockTerms {
  return {
    amount: BigInt(e.amount),
    maxUnitPrice: BigInt(e.terms.maxUnitPrice),
    settlementFee: BigInt(e.terms.settlementFee),
    maxTokensIn: e.terms.maxTokensIn,
    maxTokens: e.terms.maxTokens,
    expiresAt: e.expiresAt,
  };
}

/**
 * Checks the lock of `job` from what the chain returned: `tx` from `get_tx(lockTx)` (undefined when not
 * found or not yet committed) and `escrow` from `get_escrow(client, jobId)` (undefined when none).
 * A mismatch is `refundable` when the escrow is locked and names this coordinator, so the client's money
 * goes back at once instead of waiting for `expiresAt`.
 */
export function checkLock(input: {
  job: { jobId: string; client: string; model: string; prompt: string; params: GenerationParams };
  tx: LockTxInfo | undefined;
  escrow: EscrowView | undefined;
  coordinator: string;
  now: number;
  deadlineMarginMs: number;
}): LockVerdict {
  const { job, tx, escrow } = input;
  if (tx === undefined || tx.height === undefined) return { status: 'pending' };
  const ours = escrow !== undefined && escrow.coordinator === input.coordinator && escrow.status === 'locked';
  const mismatch = (problem: string): LockVerdict => ({
    status: 'mismatch',
    problem,
    refundable: ours,
    ...(escrow ? { terms: termsOf(escrow) } : {}),
  });
  if (tx.tx.type !== 'escrow_lock') return mismatch(`lockTx is a ${tx.tx.type} transaction, not escrow_lock`);
  if (tx.tx.from !== job.client) return mismatch(`lockTx was sent by ${tx.tx.from}, not by the client`);
  const lockedJob = (tx.tx.body as { jobId?: unknown }).jobId;
  if (lockedJob !== job.jobId) return mismatch(`lockTx locks job ${String(lockedJob)}, not ${job.jobId}`);
  if (tx.code !== undefined && tx.code !== 0)
    return mismatch(`lockTx failed on chain: ${tx.log ?? `code ${tx.code}`}`);
  if (escrow === undefined) return { status: 'pending' };
  if (escrow.coordinator !== input.coordinator)
    return mismatch(`the escrow names coordinator ${escrow.coordinator}, not this one`);
  if (escrow.status !== 'locked') return mismatch(`the escrow is already ${escrow.status}`);
  const t = escrow.terms;
  if (t.model !== job.model) return mismatch(`the escrow is for model ${t.model}, not ${job.model}`);
  const inputHash = computeInputHash(job);
  if (t.inputHash !== inputHash)
    return mismatch('the escrow inputHash differs from SHA-256(JCS({model, prompt, params}))');
  const maxTokensIn = maxTokensInFor(job.prompt);
  if (t.maxTokensIn !== maxTokensIn)
    return mismatch(`the escrow maxTokensIn is ${t.maxTokensIn}, not prompt bytes + 16 = ${maxTokensIn}`);
  if (job.params.maxTokens !== undefined && job.params.maxTokens !== t.maxTokens)
    return mismatch(
      `params.maxTokens ${job.params.maxTokens} differs from the escrow maxTokens ${t.maxTokens}`,
    );
  const deadline = escrow.expiresAt - input.deadlineMarginMs;
  if (deadline <= input.now)
    return mismatch(
      `the escrow expires at ${escrow.expiresAt}, too soon: the coordinator needs ${input.deadlineMarginMs / 1000} s to settle`,
    );
  return { status: 'confirmed', terms: termsOf(escrow), deadline };
}

/**
 * Records a verdict on a job's lock: status, terms, deadline, and whether the coordinator may refund.
 * A pending verdict changes nothing.
 */
export function applyLockVerdict(
  job: { lockStatus: string; terms?: LockTerms; deadline?: number; refundable: boolean },
  verdict: LockVerdict,
): void {
  if (verdict.status === 'pending') return;
  job.lockStatus = verdict.status;
  if (verdict.status === 'confirmed') {
    job.terms = verdict.terms;
    job.deadline = verdict.deadline;
    job.refundable = true;
    return;
  }
  if (verdict.terms !== undefined) job.terms = verdict.terms;
  job.refundable = verdict.refundable;
}
