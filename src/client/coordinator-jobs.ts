/**
 * The client side of a paid job (DESIGN §8, docs/marketplace.md "Submitting"): everything `aitbc submit`
 * checks before any money moves — the coordinator's chain, an online miner serving the model at the
 * client's price, the prompt's size, the balance — then the `escrow_lock` with its terms, the job post,
 * and waiting on the job's stream to its end.
 */
import { randomBytes } from 'node:crypto';
import { AitbcError, type ErrorCode } from '../core/errors.js';
import { toHex } from '../core/hex.js';
import type { Signer } from '../crypto/ed25519.js';
import { escrowMinAmount, maxTokensInFor } from '../protocol/escrow.js';
import { computeInputHash } from '../protocol/receipt.js';
import { signTx, txHash } from '../protocol/tx.js';
import type { EscrowTerms, GenerationParams, SignedTx } from '../protocol/types.js';
import type { CoordinatorClient, JobStreamLine, JobView } from './coordinator.js';
import type { NodeRpc } from './node-rpc.js';
import { minFeeOf } from './send.js';

/** Extra time beyond the chain's `minEscrowMs`, so the lock's expiry still fits when its block is made. */
const EXPIRY_SLACK_MS = 10_000;
export const DEFAULT_MAX_TOKENS = 256;
export const DEFAULT_TTL_MS = 10 * 60_000;

export interface JobRequest {
  prompt: string;
  model: string;
  maxTokens?: number;
  temperature?: number;
  seed?: number;
  /** Most uait per 1,000 tokens; default the highest price an online miner of the model asks. */
  maxUnitPrice?: bigint;
  /** Escrow lifetime; the coordinator's deadline is 60 s before it. */
  ttlMs?: number;
}

/** A signed, not yet broadcast, job: what `--dry-run` shows. */
export interface PreparedJob {
  jobId: string;
  chainId: string;
  coordinator: string;
  client: string;
  model: string;
  prompt: string;
  params: GenerationParams;
  terms: EscrowTerms;
  amount: string;
  fee: string;
  expiresAt: number;
  lockTx: SignedTx<'escrow_lock'>;
  lockHash: string;
  /** online miners of the model and their price range when checked */
  market: { miners: number; minUnitPrice: string; maxUnitPrice: string };
  balance: string;
}

/**
 * Checks everything that can be checked before locking, and signs the lock.
 * @throws AitbcError WRONG_CHAIN, NO_MINER_FOR_MODEL (details.models), PRICE_TOO_LOW (details.lowestUnitPrice),
 *   INVALID_INPUT (prompt too large, bad ttl, bad parameters), INSUFFICIENT_FUNDS, UNREACHABLE, TIMEOUT.
 */
export async function prepareJob(
  coord: CoordinatorClient,
  rpc: NodeRpc,
  client: { signer: Signer; address: string },
  req: JobRequest,
  now: () => number = Date.now,
): Promise<PreparedJob> {
  const info = await coord.info();
  const promptBytes = Buffer.byteLength(req.prompt, 'utf8');
  if (!req.prompt.isWellFormed())
    throw new AitbcError('INVALID_INPUT', 'the prompt contains a lone surrogate', { field: 'prompt' });
  if (promptBytes > info.limits.maxPromptBytes)
    throw new AitbcError(
      'INVALID_INPUT',
      `the prompt is ${promptBytes} bytes; the coordinator takes at most ${info.limits.maxPromptBytes}`,
      { reason: 'prompt_too_large', bytes: promptBytes, maxPromptBytes: info.limits.maxPromptBytes },
    );
  const maxTokens = req.maxTokens ?? DEFAULT_MAX_TOKENS;
  if (!Number.isSafeInteger(maxTokens) || maxTokens < 1)
    throw new AitbcError('INVALID_INPUT', 'max-tokens must be a positive integer', { field: 'maxTokens' });
  const status = await rpc.status();
  if (status.chainId !== info.chainId)
    throw new AitbcError(
      'WRONG_CHAIN',
      `the coordinator serves chain ${info.chainId} but the node's is ${status.chainId}`,
      { coordinatorChain: info.chainId, nodeChain: status.chainId },
      { hint: 'give --chain or point --node at a node of the coordinator’s chain' },
    );
  const minFee = minFeeOf(status, rpc.url);
  const params = status.params;
  const ttlMs = req.ttlMs ?? DEFAULT_TTL_MS;
  const minTtl = (params?.minEscrowMs ?? 0) + EXPIRY_SLACK_MS;
  const minTtlForDeadline = info.deadlineMarginMs + EXPIRY_SLACK_MS;
  const lowest = Math.max(minTtl, minTtlForDeadline);
  if (ttlMs < lowest || (params !== undefined && ttlMs > params.maxEscrowMs))
    throw new AitbcError(
      'INVALID_INPUT',
      `ttl must lie between ${Math.ceil(lowest / 1000)} s and ${Math.floor((params?.maxEscrowMs ?? ttlMs) / 1000)} s on this chain`,
      { field: 'ttl', ttlMs, minTtlMs: lowest, maxTtlMs: params?.maxEscrowMs },
    );

  const models = (await coord.models()).items;
  const offer = models.find((m) => m.model === req.model);
  if (offer === undefined)
    throw new AitbcError(
      'NO_MINER_FOR_MODEL',
      `no online miner serves model "${req.model}"; online: ${models.map((m) => m.model).join(', ') || 'none'}`,
      { model: req.model, models: models.map((m) => m.model) },
      { hint: 'see `aitbc models`' },
    );
  const maxUnitPrice = req.maxUnitPrice ?? BigInt(offer.maxUnitPrice);
  if (maxUnitPrice < BigInt(offer.minUnitPrice))
    throw new AitbcError(
      'PRICE_TOO_LOW',
      `every online miner of "${req.model}" asks more than ${maxUnitPrice} uait per 1,000 tokens (lowest ${offer.minUnitPrice})`,
      { model: req.model, maxUnitPrice: maxUnitPrice.toString(), lowestUnitPrice: offer.minUnitPrice },
      { hint: `raise --max-price to at least ${offer.minUnitPrice}uait` },
    );

  const gen: GenerationParams = { maxTokens };
  if (req.temperature !== undefined) gen.temperature = req.temperature;
  if (req.seed !== undefined) gen.seed = req.seed;
  const settlementFee = BigInt(info.settlementTxFee) > minFee ? BigInt(info.settlementTxFee) : minFee;
  const terms: EscrowTerms = {
    model: req.model,
    inputHash: computeInputHash({ model: req.model, prompt: req.prompt, params: gen }),
    maxTokensIn: maxTokensInFor(req.prompt),
    maxTokens,
    maxUnitPrice: maxUnitPrice.toString(),
    settlementFee: settlementFee.toString(),
  };
  const amount = escrowMinAmount(terms);
  const account = await rpc.getAccount(client.address);
  const needed = amount + minFee;
  if (BigInt(account.balance) < needed)
    throw new AitbcError(
      'INSUFFICIENT_FUNDS',
      `the job locks ${amount} uait plus a ${minFee} uait fee; ${client.address} has ${account.balance}`,
      { address: client.address, balance: account.balance, needed: needed.toString() },
      { hint: 'fund the wallet (aitbc wallet faucet on a devnet) or lower --max-tokens / --max-price' },
    );
  const jobId = randomBytes(16).toString('hex');
  const expiresAt = now() + ttlMs;
  const lockTx = signTx(
    {
      chainId: info.chainId,
      type: 'escrow_lock',
      from: client.address,
      pubkey: toHex(client.signer.publicKey),
      nonce: account.pendingNonce,
      fee: minFee.toString(),
      body: { jobId, amount: amount.toString(), coordinator: info.coordinator, expiresAt, terms },
    },
    client.signer,
  );
  return {
    jobId,
    chainId: info.chainId,
    coordinator: info.coordinator,
    client: client.address,
    model: req.model,
    prompt: req.prompt,
    params: gen,
    terms,
    amount: amount.toString(),
    fee: minFee.toString(),
    expiresAt,
    lockTx,
    lockHash: txHash(lockTx),
    market: { miners: offer.miners, minUnitPrice: offer.minUnitPrice, maxUnitPrice: offer.maxUnitPrice },
    balance: account.balance,
  };
}

/**
 * Broadcasts the lock (accepted into the mempool is enough: the coordinator waits for its commit) and
 * posts the job.
 * @throws AitbcError of the node's rule (the lock), or the coordinator's refusal — then `details.jobId`
 *   and `details.refund` say what happens to the lock.
 */
export async function placeJob(coord: CoordinatorClient, rpc: NodeRpc, p: PreparedJob): Promise<JobView> {
  await rpc.broadcastTx(p.lockTx, 'accepted');
  try {
    return await coord.submitJob({
      jobId: p.jobId,
      lockTx: p.lockHash,
      model: p.model,
      prompt: p.prompt,
      params: p.params,
    });
  } catch (e) {
    if (e instanceof AitbcError) e.details.jobId ??= p.jobId;
    throw e;
  }
}

export const JOB_END_CODES: Record<string, ErrorCode> = {
  failed: 'JOB_FAILED',
  canceled: 'JOB_CANCELED',
  expired: 'JOB_EXPIRED',
};

/** The error a waited-for job that ended badly becomes (exit 8), carrying the job in details. */
export function jobEndError(job: JobView): AitbcError {
  const code = JOB_END_CODES[job.state] ?? 'JOB_FAILED';
  const why = job.error?.message ?? job.state;
  return new AitbcError(code, `job ${job.jobId} ${job.state}: ${why}`, {
    jobId: job.jobId,
    state: job.state,
    job,
  });
}

/**
 * Follows a job to its end: streams tokens to `onToken` (restarting at 0 when the job is requeued) and
 * resumes after a broken connection (a coordinator restart) from the tokens seen. Resolves with the final
 * job, whatever its state.
 * @throws AitbcError TIMEOUT (after `timeoutMs`; the job keeps running), INTERRUPTED (signal), JOB_NOT_FOUND.
 */
export async function waitForJob(
  coord: CoordinatorClient,
  jobId: string,
  opts: {
    timeoutMs: number;
    /** wait until the job's settlement is committed or failed, so the job shows the on-chain outcome */
    settlement?: boolean;
    signal?: AbortSignal;
    onToken?: (t: { index: number; text: string }) => void;
    onLine?: (line: JobStreamLine) => void;
  },
): Promise<JobView> {
  const ctrl = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    ctrl.abort();
  }, opts.timeoutMs);
  const onAbort = () => ctrl.abort();
  opts.signal?.addEventListener('abort', onAbort, { once: true });
  let seen = 0;
  try {
    for (;;) {
      try {
        const last = await coord.streamJob(
          jobId,
          (line) => {
            if (line.type === 'state' && line.resetTokens) seen = 0;
            if (line.type === 'token') {
              if (line.index < seen) return;
              seen = line.index + 1;
              opts.onToken?.(line);
            }
            opts.onLine?.(line);
          },
          { from: seen, settlement: opts.settlement, signal: ctrl.signal },
        );
        if (last.type === 'result') return last.job;
        if (last.type === 'error') {
          const job = last.error.details?.job as JobView | undefined;
          if (job !== undefined) return job;
          return await coord.getJob(jobId);
        }
      } catch (e) {
        if (!(e instanceof AitbcError) || e.code !== 'UNREACHABLE' || ctrl.signal.aborted) throw e;
        await new Promise((resolve) => setTimeout(resolve, 500));
      }
    }
  } catch (e) {
    if (timedOut)
      throw new AitbcError(
        'TIMEOUT',
        `job ${jobId} did not end within ${opts.timeoutMs / 1000} s; it keeps running`,
        { jobId, timeoutSeconds: opts.timeoutMs / 1000 },
        { hint: `aitbc status ${jobId} --wait` },
      );
    if (opts.signal?.aborted)
      throw new AitbcError(
        'INTERRUPTED',
        `stopped waiting; job ${jobId} keeps running`,
        { jobId },
        { hint: `resume with: aitbc status ${jobId} --wait` },
      );
    throw e;
  } finally {
    clearTimeout(timer);
    opts.signal?.removeEventListener('abort', onAbort);
  }
}

/**
 * A job id as typed: 32 hex characters, lowercased.
 * @throws AitbcError INVALID_INPUT otherwise.
 */
export function parseJobId(text: string): string {
  const id = text.trim().toLowerCase();
  if (!/^[0-9a-f]{32}$/.test(id))
    throw new AitbcError('INVALID_INPUT', `invalid job id "${text}": expected 32 hex characters`, {
      job: text,
    });
  return id;
}
