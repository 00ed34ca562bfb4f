import { AitbcCommand } from '../../cli/base-command.js';
import { nodeFlags, walletFlags } from '../../cli/flags.js';
import { Args, Flags } from '../../cli/oclif.js';
import type { HistoryItem } from '../../client/history.js';
import { formatAitWithUnit } from '../../core/amount.js';

interface Result {
  address: string;
  items: HistoryItem[];
  nextCursor?: string;
}

export default class WalletHistory extends AitbcCommand<typeof WalletHistory, Result> {
  static override summary = "List a wallet's committed transactions, newest first";
  static override description =
    "Every committed transaction sent from or to the address, with its block, direction, amount, fee and result. Pages with --limit and --cursor (the previous page's nextCursor). No password is needed.";
  static override examples = [
    '<%= config.bin %> wallet history',
    '<%= config.bin %> wallet history alice --limit 5 --json',
    '<%= config.bin %> wallet history ait1qy… --cursor 12:0',
  ];
  static override args = {
    target: Args.string({ description: 'wallet name or ait1… address (default: the default wallet)' }),
  };
  static override flags = {
    ...nodeFlags,
    wallet: walletFlags.wallet,
    limit: Flags.integer({ description: 'transactions per page', min: 1, max: 1000, default: 20 }),
    cursor: Flags.string({ description: 'continue after this cursor (nextCursor of the previous page)' }),
  };

  async run(): Promise<Result> {
    const address = await this.resolveAddress(this.args.target);
    const rpc = await this.openNode();
    const { historyItem } = await import('../../client/history.js');
    const page = await rpc.getTxs({
      address,
      limit: this.flags.limit,
      ...(this.flags.cursor === undefined ? {} : { cursor: this.flags.cursor }),
    });
    return {
      address,
      items: page.items.map((t) => historyItem(t, address)),
      ...(page.nextCursor === undefined ? {} : { nextCursor: page.nextCursor }),
    };
  }

  protected override async renderHuman(r: Result): Promise<void> {
    if (r.items.length === 0) return this.out.info(`No committed transactions for ${r.address}.`);
    const sign = { in: '+', out: '-', self: '±' } as const;
    await this.out.table(
      r.items.map((i) => ({
        height: i.height,
        time: i.time,
        type: i.type,
        direction: i.direction,
        counterparty: i.direction === 'in' ? i.from : i.to,
        amount: i.amount === undefined ? '' : `${sign[i.direction]}${formatAitWithUnit(BigInt(i.amount))}`,
        fee: i.direction === 'in' ? '' : formatAitWithUnit(BigInt(i.fee)),
        result: i.code === 0 ? 'ok' : `failed (${i.log ?? i.code})`,
        hash: i.hash,
      })),
      [
        { key: 'height' },
        { key: 'time' },
        { key: 'type' },
        { key: 'direction' },
        { key: 'counterparty' },
        { key: 'amount' },
        { key: 'fee' },
        { key: 'result' },
        { key: 'hash' },
      ],
    );
    if (r.nextCursor !== undefined) this.out.info(`More: --cursor ${r.nextCursor}`);
  }
}
