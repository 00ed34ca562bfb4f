/** Terminal charts of a session's equity curve and its drawdown, for human output. */
import { terminalChart } from '../charts/terminal.js';
import { drawdownSeries } from '../metrics/index.js';

/**
 * Two text charts (equity, drawdown) of a stored curve; none when it has fewer than two points.
 * @example for (const c of curveCharts(state.curve, {width: 90, color: false})) console.log(c)
 */
export function curveCharts(
  curve: { time: number[]; equity: number[] },
  opts: { width: number; color: boolean },
): string[] {
  if (curve.equity.length < 2) return [];
  const equity = Float64Array.from(curve.equity);
  const iso = (ms: number) => new Date(ms).toISOString().slice(0, 16);
  const xLabels: [string, string] = [iso(curve.time[0]), iso(curve.time[curve.time.length - 1])];
  return [
    terminalChart([{ name: 'equity', values: equity }], {
      title: 'equity',
      width: opts.width,
      height: 10,
      color: opts.color,
      xLabels,
    }),
    terminalChart([{ name: 'drawdown', values: drawdownSeries(equity) }], {
      title: 'drawdown',
      width: opts.width,
      height: 5,
      color: opts.color,
      xLabels,
    }),
  ];
}
