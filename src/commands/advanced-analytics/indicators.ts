import { AitbcCommand } from '../../cli/base-command.js';
import {
  type DataSummary,
  dataFlags,
  dataSummary,
  dataWarnings,
  loadDataFromFlags,
} from '../../cli/data-flags.js';
import { Flags } from '../../cli/oclif.js';
import type { ComputedSeries, Convention, IndicatorDocument } from '../../quant/indicators/index.js';
import type { Ohlcv } from '../../quant/types.js';

type Result = DataSummary & {
  convention: Convention;
  files?: {
    out?: { file: string; format: string; bytes: number };
    plot?: { file: string; format: string; bytes: number };
  };
} & IndicatorDocument;

export default class AnalyticsIndicators extends AitbcCommand<typeof AnalyticsIndicators, Result> {
  static override summary = 'Compute technical indicators on OHLCV data';
  static override description =
    `Ids: sma:N, ema:N, wma:N, rsi:N, macd:fast:slow:signal, bbands:N:k, atr:N, stoch:k:kSlow:d, obv, vwap[:none|day]. TA-Lib conventions by default; --convention tulip where the references differ (docs/indicators.md).
--json prints {time: [...], series: {"sma:20": [...], "bbands:20:2": {upper, middle, lower}}} with null during warm-up, plus the data's source, interval and gaps. --out writes the series as CSV or JSON; --plot draws price with the indicators as SVG or self-contained HTML.`;
  static override examples = [
    '<%= config.bin %> advanced-analytics indicators --synthetic --seed 7 --indicator rsi:14,macd:12:26:9,bbands:20:2',
    '<%= config.bin %> advanced-analytics indicators --data examples/data/synthetic-1h-seed7.csv -i sma:50 -i vwap:day --out ind.csv --plot ind.html',
    'cat bars.json | <%= config.bin %> advanced-analytics indicators --data - -i atr:14 --json',
  ];
  static override flags = {
    ...dataFlags,
    indicator: Flags.string({
      char: 'i',
      description: 'indicator ids, comma-separated or repeated (rsi:14,macd:12:26:9,bbands:20:2)',
      multiple: true,
      required: true,
    }),
    convention: Flags.string({
      description: 'whose conventions to follow where they differ',
      options: ['talib', 'tulip'],
      default: 'talib',
    }),
    out: Flags.string({ description: 'write the bars and series to FILE (.csv or .json)' }),
    plot: Flags.string({ description: 'draw price and indicators to FILE (.svg or .html)' }),
    'chart-bars': Flags.integer({ description: 'bars in the terminal charts (default 240)', min: 2 }),
  };

  private data?: Ohlcv;
  private computed: ComputedSeries[] = [];

  async run(): Promise<Result> {
    const ind = await import('../../quant/indicators/index.js');
    const conv = this.flags.convention as Convention;
    const specs = ind.parseIndicatorList(this.flags.indicator);
    const loaded = await loadDataFromFlags(this.flags, {
      timeoutSeconds: this.setting('timeout', this.flags.timeout).value,
    });
    const { data } = loaded;
    this.computed = ind.computeIndicators(specs, data, conv);
    this.data = data;
    const summary = dataSummary(loaded);
    const files: NonNullable<Result['files']> = {};
    if (this.flags.out)
      files.out = ind.writeIndicatorFile(this.flags.out, data, this.computed, {
        ...summary,
        convention: conv,
      });
    if (this.flags.plot) {
      const charts = await import('../../quant/charts/index.js');
      const title = `${data.symbol ?? loaded.source} — ${specs.map((s) => s.id).join(', ')}`;
      files.plot = charts.writePlot(charts.indicatorPlotSpec(title, data, this.computed), this.flags.plot);
    }
    return {
      ...summary,
      convention: conv,
      ...(Object.keys(files).length > 0 ? { files } : {}),
      ...ind.indicatorDocument(data, this.computed),
    };
  }

  protected override async renderHuman(r: Result): Promise<void> {
    for (const w of dataWarnings(r)) this.out.warn(w);
    const data = this.data as Ohlcv;
    const { formatValue, indicatorTerminalCharts } = await import('../../quant/charts/index.js');
    const last = r.time.length - 1;
    if (!this.out.quiet) {
      this.out.line(
        `${r.symbol ? `${r.symbol}  ` : ''}${r.bars} bars of ${r.interval} from ${r.from} to ${r.to} (${r.source}), ${r.convention} conventions`,
      );
    }
    const rows = this.computed.flatMap(({ spec, output }) => {
      const entries = output instanceof Float64Array ? [['', output] as const] : Object.entries(output);
      return entries.map(([k, v]) => ({
        indicator: k ? `${spec.id} ${k}` : spec.id,
        value: formatValue(v[last]),
        previous: formatValue(v[last - 1]),
      }));
    });
    await this.out.table(rows, [
      { key: 'indicator' },
      { key: 'value', header: `value at ${r.time[last]}` },
      { key: 'previous', header: 'bar before' },
    ]);
    if (!this.out.quiet) {
      const width = Math.min(120, Math.max(60, process.stdout.columns ?? 100));
      for (const chart of indicatorTerminalCharts(data, this.computed, {
        width,
        color: this.out.color,
        lastBars: this.flags['chart-bars'] ?? 240,
      })) {
        this.out.line();
        this.out.line(chart);
      }
    }
    if (r.files?.out)
      this.out.info(`wrote ${r.files.out.file} (${r.files.out.format}, ${r.files.out.bytes} bytes)`);
    if (r.files?.plot)
      this.out.info(`wrote ${r.files.plot.file} (${r.files.plot.format}, ${r.files.plot.bytes} bytes)`);
  }
}
