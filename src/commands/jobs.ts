import { AitbcCommand } from '../cli/base-command.js';
import { coordinatorFlags, nodeFlags, walletFlags } from '../cli/flags.js';
import { Flags } from '../cli/oclif.js';
import type { JobView, ListPage } from '../client/coordinator.js';

export default class Jobs extends AitbcCommand<typeof Jobs, ListPage<JobView>> {
  static override summary = 'List your jobs, newest first';
  static override description =
    'The jobs the coordinator holds for your wallet’s address (requests are signed, so you see only yours). JSON: {items: […], nextCursor?}; items omit prompt, output and receipt (see `aitbc status JOB`).';
  static override examples = [
    '<%= config.bin %> jobs',
    '<%= config.bin %> jobs --state completed --limit 5 --json',
  ];
  static override flags = {
    state: Flags.string({
      description: 'only jobs in this state',
      options: ['queued', 'assigned', 'running', 'completed', 'failed', 'canceled', 'expired'],
    }),
    limit: Flags.integer({ description: 'most jobs to list (1–100)', default: 20, min: 1, max: 100 }),
    cursor: Flags.string({ description: 'nextCursor of a previous page' }),
    timeout: nodeFlags.timeout,
    ...walletFlags,
    ...coordinatorFlags,
  };

  async run(): Promise<ListPage<JobView>> {
    const f = this.flags;
    const wallet = await this.unlockWallet();
    const coord = await this.openCoordinator(wallet.signer);
    try {
      return await coord.listJobs({ state: f.state, limit: f.limit, cursor: f.cursor });
    } finally {
      await coord.close();
    }
  }

  protected override async renderHuman(page: ListPage<JobView>): Promise<void> {
    if (page.items.length === 0) return this.out.line('no jobs');
    await this.out.table(
      page.items.map((j) => ({
        ...j,
        created: new Date(j.createdAt).toISOString(),
        tokens: j.tokensOut === undefined ? '' : `${j.tokensIn}/${j.tokensOut}`,
      })),
      [
        { key: 'jobId', header: 'job' },
        { key: 'state' },
        { key: 'model' },
        { key: 'tokens', header: 'tokens in/out' },
        { key: 'created' },
      ],
    );
    if (page.nextCursor) this.out.info(`more: aitbc jobs --cursor ${page.nextCursor}`);
  }
}
