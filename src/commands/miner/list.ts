import { AitbcCommand } from '../../cli/base-command.js';
import { coordinatorFlags, nodeFlags } from '../../cli/flags.js';
import { Flags } from '../../cli/oclif.js';
import type { ListPage, MinerSummary } from '../../client/coordinator.js';

export default class MinerList extends AitbcCommand<typeof MinerList, ListPage<MinerSummary>> {
  static override summary = 'List the miners the coordinator knows';
  static override description =
    'Online miners (seen within a lease TTL or waiting for work) with their models, backend, unit price (uait per 1,000 tokens), concurrency and jobs running; --all adds offline ones. No wallet needed.';
  static override examples = ['<%= config.bin %> miner list', '<%= config.bin %> miner list --all --json'];
  static override flags = {
    all: Flags.boolean({ description: 'include offline miners' }),
    timeout: nodeFlags.timeout,
    ...coordinatorFlags,
  };

  async run(): Promise<ListPage<MinerSummary>> {
    const coord = await this.openCoordinator();
    try {
      return await coord.miners(this.flags.all);
    } finally {
      await coord.close();
    }
  }

  protected override async renderHuman(page: ListPage<MinerSummary>): Promise<void> {
    if (page.items.length === 0) return this.out.line('no miners');
    await this.out.table(
      page.items.map((m) => ({ ...m, models: m.models.join(', '), load: `${m.active}/${m.concurrency}` })),
      [
        { key: 'miner' },
        { key: 'backend' },
        { key: 'models' },
        { key: 'unitPrice', header: 'price/1k (uait)' },
        { key: 'load', header: 'active/slots' },
        { key: 'online' },
      ],
    );
  }
}
