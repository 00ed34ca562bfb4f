/**
 * The miner daemon as a library (DESIGN §8, docs/marketplace.md "Miner endpoints"): registers its
 * signed capability record, heart-beats, long-polls for work, runs each job on its backend — exactly the
 * model asked for — streams tokens, and delivers the output with its half of the receipt (minerSig over
 * the §8 body), or reports a failure as a failure. `aitbc node miner` runs it in the foreground and
 * `node up` in-process; either way it talks to the coordinator over HTTP like a remote miner.
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  type Assignment,
  type Capability,
  CoordinatorClient,
  type HeartbeatAnswer,
} from '../client/coordinator.js';
import { AitbcError, isAitbcError } from '../core/errors.js';
import { toHex } from '../core/hex.js';
import { addressFromPublicKey } from '../crypto/address.js';
import type { Signer } from '../crypto/ed25519.js';
import { computeInputHash, computeOutputHash, computePrice, signReceiptAs } from '../protocol/receipt.js';
import type { ReceiptBody } from '../protocol/types.js';
import type { GenerateResult, InferenceBackend } from './backend.js';
import type { GpuInfo } from './gpu.js';

export const DEFAULT_HEALTH_PORT = 18_001;

export interface MinerOptions {
  signer: Signer;
  coordinatorUrl: string;
  backend: InferenceBackend;
  /** Models to serve; default every model the backend serves. Each must be served by the backend. */
  models?: string[];
  /** uait per 1,000 tokens */
  unitPrice: bigint;
  /** jobs run at once (1–256) */
  concurrency: number;
  /** who is paid (default the miner's address) */
  payTo?: string;
  apiKey?: string;
  /** GPU to advertise; detect it with detectGpu() before (the library runs no commands itself) */
  gpu?: GpuInfo;
  /** health endpoint; `undefined` serves none, 0 picks a free port */
  healthPort?: number;
  healthHost?: string;
  version?: string;
  /** tokens are sent to the coordinator at most this often per job (default 50 ms) */
  progressBatchMs?: number;
  onEvent?: (e: MinerEvent) => void;
  now?: () => number;
}

export type MinerEvent =
  | { type: 'registered'; miner: string; coordinator: string; chainId: string; models: string[] }
  | {
      type: 'job';
      jobId: string;
      state: 'started' | 'completed' | 'canceled' | 'failed' | 'abandoned';
      model?: string;
      tokensOut?: number;
      price?: string;
      error?: { code: string; message: string };
    }
  | { type: 'warning'; message: string; details?: Record<string, unknown> };

export interface MinerStats {
  started: number;
  completed: number;
  canceled: number;
  failed: number;
  abandoned: number;
}

export interface RunningMiner {
  address: string;
  publicKey: string;
  payTo: string;
  coordinator: string;
  chainId: string;
  backend: string;
  models: string[];
  unitPrice: string;
  concurrency: number;
  gpu?: GpuInfo;
  /** `http://host:port/health`, when served */
  healthUrl?: string;
  stats(): MinerStats & { active: number };
  /** Stops polling, gives running jobs back (a retryable failure), closes the health server. */
  close(): Promise<void>;
}

interface ActiveJob {
  a: Assignment;
  ctrl: AbortController;
  cancel: boolean;
  abandoned: boolean;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Starts a miner: checks the models against the backend, registers, serves /health and runs the loop.
 * @throws AitbcError INVALID_INPUT (a model the backend does not serve, no models), UNREACHABLE
 *   (coordinator or backend), or the coordinator's refusal of the registration.
 * @example const m = await startMiner({signer, coordinatorUrl, backend: new EchoBackend(), unitPrice: 1000n, concurrency: 4}); … await m.close();
 */
export async function startMiner(opts: MinerOptions): Promise<RunningMiner> {
  const now = opts.now ?? Date.now;
  const address = addressFromPublicKey(opts.signer.publicKey);
  const publicKey = toHex(opts.signer.publicKey);
  const payTo = opts.payTo ?? address;
  const served = await opts.backend.listModels();
  const models = opts.models ?? served.models;
  for (const m of models)
    if (!served.models.includes(m))
      throw new AitbcError(
        'INVALID_INPUT',
        `the ${opts.backend.name} backend does not serve model "${m}" (it serves: ${served.models.join(', ') || 'none'})`,
        { model: m, served: served.models },
      );
  if (models.length === 0)
    throw new AitbcError('INVALID_INPUT', `the ${opts.backend.name} backend serves no models`, {});
  const digests: Record<string, string> = {};
  for (const m of models) if (served.digests?.[m] !== undefined) digests[m] = served.digests[m];
  const capability: Capability = {
    models,
    backend: opts.backend.name,
    unitPrice: opts.unitPrice.toString(),
    concurrency: opts.concurrency,
    payTo,
    ...(opts.gpu === undefined ? {} : { gpu: opts.gpu }),
    ...(Object.keys(digests).length === 0 ? {} : { modelDigests: digests }),
    ...(opts.version === undefined ? {} : { version: opts.version }),
  };
  const client = new CoordinatorClient({
    url: opts.coordinatorUrl,
    signer: opts.signer,
    apiKey: opts.apiKey,
    timeoutMs: 10_000,
    now,
  });
  const emit = opts.onEvent ?? (() => {});
  let reg: Awaited<ReturnType<CoordinatorClient['register']>>;
  try {
    reg = await client.register(capability);
  } catch (e) {
    await client.close();
    throw e;
  }
  emit({ type: 'registered', miner: reg.miner, coordinator: reg.coordinator, chainId: reg.chainId, models });

  const loop = new MinerLoop(client, opts, capability, address, publicKey, payTo, reg, emit, now);
  let health: http.Server | undefined;
  let healthUrl: string | undefined;
  if (opts.healthPort !== undefined) {
    health = http.createServer((req, res) => {
      const ok = req.method === 'GET' && req.url === '/health';
      const body = ok
        ? {
            ok: true,
            miner: address,
            coordinator: opts.coordinatorUrl,
            backend: opts.backend.name,
            models,
            unitPrice: capability.unitPrice,
            concurrency: opts.concurrency,
            ...loop.stats(),
          }
        : { error: { code: 'METHOD_NOT_FOUND', message: `no ${req.method} ${req.url}`, details: {} } };
      res.writeHead(ok ? 200 : 404, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    });
    const host = opts.healthHost ?? '127.0.0.1';
    try {
      await new Promise<void>((resolve, reject) => {
        health?.once('error', reject);
        health?.listen(opts.healthPort, host, () => resolve());
      });
    } catch (e) {
      await client.close();
      throw new AitbcError('CONFIG', `cannot listen on ${host}:${opts.healthPort}: ${(e as Error).message}`, {
        port: opts.healthPort,
      });
    }
    healthUrl = `http://${host}:${(health.address() as AddressInfo).port}/health`;
  }
  loop.start();
  return {
    address,
    publicKey,
    payTo,
    coordinator: reg.coordinator,
    chainId: reg.chainId,
    backend: opts.backend.name,
    models,
    unitPrice: capability.unitPrice,
    concurrency: opts.concurrency,
    ...(opts.gpu === undefined ? {} : { gpu: opts.gpu }),
    ...(healthUrl === undefined ? {} : { healthUrl }),
    stats: () => loop.stats(),
    close: async () => {
      await loop.stop();
      if (health !== undefined) await new Promise<void>((resolve) => health?.close(() => resolve()));
      await client.close();
    },
  };
}

/** The long-running part: heartbeats, the poll loop and the jobs it runs. */
class MinerLoop {
  private readonly active = new Map<string, ActiveJob>();
  private readonly counts: MinerStats = { started: 0, completed: 0, canceled: 0, failed: 0, abandoned: 0 };
  private readonly stopCtrl = new AbortController();
  private heartbeatTimer?: NodeJS.Timeout;
  private pollDone?: Promise<void>;
  private slotFreed?: () => void;
  private readonly jobsDone = new Set<Promise<void>>();

  constructor(
    private readonly client: CoordinatorClient,
    private readonly opts: MinerOptions,
    private readonly capability: Capability,
    private readonly address: string,
    private readonly publicKey: string,
    private readonly payTo: string,
    private readonly reg: { heartbeatIntervalMs: number; maxPollWaitMs: number },
    private readonly emit: (e: MinerEvent) => void,
    private readonly now: () => number,
  ) {}

  stats(): MinerStats & { active: number } {
    return { ...this.counts, active: this.active.size };
  }

  start(): void {
    this.heartbeatTimer = setInterval(() => void this.heartbeat(), this.reg.heartbeatIntervalMs);
    this.pollDone = this.pollLoop();
  }

  async stop(): Promise<void> {
    this.stopCtrl.abort();
    clearInterval(this.heartbeatTimer);
    this.slotFreed?.();
    await this.pollDone;
    for (const job of this.active.values()) job.ctrl.abort();
    await Promise.allSettled([...this.jobsDone]);
  }

  private get stopped(): boolean {
    return this.stopCtrl.signal.aborted;
  }

  private async heartbeat(): Promise<void> {
    if (this.stopped) return;
    let answer: HeartbeatAnswer;
    try {
      answer = await this.client.heartbeat([...this.active.keys()]);
    } catch (e) {
      await this.recover(e, 'heartbeat');
      return;
    }
    for (const id of answer.cancel) this.signalJob(id, 'cancel');
    for (const id of answer.abandon) this.signalJob(id, 'abandon');
  }

  private signalJob(jobId: string, what: 'cancel' | 'abandon'): void {
    const job = this.active.get(jobId);
    if (job === undefined) return;
    if (what === 'cancel') job.cancel = true;
    else job.abandoned = true;
    job.ctrl.abort();
  }

  /** After a failed call: re-register when the coordinator forgot us, else report and back off. */
  private async recover(e: unknown, what: string): Promise<void> {
    if (this.stopped) return;
    if (isAitbcError(e) && e.code === 'MINER_NOT_FOUND') {
      try {
        await this.client.register(this.capability);
        return;
      } catch (again) {
        e = again;
      }
    }
    this.emit({
      type: 'warning',
      message: `${what} failed: ${(e as Error).message}`,
      details: { code: isAitbcError(e) ? e.code : 'INTERNAL' },
    });
    await sleep(500);
  }

  private async pollLoop(): Promise<void> {
    while (!this.stopped) {
      const free = this.opts.concurrency - this.active.size;
      if (free <= 0) {
        await new Promise<void>((resolve) => {
          this.slotFreed = resolve;
        });
        continue;
      }
      let items: Assignment[];
      try {
        items = (
          await this.client.pollJobs({ max: free, waitMs: this.reg.maxPollWaitMs }, this.stopCtrl.signal)
        ).items;
      } catch (e) {
        if (this.stopped) return;
        await this.recover(e, 'poll');
        continue;
      }
      for (const a of items) {
        const job: ActiveJob = { a, ctrl: new AbortController(), cancel: false, abandoned: false };
        this.active.set(a.jobId, job);
        const done = this.runJob(job).finally(() => {
          this.active.delete(a.jobId);
          this.jobsDone.delete(done);
          const wake = this.slotFreed;
          this.slotFreed = undefined;
          wake?.();
        });
        this.jobsDone.add(done);
      }
    }
  }

  /** Runs one assignment to a result, a failure report, or nothing (abandoned). Never throws. */
  private async runJob(job: ActiveJob): Promise<void> {
    const { a } = job;
    this.counts.started++;
    this.emit({ type: 'job', jobId: a.jobId, state: 'started', model: a.model });
    try {
      if (!this.capability.models.includes(a.model))
        return await this.fail(job, 'MODEL_NOT_AVAILABLE', `model "${a.model}" is not served here`, true);
      const expected = computeInputHash({ model: a.model, prompt: a.prompt, params: a.params });
      if (expected !== a.inputHash)
        return await this.fail(
          job,
          'INPUT_MISMATCH',
          'the assignment’s inputHash does not match its input',
          false,
        );
      const startedAt = this.now();
      const streamer = new TokenStreamer(this.client, job, this.opts.progressBatchMs ?? 50, (e) =>
        this.onProgressError(job, e),
      );
      let result: GenerateResult;
      try {
        result = await this.opts.backend.generate(
          {
            model: a.model,
            prompt: a.prompt,
            maxTokens: a.maxTokens,
            ...(a.params.temperature === undefined ? {} : { temperature: a.params.temperature }),
            ...(a.params.seed === undefined ? {} : { seed: a.params.seed }),
          },
          (tokens) => streamer.push(tokens),
          job.ctrl.signal,
        );
      } catch (e) {
        await streamer.finish();
        const reason = isAitbcError(e) ? String(e.details.reason ?? e.code) : 'BACKEND_ERROR';
        const retryable = !isAitbcError(e) || reason === 'MODEL_NOT_AVAILABLE' || e.code === 'UNREACHABLE';
        return await this.fail(job, reason, (e as Error).message, retryable);
      }
      await streamer.finish();
      if (job.abandoned) return this.finish(job, 'abandoned');
      if (result.stopped && !job.cancel)
        return await this.fail(job, 'MINER_STOPPING', 'the miner is shutting down', true);
      await this.deliver(job, result, startedAt, streamer.sent);
    } catch (e) {
      this.emit({ type: 'warning', message: `job ${a.jobId}: ${(e as Error).message}` });
      this.finish(job, 'failed', e);
    }
  }

  private onProgressError(job: ActiveJob, e: unknown): void {
    if (isAitbcError(e) && ['JOB_CANCELED', 'JOB_EXPIRED', 'JOB_FAILED', 'FORBIDDEN'].includes(e.code)) {
      job.abandoned = true;
      job.ctrl.abort();
    }
  }

  private async deliver(
    job: ActiveJob,
    r: GenerateResult,
    startedAt: number,
    streamed: number,
  ): Promise<void> {
    const a = job.a;
    const tokensIn = Math.min(r.tokensIn, a.maxTokensIn);
    const tokensOut = Math.min(Math.max(r.tokensOut, streamed), a.maxTokens);
    const body: ReceiptBody = {
      version: 1,
      chainId: a.chainId,
      jobId: a.jobId,
      client: a.client,
      coordinator: a.coordinator,
      miner: this.address,
      payTo: this.payTo,
      model: a.model,
      ...(r.modelDigest === undefined ? {} : { modelDigest: r.modelDigest }),
      backend: this.opts.backend.name,
      inputHash: a.inputHash,
      outputHash: computeOutputHash(r.output),
      tokensIn,
      tokensOut,
      unitPrice: a.unitPrice,
      price: computePrice(BigInt(a.unitPrice), tokensIn, tokensOut).toString(),
      startedAt,
      completedAt: Math.max(startedAt, this.now()),
      minerPubkey: this.publicKey,
      coordinatorPubkey: a.coordinatorPubkey,
    };
    const minerSig = signReceiptAs(body, 'miner', this.opts.signer);
    try {
      const answer = await this.client.result(a.jobId, { output: r.output, receipt: body, minerSig });
      this.finish(job, answer.state === 'canceled' ? 'canceled' : 'completed', undefined, {
        tokensOut,
        price: body.price,
      });
    } catch (e) {
      if (isAitbcError(e) && ['JOB_CANCELED', 'JOB_EXPIRED', 'JOB_FAILED', 'FORBIDDEN'].includes(e.code))
        return this.finish(job, 'abandoned', e);
      throw e;
    }
  }

  private async fail(job: ActiveJob, code: string, message: string, retryable: boolean): Promise<void> {
    try {
      await this.client.fail(job.a.jobId, { message, code, retryable });
    } catch (e) {
      if (!isAitbcError(e) || !['JOB_CANCELED', 'JOB_EXPIRED', 'JOB_FAILED', 'FORBIDDEN'].includes(e.code))
        this.emit({
          type: 'warning',
          message: `reporting the failure of ${job.a.jobId}: ${(e as Error).message}`,
        });
    }
    this.finish(job, 'failed', new AitbcError('JOB_FAILED', message, { reason: code }));
  }

  private finish(
    job: ActiveJob,
    state: 'completed' | 'canceled' | 'failed' | 'abandoned',
    error?: unknown,
    extra: { tokensOut?: number; price?: string } = {},
  ): void {
    this.counts[state]++;
    this.emit({
      type: 'job',
      jobId: job.a.jobId,
      state,
      model: job.a.model,
      ...extra,
      ...(error === undefined
        ? {}
        : {
            error: {
              code: isAitbcError(error) ? String(error.details.reason ?? error.code) : 'INTERNAL',
              message: (error as Error).message,
            },
          }),
    });
  }
}

/**
 * Sends a job's tokens to the coordinator in batches: one progress call in flight at a time, the next
 * one at least `batchMs` later, so a fast backend costs few calls and an instant one none (its result
 * carries the whole output).
 */
class TokenStreamer {
  /** tokens the coordinator has acknowledged */
  sent = 0;
  private readonly pending: string[] = [];
  private timer?: NodeJS.Timeout;
  private inFlight?: Promise<void>;
  private closed = false;

  constructor(
    private readonly client: CoordinatorClient,
    private readonly job: ActiveJob,
    private readonly batchMs: number,
    private readonly onError: (e: unknown) => void,
  ) {}

  push(tokens: string[]): void {
    if (this.closed) return;
    this.pending.push(...tokens);
    this.timer ??= setTimeout(() => void this.flush(), this.batchMs);
  }

  private async flush(): Promise<void> {
    this.timer = undefined;
    if (this.inFlight !== undefined || this.pending.length === 0 || this.closed) return;
    const tokens = this.pending.splice(0, 4096);
    const offset = this.sent;
    this.inFlight = this.client
      .progress(this.job.a.jobId, offset, tokens)
      .then((answer) => {
        this.sent = offset + tokens.length;
        if (answer.cancel) {
          this.job.cancel = true;
          this.job.ctrl.abort();
        }
      })
      .catch((e) => {
        // Tokens not acknowledged are not counted as streamed; the result still carries them.
        this.pending.unshift(...tokens);
        this.onError(e);
      })
      .finally(() => {
        this.inFlight = undefined;
        if (this.pending.length > 0 && !this.closed)
          this.timer ??= setTimeout(() => void this.flush(), this.batchMs);
      });
    await this.inFlight;
  }

  /**
   * Stops sending; waits for the call in flight so the result follows every acknowledged token. A job
   * that has streamed sends its last tokens too, so its watchers see the whole output as tokens; one that
   * never streamed (an instant backend) sends none — its result carries the output.
   */
  async finish(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.inFlight;
    if (this.sent > 0 && this.pending.length > 0 && !this.job.abandoned) await this.flush();
    this.closed = true;
    clearTimeout(this.timer);
    await this.inFlight;
  }
}
