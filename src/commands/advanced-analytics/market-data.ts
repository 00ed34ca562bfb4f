import { AitbcCommand } from '../../cli/base-command.js';
import {
  type DataSummary,
  dataFlags,
  dataSummary,
  dataWarnings,
  loadDataFromFlags,
} from '../../cli/data-flags.js';
import { Flags } from '../../cli/oclif.js';
import type { MarketStatsJson } from '../../quant/data/index.js';
import type { Ohlcv } from '../../quant/types.js';

type Result = DataSummary & {
  stats: Omit<MarketStatsJson, 'from' | 'to' | 'bars'>;
  plot?: { file: string; format: string; bytes: number };
};

export default class AnalyticsMarketData extends AitbcCommand<typeof AnalyticsMarketData, Result> {
  static override summary = 'Describe market data: returns, volatility, drawdown and volume profile';
  static override description =
    `Returns are close to close; volatility is the standard deviation of log returns, annualised with the bar spacing on a 24/7, 365-day year unless --periods-per-year says otherwise (252 for daily equity bars). Drawdown is the close's fall from its running peak. The volume profile spreads each bar's volume evenly over its high–low range; the value area is the narrowest run of bins around the busiest one holding 70 % of the volume.`;
  static override examples = [
    '<%= config.bin %> advanced-analytics market-data --data examples/data/synthetic-1d-seed42.json',
    '<%= config.bin %> advanced-analytics market-data --data examples/data/multi-symbol-1d.csv --symbol BBB --json',
    '<%= config.bin %> advanced-analytics market-data --synthetic --seed 3 --resample 1d --plot market.svg',
  ];
  static override flags = {
    ...dataFlags,
    bins: Flags.integer({ description: 'price bins of the volume profile (default 20)', min: 1, max: 1000 }),
    'periods-per-year': Flags.string({
      description: 'bars per year for annualising (default: from the bar spacing)',
    }),
    plot: Flags.string({ description: 'draw price, drawdown and volume to FILE (.svg or .html)' }),
  };

  private data?: Ohlcv;
  private drawdown?: Float64Array;

  async run(): Promise<Result> {
    const { marketStats, marketStatsJson } = await import('../../quant/data/index.js');
    const { drawdownSeries } = await import('../../quant/metrics/index.js');
    const ppy = this.flags['periods-per-year'];
    const periodsPerYear = ppy === undefined ? undefined : Number(ppy);
    const loaded = await loadDataFromFlags(this.flags, {
      timeoutSeconds: this.setting('timeout', this.flags.timeout).value,
    });
    const { data } = loaded;
    const stats = marketStats(data, {
      intervalMs: loaded.intervalMs,
      ...(periodsPerYear !== undefined ? { periodsPerYear } : {}),
      ...(this.flags.bins !== undefined ? { bins: this.flags.bins } : {}),
    });
    this.data = data;
    this.drawdown = drawdownSeries(data.close);
    const { from: _f, to: _t, bars: _b, ...rest } = marketStatsJson(stats);
    const result: Result = { ...dataSummary(loaded), stats: rest };
    if (this.flags.plot) {
      const { writePlot } = await import('../../quant/charts/index.js');
      result.plot = writePlot(
        {
          title: `${data.symbol ?? loaded.source} — market data`,
          time: data.time,
          panels: [
            { title: 'close', series: [{ name: 'close', values: data.close, style: 'area' }] },
            {
              title: 'drawdown (close / running peak − 1)',
              series: [{ name: 'drawdown', values: this.drawdown }],
            },
            { title: 'volume', height: 100, series: [{ name: 'volume', values: data.volume, style: 'bar' }] },
          ],
        },
        this.flags.plot,
      );
    }
    return result;
  }

  protected override async renderHuman(r: Result): Promise<void> {
    for (const w of dataWarnings(r)) this.out.warn(w);
    const { formatValue, terminalChart } = await import('../../quant/charts/index.js');
    const s = r.stats;
    const pct = (v: number | null) => (v === null ? '–' : `${(v * 100).toFixed(2)}%`);
    this.out.keyValues({
      source: r.source,
      symbol: r.symbol,
      bars: `${r.bars} × ${r.interval}, ${r.from} → ${r.to}`,
      gaps: r.gaps.count === 0 ? 'none' : `${r.gaps.count} (${r.gaps.missingBars} bars missing)`,
      close: `${formatValue(s.price.firstClose)} → ${formatValue(s.price.lastClose)} (${pct(s.price.change)}), range ${formatValue(s.price.low)}–${formatValue(s.price.high)}`,
      returns: `mean ${pct(s.returns.mean)}, sd ${pct(s.returns.stdev)}, skew ${formatValue(s.returns.skewness)}, excess kurtosis ${formatValue(s.returns.excessKurtosis)}, up ${pct(s.returns.positiveShare)} of bars`,
      'best bar': s.returns.best ? `${pct(s.returns.best.value)} at ${s.returns.best.time}` : '–',
      'worst bar': s.returns.worst ? `${pct(s.returns.worst.value)} at ${s.returns.worst.time}` : '–',
      volatility: `${pct(s.volatility.perBar)} per bar, ${pct(s.volatility.annualised)} annualised (${formatValue(s.volatility.periodsPerYear)} bars/year: ${s.volatility.periodsPerYearSource})`,
      'max drawdown':
        s.drawdown.max === 0
          ? 'none'
          : `${pct(s.drawdown.max)} from ${s.drawdown.peak} to ${s.drawdown.trough}, ${s.drawdown.recovery ? `recovered ${s.drawdown.recovery}` : 'not recovered'} (${s.drawdown.durationBars} bars)`,
      'current drawdown': pct(s.drawdown.current),
      volume: `${formatValue(s.volume.total)} total, ${formatValue(s.volume.meanPerBar)} per bar`,
      'value area (70%)': s.volume.valueArea
        ? `${formatValue(s.volume.valueArea.priceLow)}–${formatValue(s.volume.valueArea.priceHigh)}`
        : '–',
      'point of control': s.volume.pointOfControl
        ? `${formatValue(s.volume.pointOfControl.priceLow)}–${formatValue(s.volume.pointOfControl.priceHigh)}`
        : '–',
    });
    if (this.out.quiet) return;
    const maxShare = Math.max(...s.volume.profile.map((b) => b.share));
    this.out.line();
    this.out.line('volume profile');
    for (const b of [...s.volume.profile].reverse()) {
      const bar = maxShare > 0 ? '█'.repeat(Math.round((b.share / maxShare) * 40)) : '';
      this.out.line(
        `${formatValue(b.priceLow).padStart(10)}–${formatValue(b.priceHigh).padEnd(10)} ${bar} ${pct(b.share)}`,
      );
    }
    const data = this.data as Ohlcv;
    const width = Math.min(120, Math.max(60, process.stdout.columns ?? 100));
    const xLabels: [string, string] = [
      r.from.slice(0, 16).replace('T', ' '),
      r.to.slice(0, 16).replace('T', ' '),
    ];
    this.out.line();
    this.out.line(
      terminalChart([{ name: 'close', values: data.close }], {
        title: 'close',
        width,
        color: this.out.color,
        xLabels,
      }),
    );
    this.out.line();
    this.out.line(
      terminalChart([{ name: 'drawdown', values: this.drawdown as Float64Array }], {
        title: 'drawdown (close / running peak − 1)',
        width,
        height: 6,
        color: this.out.color,
        xLabels,
      }),
    );
    if (r.plot) this.out.info(`wrote ${r.plot.file} (${r.plot.format}, ${r.plot.bytes} bytes)`);
  }
}
