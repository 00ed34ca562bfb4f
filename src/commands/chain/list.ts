import { AitbcCommand } from '../../cli/base-command.js';
import { nodeFlags } from '../../cli/flags.js';
import { openNodeRpc } from '../../client/open-node.js';
import type { ChainSummary, ListPage } from '../../client/rpc-types.js';

export default class ChainList extends AitbcCommand<typeof ChainList, ListPage<ChainSummary>> {
  static override summary = 'List the chains a node hosts';
  static override description =
    "One node can host several chains, each with its own genesis, database and validators. The first listed is the node's default: requests that name no chain go there.";
  static override examples = [
    '<%= config.bin %> chain list',
    '<%= config.bin %> chain list --node http://10.0.0.5:26657 --json',
  ];
  static override flags = { node: nodeFlags.node, timeout: nodeFlags.timeout };

  async run(): Promise<ListPage<ChainSummary>> {
    // Every chain is listed: the call names none, whatever AITBC_CHAIN says.
    const settings = this.nodeSettings();
    const rpc = await openNodeRpc({ ...settings, chain: undefined });
    return rpc.getChains();
  }

  protected override async renderHuman(r: ListPage<ChainSummary>): Promise<void> {
    if (this.out.quiet) {
      for (const c of r.items) this.out.line(c.chainId);
      return;
    }
    await this.out.table(
      r.items.map((c, i) => ({ ...c, chainId: i === 0 ? `${c.chainId} (default)` : c.chainId })),
      [
        { key: 'chainId', header: 'chain' },
        { key: 'height' },
        { key: 'genesisHash', header: 'genesis hash' },
      ],
    );
  }
}
