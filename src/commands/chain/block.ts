import { AitbcCommand } from '../../cli/base-command.js';
import { nodeFlags } from '../../cli/flags.js';
import { Args } from '../../cli/oclif.js';
import { parseBlockRef, type WithRfc3339, withRfc3339 } from '../../client/present.js';
import type { BlockInfo } from '../../client/rpc-types.js';
import { formatAitWithUnit } from '../../core/amount.js';

type Result = WithRfc3339<BlockInfo, 'time'>;

export default class ChainBlock extends AitbcCommand<typeof ChainBlock, Result> {
  static override summary = 'Show a block by height or hash, with its transactions and commit';
  static override description =
    'Prints the block header, its transactions with their results, and the commit that made it final. Without an argument, the latest block.';
  static override examples = [
    '<%= config.bin %> chain block',
    '<%= config.bin %> chain block 42 --json',
    '<%= config.bin %> chain block 9f2c…e1 --chain aitbc-devnet',
  ];
  static override args = { block: Args.string({ description: 'HEIGHT, HASH or "latest" (default latest)' }) };
  static override flags = { ...nodeFlags };

  async run(): Promise<Result> {
    const ref = parseBlockRef(this.args.block);
    const rpc = await this.openNode();
    return withRfc3339(await rpc.getBlock('latest' in ref ? {} : ref), ['time']);
  }

  protected override async renderHuman(b: Result): Promise<void> {
    const h = b.block.header;
    if (this.out.quiet) return this.out.line(b.hash);
    const signed = b.commit?.sigs.filter((s) => s !== null).length ?? 0;
    this.out.keyValues({
      height: h.height,
      hash: b.hash,
      time: b.time,
      chain: h.chainId,
      proposer: h.proposer,
      'prev hash': h.prevHash,
      'state root': h.stateRoot,
      'tx root': h.txRoot,
      'results root': h.resultsRoot,
      transactions: b.block.txs.length,
      commit: b.commit
        ? `round ${b.commit.round}, ${signed}/${b.commit.sigs.length} validators signed`
        : undefined,
    });
    if (b.block.txs.length === 0) return;
    this.out.line();
    await this.out.table(
      b.block.txs.map((tx, i) => ({
        index: i,
        type: tx.type,
        from: tx.from,
        to: tx.type === 'transfer' ? tx.body.to : '',
        amount: tx.type === 'transfer' ? formatAitWithUnit(BigInt(tx.body.amount)) : '',
        fee: formatAitWithUnit(BigInt(tx.fee)),
        result:
          b.results?.[i] === undefined ? '' : b.results[i].code === 0 ? 'ok' : `failed: ${b.results[i].log}`,
      })),
      [
        { key: 'index' },
        { key: 'type' },
        { key: 'from' },
        { key: 'to' },
        { key: 'amount' },
        { key: 'fee' },
        { key: 'result' },
      ],
    );
  }
}
