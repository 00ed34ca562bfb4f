import { AitbcCommand } from '../../cli/base-command.js';
import { Flags } from '../../cli/oclif.js';

interface Item {
  name: string;
  summary: string;
  description: string;
  source: string;
  params: Array<{
    name: string;
    default: number;
    min?: number;
    max?: number;
    integer?: boolean;
    description: string;
  }>;
}
type Result = { items: Item[] };

export default class AiTradingStrategies extends AitbcCommand<typeof AiTradingStrategies, Result> {
  static override summary = 'List the built-in strategies and their parameters';
  static override description =
    'Each strategy turns bars into a target position (long, short or flat) decided on the bar’s close. Give parameters to backtest, signals and start with --param name=value. A JavaScript module can be used as a strategy by its path (docs/quant.md, examples/strategies/); --module shows what such a module declares.';
  static override examples = [
    '<%= config.bin %> ai-trading strategies',
    '<%= config.bin %> ai-trading strategies --json',
    '<%= config.bin %> ai-trading strategies --module ./examples/strategies/donchian-volume.js',
  ];
  static override flags = {
    module: Flags.string({ description: 'describe the strategy in this .js module instead' }),
  };

  async run(): Promise<Result> {
    const { BUILTIN_STRATEGIES, loadStrategyModule } = await import('../../quant/strategies/index.js');
    const list = this.flags.module
      ? [await loadStrategyModule(this.flags.module, process.cwd())]
      : BUILTIN_STRATEGIES;
    return {
      items: list.map((s) => ({
        name: s.name,
        summary: s.summary,
        description: s.description,
        source: s.source,
        params: Object.entries(s.params).map(([name, p]) => ({ name, ...p })),
      })),
    };
  }

  protected override async renderHuman(r: Result): Promise<void> {
    if (this.out.quiet) {
      for (const s of r.items) this.out.line(s.name);
      return;
    }
    const range = (p: Item['params'][number]) =>
      p.min !== undefined || p.max !== undefined ? ` [${p.min ?? ''}..${p.max ?? ''}]` : '';
    await this.out.table(
      r.items.map((s) => ({
        name: s.name,
        rule: s.summary,
        params: s.params.map((p) => `${p.name}=${p.default}${range(p)}`).join('\n'),
      })),
      [{ key: 'name' }, { key: 'rule' }, { key: 'params', header: 'parameters (default [range])' }],
    );
    this.out.line(this.out.dim('Details: aitbc ai-trading strategies --json; formulas in docs/quant.md.'));
  }
}
