/**
 * `advanced-analytics report`: the recorded paper-trading sessions and backtests as a self-contained
 * HTML page (inline CSS and SVG charts, no external assets) or as Markdown (tables, and text charts in
 * code blocks). `portfolio` leads with the sessions taken together; `strategy` groups everything by
 * strategy. Every number comes from tradingAnalytics (recomputed from the stored curves).
 */
import { terminalChart } from '../charts/terminal.js';
import { drawdownSeries, type PerformanceMetrics } from '../metrics/index.js';
import {
  type Cell,
  escapeHtml,
  htmlPage,
  htmlTable,
  inlineSvgFigure,
  mdTable,
  type Table,
} from '../report-document.js';
import type { SessionSummary, TradingAnalytics } from './analytics.js';
import type { BacktestRecord } from './records.js';

export type ReportType = 'portfolio' | 'strategy';
export type ReportFormat = 'html' | 'md';
export const REPORT_TYPES: readonly ReportType[] = ['portfolio', 'strategy'];

function pct(v: number | null | undefined): string {
  return v === null || v === undefined || !Number.isFinite(v) ? '—' : `${(v * 100).toFixed(2)} %`;
}

function fixed(v: number | null | undefined, digits = 2): string {
  return v === null || v === undefined || !Number.isFinite(v) ? '—' : v.toFixed(digits);
}

function paramsText(p: Record<string, number>): string {
  const s = Object.entries(p)
    .map(([k, v]) => `${k}=${v}`)
    .join(', ');
  return s || '—';
}

function sessionTable(sessions: readonly SessionSummary[]): Table {
  return {
    head: [
      'session',
      'strategy',
      'params',
      'status',
      'bars',
      'equity',
      'return',
      'Sharpe',
      'max DD',
      'trades',
      'win rate',
    ],
    rows: sessions.map((s) => [
      s.id,
      s.strategy,
      paramsText(s.params),
      s.status,
      s.tradedBars,
      fixed(s.equity),
      pct(s.metrics?.totalReturn ?? (s.capital > 0 ? s.equity / s.capital - 1 : null)),
      fixed(s.metrics?.sharpe),
      pct(s.metrics?.maxDrawdown),
      s.metrics?.trades ?? 0,
      pct(s.metrics?.winRate),
    ]),
  };
}

function metricRow(m: PerformanceMetrics): Cell[] {
  return [
    pct(m.totalReturn),
    pct(m.cagr),
    fixed(m.sharpe),
    fixed(m.sortino),
    pct(m.maxDrawdown),
    m.trades,
    pct(m.winRate),
    fixed(m.profitFactor),
  ];
}

function backtestTable(records: readonly BacktestRecord[]): Table {
  return {
    head: [
      'backtest',
      'strategy',
      'params',
      'data',
      'bars',
      'return',
      'CAGR',
      'Sharpe',
      'Sortino',
      'max DD',
      'trades',
      'win rate',
      'profit factor',
      'buy & hold',
    ],
    rows: records.map((r) => [
      r.id,
      r.strategy.name,
      paramsText(r.strategy.params),
      r.data.source,
      r.data.bars,
      ...metricRow(r.metrics),
      pct(r.buyAndHold.totalReturn),
    ]),
  };
}

function costsText(r: BacktestRecord): string {
  const c = r.config;
  return `fees ${c.feeBps} bps, slippage ${c.slippageBps} bps, fill ${c.fill === 'open' ? 'next open' : 'same close (optimistic)'}`;
}

interface ChartDef {
  title: string;
  time: number[];
  panels: Array<{ title: string; series: Array<{ name: string; values: number[] }> }>;
}

function sessionChart(s: SessionSummary): ChartDef | undefined {
  if (!s.curve || s.curve.equity.length < 2) return undefined;
  return {
    title: `session ${s.id} (${s.strategy})`,
    time: s.curve.time,
    panels: [
      { title: 'equity', series: [{ name: 'equity', values: s.curve.equity }] },
      { title: 'price', series: [{ name: 'close', values: s.curve.close }] },
      {
        title: 'drawdown',
        series: [{ name: 'drawdown', values: Array.from(drawdownSeries(Float64Array.from(s.curve.equity))) }],
      },
    ],
  };
}

function backtestChart(r: BacktestRecord): ChartDef {
  return {
    title: `backtest ${r.id} (${r.strategy.name} ${paramsText(r.strategy.params)})`,
    time: r.curve.time,
    panels: [
      {
        title: 'equity',
        series: [
          { name: r.strategy.name, values: r.curve.equity },
          { name: 'buy & hold', values: r.curve.buyAndHold },
        ],
      },
      {
        title: 'drawdown',
        series: [{ name: 'drawdown', values: Array.from(drawdownSeries(Float64Array.from(r.curve.equity))) }],
      },
    ],
  };
}

interface Section {
  heading: string;
  text?: string;
  table?: Table;
  charts: ChartDef[];
}

function sections(type: ReportType, a: TradingAnalytics): Section[] {
  const out: Section[] = [];
  const portfolioText =
    `${a.portfolio.sessions} session(s); capital ${fixed(a.portfolio.capital)}, equity ${fixed(a.portfolio.equity)}, ` +
    `return ${pct(a.portfolio.totalReturn)} (Σ equity / Σ capital − 1).`;
  if (type === 'portfolio') {
    out.push({
      heading: 'Paper-trading sessions',
      text: a.sessions.length
        ? portfolioText
        : 'No paper-trading sessions recorded (aitbc ai-trading start).',
      ...(a.sessions.length ? { table: sessionTable(a.sessions) } : {}),
      charts: a.sessions.map(sessionChart).filter((c): c is ChartDef => c !== undefined),
    });
    out.push({
      heading: 'Recorded backtests',
      text: a.backtests.length
        ? `${a.backtests.length} backtest(s).`
        : 'No backtests recorded (aitbc ai-trading backtest).',
      ...(a.backtests.length ? { table: backtestTable(a.backtests) } : {}),
      charts: a.backtests.map(backtestChart),
    });
    return out;
  }
  const names = [
    ...new Set([...a.backtests.map((r) => r.strategy.name), ...a.sessions.map((s) => s.strategy)]),
  ].sort();
  if (names.length === 0) {
    out.push({ heading: 'Strategies', text: 'No backtests or sessions recorded yet.', charts: [] });
  }
  for (const name of names) {
    const bts = a.backtests.filter((r) => r.strategy.name === name);
    const ses = a.sessions.filter((s) => s.strategy === name);
    const best = [...bts].sort(
      (x, y) =>
        (y.metrics.sharpe ?? Number.NEGATIVE_INFINITY) - (x.metrics.sharpe ?? Number.NEGATIVE_INFINITY),
    )[0];
    const lines = [`${bts.length} backtest(s), ${ses.length} session(s).`];
    if (best) {
      lines.push(
        `Highest Sharpe: ${best.id} (${paramsText(best.strategy.params)}): Sharpe ${fixed(best.metrics.sharpe)}, ` +
          `return ${pct(best.metrics.totalReturn)} vs buy & hold ${pct(best.buyAndHold.totalReturn)}; ${costsText(best)}.`,
      );
    }
    for (const r of bts) {
      if (r.walkForward) {
        lines.push(
          `${r.id}: walk-forward ${r.walkForward.folds} folds, ${r.walkForward.objective} in-sample ${fixed(r.walkForward.inSampleMean)} ` +
            `vs out-of-sample ${fixed(r.walkForward.outOfSampleMean)}, out-of-sample return ${pct(r.walkForward.outOfSampleTotalReturn)}.`,
        );
      }
      if (r.model) {
        lines.push(
          `${r.id}: model out-of-sample accuracy ${pct(r.model.accuracy)} vs chance ${pct(r.model.chanceAccuracy)} ± ${pct(r.model.sigma)} (${r.model.rows} rows).`,
        );
      }
    }
    out.push({
      heading: `Strategy ${name}`,
      text: lines.join('\n'),
      ...(bts.length ? { table: backtestTable(bts) } : {}),
      charts: bts.map(backtestChart),
    });
    if (ses.length)
      out.push({
        heading: `Strategy ${name}: sessions`,
        table: sessionTable(ses),
        charts: ses.map(sessionChart).filter((c): c is ChartDef => c !== undefined),
      });
  }
  return out;
}

const PROVENANCE = 'Every figure was computed from the recorded equity curves and trades.';

export interface ReportOptions {
  type: ReportType;
  format: ReportFormat;
  generatedAt: string;
}

/**
 * Renders the report.
 * @example renderReport(tradingAnalytics(paths), {type: 'strategy', format: 'html', generatedAt})
 */
export function renderReport(a: TradingAnalytics, o: ReportOptions): string {
  const title = `aitbc ${o.type} report`;
  const secs = sections(o.type, a);
  if (o.format === 'md') {
    const parts = [`# ${title}`, '', `Generated ${o.generatedAt}. ${PROVENANCE}`];
    for (const s of secs) {
      parts.push('', `## ${s.heading}`);
      if (s.text) parts.push('', s.text);
      if (s.table) parts.push('', mdTable(s.table));
      for (const c of s.charts) {
        const eq = c.panels[0];
        parts.push('', '```', terminalChart(eq.series, { title: c.title, width: 90, height: 10 }), '```');
      }
    }
    return `${parts.join('\n')}\n`;
  }
  const body: string[] = [];
  for (const s of secs) {
    body.push(`<h2>${escapeHtml(s.heading)}</h2>`);
    if (s.text) body.push(...s.text.split('\n').map((l) => `<p>${escapeHtml(l)}</p>`));
    if (s.table) body.push(htmlTable(s.table));
    for (const c of s.charts) body.push(inlineSvgFigure({ title: c.title, time: c.time, panels: c.panels }));
  }
  return htmlPage(title, `Generated ${o.generatedAt}. ${PROVENANCE}`, body);
}
