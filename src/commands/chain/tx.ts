import { AitbcCommand } from '../../cli/base-command.js';
import { nodeFlags } from '../../cli/flags.js';
import { Args } from '../../cli/oclif.js';
import { parseTxHash, type WithRfc3339, withRfc3339 } from '../../client/present.js';
import type { TxInfo } from '../../client/rpc-types.js';
import { formatAitWithUnit } from '../../core/amount.js';

type Result = WithRfc3339<TxInfo, 'time'>;

export default class ChainTx extends AitbcCommand<typeof ChainTx, Result> {
  static override summary = 'Show a committed transaction by hash';
  static override description =
    'Prints the signed transaction as stored, the block and position that hold it, and its result code (0 = applied); a transaction still in the mempool shows status "pending". A hash the node does not know exits 4 (TX_NOT_FOUND).';
  static override examples = [
    '<%= config.bin %> chain tx 5be1…9a',
    '<%= config.bin %> chain tx 5be1…9a --json',
  ];
  static override args = { hash: Args.string({ description: 'transaction hash (64 hex)', required: true }) };
  static override flags = { ...nodeFlags };

  async run(): Promise<Result> {
    const hash = parseTxHash(this.args.hash);
    const rpc = await this.openNode();
    return withRfc3339(await rpc.getTx(hash), ['time']);
  }

  protected override renderHuman(t: Result): void {
    if (this.out.quiet) return this.out.line(t.hash);
    const tx = t.tx;
    this.out.keyValues({
      hash: t.hash,
      chain: tx.chainId,
      status: t.status,
      block: t.height,
      index: t.index,
      time: t.time,
      result: t.code === undefined ? undefined : t.code === 0 ? 'ok' : `failed (code ${t.code}): ${t.log}`,
      type: tx.type,
      from: tx.from,
      to: tx.type === 'transfer' ? tx.body.to : undefined,
      amount: tx.type === 'transfer' ? formatAitWithUnit(BigInt(tx.body.amount)) : undefined,
      memo: tx.type === 'transfer' ? tx.body.memo : undefined,
      fee: formatAitWithUnit(BigInt(tx.fee)),
      nonce: tx.nonce,
      body: tx.type === 'transfer' ? undefined : tx.body,
    });
  }
}
