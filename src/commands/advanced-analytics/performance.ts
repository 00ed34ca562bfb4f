import { AitbcCommand } from '../../cli/base-command.js';
import { nodeFlags } from '../../cli/flags.js';
import { Flags } from '../../cli/oclif.js';
import { formatAitWithUnit } from '../../core/amount.js';

interface Result {
  address: string;
  /** The height the balance was read at. */
  height: number;
  balance: string;
  startBalance: string;
  txCount: number;
  complete: boolean;
  flows: Record<string, string>;
  points: Array<{ height: number; time?: number; hash: string; balance: string; delta: string }>;
  plot?: string;
}

export default class AnalyticsPerformance extends AitbcCommand<typeof AnalyticsPerformance, Result> {
  static override summary = "A wallet's balance history and flows, from the chain";
  static override description =
    "Reads the address's balance, then its committed transactions up to that height (get_txs, newest first, at most --limit) and the escrows they settle (get_escrow), and walks back from the balance applying each transaction's exact effect: transfers, fees burned, escrow locks, releases (price to payTo, settlement fee to the settler, remainder to the client) and refunds. Amounts in JSON are uait strings. `advanced-analytics report --wallet` renders the same flows as an HTML or Markdown report.";
  static override examples = [
    '<%= config.bin %> advanced-analytics performance --wallet alice',
    '<%= config.bin %> advanced-analytics performance --wallet ait1… --json --plot balance.html',
  ];
  static override flags = {
    ...nodeFlags,
    wallet: Flags.string({ char: 'w', description: 'wallet name or ait1… address [env: AITBC_WALLET]' }),
    limit: Flags.integer({ description: 'most transactions to read', min: 1, max: 100_000, default: 10_000 }),
    plot: Flags.string({ description: 'write the balance history as SVG or HTML (by extension)' }),
  };

  async run(): Promise<Result> {
    const address = await this.resolveAddress(this.flags.wallet);
    const rpc = await this.openNode();
    const { readWalletPerformance } = await import('../../quant/wallet-activity.js');
    const { balanceHistorySeries, flowStrings } = await import('../../quant/wallet-performance.js');
    const { activity, performance: perf } = await readWalletPerformance(rpc, address, {
      limit: this.flags.limit,
    }).finally(() => rpc.close());
    const result: Result = {
      address,
      height: activity.height,
      balance: perf.balance.toString(),
      startBalance: perf.startBalance.toString(),
      txCount: perf.txCount,
      complete: activity.complete,
      flows: flowStrings(perf.flows),
      points: perf.points.map((p) => ({ ...p, balance: p.balance.toString(), delta: p.delta.toString() })),
    };
    if (this.flags.plot) {
      const { writePlot } = await import('../../quant/charts/index.js');
      const h = balanceHistorySeries(perf);
      writePlot(
        {
          title: `Balance of ${address} (AIT)`,
          time: h.time,
          panels: [{ title: 'balance', series: [{ name: 'balance', values: h.values }] }],
        },
        this.flags.plot,
      );
      result.plot = this.flags.plot;
    }
    return result;
  }

  protected override async renderHuman(r: Result): Promise<void> {
    this.out.keyValues({
      address: r.address,
      height: r.height,
      balance: formatAitWithUnit(BigInt(r.balance)),
      'before first tx': formatAitWithUnit(BigInt(r.startBalance)),
      transactions: `${r.txCount}${r.complete ? '' : ' (limit reached: older ones not read)'}`,
    });
    await this.out.table(
      Object.entries(r.flows).map(([flow, v]) => ({ flow, amount: formatAitWithUnit(BigInt(v)) })),
      [{ key: 'flow' }, { key: 'amount' }],
    );
    if (r.points.length > 0) {
      const { terminalChart } = await import('../../quant/charts/index.js');
      const { balanceHistorySeries } = await import('../../quant/wallet-performance.js');
      const h = balanceHistorySeries({
        startBalance: BigInt(r.startBalance),
        points: r.points.map((p) => ({ ...p, balance: BigInt(p.balance), delta: BigInt(p.delta) })),
      });
      this.out.line(
        terminalChart([{ name: 'balance (AIT)', values: h.values }], {
          title: 'balance',
          color: this.out.color,
          xLabels: h.labels,
        }),
      );
    }
    if (r.plot) this.out.info(`Wrote ${r.plot}`);
  }
}
