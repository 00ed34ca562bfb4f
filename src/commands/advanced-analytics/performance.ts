import { AitbcCommand } from '../../cli/base-command.js';
import { nodeFlags } from '../../cli/flags.js';
import { Flags } from '../../cli/oclif.js';
import { nodeSettingsFrom, openNodeRpc } from '../../client/open-node.js';
import { formatAitWithUnit } from '../../core/amount.js';

interface Result {
  address: string;
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
    "Reads the address's committed transactions (get_txs) and the escrows they settle (get_escrow), and walks back from the current balance applying each transaction's exact effect: transfers, fees burned, escrow locks, releases (price to payTo, settlement fee to the settler, remainder to the client) and refunds. Amounts in JSON are uait strings.";
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
    const rpc = await openNodeRpc(nodeSettingsFrom((k, f) => this.setting(k, f), this.flags));
    const { walletPerformance, escrowsToFetch, escrowKey } = await import(
      '../../quant/wallet-performance.js'
    );
    try {
      const txs = [];
      let cursor: string | undefined;
      do {
        const page = await rpc.getTxs({
          address,
          limit: Math.min(1000, this.flags.limit - txs.length),
          ...(cursor ? { cursor } : {}),
        });
        txs.push(...page.items);
        cursor = page.nextCursor;
      } while (cursor !== undefined && txs.length < this.flags.limit);
      const escrows = new Map<string, { amount: string; settlementFee: string }>();
      for (const { client, jobId } of escrowsToFetch(txs)) {
        const e = (await rpc.getEscrow(client, jobId)) as {
          amount: string;
          terms: { settlementFee: string };
        };
        escrows.set(escrowKey(client, jobId), { amount: e.amount, settlementFee: e.terms.settlementFee });
      }
      const balance = BigInt((await rpc.getBalance(address)).balance);
      const perf = walletPerformance(address, balance, txs, escrows);
      const result: Result = {
        address,
        balance: perf.balance.toString(),
        startBalance: perf.startBalance.toString(),
        txCount: perf.txCount,
        complete: cursor === undefined,
        flows: Object.fromEntries(Object.entries(perf.flows).map(([k, v]) => [k, v.toString()])),
        points: perf.points.map((p) => ({ ...p, balance: p.balance.toString(), delta: p.delta.toString() })),
      };
      if (this.flags.plot) {
        const { writePlot } = await import('../../quant/charts/index.js');
        writePlot(
          {
            title: `Balance of ${address} (AIT)`,
            time: perf.points.map((p) => p.time ?? p.height),
            panels: [
              {
                title: 'balance',
                series: [{ name: 'balance', values: perf.points.map((p) => Number(p.balance) / 1e6) }],
              },
            ],
          },
          this.flags.plot,
        );
        result.plot = this.flags.plot;
      }
      return result;
    } finally {
      await rpc.close();
    }
  }

  protected override async renderHuman(r: Result): Promise<void> {
    this.out.keyValues({
      address: r.address,
      balance: formatAitWithUnit(BigInt(r.balance)),
      'before first tx': formatAitWithUnit(BigInt(r.startBalance)),
      transactions: `${r.txCount}${r.complete ? '' : ' (limit reached: older ones not read)'}`,
    });
    await this.out.table(
      Object.entries(r.flows).map(([flow, v]) => ({ flow, amount: formatAitWithUnit(BigInt(v)) })),
      [{ key: 'flow' }, { key: 'amount' }],
    );
    if (r.points.length > 1) {
      const { terminalChart } = await import('../../quant/charts/index.js');
      this.out.line(
        terminalChart([{ name: 'balance (AIT)', values: r.points.map((p) => Number(p.balance) / 1e6) }], {
          title: 'balance',
          color: this.out.color,
        }),
      );
    }
    if (r.plot) this.out.info(`Wrote ${r.plot}`);
  }
}
