import { AitbcCommand } from '../../cli/base-command.js';
import { nodeFlags } from '../../cli/flags.js';
import { Args } from '../../cli/oclif.js';
import { openNodeRpc } from '../../client/open-node.js';
import { rfc3339 } from '../../client/present.js';
import type { ChainSummary } from '../../client/rpc-types.js';
import { formatAitWithUnit } from '../../core/amount.js';
import { AitbcError } from '../../core/errors.js';

export default class ChainInfo extends AitbcCommand<typeof ChainInfo, ChainSummary> {
  static override summary = "Show a chain's genesis: validators, allocations, faucet and parameters";
  static override description =
    "Reads the chain's genesis from the node: its hash (block 1's prevHash), time, validators, allocations, faucet and the consensus parameters (block time, heartbeat, minimum fee, size limits, escrow bounds). CHAIN defaults to --chain / AITBC_CHAIN, else the node's default chain.";
  static override examples = [
    '<%= config.bin %> chain info',
    '<%= config.bin %> chain info aitbc-devnet --json',
  ];
  static override args = {
    chain: Args.string({ description: "chain id (default: --chain, else the node's default)" }),
  };
  static override flags = { ...nodeFlags };

  async run(): Promise<ChainSummary> {
    const settings = this.nodeSettings();
    const wanted = this.args.chain ?? settings.chain;
    // get_chains lists every chain; naming none in the call keeps it valid whatever `wanted` is.
    const rpc = await openNodeRpc({ ...settings, chain: undefined });
    const { items } = await rpc.getChains();
    const chain =
      wanted === undefined ? items.find((c) => c.default) : items.find((c) => c.chainId === wanted);
    if (chain === undefined) {
      throw new AitbcError(
        'CHAIN_NOT_FOUND',
        `the node at ${rpc.url} does not host chain ${wanted}`,
        { chainId: wanted, hosted: items.map((c) => c.chainId) },
        { hint: 'see aitbc chain list' },
      );
    }
    return chain;
  }

  protected override async renderHuman(c: ChainSummary): Promise<void> {
    if (this.out.quiet) return this.out.line(c.chainId);
    const g = c.genesis;
    const p = g.params;
    this.out.keyValues({
      chain: `${c.chainId}${c.default ? ' (default)' : ''}`,
      'genesis hash': c.genesisHash,
      'genesis time': rfc3339(g.time),
      height: c.height,
      faucet: g.faucet
        ? `${g.faucet.address} (up to ${formatAitWithUnit(BigInt(g.faucet.maxPerRequest))} per request)`
        : 'none',
      'block time': `${p.blockTimeMs} ms (empty block every ${p.heartbeatMs} ms when idle)`,
      'min fee': formatAitWithUnit(BigInt(p.minFee)),
      'max tx size': `${p.maxTxBytes} bytes`,
      'max block': `${p.maxBlockTxs} transactions, ${p.maxBlockBytes} bytes`,
      'max pending per sender': p.maxPendingPerSender,
      'escrow duration': `${p.minEscrowMs / 1000} s to ${p.maxEscrowMs / 1000} s`,
    });
    this.out.line();
    await this.out.table(g.validators, [
      { key: 'address', header: 'validator' },
      { key: 'power' },
      { key: 'pubkey' },
    ]);
    if (g.allocations.length === 0) return;
    this.out.line();
    await this.out.table(
      g.allocations.map((a) => ({ address: a.address, amount: formatAitWithUnit(BigInt(a.amount)) })),
      [{ key: 'address', header: 'allocation' }, { key: 'amount' }],
    );
  }
}
