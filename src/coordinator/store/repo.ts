/**
 * Typed reads and writes over the coordinator's tables (prepared once). Callers run writes inside a
 * GroupCommit operation; reads may run anywhere (better-sqlite3 is synchronous, single connection).
 */
import type Database from 'better-sqlite3';
import type { ErrorCode } from '../../core/errors.js';
import type { Receipt } from '../../protocol/types.js';
import { type Job, type JobState, type LockStatus, newJob, type SettlementKind } from '../jobs/job.js';
import type { Capability } from '../miners/capability.js';

/** queued → signed (stored before broadcast) → sent (admitted) → committed | failed. */
export type SettlementStatus = 'queued' | 'signed' | 'sent' | 'committed' | 'failed';

/** One settlement transaction of a job, through its life. */
export interface Settlement {
  id: number;
  jobId: string;
  kind: SettlementKind;
  client: string;
  status: SettlementStatus;
  nonce?: number;
  /** JCS of the signed transaction, once signed */
  tx?: string;
  txHash?: string;
  height?: number;
  /** the result code on chain (0 = applied) */
  code?: number;
  log?: string;
  errorCode?: string;
  attempts: number;
  nextAttemptAt: number;
  createdAt: number;
  updatedAt: number;
}

export interface MinerRecord {
  address: string;
  pubkey: string;
  capability: Capability;
  registeredAt: number;
  lastSeenAt: number;
}

interface JobRow {
  seq: number;
  job_id: string;
  client: string;
  model: string;
  prompt: string;
  params: string;
  input_hash: string;
  lock_tx: string;
  lock_status: string;
  refundable: number;
  amount: string | null;
  max_unit_price: string | null;
  settlement_fee: string | null;
  max_tokens_in: number | null;
  max_tokens: number | null;
  expires_at: number | null;
  deadline: number | null;
  state: string;
  miner: string | null;
  unit_price: string | null;
  lease_expires_at: number | null;
  assigned_at: number | null;
  attempts: number;
  cancel_requested: number;
  cancel_requested_at: number | null;
  tokens_streamed: number;
  output: string | null;
  tokens_in: number | null;
  tokens_out: number | null;
  receipt_id: string | null;
  error_code: string | null;
  error_message: string | null;
  created_at: number;
  updated_at: number;
  started_at: number | null;
  completed_at: number | null;
}

const opt = <T>(v: T | null): T | undefined => (v === null ? undefined : v);

function jobFromRow(r: JobRow): Job & { seq: number } {
  const job: Job & { seq: number } = {
    seq: r.seq,
    jobId: r.job_id,
    client: r.client,
    model: r.model,
    prompt: r.prompt,
    params: JSON.parse(r.params),
    inputHash: r.input_hash,
    lockTx: r.lock_tx,
    lockStatus: r.lock_status as LockStatus,
    refundable: r.refundable === 1,
    state: r.state as JobState,
    attempts: r.attempts,
    cancelRequested: r.cancel_requested === 1,
    tokensStreamed: r.tokens_streamed,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
  if (r.amount !== null)
    job.terms = {
      amount: BigInt(r.amount),
      maxUnitPrice: BigInt(r.max_unit_price as string),
      settlementFee: BigInt(r.settlement_fee as string),
      maxTokensIn: r.max_tokens_in as number,
      maxTokens: r.max_tokens as number,
      expiresAt: r.expires_at as number,
    };
  const set = <K extends keyof Job>(k: K, v: Job[K] | undefined) => {
    if (v !== undefined) (job as Job)[k] = v;
  };
  set('deadline', opt(r.deadline));
  set('miner', opt(r.miner));
  set('unitPrice', r.unit_price === null ? undefined : BigInt(r.unit_price));
  set('leaseExpiresAt', opt(r.lease_expires_at));
  set('assignedAt', opt(r.assigned_at));
  set('cancelRequestedAt', opt(r.cancel_requested_at));
  set('output', opt(r.output));
  set('tokensIn', opt(r.tokens_in));
  set('tokensOut', opt(r.tokens_out));
  set('receiptId', opt(r.receipt_id));
  if (r.error_code !== null) job.error = { code: r.error_code as ErrorCode, message: r.error_message ?? '' };
  set('startedAt', opt(r.started_at));
  set('completedAt', opt(r.completed_at));
  return job;
}

function jobParams(j: Job): Record<string, unknown> {
  const t = j.terms;
  return {
    job_id: j.jobId,
    client: j.client,
    model: j.model,
    prompt: j.prompt,
    params: JSON.stringify(j.params),
    input_hash: j.inputHash,
    lock_tx: j.lockTx,
    lock_status: j.lockStatus,
    refundable: j.refundable ? 1 : 0,
    amount: t?.amount.toString() ?? null,
    max_unit_price: t?.maxUnitPrice.toString() ?? null,
    settlement_fee: t?.settlementFee.toString() ?? null,
    max_tokens_in: t?.maxTokensIn ?? null,
    max_tokens: t?.maxTokens ?? null,
    expires_at: t?.expiresAt ?? null,
    deadline: j.deadline ?? null,
    state: j.state,
    miner: j.miner ?? null,
    unit_price: j.unitPrice?.toString() ?? null,
    lease_expires_at: j.leaseExpiresAt ?? null,
    assigned_at: j.assignedAt ?? null,
    attempts: j.attempts,
    cancel_requested: j.cancelRequested ? 1 : 0,
    cancel_requested_at: j.cancelRequestedAt ?? null,
    tokens_streamed: j.tokensStreamed,
    output: j.output ?? null,
    tokens_in: j.tokensIn ?? null,
    tokens_out: j.tokensOut ?? null,
    receipt_id: j.receiptId ?? null,
    error_code: j.error?.code ?? null,
    error_message: j.error?.message ?? null,
    created_at: j.createdAt,
    updated_at: j.updatedAt,
    started_at: j.startedAt ?? null,
    completed_at: j.completedAt ?? null,
  };
}

const JOB_COLUMNS = Object.keys(
  jobParams(
    newJob({ jobId: '', client: '', model: '', prompt: '', params: {}, inputHash: '', lockTx: '' }, 0),
  ),
);

interface SettlementRow {
  id: number;
  job_id: string;
  kind: string;
  client: string;
  status: string;
  nonce: number | null;
  tx: string | null;
  tx_hash: string | null;
  height: number | null;
  code: number | null;
  log: string | null;
  error_code: string | null;
  attempts: number;
  next_attempt_at: number;
  created_at: number;
  updated_at: number;
}

function settlementFromRow(r: SettlementRow): Settlement {
  const s: Settlement = {
    id: r.id,
    jobId: r.job_id,
    kind: r.kind as SettlementKind,
    client: r.client,
    status: r.status as SettlementStatus,
    attempts: r.attempts,
    nextAttemptAt: r.next_attempt_at,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
  if (r.nonce !== null) s.nonce = r.nonce;
  if (r.tx !== null) s.tx = r.tx;
  if (r.tx_hash !== null) s.txHash = r.tx_hash;
  if (r.height !== null) s.height = r.height;
  if (r.code !== null) s.code = r.code;
  if (r.log !== null) s.log = r.log;
  if (r.error_code !== null) s.errorCode = r.error_code;
  return s;
}

function capabilityToJson(c: Capability): string {
  return JSON.stringify({ ...c, unitPrice: c.unitPrice.toString() });
}

/** Parsed capability records by their stored text: miners are read on every submission and poll. */
const capabilities = new Map<string, Capability>();

function capabilityFromJson(text: string): Capability {
  let c = capabilities.get(text);
  if (c === undefined) {
    const o = JSON.parse(text) as Omit<Capability, 'unitPrice'> & { unitPrice: string };
    c = { ...o, unitPrice: BigInt(o.unitPrice) };
    if (capabilities.size >= 10_000) capabilities.clear();
    capabilities.set(text, c);
  }
  return c;
}

/** A page of results with the cursor of the next one. */
export interface Page<T> {
  items: T[];
  nextCursor?: string;
}

export class CoordinatorRepo {
  private readonly s: Record<string, Database.Statement>;

  constructor(readonly db: Database.Database) {
    const p = (sql: string) => db.prepare(sql);
    this.s = {
      insertJob: p(
        `INSERT INTO jobs (${JOB_COLUMNS.join(', ')}) VALUES (${JOB_COLUMNS.map((c) => `@${c}`).join(', ')})`,
      ),
      updateJob: p(
        `UPDATE jobs SET ${JOB_COLUMNS.filter((c) => c !== 'job_id')
          .map((c) => `${c} = @${c}`)
          .join(', ')} WHERE job_id = @job_id`,
      ),
      getJob: p('SELECT * FROM jobs WHERE job_id = ?'),
      jobsByClient: p(
        'SELECT * FROM jobs WHERE client = @client AND seq < @before ORDER BY seq DESC LIMIT @limit',
      ),
      jobsByClientState: p(
        'SELECT * FROM jobs WHERE client = @client AND state = @state AND seq < @before ORDER BY seq DESC LIMIT @limit',
      ),
      jobsAll: p('SELECT * FROM jobs WHERE seq < @before ORDER BY seq DESC LIMIT @limit'),
      jobsAllState: p(
        'SELECT * FROM jobs WHERE state = @state AND seq < @before ORDER BY seq DESC LIMIT @limit',
      ),
      dispatchable: p(
        "SELECT job_id, model, max_unit_price FROM jobs INDEXED BY jobs_dispatchable WHERE state = 'queued' AND lock_status = 'confirmed' AND deadline > ? ORDER BY seq LIMIT ?",
      ),
      leasedBy: p("SELECT * FROM jobs WHERE miner = ? AND state IN ('assigned', 'running') ORDER BY seq"),
      activeCounts: p(
        "SELECT miner, COUNT(*) AS n FROM jobs WHERE state IN ('assigned', 'running') AND miner IS NOT NULL GROUP BY miner",
      ),
      activeCount: p("SELECT COUNT(*) AS n FROM jobs WHERE miner = ? AND state IN ('assigned', 'running')"),
      leasesExpired: p(
        "SELECT * FROM jobs WHERE state IN ('assigned', 'running') AND lease_expires_at <= ? ORDER BY seq LIMIT 500",
      ),
      pastDeadline: p(
        "SELECT * FROM jobs WHERE state IN ('queued', 'assigned', 'running') AND deadline IS NOT NULL AND deadline <= ? ORDER BY seq LIMIT 500",
      ),
      cancelOverdue: p(
        "SELECT * FROM jobs WHERE state = 'running' AND cancel_requested = 1 AND cancel_requested_at <= ? ORDER BY seq LIMIT 500",
      ),
      pendingLocks: p("SELECT * FROM jobs WHERE lock_status = 'pending' AND seq > ? ORDER BY seq LIMIT ?"),
      extendLeases: p("UPDATE jobs SET lease_expires_at = ? WHERE state IN ('assigned', 'running')"),
      renewLeases: p(
        "UPDATE jobs SET lease_expires_at = ? WHERE miner = ? AND state IN ('assigned', 'running')",
      ),
      countByState: p('SELECT state, COUNT(*) AS n FROM jobs GROUP BY state'),
      appendToken: p('INSERT OR IGNORE INTO job_tokens (job_id, idx, text) VALUES (?, ?, ?)'),
      tokensFrom: p('SELECT idx, text FROM job_tokens WHERE job_id = ? AND idx >= ? ORDER BY idx'),
      clearTokens: p('DELETE FROM job_tokens WHERE job_id = ?'),
      upsertMiner: p(
        `INSERT INTO miners (address, pubkey, capability, registered_at, last_seen_at) VALUES (@address, @pubkey, @capability, @registered_at, @last_seen_at)
         ON CONFLICT (address) DO UPDATE SET pubkey = excluded.pubkey, capability = excluded.capability, registered_at = excluded.registered_at, last_seen_at = excluded.last_seen_at`,
      ),
      getMiner: p('SELECT * FROM miners WHERE address = ?'),
      allMiners: p('SELECT * FROM miners ORDER BY address'),
      touchMiner: p('UPDATE miners SET last_seen_at = MAX(last_seen_at, ?) WHERE address = ?'),
      insertReceipt: p(
        'INSERT INTO receipts (receipt_id, job_id, client, miner, pay_to, receipt, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
      ),
      getReceipt: p('SELECT receipt FROM receipts WHERE receipt_id = ?'),
      receiptOfJob: p('SELECT receipt FROM receipts WHERE job_id = ?'),
      receiptsAll: p('SELECT seq, receipt FROM receipts WHERE seq < @before ORDER BY seq DESC LIMIT @limit'),
      receiptsOf: p(
        'SELECT seq, receipt FROM receipts WHERE (client = @party OR miner = @party OR pay_to = @party) AND seq < @before ORDER BY seq DESC LIMIT @limit',
      ),
      insertSettlement: p(
        "INSERT INTO settlements (job_id, kind, client, status, created_at, updated_at) VALUES (?, ?, ?, 'queued', ?, ?)",
      ),
      updateSettlement: p(
        `UPDATE settlements SET status = @status, nonce = @nonce, tx = @tx, tx_hash = @tx_hash, height = @height, code = @code,
         log = @log, error_code = @error_code, attempts = @attempts, next_attempt_at = @next_attempt_at, updated_at = @updated_at WHERE id = @id`,
      ),
      latestSettlement: p('SELECT * FROM settlements WHERE job_id = ? ORDER BY id DESC LIMIT 1'),
      settlementsQueued: p(
        "SELECT * FROM settlements WHERE status = 'queued' AND next_attempt_at <= ? ORDER BY id LIMIT ?",
      ),
      settlementsByStatus: p('SELECT * FROM settlements WHERE status = ? ORDER BY nonce, id LIMIT ?'),
      settlementCounts: p('SELECT kind, status, COUNT(*) AS n FROM settlements GROUP BY kind, status'),
      seenNonce: p('SELECT seen_at FROM request_nonces WHERE pubkey = ? AND nonce = ?'),
      putNonce: p(
        'INSERT INTO request_nonces (pubkey, nonce, seen_at) VALUES (?, ?, ?) ON CONFLICT (pubkey, nonce) DO UPDATE SET seen_at = excluded.seen_at',
      ),
      pruneNonces: p('DELETE FROM request_nonces WHERE seen_at < ?'),
    };
  }

  // ---- jobs

  insertJob(job: Job): void {
    this.s.insertJob.run(jobParams(job));
  }

  saveJob(job: Job): void {
    this.s.updateJob.run(jobParams(job));
  }

  getJob(jobId: string): (Job & { seq: number }) | undefined {
    const r = this.s.getJob.get(jobId) as JobRow | undefined;
    return r === undefined ? undefined : jobFromRow(r);
  }

  /** Jobs newest first; `client` undefined lists everyone's (admin). The cursor is a sequence number. */
  listJobs(opts: { client?: string; state?: JobState; limit: number; cursor?: string }): Page<Job> {
    const before = opts.cursor === undefined ? Number.MAX_SAFE_INTEGER : Number(opts.cursor);
    const args = { client: opts.client, state: opts.state, before, limit: opts.limit + 1 };
    const stmt =
      opts.client === undefined
        ? opts.state === undefined
          ? this.s.jobsAll
          : this.s.jobsAllState
        : opts.state === undefined
          ? this.s.jobsByClient
          : this.s.jobsByClientState;
    const rows = (stmt.all(args) as JobRow[]).map(jobFromRow);
    const more = rows.length > opts.limit;
    const items = rows.slice(0, opts.limit);
    return more ? { items, nextCursor: String(items[items.length - 1].seq) } : { items };
  }

  /** Queued jobs with a confirmed lock and time before their deadline, oldest first: what matching reads. */
  dispatchable(now: number, limit: number): Array<{ jobId: string; model: string; maxUnitPrice: bigint }> {
    const rows = this.s.dispatchable.all(now, limit) as Array<{
      job_id: string;
      model: string;
      max_unit_price: string;
    }>;
    return rows.map((r) => ({ jobId: r.job_id, model: r.model, maxUnitPrice: BigInt(r.max_unit_price) }));
  }

  leasedBy(miner: string): Job[] {
    return (this.s.leasedBy.all(miner) as JobRow[]).map(jobFromRow);
  }

  /** Jobs `miner` holds now (an index lookup, unlike activeCounts' scan). */
  activeCount(miner: string): number {
    return (this.s.activeCount.get(miner) as { n: number }).n;
  }

  /** miner → jobs it holds now */
  activeCounts(): Map<string, number> {
    const rows = this.s.activeCounts.all() as Array<{ miner: string; n: number }>;
    return new Map(rows.map((r) => [r.miner, r.n]));
  }

  leasesExpired(now: number): Job[] {
    return (this.s.leasesExpired.all(now) as JobRow[]).map(jobFromRow);
  }

  pastDeadline(now: number): Job[] {
    return (this.s.pastDeadline.all(now) as JobRow[]).map(jobFromRow);
  }

  /** Running jobs whose cancel was requested at or before `before`. */
  cancelOverdue(before: number): Job[] {
    return (this.s.cancelOverdue.all(before) as JobRow[]).map(jobFromRow);
  }

  pendingLocks(limit: number, afterSeq = 0): Array<Job & { seq: number }> {
    return (this.s.pendingLocks.all(afterSeq, limit) as JobRow[]).map(jobFromRow);
  }

  /** Gives every lease until `until` (after a restart, so miners can heart-beat again). */
  extendLeases(until: number): number {
    return this.s.extendLeases.run(until).changes;
  }

  /** Renews every lease `miner` holds until `until`. */
  renewLeases(miner: string, until: number): void {
    this.s.renewLeases.run(until, miner);
  }

  countByState(): Map<string, number> {
    const rows = this.s.countByState.all() as Array<{ state: string; n: number }>;
    return new Map(rows.map((r) => [r.state, r.n]));
  }

  // ---- streamed tokens

  appendToken(jobId: string, index: number, text: string): void {
    this.s.appendToken.run(jobId, index, text);
  }

  tokensFrom(jobId: string, from: number): Array<{ index: number; text: string }> {
    return (this.s.tokensFrom.all(jobId, from) as Array<{ idx: number; text: string }>).map((r) => ({
      index: r.idx,
      text: r.text,
    }));
  }

  clearTokens(jobId: string): void {
    this.s.clearTokens.run(jobId);
  }

  // ---- miners

  upsertMiner(m: MinerRecord): void {
    this.s.upsertMiner.run({
      address: m.address,
      pubkey: m.pubkey,
      capability: capabilityToJson(m.capability),
      registered_at: m.registeredAt,
      last_seen_at: m.lastSeenAt,
    });
  }

  getMiner(address: string): MinerRecord | undefined {
    const r = this.s.getMiner.get(address) as
      | { address: string; pubkey: string; capability: string; registered_at: number; last_seen_at: number }
      | undefined;
    return r === undefined
      ? undefined
      : {
          address: r.address,
          pubkey: r.pubkey,
          capability: capabilityFromJson(r.capability),
          registeredAt: r.registered_at,
          lastSeenAt: r.last_seen_at,
        };
  }

  allMiners(): MinerRecord[] {
    const rows = this.s.allMiners.all() as Array<{
      address: string;
      pubkey: string;
      capability: string;
      registered_at: number;
      last_seen_at: number;
    }>;
    return rows.map((r) => ({
      address: r.address,
      pubkey: r.pubkey,
      capability: capabilityFromJson(r.capability),
      registeredAt: r.registered_at,
      lastSeenAt: r.last_seen_at,
    }));
  }

  touchMiner(address: string, now: number): void {
    this.s.touchMiner.run(now, address);
  }

  // ---- receipts

  insertReceipt(r: Receipt, now: number): void {
    this.s.insertReceipt.run(r.receiptId, r.jobId, r.client, r.miner, r.payTo, JSON.stringify(r), now);
  }

  getReceipt(receiptId: string): Receipt | undefined {
    const r = this.s.getReceipt.get(receiptId) as { receipt: string } | undefined;
    return r === undefined ? undefined : JSON.parse(r.receipt);
  }

  receiptOfJob(jobId: string): Receipt | undefined {
    const r = this.s.receiptOfJob.get(jobId) as { receipt: string } | undefined;
    return r === undefined ? undefined : JSON.parse(r.receipt);
  }

  /** Receipts newest first where `party` is client, miner or payee; every receipt when undefined. */
  listReceipts(opts: { party?: string; limit: number; cursor?: string }): Page<Receipt> {
    const before = opts.cursor === undefined ? Number.MAX_SAFE_INTEGER : Number(opts.cursor);
    const stmt = opts.party === undefined ? this.s.receiptsAll : this.s.receiptsOf;
    const rows = stmt.all({ party: opts.party, before, limit: opts.limit + 1 }) as Array<{
      seq: number;
      receipt: string;
    }>;
    const more = rows.length > opts.limit;
    const page = rows.slice(0, opts.limit);
    const items = page.map((r) => JSON.parse(r.receipt) as Receipt);
    return more ? { items, nextCursor: String(page[page.length - 1].seq) } : { items };
  }

  // ---- settlements

  insertSettlement(jobId: string, kind: SettlementKind, client: string, now: number): number {
    return Number(this.s.insertSettlement.run(jobId, kind, client, now, now).lastInsertRowid);
  }

  saveSettlement(s: Settlement): void {
    this.s.updateSettlement.run({
      id: s.id,
      status: s.status,
      nonce: s.nonce ?? null,
      tx: s.tx ?? null,
      tx_hash: s.txHash ?? null,
      height: s.height ?? null,
      code: s.code ?? null,
      log: s.log ?? null,
      error_code: s.errorCode ?? null,
      attempts: s.attempts,
      next_attempt_at: s.nextAttemptAt,
      updated_at: s.updatedAt,
    });
  }

  latestSettlement(jobId: string): Settlement | undefined {
    const r = this.s.latestSettlement.get(jobId) as SettlementRow | undefined;
    return r === undefined ? undefined : settlementFromRow(r);
  }

  queuedSettlements(now: number, limit: number): Settlement[] {
    return (this.s.settlementsQueued.all(now, limit) as SettlementRow[]).map(settlementFromRow);
  }

  settlementsWithStatus(status: SettlementStatus, limit: number): Settlement[] {
    return (this.s.settlementsByStatus.all(status, limit) as SettlementRow[]).map(settlementFromRow);
  }

  settlementCounts(): Array<{ kind: string; status: string; n: number }> {
    return this.s.settlementCounts.all() as Array<{ kind: string; status: string; n: number }>;
  }

  // ---- replay window

  /** When `(pubkey, nonce)` was last seen, if it is remembered. */
  nonceSeenAt(pubkey: string, nonce: string): number | undefined {
    return (this.s.seenNonce.get(pubkey, nonce) as { seen_at: number } | undefined)?.seen_at;
  }

  rememberNonce(pubkey: string, nonce: string, now: number): void {
    this.s.putNonce.run(pubkey, nonce, now);
  }

  /** Forgets nonces seen before `before`; returns how many. */
  pruneNonces(before: number): number {
    return this.s.pruneNonces.run(before).changes;
  }
}
