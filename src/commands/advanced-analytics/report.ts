import { AitbcCommand } from '../../cli/base-command.js';
import { nodeFlags } from '../../cli/flags.js';
import { Flags } from '../../cli/oclif.js';
import { AitbcError } from '../../core/errors.js';
import type { WalletReport } from '../../quant/wallet-report.js';

interface Written {
  out?: { file: string; format: 'html' | 'md'; bytes: number };
  markdown?: string;
}

interface TradingResult extends Written {
  type: 'portfolio' | 'strategy';
  generatedAt: string;
  sessions: number;
  backtests: number;
  portfolio: { sessions: number; capital: number; equity: number; totalReturn: number | null };
}

type WalletResult = Written & WalletReport & { generatedAt: string };

type Result = TradingResult | WalletResult;

export default class AdvancedAnalyticsReport extends AitbcCommand<typeof AdvancedAnalyticsReport, Result> {
  static override summary =
    'Report on recorded sessions and backtests, or on a wallet’s flows from the chain (HTML with charts, or Markdown)';
  static override description =
    '--type portfolio (the default) leads with the sessions taken together; --type strategy groups sessions and backtests by strategy, with walk-forward and model results; every number is recomputed from <home>/trading/. --wallet NAME|ADDRESS makes a wallet report instead, read from the chain node: the balance history, the flows (received, sent, fees, escrow locked and returned, earned, settlement fees; amounts in JSON are uait strings), totals per transaction type, the transfer counterparties and the latest 100 transactions (older ones counted). --wallet cannot be combined with --type, and only --wallet uses the node (AITBC_WALLET does not turn a report into a wallet report). --out FILE.html writes a self-contained page (inline SVG charts, no external assets); --out FILE.md writes Markdown with text charts. Without --out the Markdown goes to stdout.';
  static override examples = [
    '<%= config.bin %> advanced-analytics report --type strategy --out report.html',
    '<%= config.bin %> advanced-analytics report --type portfolio --out report.md',
    '<%= config.bin %> advanced-analytics report --type portfolio --json',
    '<%= config.bin %> advanced-analytics report --wallet alice --out alice.html',
    '<%= config.bin %> advanced-analytics report --wallet ait1… --node http://127.0.0.1:26657 --json',
  ];
  static override flags = {
    ...nodeFlags,
    type: Flags.string({
      description: 'portfolio or strategy (default portfolio); not with --wallet',
      options: ['portfolio', 'strategy'],
    }),
    wallet: Flags.string({
      char: 'w',
      description: 'report on this wallet name or ait1… address, from the chain',
    }),
    limit: Flags.integer({
      description: 'with --wallet: most transactions to read',
      min: 1,
      max: 100_000,
      default: 10_000,
    }),
    out: Flags.string({ description: 'write the report to FILE (.html, .htm or .md)' }),
  };

  async run(): Promise<Result> {
    const file = this.flags.out;
    const format = file === undefined ? undefined : reportFormat(file);
    const generatedAt = new Date().toISOString();
    if (this.flags.wallet !== undefined) {
      if (this.flags.type !== undefined)
        throw new AitbcError(
          'USAGE',
          `--wallet makes a wallet report; --type ${this.flags.type} reports on recorded sessions and backtests. Use one of them.`,
          { type: this.flags.type },
        );
      return this.walletReport(this.flags.wallet, generatedAt, format);
    }
    const ss = await import('../../quant/sessions/index.js');
    const type = (this.flags.type ?? 'portfolio') as 'portfolio' | 'strategy';
    const a = ss.tradingAnalytics(ss.tradingPaths(this.home.dir('trading')));
    const base: TradingResult = {
      type,
      generatedAt,
      sessions: a.sessions.length,
      backtests: a.backtests.length,
      portfolio: a.portfolio,
    };
    const text = ss.renderReport(a, { type, format: format ?? 'md', generatedAt });
    return { ...base, ...(await written(text, file, format)) };
  }

  private async walletReport(
    wallet: string,
    generatedAt: string,
    format: 'html' | 'md' | undefined,
  ): Promise<WalletResult> {
    const address = await this.resolveAddress(wallet);
    const rpc = await this.openNode();
    const { readWalletPerformance } = await import('../../quant/wallet-activity.js');
    const { walletReport, renderWalletReport } = await import('../../quant/wallet-report.js');
    const { activity, performance } = await readWalletPerformance(rpc, address, {
      limit: this.flags.limit,
    }).finally(() => rpc.close());
    const report = walletReport(activity, performance);
    const text = renderWalletReport(report, performance, { format: format ?? 'md', generatedAt });
    return { ...report, generatedAt, ...(await written(text, this.flags.out, format)) };
  }

  protected override renderHuman(r: Result): void {
    if (r.markdown !== undefined) {
      this.out.line(r.markdown.trimEnd());
      return;
    }
    if (!r.out) return;
    const what =
      r.type === 'wallet'
        ? `${r.txCount} transaction(s) of ${r.address}`
        : `${r.sessions} session(s), ${r.backtests} backtest(s)`;
    this.out.line(`wrote ${r.type} report to ${r.out.file} (${r.out.format}, ${r.out.bytes} bytes): ${what}`);
  }
}

/**
 * The format an --out file asks for, by its extension.
 * @throws AitbcError INVALID_INPUT for another extension.
 */
function reportFormat(file: string): 'html' | 'md' {
  const ext = file.toLowerCase().slice(file.lastIndexOf('.'));
  const format = ext === '.html' || ext === '.htm' ? 'html' : ext === '.md' ? 'md' : undefined;
  if (!format)
    throw new AitbcError('INVALID_INPUT', `--out ${file}: the file must end in .html, .htm or .md`, { file });
  return format;
}

/** Writes the report to --out, or hands the Markdown back for stdout when there is none. */
async function written(
  text: string,
  file: string | undefined,
  format: 'html' | 'md' | undefined,
): Promise<Written> {
  if (file === undefined || format === undefined) return { markdown: text };
  const { writeFileSync } = await import('node:fs');
  try {
    writeFileSync(file, text);
  } catch (e) {
    throw new AitbcError('INVALID_INPUT', `cannot write ${file}: ${(e as Error).message}`, { file });
  }
  return { out: { file, format, bytes: Buffer.byteLength(text) } };
}
