import { AitbcCommand } from '../cli/base-command.js';
import { errorJson, toAitbcError } from '../cli/errors.js';
import { coordinatorFlags, nodeFlags, walletFlags } from '../cli/flags.js';
import { Args, Flags } from '../cli/oclif.js';
import type { JobView } from '../client/coordinator.js';

type Result = JobView | (Record<string, unknown> & { dryRun: true });

export default class Submit extends AitbcCommand<typeof Submit, Result> {
  static override summary = 'Pay for an AI job: lock escrow, run it on a miner, get the output and a receipt';
  static override description =
    'Reads the coordinator’s /v1/info, checks that an online miner serves the model at your price and that the wallet can pay — all before any money moves — then signs and broadcasts the escrow_lock with its terms and posts the job. By default it waits for the end (streaming tokens on a TTY) and the on-chain settlement; --async returns once the job is accepted. --stream prints NDJSON {"type":"token",…} events then {"type":"result",…} or {"type":"error",…}. Exit 8 when the job ends failed, canceled or expired; 7 on timeout (the job keeps running). Ctrl-C stops waiting and leaves the job running.';
  static override examples = [
    '<%= config.bin %> submit "What is AITBC?" --model echo',
    '<%= config.bin %> submit "Summarise this" --model llama3.2 --max-tokens 200 --max-price 2000uait --json',
    '<%= config.bin %> submit "Hello" --model echo --stream',
  ];
  static override args = { prompt: Args.string({ description: 'the prompt', required: true }) };
  static override flags = {
    model: Flags.string({ char: 'm', description: 'model to run (see `aitbc models`)', required: true }),
    'max-tokens': Flags.integer({ description: 'most tokens to generate (default 256)', min: 1 }),
    temperature: Flags.string({ description: 'sampling temperature (non-negative number)' }),
    seed: Flags.integer({ description: 'sampling seed', min: 0 }),
    'max-price': Flags.string({
      description:
        'most you pay per 1,000 tokens: AIT, or with a unit (e.g. 2000uait); default the highest online price',
    }),
    ttl: Flags.string({ description: 'escrow lifetime, e.g. 10m, 600s (default 10m)' }),
    async: Flags.boolean({ description: 'return once the job is accepted', exclusive: ['stream'] }),
    stream: Flags.boolean({ description: 'print NDJSON token events, then the result or error event' }),
    output: Flags.string({ char: 'o', description: 'also write the output text to this file' }),
    'dry-run': Flags.boolean({ description: 'check and sign, but broadcast and post nothing' }),
    ...walletFlags,
    ...nodeFlags,
    ...coordinatorFlags,
  };

  private streaming = false;
  private liveShown = false;

  override jsonEnabled(): boolean {
    return !this.argv.includes('--stream') && super.jsonEnabled();
  }

  async run(): Promise<Result> {
    const f = this.flags;
    this.streaming = f.stream;
    const { AitbcError } = await import('../core/errors.js');
    const { parseAmount } = await import('../core/amount.js');
    let temperature: number | undefined;
    if (f.temperature !== undefined) {
      temperature = Number(f.temperature);
      if (!/^[0-9]+(\.[0-9]+)?$/.test(f.temperature) || !Number.isFinite(temperature))
        throw new AitbcError(
          'INVALID_INPUT',
          `temperature must be a non-negative number, got "${f.temperature}"`,
          {
            flag: 'temperature',
          },
        );
    }
    const ttlMs = f.ttl === undefined ? undefined : parseDuration(f.ttl, AitbcError);
    const maxUnitPrice = f['max-price'] === undefined ? undefined : parseAmount(f['max-price']);
    const wallet = await this.unlockWallet();
    const { openNodeRpc } = await import('../client/open-node.js');
    const coord = await this.openCoordinator(wallet.signer);
    const info = await coord.info();
    const rpc = await openNodeRpc({
      ...this.nodeSettings(),
      chain: this.setting('chain', f.chain).value ?? info.chainId,
    });
    const jobs = await import('../client/coordinator-jobs.js');
    const prepared = await jobs.prepareJob(
      coord,
      rpc,
      { signer: wallet.signer, address: wallet.address },
      {
        prompt: this.args.prompt,
        model: f.model,
        ...(f['max-tokens'] === undefined ? {} : { maxTokens: f['max-tokens'] }),
        ...(temperature === undefined ? {} : { temperature }),
        ...(f.seed === undefined ? {} : { seed: f.seed }),
        ...(maxUnitPrice === undefined ? {} : { maxUnitPrice }),
        ...(ttlMs === undefined ? {} : { ttlMs }),
      },
    );
    if (f['dry-run']) {
      const { lockTx, ...plan } = prepared;
      return { dryRun: true, ...plan, lockTx };
    }
    const accepted = await jobs.placeJob(coord, rpc, prepared);
    this.out.info(
      `job ${accepted.jobId} accepted (escrow ${prepared.amount} uait locked in tx ${prepared.lockHash})`,
    );
    if (f.async || jobs.JOB_END_CODES[accepted.state] !== undefined) {
      if (jobs.JOB_END_CODES[accepted.state] !== undefined) throw jobs.jobEndError(accepted);
      return accepted;
    }
    const ctrl = new AbortController();
    const onSigint = () => ctrl.abort();
    process.once('SIGINT', onSigint);
    const liveText = !this.streaming && this.interactive && !this.out.quiet;
    const timeout = this.setting('timeout', f.timeout);
    const timeoutMs = timeout.source === 'default' ? 600_000 : Math.round(Number(timeout.value) * 1000);
    let job: JobView;
    try {
      job = await jobs.waitForJob(coord, accepted.jobId, {
        timeoutMs,
        settlement: true,
        signal: ctrl.signal,
        onToken: (t) => {
          if (this.streaming) this.out.line(JSON.stringify({ type: 'token', index: t.index, text: t.text }));
          else if (liveText) process.stdout.write(t.text);
        },
      });
    } finally {
      process.removeListener('SIGINT', onSigint);
      await coord.close();
      await rpc.close();
    }
    if (liveText) process.stdout.write('\n');
    if (f.output !== undefined && job.output !== undefined) {
      const { writeFileSync } = await import('node:fs');
      writeFileSync(f.output, job.output);
    }
    if (jobs.JOB_END_CODES[job.state] !== undefined) throw jobs.jobEndError(job);
    if (this.streaming) this.out.line(JSON.stringify({ type: 'result', job }));
    this.liveShown = liveText;
    return job;
  }

  protected override renderHuman(r: Result): void {
    if (this.streaming) return;
    if ('dryRun' in r) {
      this.out.keyValues({
        'dry run': 'nothing was broadcast or posted',
        jobId: r.jobId,
        model: r.model,
        coordinator: r.coordinator,
        escrow: `${r.amount} uait (fee ${r.fee} uait)`,
        lockTx: r.lockHash,
      });
      return;
    }
    const job = r as JobView;
    if (job.output !== undefined && !this.liveShown) this.out.line(job.output);
    if (this.out.quiet) return;
    const lines: Record<string, unknown> = {
      job: job.jobId,
      state: job.state,
      model: job.model,
      miner: job.miner,
      tokens: job.tokensOut === undefined ? undefined : `${job.tokensIn} in, ${job.tokensOut} out`,
      price: job.price === undefined ? undefined : `${job.price} uait`,
      receipt: job.receiptId,
      settlement: job.settlement
        ? `${job.settlement.kind} ${job.settlement.status}${job.settlement.height ? ` at height ${job.settlement.height}` : ''}`
        : undefined,
    };
    for (const [k, v] of Object.entries(lines))
      if (v !== undefined) process.stderr.write(`${this.out.dim(k.padEnd(10))} ${v}\n`);
    if (job.state !== 'completed') process.stderr.write(`follow it with: aitbc status ${job.jobId} --wait\n`);
  }

  override async catch(err: Error & { exitCode?: number }): Promise<never> {
    if (!this.streaming) return super.catch(err);
    const doc = errorJson(toAitbcError(err));
    process.stdout.write(`${JSON.stringify({ type: 'error', error: doc.error })}\n`);
    process.exit(doc.error.exitCode);
  }
}

/** `10m`, `600s`, `90000ms`, `1h` → milliseconds. */
function parseDuration(text: string, E: typeof import('../core/errors.js').AitbcError): number {
  const m = /^([0-9]+)(ms|s|m|h)?$/.exec(text.trim());
  if (m === null)
    throw new E('INVALID_INPUT', `invalid duration "${text}": use e.g. 10m, 600s`, { flag: 'ttl' });
  const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[m[2] ?? 's'] as number;
  return Number(m[1]) * unit;
}
