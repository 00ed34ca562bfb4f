import { AitbcCommand } from '../../cli/base-command.js';
import { dataFlags } from '../../cli/data-flags.js';
import { Flags } from '../../cli/oclif.js';
import { AitbcError } from '../../core/errors.js';
import type { LatestSignal } from '../../quant/strategies/signals.js';

type Result = { data: { source: string; bars: number; last: string }; items: LatestSignal[] };

export default class AiTradingSignals extends AitbcCommand<typeof AiTradingSignals, Result> {
  static override summary =
    'The latest signal of each strategy on given data, with the indicator values behind it';
  static override description =
    'For every built-in strategy (or the ones named with --strategy) with default parameters (or --param, when one strategy is named): the position it would hold after the last close, since when, and its indicators at the last bar. A strategy the series is too short for reports why instead of a signal.';
  static override examples = [
    '<%= config.bin %> ai-trading signals --synthetic --seed 3',
    '<%= config.bin %> ai-trading signals --data examples/data/synthetic-1h-seed7.csv --strategy rsi_reversion --param period=10 --json',
  ];
  static override flags = {
    ...dataFlags,
    strategy: Flags.string({
      char: 's',
      description: 'only these strategies (built-in names or .js module paths; repeatable)',
      multiple: true,
    }),
    param: Flags.string({
      char: 'p',
      description: 'parameter name=value, with exactly one --strategy',
      multiple: true,
    }),
  };

  async run(): Promise<Result> {
    const [{ loadDataFromFlags }, st] = await Promise.all([
      import('../../cli/data-flags.js'),
      import('../../quant/strategies/index.js'),
    ]);
    const names = this.flags.strategy ?? [];
    if (this.flags.param?.length && names.length !== 1) {
      throw new AitbcError('USAGE', '--param needs exactly one --strategy', { strategies: names });
    }
    const strategies = names.length
      ? await Promise.all(names.map((n) => st.resolveStrategy(n, process.cwd())))
      : [...st.BUILTIN_STRATEGIES];
    const list = strategies.map((s) => ({
      strategy: s,
      params: st.resolveParams(s, names.length === 1 ? st.parseParamPairs(this.flags.param ?? []) : {}),
    }));
    const loaded = await loadDataFromFlags(this.flags, {
      timeoutSeconds: this.setting('timeout', this.flags.timeout).value,
    });
    const items = st.latestSignals(loaded.data, list);
    const failed = items.filter((i) => i.error);
    if (failed.length === items.length) {
      const first = failed[0].error as { message: string };
      throw new AitbcError('INVALID_INPUT', first.message, {
        strategies: failed.map((i) => ({ strategy: i.strategy, ...i.error })),
      });
    }
    const n = loaded.data.close.length;
    return {
      data: { source: loaded.source, bars: n, last: new Date(loaded.data.time[n - 1]).toISOString() },
      items,
    };
  }

  protected override async renderHuman(r: Result): Promise<void> {
    const fmt = (v: number | null) =>
      v === null ? '—' : Math.abs(v) >= 1000 ? v.toFixed(1) : v.toPrecision(5);
    if (this.out.quiet) {
      for (const i of r.items) this.out.line(`${i.strategy} ${i.signal ?? 'error'}`);
      return;
    }
    this.out.line(`${r.data.source}: ${r.data.bars} bars, last close at ${r.data.last}`);
    await this.out.table(
      r.items.map((i) => ({
        strategy: i.strategy,
        signal: i.error
          ? '—'
          : i.signal === 'long'
            ? this.out.green('long')
            : i.signal === 'short'
              ? this.out.red('short')
              : 'flat',
        since: i.since ? `${i.since.slice(0, 16)} (${i.bars} bars)` : '',
        indicators: i.error
          ? i.error.message
          : Object.entries(i.indicators ?? {})
              .map(([k, v]) => `${k} ${fmt(v)}`)
              .join('\n'),
      })),
      [
        { key: 'strategy' },
        { key: 'signal' },
        { key: 'since' },
        { key: 'indicators', header: 'indicators at the last bar' },
      ],
    );
  }
}
