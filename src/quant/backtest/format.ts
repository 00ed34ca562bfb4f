/** Human formatting of metrics for tables (the same fields `--json` prints, as text). */
import type { PerformanceMetrics } from '../metrics/index.js';

/** 0.1234 → "12.34 %"; null/NaN → "—". */
export function fmtPct(v: number | null | undefined, digits = 2): string {
  return v === null || v === undefined || !Number.isFinite(v) ? '—' : `${(v * 100).toFixed(digits)} %`;
}

/** A number with fixed decimals; null/NaN → "—". */
export function fmtNum(v: number | null | undefined, digits = 2): string {
  return v === null || v === undefined || !Number.isFinite(v) ? '—' : v.toFixed(digits);
}

/** Milliseconds as "3d 4h", "5h 10m" or "12m". */
export function fmtDuration(ms: number): string {
  const m = Math.round(ms / 60_000);
  const d = Math.floor(m / 1440);
  const h = Math.floor((m % 1440) / 60);
  const min = m % 60;
  if (d > 0) return `${d}d ${h}h`;
  if (h > 0) return `${h}h ${min}m`;
  return `${min}m`;
}

type Row = { metric: string } & Record<string, string>;

/** One row per metric, one column per named metrics object. */
export function metricRows(
  columns: Record<string, PerformanceMetrics & { feesPaid?: number; slippageCost?: number }>,
): Row[] {
  const defs: Array<
    [string, (m: PerformanceMetrics & { feesPaid?: number; slippageCost?: number }) => string]
  > = [
    ['final equity', (m) => fmtNum(m.endEquity)],
    ['total return', (m) => fmtPct(m.totalReturn)],
    ['CAGR', (m) => fmtPct(m.cagr)],
    ['annual volatility', (m) => fmtPct(m.annualVolatility)],
    ['Sharpe', (m) => fmtNum(m.sharpe)],
    ['Sortino', (m) => fmtNum(m.sortino)],
    ['Calmar', (m) => fmtNum(m.calmar)],
    ['max drawdown', (m) => fmtPct(m.maxDrawdown)],
    ['max DD duration', (m) => `${m.maxDrawdownDurationBars} bars (${fmtDuration(m.maxDrawdownDurationMs)})`],
    ['exposure', (m) => fmtPct(m.exposure, 1)],
    ['trades', (m) => String(m.trades)],
    ['win rate', (m) => fmtPct(m.winRate, 1)],
    ['profit factor', (m) => fmtNum(m.profitFactor)],
    ['expectancy / trade', (m) => fmtNum(m.expectancy)],
    ['fees paid', (m) => fmtNum(m.feesPaid)],
    ['slippage cost', (m) => fmtNum(m.slippageCost)],
  ];
  return defs.map(([metric, f]) => {
    const row: Row = { metric };
    for (const [name, m] of Object.entries(columns)) row[name] = f(m);
    return row;
  });
}
