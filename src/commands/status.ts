import { AitbcCommand } from '../cli/base-command.js';
import { coordinatorFlags, nodeFlags, walletFlags } from '../cli/flags.js';
import { Args, Flags } from '../cli/oclif.js';
import type { JobView } from '../client/coordinator.js';

export default class Status extends AitbcCommand<typeof Status, JobView> {
  static override summary = 'Show a job, or wait for it to end';
  static override description =
    'Reads the job from the coordinator (signed: only its client sees it). Without --wait it reports the state and exits 0 whatever it is; with --wait it follows the job to its end and its settlement, and exits 8 when it ended failed, canceled or expired (7 on timeout).';
  static override examples = [
    '<%= config.bin %> status 75e78146da91063d868c84158613a7c5',
    '<%= config.bin %> status 75e78146da91063d868c84158613a7c5 --wait --json',
  ];
  static override args = { job: Args.string({ description: 'job id (32 hex)', required: true }) };
  static override flags = {
    wait: Flags.boolean({ description: 'wait until the job ends (default timeout 600 s)' }),
    timeout: nodeFlags.timeout,
    ...walletFlags,
    ...coordinatorFlags,
  };

  async run(): Promise<JobView> {
    const f = this.flags;
    const { parseJobId } = await import('../client/coordinator-jobs.js');
    const jobId = parseJobId(this.args.job);
    const wallet = await this.unlockWallet();
    const coord = await this.openCoordinator(wallet.signer);
    try {
      if (!f.wait) return await coord.getJob(jobId);
      const jobs = await import('../client/coordinator-jobs.js');
      const timeout = this.setting('timeout', f.timeout);
      const ctrl = new AbortController();
      const onSigint = () => ctrl.abort();
      process.once('SIGINT', onSigint);
      try {
        const job = await jobs.waitForJob(coord, jobId, {
          timeoutMs: timeout.source === 'default' ? 600_000 : Math.round(Number(timeout.value) * 1000),
          settlement: true,
          signal: ctrl.signal,
        });
        if (jobs.JOB_END_CODES[job.state] !== undefined) throw jobs.jobEndError(job);
        return job;
      } finally {
        process.removeListener('SIGINT', onSigint);
      }
    } finally {
      await coord.close();
    }
  }

  protected override renderHuman(job: JobView): void {
    renderJob(this.out, job);
  }
}

/** Key/value lines of a job, shared by status and cancel. */
export function renderJob(out: import('../cli/output.js').Output, job: JobView): void {
  out.keyValues({
    job: job.jobId,
    state: job.state,
    model: job.model,
    miner: job.miner,
    attempts: job.attempts,
    tokens:
      job.tokensOut === undefined
        ? `${job.tokensStreamed} streamed`
        : `${job.tokensIn} in, ${job.tokensOut} out`,
    price: job.price === undefined ? undefined : `${job.price} uait`,
    escrow:
      job.amount === undefined ? `lock ${job.lockStatus}` : `${job.amount} uait (lock ${job.lockStatus})`,
    receipt: job.receiptId,
    settlement: job.settlement
      ? `${job.settlement.kind} ${job.settlement.status}${job.settlement.height ? ` at height ${job.settlement.height}` : ''}`
      : undefined,
    error: job.error ? `${job.error.code}: ${job.error.message}` : undefined,
    created: new Date(job.createdAt).toISOString(),
  });
  if (job.output !== undefined) {
    out.line();
    out.line(job.output);
  }
}
