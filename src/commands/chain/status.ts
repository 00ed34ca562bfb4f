import { AitbcCommand } from '../../cli/base-command.js';
import { nodeFlags } from '../../cli/flags.js';
import { type WithRfc3339, withRfc3339 } from '../../client/present.js';
import type { NodeStatus, ValidatorStatus } from '../../client/rpc-types.js';
import { formatAitWithUnit } from '../../core/amount.js';

type Result = Omit<WithRfc3339<NodeStatus, 'latestBlockTime' | 'genesisTime'>, 'validators'> & {
  validators: Array<WithRfc3339<ValidatorStatus, 'lastSignedTime'>>;
};

export default class ChainStatus extends AitbcCommand<typeof ChainStatus, Result> {
  static override summary = "Show a chain's height, latest block time, genesis hash and validators";
  static override description =
    'Asks the node for its status: chain id, genesis hash, height, the latest block and its time, and each validator with the last block it signed and when.';
  static override examples = [
    '<%= config.bin %> chain status',
    '<%= config.bin %> chain status --chain aitbc-devnet --json',
  ];
  static override flags = { ...nodeFlags };

  async run(): Promise<Result> {
    const rpc = await this.openNode();
    const s = await rpc.status();
    return {
      ...withRfc3339(s, ['latestBlockTime', 'genesisTime']),
      validators: s.validators.map((v) => withRfc3339(v, ['lastSignedTime'])),
    };
  }

  protected override async renderHuman(s: Result): Promise<void> {
    if (this.out.quiet) return this.out.line(String(s.height));
    this.out.keyValues({
      chain: s.chainId,
      height: s.height,
      'latest block': s.latestBlockHash,
      'latest time': s.latestBlockTime,
      'genesis hash': s.genesisHash,
      mempool: s.mempoolTxs === undefined ? undefined : `${s.mempoolTxs} transactions`,
      'block time': s.params === undefined ? undefined : `${s.params.blockTimeMs} ms`,
      'min fee': s.params === undefined ? undefined : formatAitWithUnit(BigInt(s.params.minFee)),
      faucet: s.faucet ? s.faucet.address : undefined,
      chains: s.chains?.join(', '),
      websocket: s.wsUrl,
    });
    this.out.line();
    await this.out.table(
      s.validators.map((v) => ({
        address: v.address,
        power: v.power,
        'last signed height': v.lastSignedHeight,
        'last signed at': v.lastSignedTime,
      })),
      [{ key: 'address' }, { key: 'power' }, { key: 'last signed height' }, { key: 'last signed at' }],
    );
  }
}
