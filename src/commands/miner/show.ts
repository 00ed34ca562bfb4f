import { AitbcCommand } from '../../cli/base-command.js';
import { coordinatorFlags, nodeFlags } from '../../cli/flags.js';
import { Args } from '../../cli/oclif.js';
import type { MinerSummary } from '../../client/coordinator.js';

export default class MinerShow extends AitbcCommand<typeof MinerShow, MinerSummary> {
  static override summary = 'Show one miner';
  static override description =
    'The miner’s capability record as registered (models, backend, GPU, unit price, concurrency, payTo, model digests) and whether it is online. ID is the miner’s ait1… address.';
  static override examples = ['<%= config.bin %> miner show ait1…'];
  static override args = { id: Args.string({ description: 'the miner’s address', required: true }) };
  static override flags = { timeout: nodeFlags.timeout, ...coordinatorFlags };

  async run(): Promise<MinerSummary> {
    const { parseAddress } = await import('../../crypto/address.js');
    const id = parseAddress(this.args.id, 'miner');
    const coord = await this.openCoordinator();
    try {
      const found = (await coord.miners(true)).items.find((m) => m.miner === id);
      if (found === undefined) {
        const { AitbcError } = await import('../../core/errors.js');
        throw new AitbcError('MINER_NOT_FOUND', `the coordinator knows no miner ${id}`, { miner: id });
      }
      return found;
    } finally {
      await coord.close();
    }
  }

  protected override renderHuman(m: MinerSummary): void {
    this.out.keyValues({
      miner: m.miner,
      online: m.online,
      backend: m.backend,
      models: m.models.join(', '),
      unitPrice: `${m.unitPrice} uait per 1,000 tokens`,
      concurrency: `${m.active} of ${m.concurrency} slots busy`,
      payTo: m.payTo,
      gpu: m.gpu ? `${m.gpu.name} (${m.gpu.memoryMb} MiB)` : 'none reported',
      version: m.version,
      registered: new Date(m.registeredAt).toISOString(),
      lastSeen: new Date(m.lastSeenAt).toISOString(),
    });
  }
}
