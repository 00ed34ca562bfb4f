/** CSV exports of a backtest: the trades list and the per-bar equity (RFC 4180, times in RFC 3339 UTC). */
import { drawdownSeries } from '../metrics/index.js';
import type { Trade } from './types.js';

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

function num(v: number): string {
  return Number.isFinite(v) ? String(v) : '';
}

/** One row per trade. */
export function tradesCsv(trades: readonly Trade[]): string {
  const head =
    'side,entry_time,entry_price,exit_time,exit_price,units,entry_value,fees,pnl,return,bars_held,exit_reason';
  const rows = trades.map((t) =>
    [
      t.side,
      iso(t.entryTime),
      num(t.entryPrice),
      iso(t.exitTime),
      num(t.exitPrice),
      num(t.units),
      num(t.entryValue),
      num(t.fees),
      num(t.pnl),
      num(t.returnPct),
      t.barsHeld,
      t.exitReason,
    ].join(','),
  );
  return `${[head, ...rows].join('\n')}\n`;
}

/**
 * One row per simulated bar: time, close, position, strategy equity, its drawdown, buy-and-hold equity.
 * `time` and `close` are the full series; the equity arrays start at bar `start`.
 */
export function equityCsv(input: {
  time: Float64Array;
  close: Float64Array;
  start: number;
  equity: Float64Array;
  position: Int8Array;
  buyAndHold: Float64Array;
}): string {
  const dd = drawdownSeries(input.equity);
  const lines = ['time,close,position,equity,drawdown,buy_and_hold'];
  for (let i = 0; i < input.equity.length; i++) {
    const b = input.start + i;
    lines.push(
      `${iso(input.time[b])},${num(input.close[b])},${input.position[i]},${num(input.equity[i])},${num(dd[i])},${num(input.buyAndHold[i])}`,
    );
  }
  return `${lines.join('\n')}\n`;
}
