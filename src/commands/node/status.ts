import { AitbcCommand } from '../../cli/base-command.js';
import type { NodeStatusSummary } from '../../node/status.js';

export default class NodeStatus extends AitbcCommand<typeof NodeStatus, NodeStatusSummary> {
  static override summary = 'Show the node of this home: running or not, its chains and heights';
  static override description =
    'Reads <home>/node without a password and without disturbing a running node: whether a node holds the home’s lock (and its pid and endpoints), the validator address, and each chain’s genesis hash and stored height. To ask a node over the network, use `aitbc chain status`.';
  static override examples = [
    '<%= config.bin %> node status',
    '<%= config.bin %> node status --home ./devnet --json',
  ];

  async run(): Promise<NodeStatusSummary> {
    const { readNodeStatus } = await import('../../node/status.js');
    return readNodeStatus(this.home.root);
  }

  protected override async renderHuman(r: NodeStatusSummary): Promise<void> {
    const o = this.out;
    if (!r.initialised) {
      o.line(`No node in ${r.home}. Run \`aitbc node init --chain-id ID\` or \`aitbc node up\`.`);
      return;
    }
    o.keyValues({
      home: r.home,
      running: r.running ? `yes${r.pid === undefined ? '' : ` (pid ${r.pid})`}` : 'no',
      rpc: r.endpoints?.rpc,
      ws: r.endpoints?.ws,
      validator:
        r.validator === undefined
          ? undefined
          : `${r.validator.address}${r.validator.encrypted ? '' : ' (unencrypted key)'}`,
    });
    await o.table(
      r.chains.map((c) => ({
        ...c,
        chainId: c.default ? `${c.chainId} (default)` : c.chainId,
        latestBlockTime: c.latestBlockTime === undefined ? '' : new Date(c.latestBlockTime).toISOString(),
        faucet: c.faucet ?? '',
      })),
      [
        { key: 'chainId', header: 'chain' },
        { key: 'height' },
        { key: 'latestBlockTime', header: 'last block' },
        { key: 'genesisHash', header: 'genesis hash' },
        { key: 'faucet' },
      ],
    );
  }
}
