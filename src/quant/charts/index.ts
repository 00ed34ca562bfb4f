/**
 * Pictures (DESIGN §4 "Pictures"): terminal charts for human output and `--plot FILE` as SVG or
 * self-contained HTML.
 */
export { finiteRange, formatTick, formatValue, niceTicks } from './format.js';
export { indicatorPanels, indicatorPlotSpec, indicatorTerminalCharts } from './indicator-panels.js';
export {
  type PlotFormat,
  type PlotPanel,
  type PlotSeries,
  type PlotSpec,
  type PlotStyle,
  renderPlot,
  writePlot,
} from './plot.js';
export { type TerminalChartOptions, type TerminalSeries, terminalChart } from './terminal.js';
