/**
 * Terminal charts for human output: Unicode braille line charts (2×4 dots per character) with a value
 * axis, a legend and optional colour. Without colour and with several series, each series is drawn
 * with its own marker character instead, so the lines stay distinguishable in plain text.
 */
import { finiteRange, formatTick } from './format.js';

export interface TerminalSeries {
  name: string;
  values: ArrayLike<number>;
}

export interface TerminalChartOptions {
  /** Total width in characters, axis labels included (default 80, at least 20). */
  width?: number;
  /** Plot height in text rows (default 12, at least 3). */
  height?: number;
  title?: string;
  /** ANSI colour per series (default false). */
  color?: boolean;
  /** Labels under the left and right ends of the x axis (times, say). */
  xLabels?: [string, string];
}

const COLORS = [36, 33, 35, 32, 31, 34];
const MARKERS = ['•', '+', 'x', 'o', '*', '#', '=', '~', '@', '%'];
// Braille dot bits by [x][y] within a 2×4 cell.
const DOT = [
  [0x01, 0x02, 0x04, 0x40],
  [0x08, 0x10, 0x20, 0x80],
];

/**
 * Renders series (aligned by index, NaN = no point) as a text chart; lines are not terminated by a
 * trailing newline.
 * @example terminalChart([{ name: 'close', values: data.close }], { title: 'BTC', width: 72 })
 */
export function terminalChart(
  series: ReadonlyArray<TerminalSeries>,
  opts: TerminalChartOptions = {},
): string {
  const width = Math.max(20, Math.floor(opts.width ?? 80));
  const height = Math.max(3, Math.floor(opts.height ?? 12));
  const color = opts.color ?? false;
  const lines: string[] = [];
  if (opts.title) lines.push(opts.title);
  const range = finiteRange(series.map((s) => s.values));
  if (series.length === 0 || range === undefined) {
    lines.push('(no data to chart)');
    return lines.join('\n');
  }
  let { min, max } = range;
  if (max === min) {
    const pad = Math.abs(min) * 0.01 || 1;
    min -= pad;
    max += pad;
  }
  const span = max - min;
  const rowStep = span / (height - 1);
  const labelAt = (r: number) => max - (r / (height - 1)) * span;
  const labelRows = new Set<number>([0, height - 1]);
  for (let r = 3; r < height - 2; r += 3) labelRows.add(r);
  const labels = new Map<number, string>();
  for (const r of labelRows) labels.set(r, formatTick(labelAt(r), rowStep));
  const labelWidth = Math.max(...[...labels.values()].map((l) => l.length));
  const cols = Math.max(10, width - labelWidth - 2);
  const markers = !color && series.length > 1;
  const grid = markers
    ? markerGrid(series, cols, height, min, span)
    : brailleGrid(series, cols, height, min, span);
  const paint = (text: string, s: number) =>
    color && s >= 0 ? `\u001b[${COLORS[s % COLORS.length]}m${text}\u001b[39m` : text;
  for (let r = 0; r < height; r++) {
    const label = labels.get(r);
    let row = label === undefined ? `${' '.repeat(labelWidth)} │` : `${label.padStart(labelWidth)} ┤`;
    for (let c = 0; c < cols; c++) row += paint(grid.text[r * cols + c], grid.owner[r * cols + c]);
    lines.push(row);
  }
  lines.push(`${' '.repeat(labelWidth)} └${'─'.repeat(cols)}`);
  if (opts.xLabels) {
    const [left, right] = opts.xLabels;
    const gap = Math.max(1, cols - left.length - right.length);
    lines.push(`${' '.repeat(labelWidth + 2)}${left}${' '.repeat(gap)}${right}`);
  }
  const legend = series.map((s, i) => `${paint(markers ? MARKERS[i % MARKERS.length] : '──', i)} ${s.name}`);
  lines.push(`${' '.repeat(labelWidth + 2)}${legend.join('   ')}`);
  return lines.join('\n');
}

interface Grid {
  text: string[];
  /** Index of the series that last drew in each cell, -1 for none. */
  owner: Int16Array;
}

function brailleGrid(
  series: ReadonlyArray<TerminalSeries>,
  cols: number,
  rows: number,
  min: number,
  span: number,
): Grid {
  const W = cols * 2;
  const H = rows * 4;
  const bits = new Uint8Array(cols * rows);
  const owner = new Int16Array(cols * rows).fill(-1);
  const n = Math.max(...series.map((s) => s.values.length));
  const xOf = (i: number) => (n <= 1 ? 0 : Math.round((i * (W - 1)) / (n - 1)));
  const yOf = (v: number) => Math.round(((min + span - v) / span) * (H - 1));
  series.forEach((s, si) => {
    const plot = (x: number, y: number) => {
      const cell = (y >> 2) * cols + (x >> 1);
      bits[cell] |= DOT[x & 1][y & 3];
      owner[cell] = si;
    };
    let px = -1;
    let py = -1;
    for (let i = 0; i < s.values.length; i++) {
      const v = s.values[i];
      if (!Number.isFinite(v)) {
        px = -1;
        continue;
      }
      const x = xOf(i);
      const y = yOf(v);
      if (px < 0) plot(x, y);
      else line(px, py, x, y, plot);
      px = x;
      py = y;
    }
  });
  return { text: Array.from(bits, (b) => (b === 0 ? ' ' : String.fromCharCode(0x2800 + b))), owner };
}

function markerGrid(
  series: ReadonlyArray<TerminalSeries>,
  cols: number,
  rows: number,
  min: number,
  span: number,
): Grid {
  const text = new Array<string>(cols * rows).fill(' ');
  const owner = new Int16Array(cols * rows).fill(-1);
  const n = Math.max(...series.map((s) => s.values.length));
  series.forEach((s, si) => {
    for (let i = 0; i < s.values.length; i++) {
      const v = s.values[i];
      if (!Number.isFinite(v)) continue;
      const c = n <= 1 ? 0 : Math.round((i * (cols - 1)) / (n - 1));
      const r = Math.round(((min + span - v) / span) * (rows - 1));
      text[r * cols + c] = MARKERS[si % MARKERS.length];
      owner[r * cols + c] = si;
    }
  });
  return { text, owner };
}

/** Bresenham's line between two dots. */
function line(x0: number, y0: number, x1: number, y1: number, plot: (x: number, y: number) => void): void {
  const dx = Math.abs(x1 - x0);
  const dy = -Math.abs(y1 - y0);
  const sx = x0 < x1 ? 1 : -1;
  const sy = y0 < y1 ? 1 : -1;
  let err = dx + dy;
  let x = x0;
  let y = y0;
  for (;;) {
    plot(x, y);
    if (x === x1 && y === y1) return;
    const e2 = 2 * err;
    if (e2 >= dy) {
      err += dy;
      x += sx;
    }
    if (e2 <= dx) {
      err += dx;
      y += sy;
    }
  }
}
