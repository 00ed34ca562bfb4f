import { AitbcCommand } from '../../cli/base-command.js';
import {
  type DataSummary,
  dataFlags,
  dataSummary,
  dataWarnings,
  loadDataFromFlags,
} from '../../cli/data-flags.js';
import { Flags } from '../../cli/oclif.js';
import type { ComputedSeries, Convention, SnapshotRow } from '../../quant/indicators/index.js';
import type { Ohlcv } from '../../quant/types.js';

const DEFAULT_INDICATORS = 'sma:20,ema:50,bbands:20:2,vwap:day,rsi:14,macd:12:26:9,stoch:14:3:3,atr:14,obv';

type Result = DataSummary & {
  convention: Convention;
  time: string;
  close: number;
  /** Close-to-close change of the last bar. */
  change: number | null;
  snapshot: SnapshotRow[];
  plot?: { file: string; format: string; bytes: number };
};

export default class AnalyticsDashboard extends AitbcCommand<typeof AnalyticsDashboard, Result> {
  static override summary = 'The latest indicator snapshot as a table, with terminal charts';
  static override description =
    `Shows each indicator's value at the last bar and the bar before, with a plain reading (close above/below a moving average, RSI and stochastic overbought/oversold bands, MACD crosses, %B). The readings are fixed textbook thresholds listed in docs/indicators.md, not forecasts. Default indicators: ${DEFAULT_INDICATORS}.`;
  static override examples = [
    '<%= config.bin %> advanced-analytics dashboard --synthetic --seed 7',
    '<%= config.bin %> advanced-analytics dashboard --data examples/data/synthetic-1h-seed7.csv --indicator rsi:14,bbands:20:2 --plot dash.html',
  ];
  static override flags = {
    ...dataFlags,
    indicator: Flags.string({
      char: 'i',
      description: `indicator ids, comma-separated or repeated (default ${DEFAULT_INDICATORS})`,
      multiple: true,
    }),
    convention: Flags.string({
      description: 'whose conventions to follow where they differ',
      options: ['talib', 'tulip'],
      default: 'talib',
    }),
    'chart-bars': Flags.integer({ description: 'bars in the terminal charts (default 120)', min: 2 }),
    plot: Flags.string({ description: 'draw price and indicators to FILE (.svg or .html)' }),
  };

  private data?: Ohlcv;
  private computed: ComputedSeries[] = [];

  async run(): Promise<Result> {
    const ind = await import('../../quant/indicators/index.js');
    const conv = this.flags.convention as Convention;
    const specs = ind.parseIndicatorList(this.flags.indicator ?? DEFAULT_INDICATORS);
    const loaded = await loadDataFromFlags(this.flags, {
      timeoutSeconds: this.setting('timeout', this.flags.timeout).value,
    });
    const { data } = loaded;
    this.computed = ind.computeIndicators(specs, data, conv);
    this.data = data;
    const n = data.time.length;
    const result: Result = {
      ...dataSummary(loaded),
      convention: conv,
      time: new Date(data.time[n - 1]).toISOString(),
      close: data.close[n - 1],
      change: n > 1 ? data.close[n - 1] / data.close[n - 2] - 1 : null,
      snapshot: ind.indicatorSnapshot(data, this.computed),
    };
    if (this.flags.plot) {
      const charts = await import('../../quant/charts/index.js');
      const title = `${data.symbol ?? loaded.source} — dashboard`;
      result.plot = charts.writePlot(charts.indicatorPlotSpec(title, data, this.computed), this.flags.plot);
    }
    return result;
  }

  protected override async renderHuman(r: Result): Promise<void> {
    for (const w of dataWarnings(r)) this.out.warn(w);
    const { formatValue, indicatorTerminalCharts } = await import('../../quant/charts/index.js');
    const change =
      r.change === null ? '' : ` (${r.change >= 0 ? '+' : ''}${(r.change * 100).toFixed(2)}% on the bar)`;
    this.out.line(
      this.out.bold(`${r.symbol ?? r.source}  close ${formatValue(r.close)}${change}  at ${r.time}`) +
        (this.out.quiet ? '' : this.out.dim(`  ${r.bars} × ${r.interval} bars, ${r.convention} conventions`)),
    );
    await this.out.table(
      r.snapshot.map((row) => ({
        indicator: row.output ? `${row.indicator} ${row.output}` : row.indicator,
        value: formatValue(row.value),
        previous: formatValue(row.previous),
        reading: row.reading,
      })),
      [{ key: 'indicator' }, { key: 'value' }, { key: 'previous', header: 'bar before' }, { key: 'reading' }],
    );
    if (!this.out.quiet) {
      const width = Math.min(120, Math.max(60, process.stdout.columns ?? 100));
      for (const chart of indicatorTerminalCharts(this.data as Ohlcv, this.computed, {
        width,
        color: this.out.color,
        lastBars: this.flags['chart-bars'] ?? 120,
      })) {
        this.out.line();
        this.out.line(chart);
      }
    }
    if (r.plot) this.out.info(`wrote ${r.plot.file} (${r.plot.format}, ${r.plot.bytes} bytes)`);
  }
}
