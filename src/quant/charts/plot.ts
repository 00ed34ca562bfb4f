/**
 * `--plot FILE`: stacked chart panels sharing a bar axis, rendered as a standalone SVG or as a
 * self-contained HTML page (the SVG inline, a small inline script for a hover read-out; no external
 * assets). Every bar is one point — nothing is downsampled — and a NaN breaks a line. Each drawn series
 * element carries `data-series` and `data-points` (its number of points), and lines are `<polyline>`s,
 * so a test can count what was drawn.
 */
import { writeFileSync } from 'node:fs';
import { extname } from 'node:path';
import { AitbcError } from '../../core/errors.js';
import { finiteRange, formatTick, niceTicks } from './format.js';

export type PlotStyle = 'line' | 'area' | 'bar' | 'marker';

export interface PlotSeries {
  name: string;
  values: ArrayLike<number>;
  style?: PlotStyle;
}

export interface PlotPanel {
  title: string;
  /** Height in px (default 320 for the first panel, 150 for the others). */
  height?: number;
  series: PlotSeries[];
}

export interface PlotSpec {
  title: string;
  /** Bar times, unix ms; every series is aligned with it. */
  time: ArrayLike<number>;
  panels: PlotPanel[];
}

export type PlotFormat = 'svg' | 'html';

const WIDTH = 1100;
const LEFT = 72;
const RIGHT = 16;
const TOP = 40;
const PANEL_GAP = 30;
const BOTTOM = 36;
const PLOT_W = WIDTH - LEFT - RIGHT;
const PALETTE = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#17becf'];

function esc(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

const fx = (v: number) => (Math.round(v * 100) / 100).toString();

interface Layout {
  n: number;
  x: (i: number) => number;
  panels: Array<{ top: number; height: number }>;
  height: number;
}

function layout(spec: PlotSpec): Layout {
  const n = spec.time.length;
  let y = TOP;
  const panels = spec.panels.map((p, k) => {
    y += PANEL_GAP;
    const height = p.height ?? (k === 0 ? 320 : 150);
    const out = { top: y, height };
    y += height;
    return out;
  });
  return {
    n,
    x: (i) => LEFT + (n <= 1 ? PLOT_W / 2 : (i * PLOT_W) / (n - 1)),
    panels,
    height: y + BOTTOM,
  };
}

/**
 * Renders a plot.
 * @throws AitbcError INVALID_INPUT when a series is not aligned with `time`, or for an unknown format.
 * @example renderPlot({ title: 'BTC', time, panels: [{ title: 'price', series: [{ name: 'close', values: close }] }] }, 'svg')
 */
export function renderPlot(spec: PlotSpec, format: PlotFormat): string {
  for (const p of spec.panels) {
    for (const s of p.series) {
      if (s.values.length !== spec.time.length) {
        throw new AitbcError(
          'INVALID_INPUT',
          `plot series "${s.name}" has ${s.values.length} values for ${spec.time.length} bars`,
          { series: s.name },
        );
      }
    }
  }
  if (format === 'svg') return `<?xml version="1.0" encoding="UTF-8"?>\n${svg(spec, false)}`;
  if (format === 'html') return html(spec);
  throw new AitbcError('INVALID_INPUT', `unknown plot format "${format}"; use svg or html`, { format });
}

/**
 * Writes a plot, choosing SVG or HTML from the file's extension (.svg, .html, .htm).
 * @throws AitbcError INVALID_INPUT for another extension or a file that cannot be written.
 */
export function writePlot(spec: PlotSpec, file: string): { file: string; format: PlotFormat; bytes: number } {
  const ext = extname(file).toLowerCase();
  const format: PlotFormat | undefined =
    ext === '.svg' ? 'svg' : ext === '.html' || ext === '.htm' ? 'html' : undefined;
  if (format === undefined) {
    throw new AitbcError('INVALID_INPUT', `--plot ${file}: the file must end in .svg or .html`, { file });
  }
  const text = renderPlot(spec, format);
  try {
    writeFileSync(file, text);
  } catch (e) {
    throw new AitbcError('INVALID_INPUT', `cannot write plot to ${file}: ${(e as Error).message}`, { file });
  }
  return { file, format, bytes: Buffer.byteLength(text) };
}

function svg(spec: PlotSpec, responsive: boolean): string {
  const L = layout(spec);
  const size = responsive ? 'width="100%"' : `width="${WIDTH}" height="${L.height}"`;
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" ${size} viewBox="0 0 ${WIDTH} ${L.height}" font-family="system-ui, sans-serif" font-size="11" data-bars="${L.n}" data-left="${LEFT}" data-plot-width="${PLOT_W}">`,
    `<rect width="${WIDTH}" height="${L.height}" fill="#ffffff"/>`,
    `<text x="${LEFT}" y="24" font-size="16" font-weight="600" fill="#222">${esc(spec.title)}</text>`,
  ];
  const xTicks = timeTicks(spec.time);
  spec.panels.forEach((panel, k) => {
    parts.push(renderPanel(panel, L, k, xTicks));
  });
  const last = L.panels[L.panels.length - 1];
  const axisY = last ? last.top + last.height : TOP;
  for (const t of xTicks) {
    parts.push(
      `<text x="${fx(L.x(t.index))}" y="${axisY + 16}" text-anchor="middle" fill="#555">${esc(t.label)}</text>`,
    );
  }
  parts.push('</svg>');
  return parts.join('\n');
}

function renderPanel(panel: PlotPanel, L: Layout, k: number, xTicks: Array<{ index: number }>): string {
  const { top, height } = L.panels[k];
  const parts: string[] = [`<g class="panel" data-panel="${esc(panel.title)}">`];
  parts.push(`<text x="${LEFT}" y="${top - 8}" font-weight="600" fill="#333">${esc(panel.title)}</text>`);
  parts.push(
    `<rect x="${LEFT}" y="${top}" width="${PLOT_W}" height="${height}" fill="#fafafa" stroke="#ccc"/>`,
  );
  const hasBars = panel.series.some((s) => s.style === 'bar');
  const range = finiteRange(panel.series.map((s) => s.values));
  let min = range?.min ?? 0;
  let max = range?.max ?? 1;
  if (hasBars) {
    min = Math.min(min, 0);
    max = Math.max(max, 0);
  }
  if (max === min) {
    const pad = Math.abs(min) * 0.01 || 1;
    min -= pad;
    max += pad;
  }
  const pad = (max - min) * 0.05;
  min -= hasBars && min === 0 ? 0 : pad;
  max += pad;
  const y = (v: number) => top + ((max - v) / (max - min)) * height;
  const ticks = niceTicks(min, max, height > 200 ? 6 : 3);
  const step = ticks.length > 1 ? ticks[1] - ticks[0] : max - min;
  for (const t of ticks) {
    parts.push(
      `<line x1="${LEFT}" x2="${LEFT + PLOT_W}" y1="${fx(y(t))}" y2="${fx(y(t))}" stroke="#e5e5e5"/>`,
    );
    parts.push(
      `<text x="${LEFT - 6}" y="${fx(y(t) + 4)}" text-anchor="end" fill="#555">${esc(formatTick(t, step))}</text>`,
    );
  }
  for (const t of xTicks) {
    parts.push(
      `<line x1="${fx(L.x(t.index))}" x2="${fx(L.x(t.index))}" y1="${top}" y2="${top + height}" stroke="#eee"/>`,
    );
  }
  panel.series.forEach((s, j) => {
    parts.push(renderSeries(s, PALETTE[(k * 3 + j) % PALETTE.length], L, y, top + height));
  });
  let lx = LEFT + PLOT_W - 8;
  const legend: string[] = [];
  for (let j = panel.series.length - 1; j >= 0; j--) {
    const s = panel.series[j];
    const color = PALETTE[(k * 3 + j) % PALETTE.length];
    const w = 22 + s.name.length * 6.5;
    lx -= w;
    legend.push(
      `<rect x="${fx(lx)}" y="${top + 8}" width="12" height="4" fill="${color}"/><text x="${fx(lx + 16)}" y="${top + 14}" fill="#333">${esc(s.name)}</text>`,
    );
  }
  parts.push(`<g class="legend">${legend.join('')}</g>`, '</g>');
  return parts.join('\n');
}

function renderSeries(
  s: PlotSeries,
  color: string,
  L: Layout,
  y: (v: number) => number,
  bottom: number,
): string {
  const style = s.style ?? 'line';
  const name = esc(s.name);
  const v = s.values;
  if (style === 'bar') {
    const w = Math.max(1, (PLOT_W / Math.max(1, L.n)) * 0.7);
    const y0 = fx(y(0));
    let d = '';
    let count = 0;
    for (let i = 0; i < v.length; i++) {
      if (!Number.isFinite(v[i])) continue;
      d += `M${fx(L.x(i))} ${y0}V${fx(y(v[i]))}`;
      count++;
    }
    return `<path class="series bar" data-series="${name}" data-points="${count}" d="${d}" stroke="${color}" stroke-width="${fx(w)}" stroke-opacity="0.6" fill="none"/>`;
  }
  if (style === 'marker') {
    const dots: string[] = [];
    for (let i = 0; i < v.length; i++) {
      if (Number.isFinite(v[i])) dots.push(`<circle cx="${fx(L.x(i))}" cy="${fx(y(v[i]))}" r="3.5"/>`);
    }
    return `<g class="series marker" data-series="${name}" data-points="${dots.length}" fill="${color}">${dots.join('')}</g>`;
  }
  const out: string[] = [];
  let run: string[] = [];
  let runStart = 0;
  const flush = (end: number) => {
    if (run.length === 0) return;
    if (style === 'area') {
      const base = `${fx(L.x(end - 1))},${fx(bottom)} ${fx(L.x(runStart))},${fx(bottom)}`;
      out.push(
        `<polygon data-role="area-fill" points="${run.join(' ')} ${base}" fill="${color}" fill-opacity="0.15"/>`,
      );
    }
    out.push(
      `<polyline class="series line" data-series="${name}" data-points="${run.length}" points="${run.join(' ')}" fill="none" stroke="${color}" stroke-width="1.3" stroke-linejoin="round"/>`,
    );
    run = [];
  };
  for (let i = 0; i < v.length; i++) {
    if (!Number.isFinite(v[i])) {
      flush(i);
      continue;
    }
    if (run.length === 0) runStart = i;
    run.push(`${fx(L.x(i))},${fx(y(v[i]))}`);
  }
  flush(v.length);
  return out.join('\n');
}

/** About eight bar indexes with time labels: dates for spans over three days, else day and time. */
function timeTicks(time: ArrayLike<number>): Array<{ index: number; label: string }> {
  const n = time.length;
  if (n === 0) return [];
  const long = time[n - 1] - time[0] > 3 * 86_400_000;
  const label = (t: number) => {
    const iso = new Date(t).toISOString();
    return long ? iso.slice(0, 10) : `${iso.slice(5, 10)} ${iso.slice(11, 16)}`;
  };
  const count = Math.min(8, n);
  const ticks: Array<{ index: number; label: string }> = [];
  for (let k = 0; k < count; k++) {
    const index = count === 1 ? 0 : Math.round((k * (n - 1)) / (count - 1));
    ticks.push({ index, label: label(time[index]) });
  }
  return ticks;
}

function round6(v: number): number | null {
  return Number.isFinite(v) ? Number(v.toPrecision(6)) : null;
}

function html(spec: PlotSpec): string {
  const data = {
    time: Array.from(spec.time),
    series: spec.panels.flatMap((p) =>
      p.series.map((s) => ({ name: s.name, values: Array.from(s.values, round6) })),
    ),
  };
  const json = JSON.stringify(data).replace(/</g, '\\u003c');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(spec.title)}</title>
<style>
body { margin: 16px; font-family: system-ui, sans-serif; color: #222; background: #fff; }
#chart { max-width: ${WIDTH}px; position: relative; }
#readout { font: 12px ui-monospace, monospace; min-height: 1.4em; white-space: pre-wrap; }
</style>
</head>
<body>
<div id="readout">Move over the chart to read values.</div>
<div id="chart">
${svg(spec, true)}
</div>
<script type="application/json" id="plot-data">${json}</script>
<script>
(() => {
  const data = JSON.parse(document.getElementById('plot-data').textContent);
  const svg = document.querySelector('#chart svg');
  const out = document.getElementById('readout');
  const n = data.time.length;
  const left = Number(svg.dataset.left);
  const width = Number(svg.dataset.plotWidth);
  const ns = 'http://www.w3.org/2000/svg';
  const cursor = document.createElementNS(ns, 'line');
  cursor.setAttribute('stroke', '#999');
  cursor.setAttribute('stroke-dasharray', '3 3');
  cursor.setAttribute('y1', '0');
  cursor.setAttribute('y2', svg.viewBox.baseVal.height);
  svg.appendChild(cursor);
  svg.addEventListener('mousemove', (ev) => {
    if (n === 0) return;
    const p = new DOMPoint(ev.clientX, ev.clientY).matrixTransform(svg.getScreenCTM().inverse());
    const i = Math.max(0, Math.min(n - 1, Math.round(((p.x - left) / width) * (n - 1))));
    const x = n <= 1 ? left + width / 2 : left + (i * width) / (n - 1);
    cursor.setAttribute('x1', x);
    cursor.setAttribute('x2', x);
    const parts = [new Date(data.time[i]).toISOString()];
    for (const s of data.series) parts.push(s.name + ' ' + (s.values[i] === null ? '–' : s.values[i]));
    out.textContent = parts.join('   ');
  });
})();
</script>
</body>
</html>
`;
}
