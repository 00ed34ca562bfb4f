/**
 * A typed client for the coordinator's HTTP API (docs/marketplace.md, DESIGN §8), used by the client
 * commands (`submit`, `status`, `jobs`, …) and by the miner daemon. Every call except the public ones
 * (`/v1/info`, `/v1/models`, `/v1/miners`, `/health`) is signed with the caller's key for the
 * coordinator's address (read once from `/v1/info`). Connection errors and 5xx answers are retried a
 * bounded number of times with backoff, each retry signed afresh (a new nonce: a retried request must
 * not look like a replay); a 4xx is final and becomes an AitbcError of the coordinator's code.
 *
 * Imports undici: commands load it with `await import(...)` inside `run()`.
 */
import { Agent, type Dispatcher, request } from 'undici';
import { AitbcError, isErrorCode } from '../core/errors.js';
import type { Signer } from '../crypto/ed25519.js';
import { signRequest } from '../protocol/signed-request.js';
import type {
  GenerationParams,
  ModelSummary,
  Receipt,
  ReceiptBackend,
  ReceiptBody,
  SettlementView,
} from '../protocol/types.js';
import { backoffDelays, isConnectionError, transportCode, withRetries } from './rpc-error.js';

export const DEFAULT_COORDINATOR_URL = 'http://127.0.0.1:18000';

/** `GET /v1/info` */
export interface CoordinatorInfo {
  coordinator: string;
  publicKey: string;
  chainId: string;
  version: string;
  apiVersion?: number;
  settlementTxFee: string;
  deadlineMarginMs: number;
  limits: { maxBodyBytes: number; maxPromptBytes: number; maxOutputBytes: number; maxAttempts: number };
  miners: { heartbeatIntervalMs: number; leaseTtlMs: number; maxPollWaitMs: number };
}

export type { ModelSummary, SettlementView } from '../protocol/types.js';

/** One row of `GET /v1/miners`. */
export interface MinerSummary {
  miner: string;
  pubkey: string;
  models: string[];
  backend: ReceiptBackend;
  unitPrice: string;
  concurrency: number;
  active: number;
  payTo: string;
  gpu?: { name: string; memoryMb: number };
  modelDigests?: Record<string, string>;
  version?: string;
  online: boolean;
  registeredAt: number;
  lastSeenAt: number;
}

/** A job as the coordinator returns it (fields appear as they become known). */
export interface JobView {
  jobId: string;
  client: string;
  state: JobState;
  model: string;
  params: GenerationParams;
  inputHash: string;
  lockTx: string;
  lockStatus: string;
  amount?: string;
  maxUnitPrice?: string;
  settlementFee?: string;
  maxTokensIn?: number;
  maxTokens?: number;
  expiresAt?: number;
  deadline?: number;
  miner?: string;
  unitPrice?: string;
  attempts: number;
  cancelRequested: boolean;
  tokensStreamed: number;
  tokensIn?: number;
  tokensOut?: number;
  price?: string;
  receiptId?: string;
  error?: { code: string; message: string };
  createdAt: number;
  updatedAt: number;
  startedAt?: number;
  completedAt?: number;
  settlement?: SettlementView;
  prompt?: string;
  output?: string;
  receipt?: Receipt;
}

export type JobState = 'queued' | 'assigned' | 'running' | 'completed' | 'failed' | 'canceled' | 'expired';
export const FINAL_JOB_STATES: readonly JobState[] = ['completed', 'failed', 'canceled', 'expired'];

/** A line of `GET /v1/jobs/{id}/stream`. */
export type JobStreamLine =
  | { type: 'state'; state: string; miner?: string; attempt?: number; resetTokens?: boolean }
  | { type: 'token'; index: number; text: string }
  | { type: 'settlement'; kind: string; status: string; txHash?: string }
  | { type: 'result'; job: JobView }
  | { type: 'error'; error: { code: string; message: string; details?: Record<string, unknown> } };

/** What a miner gets from `GET /v1/miners/jobs`. */
export interface Assignment {
  jobId: string;
  chainId: string;
  client: string;
  coordinator: string;
  coordinatorPubkey: string;
  model: string;
  prompt: string;
  params: GenerationParams;
  inputHash: string;
  maxTokensIn: number;
  maxTokens: number;
  unitPrice: string;
  maxUnitPrice: string;
  maxPrice: string;
  expiresAt: number;
  deadline: number;
  leaseExpiresAt: number;
  attempt: number;
}

/** The capability record a miner registers (signed by the request signature). */
export interface Capability {
  models: string[];
  backend: ReceiptBackend;
  unitPrice: string;
  concurrency: number;
  payTo?: string;
  gpu?: { name: string; memoryMb: number };
  modelDigests?: Record<string, string>;
  version?: string;
}

export interface HeartbeatAnswer {
  miner: string;
  leases: Array<{ jobId: string; state: string; leaseExpiresAt: number; cancelRequested: boolean }>;
  cancel: string[];
  abandon: string[];
  heartbeatIntervalMs: number;
}

export interface ProgressAnswer {
  jobId: string;
  state: string;
  tokensStreamed: number;
  cancel: boolean;
  leaseExpiresAt: number;
}

export interface ListPage<T> {
  items: T[];
  nextCursor?: string;
}

export interface CoordinatorClientOptions {
  url: string;
  /** The caller's key; needed for every signed endpoint. */
  signer?: Signer;
  /** `X-Api-Key`, when the operator configured keys. */
  apiKey?: string;
  /** Deadline of one call, retries included (default 30 s). */
  timeoutMs?: number;
  retries?: number;
  retryBaseMs?: number;
  /** Share a dispatcher (benchmarks, the miner); otherwise the client owns one until `close()`. */
  dispatcher?: Dispatcher;
  /** The clock for request timestamps. */
  now?: () => number;
}

interface CallOptions {
  signed?: boolean;
  timeoutMs?: number;
  signal?: AbortSignal;
}

const PUBLIC = new Set(['/v1/info', '/v1/models', '/health']);

/**
 * @example const c = new CoordinatorClient({url, signer}); const job = await c.getJob(jobId);
 */
export class CoordinatorClient {
  readonly url: string;
  readonly timeoutMs: number;
  private readonly signer?: Signer;
  private readonly apiKey?: string;
  private readonly retries: number;
  private readonly retryBaseMs: number;
  private readonly dispatcher: Dispatcher;
  private readonly ownsDispatcher: boolean;
  private readonly now: () => number;
  private infoCache?: Promise<CoordinatorInfo>;

  constructor(opts: CoordinatorClientOptions) {
    this.url = opts.url.replace(/\/+$/, '');
    this.timeoutMs = opts.timeoutMs ?? 30_000;
    this.signer = opts.signer;
    this.apiKey = opts.apiKey;
    this.retries = opts.retries ?? 3;
    this.retryBaseMs = opts.retryBaseMs ?? 200;
    this.ownsDispatcher = opts.dispatcher === undefined;
    this.dispatcher = opts.dispatcher ?? new Agent({ keepAliveTimeout: 4_000, connections: 64 });
    this.now = opts.now ?? Date.now;
  }

  /** `/v1/info`, read once and remembered (a failed read is forgotten so the next call retries). */
  info(): Promise<CoordinatorInfo> {
    this.infoCache ??= this.call<CoordinatorInfo>('GET', '/v1/info', undefined, { signed: false });
    this.infoCache.catch(() => {
      this.infoCache = undefined;
    });
    return this.infoCache;
  }

  /** Forgets the cached `/v1/info` (after the coordinator restarted). */
  forgetInfo(): void {
    this.infoCache = undefined;
  }

  models(): Promise<ListPage<ModelSummary>> {
    return this.call('GET', '/v1/models', undefined, { signed: false });
  }

  miners(all = false): Promise<ListPage<MinerSummary>> {
    return this.call('GET', `/v1/miners${all ? '?all=true' : ''}`, undefined, { signed: false });
  }

  health(): Promise<Record<string, unknown>> {
    return this.call('GET', '/health', undefined, { signed: false });
  }

  /** `POST /v1/jobs`: the job, as stored (`state` queued, or failed with the refusal in `error`). */
  submitJob(body: {
    jobId: string;
    lockTx: string;
    model: string;
    prompt: string;
    params: GenerationParams;
  }): Promise<JobView> {
    return this.call('POST', '/v1/jobs', body);
  }

  getJob(jobId: string): Promise<JobView> {
    return this.call('GET', `/v1/jobs/${encodeURIComponent(jobId)}`);
  }

  listJobs(q: { state?: string; limit?: number; cursor?: string } = {}): Promise<ListPage<JobView>> {
    return this.call('GET', `/v1/jobs${query(q)}`);
  }

  cancelJob(jobId: string): Promise<JobView> {
    return this.call('DELETE', `/v1/jobs/${encodeURIComponent(jobId)}`);
  }

  receipts(q: { limit?: number; cursor?: string } = {}): Promise<ListPage<Receipt>> {
    return this.call('GET', `/v1/receipts${query(q)}`);
  }

  receipt(receiptId: string): Promise<{ receipt: Receipt; jobId: string; settlement?: SettlementView }> {
    return this.call('GET', `/v1/receipts/${encodeURIComponent(receiptId)}`);
  }

  /**
   * Follows a job's stream until its last line (`result` or `error`), calling `onLine` for each line.
   * Returns the last line. Not retried: a broken stream throws UNREACHABLE and the caller decides.
   * @throws AitbcError of the coordinator's code, UNREACHABLE, INTERRUPTED (signal).
   */
  async streamJob(
    jobId: string,
    onLine: (line: JobStreamLine) => void,
    opts: { from?: number; settlement?: boolean; signal?: AbortSignal } = {},
  ): Promise<JobStreamLine> {
    const q: Record<string, string | number | undefined> = { from: opts.from };
    if (opts.settlement) q.settlement = 'true';
    const path = `/v1/jobs/${encodeURIComponent(jobId)}/stream${query(q)}`;
    const headers = await this.headers('GET', path, undefined, true);
    let res: Dispatcher.ResponseData;
    try {
      res = await request(this.url + path, {
        method: 'GET',
        headers,
        dispatcher: this.dispatcher,
        signal: opts.signal,
        headersTimeout: 0,
        bodyTimeout: 0,
      });
    } catch (e) {
      throw this.transportError(e, 'GET', path, opts.signal);
    }
    if (res.statusCode !== 200) throw this.httpError(res.statusCode, await res.body.text(), 'GET', path);
    let buf = '';
    let last: JobStreamLine | undefined;
    try {
      for await (const chunk of res.body) {
        buf += (chunk as Buffer).toString('utf8');
        let i = buf.indexOf('\n');
        while (i >= 0) {
          const text = buf.slice(0, i).trim();
          buf = buf.slice(i + 1);
          if (text !== '') {
            const line = JSON.parse(text) as JobStreamLine;
            onLine(line);
            if (line.type === 'result' || line.type === 'error') last = line;
          }
          i = buf.indexOf('\n');
        }
      }
    } catch (e) {
      throw this.transportError(e, 'GET', path, opts.signal);
    }
    if (last === undefined)
      throw new AitbcError('UNREACHABLE', `the coordinator ended the stream of job ${jobId} early`, {
        url: this.url,
        jobId,
      });
    return last;
  }

  // Miner endpoints.

  register(capability: Capability): Promise<{
    miner: string;
    coordinator: string;
    chainId: string;
    registeredAt: number;
    heartbeatIntervalMs: number;
    leaseTtlMs: number;
    maxPollWaitMs: number;
  }> {
    return this.call('POST', '/v1/miners/register', capability);
  }

  heartbeat(active: string[]): Promise<HeartbeatAnswer> {
    return this.call('POST', '/v1/miners/heartbeat', { active });
  }

  /** Long-polls for work; holds up to `waitMs`. */
  pollJobs(q: { max?: number; waitMs?: number }, signal?: AbortSignal): Promise<ListPage<Assignment>> {
    return this.call('GET', `/v1/miners/jobs${query(q)}`, undefined, {
      timeoutMs: (q.waitMs ?? 25_000) + this.timeoutMs,
      ...(signal === undefined ? {} : { signal }),
    });
  }

  progress(jobId: string, offset: number, tokens: string[]): Promise<ProgressAnswer> {
    return this.call('POST', `/v1/miners/jobs/${jobId}/progress`, { offset, tokens });
  }

  result(
    jobId: string,
    body: { output: string; receipt: ReceiptBody; minerSig: string },
  ): Promise<{ jobId: string; state: string; receipt: Receipt }> {
    return this.call('POST', `/v1/miners/jobs/${jobId}/result`, body);
  }

  fail(
    jobId: string,
    body: { message: string; code?: string; retryable?: boolean },
  ): Promise<{ jobId: string; state: string; attempts: number }> {
    return this.call('POST', `/v1/miners/jobs/${jobId}/fail`, body);
  }

  async close(): Promise<void> {
    if (this.ownsDispatcher) await this.dispatcher.close();
  }

  /**
   * One API call with the retry policy of the module comment.
   * @throws AitbcError of the coordinator's code, UNREACHABLE, TIMEOUT, INTERRUPTED.
   */
  async call<T>(method: string, path: string, body?: unknown, opts: CallOptions = {}): Promise<T> {
    const signed = opts.signed ?? !PUBLIC.has(path.split('?')[0]);
    const text = body === undefined ? undefined : JSON.stringify(body);
    const timeoutMs = opts.timeoutMs ?? this.timeoutMs;
    return withRetries(
      timeoutMs,
      backoffDelays(this.retries, this.retryBaseMs, 2_000),
      () => this.timedOut(method, path, timeoutMs),
      (remaining) => this.attempt<T>(method, path, text, signed, remaining, timeoutMs, opts.signal),
    );
  }

  private async headers(
    method: string,
    path: string,
    text: string | undefined,
    signed: boolean,
  ): Promise<Record<string, string>> {
    const h: Record<string, string> = { accept: 'application/json' };
    if (text !== undefined) h['content-type'] = 'application/json';
    if (this.apiKey !== undefined) h['x-api-key'] = this.apiKey;
    if (signed) {
      if (this.signer === undefined)
        throw new AitbcError('MISSING_INPUT', `${method} ${path} must be signed: give a wallet`, {
          missing: 'wallet',
        });
      const audience = (await this.info()).coordinator;
      Object.assign(
        h,
        signRequest({ signer: this.signer, audience, method, path, body: text, timestamp: this.now() }),
      );
    }
    return h;
  }

  private async attempt<T>(
    method: string,
    path: string,
    text: string | undefined,
    signed: boolean,
    remainingMs: number,
    timeoutMs: number,
    signal: AbortSignal | undefined,
  ): Promise<{ ok: true; value: T } | { ok: false; error: AitbcError }> {
    const headers = await this.headers(method, path, text, signed);
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), remainingMs);
    const onAbort = () => controller.abort();
    signal?.addEventListener('abort', onAbort, { once: true });
    let status: number;
    let raw: string;
    try {
      const res = await request(this.url + path, {
        method: method as Dispatcher.HttpMethod,
        headers,
        body: text,
        dispatcher: this.dispatcher,
        signal: controller.signal,
        headersTimeout: 0,
        bodyTimeout: 0,
      });
      status = res.statusCode;
      raw = await res.body.text();
    } catch (e) {
      if (signal?.aborted) throw new AitbcError('INTERRUPTED', `${method} ${path} was interrupted`);
      if (controller.signal.aborted) throw this.timedOut(method, path, timeoutMs);
      const error = this.transportError(e, method, path);
      if (isConnectionError(e)) return { ok: false, error };
      throw error;
    } finally {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
    }
    if (status >= 200 && status < 300) {
      try {
        return { ok: true, value: JSON.parse(raw) as T };
      } catch {
        throw new AitbcError(
          'UNREACHABLE',
          `${this.url} answered ${method} ${path} with something not JSON`,
          {
            url: this.url,
            path,
          },
        );
      }
    }
    const error = this.httpError(status, raw, method, path);
    if (status >= 500) return { ok: false, error };
    throw error;
  }

  private httpError(status: number, raw: string, method: string, path: string): AitbcError {
    let parsed: { error?: { code?: unknown; message?: unknown; details?: unknown } } | undefined;
    try {
      parsed = JSON.parse(raw);
    } catch {
      parsed = undefined;
    }
    const err = parsed?.error;
    const details =
      typeof err?.details === 'object' && err.details !== null
        ? (err.details as Record<string, unknown>)
        : {};
    const message = typeof err?.message === 'string' ? err.message : `HTTP ${status} from ${method} ${path}`;
    if (isErrorCode(err?.code)) return new AitbcError(err.code, message, { ...details, status });
    const code = status === 404 ? 'METHOD_NOT_FOUND' : status >= 500 ? 'UNREACHABLE' : 'INVALID_INPUT';
    return new AitbcError(code, `${message}; is ${this.url} an aitbc coordinator?`, {
      status,
      path,
      ...(typeof err?.code === 'string' ? { remoteCode: err.code } : {}),
    });
  }

  private transportError(e: unknown, method: string, path: string, signal?: AbortSignal): AitbcError {
    if (signal?.aborted) return new AitbcError('INTERRUPTED', `${method} ${path} was interrupted`);
    const reason = transportCode(e) ?? (e as Error).message;
    return new AitbcError(
      'UNREACHABLE',
      `cannot reach the coordinator at ${this.url} (${reason})`,
      { url: this.url, path, reason },
      {
        cause: e,
        hint: 'start one with `aitbc node up`, or point --coordinator / AITBC_COORDINATOR at a running one',
      },
    );
  }

  private timedOut(method: string, path: string, timeoutMs: number): AitbcError {
    return new AitbcError(
      'TIMEOUT',
      `no answer from ${this.url} to ${method} ${path} within ${timeoutMs / 1000} s`,
      { url: this.url, path, timeoutSeconds: timeoutMs / 1000 },
      { hint: 'raise --timeout (AITBC_TIMEOUT), or check the coordinator' },
    );
  }
}

function query(q: Record<string, string | number | undefined>): string {
  const parts = Object.entries(q)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${k}=${encodeURIComponent(String(v))}`);
  return parts.length === 0 ? '' : `?${parts.join('&')}`;
}
