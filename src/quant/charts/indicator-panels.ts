/**
 * Price-with-indicators pictures: groups computed indicators into chart panels (overlays on the price,
 * oscillators below it) for both the terminal charts of human output and `--plot` files.
 */
import type { ComputedSeries } from '../indicators/index.js';
import type { Ohlcv } from '../types.js';
import type { PlotPanel, PlotSeries, PlotSpec } from './plot.js';
import { type TerminalChartOptions, terminalChart } from './terminal.js';

/** Indicators drawn on the price scale. */
const OVERLAYS = new Set(['sma', 'ema', 'wma', 'bbands', 'vwap']);

function seriesOf(c: ComputedSeries): PlotSeries[] {
  if (c.output instanceof Float64Array) return [{ name: c.spec.id, values: c.output }];
  return Object.entries(c.output).map(([k, values]) => ({
    name: `${c.spec.id} ${k}`,
    values,
    ...(c.spec.kind === 'macd' && k === 'hist' ? { style: 'bar' as const } : {}),
  }));
}

/**
 * The panels: price (close plus overlays), volume (when any), then one panel per oscillator.
 * @example indicatorPanels(data, [{ spec, output }])
 */
export function indicatorPanels(data: Ohlcv, computed: readonly ComputedSeries[]): PlotPanel[] {
  const price: PlotPanel = { title: 'price', series: [{ name: 'close', values: data.close }] };
  const panels: PlotPanel[] = [price];
  const below: PlotPanel[] = [];
  for (const c of computed) {
    if (OVERLAYS.has(c.spec.kind)) price.series.push(...seriesOf(c));
    else below.push({ title: c.spec.id, series: seriesOf(c) });
  }
  if (data.volume.some((v) => v > 0))
    panels.push({
      title: 'volume',
      height: 90,
      series: [{ name: 'volume', values: data.volume, style: 'bar' }],
    });
  return [...panels, ...below];
}

/** A PlotSpec of price with indicators, for writePlot. */
export function indicatorPlotSpec(title: string, data: Ohlcv, computed: readonly ComputedSeries[]): PlotSpec {
  return { title, time: data.time, panels: indicatorPanels(data, computed) };
}

/**
 * Terminal charts of the last `lastBars` bars (all by default): the price panel and each oscillator
 * panel as its own chart (volume is left to the plot file).
 */
export function indicatorTerminalCharts(
  data: Ohlcv,
  computed: readonly ComputedSeries[],
  opts: TerminalChartOptions & { lastBars?: number } = {},
): string[] {
  const n = data.time.length;
  const from = opts.lastBars === undefined ? 0 : Math.max(0, n - opts.lastBars);
  const cut = (v: ArrayLike<number>): ArrayLike<number> =>
    v instanceof Float64Array ? v.subarray(from) : Array.from(v).slice(from);
  const first = new Date(data.time[from] ?? 0).toISOString().slice(0, 16).replace('T', ' ');
  const last = new Date(data.time[n - 1] ?? 0).toISOString().slice(0, 16).replace('T', ' ');
  return indicatorPanels(data, computed)
    .filter((p) => p.title !== 'volume')
    .map((p, k) =>
      terminalChart(
        p.series.map((s) => ({ name: s.name, values: cut(s.values) })),
        {
          ...opts,
          title: p.title,
          ...(k === 0 ? { height: opts.height ?? 12 } : { height: Math.min(opts.height ?? 12, 7) }),
          xLabels: [first, last],
        },
      ),
    );
}
