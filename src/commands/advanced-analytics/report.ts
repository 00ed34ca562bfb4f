import { AitbcCommand } from '../../cli/base-command.js';
import { Flags } from '../../cli/oclif.js';
import { AitbcError } from '../../core/errors.js';

interface Result {
  type: 'portfolio' | 'strategy';
  generatedAt: string;
  sessions: number;
  backtests: number;
  portfolio: { sessions: number; capital: number; equity: number; totalReturn: number | null };
  out?: { file: string; format: 'html' | 'md'; bytes: number };
  markdown?: string;
}

export default class AdvancedAnalyticsReport extends AitbcCommand<typeof AdvancedAnalyticsReport, Result> {
  static override summary =
    'Report on recorded paper-trading sessions and backtests (HTML with charts, or Markdown)';
  static override description =
    '--type portfolio leads with the sessions taken together; --type strategy groups sessions and backtests by strategy, with walk-forward and model results. --out FILE.html writes a self-contained page (inline SVG charts, no external assets); --out FILE.md writes Markdown with text charts. Without --out the Markdown goes to stdout. Every number is recomputed from <home>/trading/.';
  static override examples = [
    '<%= config.bin %> advanced-analytics report --type strategy --out report.html',
    '<%= config.bin %> advanced-analytics report --type portfolio --out report.md',
    '<%= config.bin %> advanced-analytics report --type portfolio --json',
  ];
  static override flags = {
    type: Flags.string({
      description: 'portfolio or strategy',
      options: ['portfolio', 'strategy'],
      default: 'portfolio',
    }),
    out: Flags.string({ description: 'write the report to FILE (.html, .htm or .md)' }),
  };

  async run(): Promise<Result> {
    const ss = await import('../../quant/sessions/index.js');
    const type = this.flags.type as 'portfolio' | 'strategy';
    const a = ss.tradingAnalytics(ss.tradingPaths(this.home.dir('trading')));
    const generatedAt = new Date().toISOString();
    const base: Result = {
      type,
      generatedAt,
      sessions: a.sessions.length,
      backtests: a.backtests.length,
      portfolio: a.portfolio,
    };
    const file = this.flags.out;
    if (file === undefined) {
      return { ...base, markdown: ss.renderReport(a, { type, format: 'md', generatedAt }) };
    }
    const ext = file.toLowerCase().slice(file.lastIndexOf('.'));
    const format = ext === '.html' || ext === '.htm' ? 'html' : ext === '.md' ? 'md' : undefined;
    if (!format)
      throw new AitbcError('INVALID_INPUT', `--out ${file}: the file must end in .html, .htm or .md`, {
        file,
      });
    const text = ss.renderReport(a, { type, format, generatedAt });
    const { writeFileSync } = await import('node:fs');
    try {
      writeFileSync(file, text);
    } catch (e) {
      throw new AitbcError('INVALID_INPUT', `cannot write ${file}: ${(e as Error).message}`, { file });
    }
    return { ...base, out: { file, format, bytes: Buffer.byteLength(text) } };
  }

  protected override renderHuman(r: Result): void {
    if (r.markdown !== undefined) {
      this.out.line(r.markdown.trimEnd());
      return;
    }
    if (r.out)
      this.out.line(
        `wrote ${r.type} report to ${r.out.file} (${r.out.format}, ${r.out.bytes} bytes): ${r.sessions} session(s), ${r.backtests} backtest(s)`,
      );
  }
}
