import { AitbcCommand } from '../cli/base-command.js';
import { coordinatorFlags, nodeFlags } from '../cli/flags.js';
import type { ListPage, ModelSummary } from '../client/coordinator.js';

export default class Models extends AitbcCommand<typeof Models, ListPage<ModelSummary>> {
  static override summary = 'List the models online miners serve now, with price ranges';
  static override description =
    'From the coordinator’s GET /v1/models: each model served by at least one online miner, how many miners, their lowest and highest unit price (uait per 1,000 tokens), capacity and free slots. No wallet needed.';
  static override examples = ['<%= config.bin %> models', '<%= config.bin %> models --json'];
  static override flags = { timeout: nodeFlags.timeout, ...coordinatorFlags };

  async run(): Promise<ListPage<ModelSummary>> {
    const coord = await this.openCoordinator();
    try {
      return await coord.models();
    } finally {
      await coord.close();
    }
  }

  protected override async renderHuman(page: ListPage<ModelSummary>): Promise<void> {
    if (page.items.length === 0) return this.out.line('no model is served by an online miner');
    await this.out.table(page.items, [
      { key: 'model' },
      { key: 'miners' },
      { key: 'minUnitPrice', header: 'min price/1k (uait)' },
      { key: 'maxUnitPrice', header: 'max price/1k (uait)' },
      { key: 'capacity' },
      { key: 'free' },
    ]);
  }
}
