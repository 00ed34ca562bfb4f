/**
 * The building blocks every `advanced-analytics report` shares: tables rendered as HTML or Markdown,
 * charts inlined as SVG, and one self-contained page shell (inline CSS, nothing loaded from anywhere).
 * The session/backtest report and the wallet report both render through these, so their pages look
 * the same and escaping is done in one place.
 */
import { type PlotSpec, renderPlot } from './charts/plot.js';

export type Cell = string | number | null | undefined;

/** A table as both formats render it; an absent cell shows as "—". */
export interface Table {
  head: string[];
  rows: Cell[][];
}

/** Escapes text for HTML element content and attribute values. */
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** @example htmlTable({head: ['a'], rows: [[1]]}) // '<table><thead>…' */
export function htmlTable(t: Table): string {
  const head = t.head.map((h) => `<th>${escapeHtml(h)}</th>`).join('');
  const rows = t.rows
    .map((r) => `<tr>${r.map((c) => `<td>${escapeHtml(String(c ?? '—'))}</td>`).join('')}</tr>`)
    .join('\n');
  return `<table><thead><tr>${head}</tr></thead><tbody>\n${rows}\n</tbody></table>`;
}

function mdCell(c: Cell): string {
  return String(c ?? '—').replace(/\|/g, '\\|');
}

/** A GitHub-flavoured Markdown table; `|` inside cells is escaped. */
export function mdTable(t: Table): string {
  return [
    `| ${t.head.map(mdCell).join(' | ')} |`,
    `| ${t.head.map(() => '---').join(' | ')} |`,
    ...t.rows.map((r) => `| ${r.map(mdCell).join(' | ')} |`),
  ].join('\n');
}

/** A chart as an inline `<figure>` (the SVG without its XML declaration, so it can sit in HTML). */
export function inlineSvgFigure(spec: PlotSpec): string {
  return `<figure>${renderPlot(spec, 'svg').replace(/^<\?xml[^>]*>\s*/, '')}</figure>`;
}

/**
 * A whole self-contained HTML page: the title as `<h1>`, one intro paragraph, then `body` (already
 * HTML) line by line.
 */
export function htmlPage(title: string, intro: string, body: readonly string[]): string {
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>
<style>
body{font-family:system-ui,sans-serif;margin:24px;color:#222}
table{border-collapse:collapse;margin:8px 0 16px;font-size:13px}
th,td{border:1px solid #ccc;padding:3px 8px;text-align:right}
th{background:#f3f3f3}td:first-child,th:first-child{text-align:left}
figure{margin:12px 0}svg{max-width:100%;height:auto}
</style></head><body>
<h1>${escapeHtml(title)}</h1>
<p>${escapeHtml(intro)}</p>
${body.join('\n')}
</body></html>
`;
}
