/**
 * The API's JSON shapes (docs/marketplace.md): records as stored become wire objects with amounts as
 * decimal strings and times as unix milliseconds. Signed objects (receipts) are passed through as stored.
 */
import type { Receipt, SettlementView } from '../protocol/types.js';
import type { Job } from './jobs/job.js';
import type { MinerRecord, Settlement } from './store/repo.js';

/** A settlement as the API shows it. */
export function settlementView(s: Settlement): SettlementView {
  return {
    kind: s.kind,
    status: s.status,
    ...(s.txHash !== undefined ? { txHash: s.txHash } : {}),
    ...(s.nonce !== undefined ? { nonce: s.nonce } : {}),
    ...(s.height !== undefined ? { height: s.height } : {}),
    ...(s.code !== undefined ? { code: s.code } : {}),
    ...(s.log !== undefined ? { log: s.log } : {}),
    ...(s.errorCode !== undefined ? { errorCode: s.errorCode } : {}),
  };
}

/** A job as its client (or an admin) sees it. `full` adds prompt, output and receipt. */
export function jobView(
  job: Job,
  extra: { settlement?: Settlement; receipt?: Receipt; full: boolean },
): Record<string, unknown> {
  const v: Record<string, unknown> = {
    jobId: job.jobId,
    client: job.client,
    state: job.state,
    model: job.model,
    params: job.params,
    inputHash: job.inputHash,
    lockTx: job.lockTx,
    lockStatus: job.lockStatus,
  };
  if (job.terms !== undefined) {
    v.amount = job.terms.amount.toString();
    v.maxUnitPrice = job.terms.maxUnitPrice.toString();
    v.settlementFee = job.terms.settlementFee.toString();
    v.maxTokensIn = job.terms.maxTokensIn;
    v.maxTokens = job.terms.maxTokens;
    v.expiresAt = job.terms.expiresAt;
  }
  if (job.deadline !== undefined) v.deadline = job.deadline;
  if (job.miner !== undefined) v.miner = job.miner;
  if (job.unitPrice !== undefined) v.unitPrice = job.unitPrice.toString();
  v.attempts = job.attempts;
  v.cancelRequested = job.cancelRequested;
  v.tokensStreamed = job.tokensStreamed;
  if (job.tokensIn !== undefined) v.tokensIn = job.tokensIn;
  if (job.tokensOut !== undefined) v.tokensOut = job.tokensOut;
  if (extra.receipt !== undefined) v.price = extra.receipt.price;
  if (job.receiptId !== undefined) v.receiptId = job.receiptId;
  if (job.error !== undefined) v.error = job.error;
  v.createdAt = job.createdAt;
  v.updatedAt = job.updatedAt;
  if (job.startedAt !== undefined) v.startedAt = job.startedAt;
  if (job.completedAt !== undefined) v.completedAt = job.completedAt;
  if (extra.settlement !== undefined) v.settlement = settlementView(extra.settlement);
  if (extra.full) {
    v.prompt = job.prompt;
    if (job.output !== undefined) v.output = job.output;
    if (extra.receipt !== undefined) v.receipt = extra.receipt;
  }
  return v;
}

/** A job handed to a miner by `GET /v1/miners/jobs`: everything it needs to run it and sign the receipt. */
export function assignmentView(
  job: Job,
  chain: { chainId: string; coordinator: string; coordinatorPubkey: string },
) {
  const t = job.terms;
  if (
    t === undefined ||
    job.unitPrice === undefined ||
    job.deadline === undefined ||
    job.leaseExpiresAt === undefined
  )
    throw new Error(`job ${job.jobId} is not assignable`);
  return {
    jobId: job.jobId,
    chainId: chain.chainId,
    client: job.client,
    coordinator: chain.coordinator,
    coordinatorPubkey: chain.coordinatorPubkey,
    model: job.model,
    prompt: job.prompt,
    params: job.params,
    inputHash: job.inputHash,
    maxTokensIn: t.maxTokensIn,
    maxTokens: t.maxTokens,
    unitPrice: job.unitPrice.toString(),
    maxUnitPrice: t.maxUnitPrice.toString(),
    maxPrice: (t.amount - t.settlementFee).toString(),
    expiresAt: t.expiresAt,
    deadline: job.deadline,
    leaseExpiresAt: job.leaseExpiresAt,
    attempt: job.attempts,
  };
}

/** A miner as `GET /v1/miners` lists it. */
export function minerView(m: MinerRecord, live: { online: boolean; active: number }) {
  const c = m.capability;
  return {
    miner: m.address,
    pubkey: m.pubkey,
    models: c.models,
    backend: c.backend,
    unitPrice: c.unitPrice.toString(),
    concurrency: c.concurrency,
    active: live.active,
    payTo: c.payTo,
    ...(c.gpu !== undefined ? { gpu: c.gpu } : {}),
    ...(c.modelDigests !== undefined ? { modelDigests: c.modelDigests } : {}),
    ...(c.version !== undefined ? { version: c.version } : {}),
    online: live.online,
    registeredAt: m.registeredAt,
    lastSeenAt: m.lastSeenAt,
  };
}
