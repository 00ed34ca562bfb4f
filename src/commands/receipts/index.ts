import { AitbcCommand } from '../../cli/base-command.js';
import { coordinatorFlags, nodeFlags, walletFlags } from '../../cli/flags.js';
import { Args, Flags } from '../../cli/oclif.js';
import type { ListPage } from '../../client/coordinator.js';
import type { Receipt } from '../../protocol/types.js';

type Result = ListPage<Receipt> | Receipt;

export default class Receipts extends AitbcCommand<typeof Receipts, Result> {
  static override summary = 'List your compute receipts, or show one job’s receipt';
  static override description =
    'Without JOB: the receipts where your wallet is the client, miner or payee, newest first ({items, nextCursor?}). With JOB: that job’s receipt, exactly as signed (save it with --json and check it with `aitbc receipts verify --file`).';
  static override examples = [
    '<%= config.bin %> receipts',
    '<%= config.bin %> receipts 75e78146da91063d868c84158613a7c5 --json > receipt.json',
  ];
  static override args = { job: Args.string({ description: 'job id (32 hex)' }) };
  static override flags = {
    limit: Flags.integer({ description: 'most receipts to list (1–100)', default: 20, min: 1, max: 100 }),
    cursor: Flags.string({ description: 'nextCursor of a previous page' }),
    timeout: nodeFlags.timeout,
    ...walletFlags,
    ...coordinatorFlags,
  };

  async run(): Promise<Result> {
    const f = this.flags;
    const wallet = await this.unlockWallet();
    const coord = await this.openCoordinator(wallet.signer);
    try {
      if (this.args.job === undefined) return await coord.receipts({ limit: f.limit, cursor: f.cursor });
      const { parseJobId } = await import('../../client/coordinator-jobs.js');
      const job = await coord.getJob(parseJobId(this.args.job));
      if (job.receipt === undefined) {
        const { AitbcError } = await import('../../core/errors.js');
        throw new AitbcError('RECEIPT_NOT_FOUND', `job ${job.jobId} has no receipt (state ${job.state})`, {
          jobId: job.jobId,
          state: job.state,
        });
      }
      return job.receipt;
    } finally {
      await coord.close();
    }
  }

  protected override async renderHuman(r: Result): Promise<void> {
    if (!('items' in r)) return this.out.keyValues(r as unknown as Record<string, unknown>);
    if (r.items.length === 0) return this.out.line('no receipts');
    await this.out.table(
      r.items.map((x) => ({
        ...x,
        tokens: `${x.tokensIn}/${x.tokensOut}`,
        completed: new Date(x.completedAt).toISOString(),
      })),
      [
        { key: 'jobId', header: 'job' },
        { key: 'model' },
        { key: 'miner' },
        { key: 'tokens', header: 'tokens in/out' },
        { key: 'price', header: 'price (uait)' },
        { key: 'completed' },
      ],
    );
    if (r.nextCursor) this.out.info(`more: aitbc receipts --cursor ${r.nextCursor}`);
  }
}
