import { AitbcCommand } from '../cli/base-command.js';
import { coordinatorFlags, nodeFlags, walletFlags } from '../cli/flags.js';
import { Args } from '../cli/oclif.js';
import type { JobView } from '../client/coordinator.js';
import { renderJob } from './status.js';

export default class Cancel extends AitbcCommand<typeof Cancel, JobView> {
  static override summary = 'Cancel a job';
  static override description =
    'A job not yet running ends canceled at once and its escrow is refunded. A running job is asked to stop: the miner delivers what it produced so far, is paid for those tokens, and the rest of the escrow goes back to you (`cancelRequested: true` until then). Cancelling a job that already ended otherwise is refused.';
  static override examples = ['<%= config.bin %> cancel 75e78146da91063d868c84158613a7c5'];
  static override args = { job: Args.string({ description: 'job id (32 hex)', required: true }) };
  static override flags = {
    timeout: nodeFlags.timeout,
    ...walletFlags,
    ...coordinatorFlags,
  };

  async run(): Promise<JobView> {
    const { parseJobId } = await import('../client/coordinator-jobs.js');
    const jobId = parseJobId(this.args.job);
    const wallet = await this.unlockWallet();
    const coord = await this.openCoordinator(wallet.signer);
    try {
      return await coord.cancelJob(jobId);
    } finally {
      await coord.close();
    }
  }

  protected override renderHuman(job: JobView): void {
    renderJob(this.out, job);
  }
}
