/**
 * Terminal charts, SVG/HTML plots and their files.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { isAitbcError } from '../../../src/core/errors.js';
import {
  formatTick,
  formatValue,
  indicatorPlotSpec,
  indicatorTerminalCharts,
  niceTicks,
  type PlotSpec,
  renderPlot,
  terminalChart,
  writePlot,
} from '../../../src/quant/charts/index.js';
import { syntheticOhlcv } from '../../../src/quant/data/index.js';
import { computeIndicator, parseIndicatorList } from '../../../src/quant/indicators/index.js';
import { tempDir } from '../../helpers/cli.js';

const tmp = tempDir('aitbc-q1-charts-');
afterAll(() => tmp.cleanup());

// biome-ignore lint/suspicious/noControlCharactersInRegex: ANSI escapes are control characters.
const stripAnsi = (s: string) => s.replace(/\u001b\[[0-9;]*m/g, '');

describe('formatting', () => {
  it('nice ticks and labels', () => {
    expect(niceTicks(0, 97, 5)).toEqual([0, 20, 40, 60, 80]);
    expect(niceTicks(0.12, 0.5, 4)).toEqual([0.2, 0.3, 0.4, 0.5]);
    expect(niceTicks(5, 5)).toEqual([5]);
    expect(formatTick(1_234_567, 500_000)).toBe('1.23M');
    expect(formatTick(0.12345, 0.01)).toBe('0.123');
    expect(formatTick(250, 50)).toBe('250');
    expect(formatValue(70.46413502109705)).toBe('70.46414');
    expect(formatValue(Number.NaN)).toBe('–');
    expect(formatValue(null)).toBe('–');
  });
});

describe('terminalChart', () => {
  const values = Array.from({ length: 300 }, (_, i) => Math.sin(i / 20) * 10 + 50);

  it('draws braille within the requested size, with axis labels and a legend', () => {
    const out = terminalChart([{ name: 'wave', values }], {
      width: 60,
      height: 8,
      title: 'T',
      xLabels: ['start', 'end'],
    });
    const lines = out.split('\n');
    expect(lines[0]).toBe('T');
    const plot = lines.slice(1, 9);
    expect(plot).toHaveLength(8);
    for (const l of plot) expect([...l].length).toBeLessThanOrEqual(60);
    expect(out).toMatch(/[\u2801-\u28ff]/);
    expect(plot[0]).toMatch(/^\s*60 ┤/);
    expect(plot[7]).toMatch(/^\s*40 ┤/);
    expect(lines[9]).toMatch(/└─+$/);
    expect(lines[10]).toMatch(/start +end$/);
    expect(lines[11]).toMatch(/── wave/);
  });

  it('leaves a gap where values are NaN, and copes with flat and empty input', () => {
    const gappy = values.map((v, i) => (i >= 100 && i < 200 ? Number.NaN : v));
    const rows = terminalChart([{ name: 'g', values: gappy }], { width: 60, height: 6 })
      .split('\n')
      .slice(0, 6);
    const col = (r: string, c: number) => [...r][c];
    const labelWidth = rows[0].indexOf('┤') + 1;
    const mid = labelWidth + 25;
    expect(rows.every((r) => col(r, mid) === ' ')).toBe(true);
    expect(terminalChart([{ name: 'f', values: [3, 3, 3] }])).toMatch(/⠉|⠒|⠤|⣀/);
    expect(terminalChart([{ name: 'e', values: [Number.NaN] }], { title: 'x' })).toBe(
      'x\n(no data to chart)',
    );
    expect(terminalChart([])).toBe('(no data to chart)');
  });

  it('colours series with ANSI codes only when asked; marks series apart without colour', () => {
    const two = [
      { name: 'a', values },
      { name: 'b', values: values.map((v) => v + 5) },
    ];
    const coloured = terminalChart(two, { color: true });
    expect(coloured).toContain('\u001b[36m');
    expect(coloured).toContain('\u001b[33m');
    const plain = terminalChart(two);
    expect(plain).not.toContain('\u001b[');
    expect(plain).toContain('• a');
    expect(plain).toContain('+ b');
    expect(stripAnsi(coloured).split('\n').length).toBe(plain.split('\n').length);
  });
});

describe('renderPlot', () => {
  const n = 500;
  const time = Array.from({ length: n }, (_, i) => Date.UTC(2024, 0, 1) + i * 3_600_000);
  const close = Array.from({ length: n }, (_, i) => 100 + Math.sin(i / 30) * 5);
  const gappy = close.map((v, i) => (i < 19 || (i >= 200 && i < 210) ? Number.NaN : v + 1));
  const spec: PlotSpec = {
    title: 'Test <&> "plot"',
    time,
    panels: [
      {
        title: 'price',
        series: [
          { name: 'close', values: close, style: 'area' },
          { name: 'sma:20', values: gappy },
        ],
      },
      {
        title: 'volume',
        height: 80,
        series: [{ name: 'volume', values: close.map((v) => v * 10), style: 'bar' }],
      },
      {
        title: 'trades',
        series: [
          { name: 'buys', values: close.map((v, i) => (i % 100 === 0 ? v : Number.NaN)), style: 'marker' },
        ],
      },
    ],
  };
  const pointsOf = (svg: string, name: string) =>
    [...svg.matchAll(new RegExp(`data-series="${name}" data-points="(\\d+)"`, 'g'))].map((m) => Number(m[1]));

  it('draws one point per bar, breaking lines at NaN', () => {
    const svg = renderPlot(spec, 'svg');
    expect(svg.startsWith('<?xml')).toBe(true);
    expect(pointsOf(svg, 'close')).toEqual([n]);
    expect(pointsOf(svg, 'sma:20')).toEqual([181, 290]);
    expect(pointsOf(svg, 'volume')).toEqual([n]);
    expect(pointsOf(svg, 'buys')).toEqual([5]);
    const polyline = /data-series="close" data-points="500" points="([^"]+)"/.exec(svg);
    expect(polyline?.[1].split(' ')).toHaveLength(n);
    expect((svg.match(/<circle /g) ?? []).length).toBe(5);
    expect(svg).toContain('Test &#60;&#38;&#62; &#34;plot&#34;');
    expect(svg).toContain('data-role="area-fill"');
  });

  it('HTML is self-contained: inline SVG, data and script, no external references', () => {
    const html = renderPlot(spec, 'html');
    expect(html.startsWith('<!doctype html>')).toBe(true);
    expect(html).toContain('<svg');
    expect(html).toContain('id="plot-data"');
    expect(html).not.toMatch(/(src|href)=["']?https?:/);
    const data = JSON.parse(
      /<script type="application\/json" id="plot-data">(.*?)<\/script>/s.exec(html)?.[1] ?? '{}',
    );
    expect(data.time).toHaveLength(n);
    expect(data.series.find((s: { name: string }) => s.name === 'sma:20').values[0]).toBeNull();
  });

  it('refuses misaligned series and unknown formats', () => {
    const bad = { ...spec, panels: [{ title: 'p', series: [{ name: 'x', values: [1, 2] }] }] };
    expect(() => renderPlot(bad, 'svg')).toThrow(/has 2 values for 500 bars/);
    expect(() => renderPlot(spec, 'png' as 'svg')).toThrow(/unknown plot format/);
  });

  it('writePlot picks the format from the extension', () => {
    const svgFile = path.join(tmp.dir, 'p.svg');
    const htmlFile = path.join(tmp.dir, 'p.HTML');
    expect(writePlot(spec, svgFile)).toMatchObject({ format: 'svg' });
    expect(readFileSync(svgFile, 'utf8')).toContain('<svg');
    expect(writePlot(spec, htmlFile).format).toBe('html');
    for (const bad of [path.join(tmp.dir, 'p.png'), path.join(tmp.dir, 'no-dir', 'p.svg')]) {
      try {
        writePlot(spec, bad);
        expect.unreachable();
      } catch (e) {
        expect(isAitbcError(e) && e.code).toBe('INVALID_INPUT');
      }
    }
  });
});

describe('price-with-indicator pictures', () => {
  const data = syntheticOhlcv({ seed: 21, bars: 400 });
  const computed = parseIndicatorList('sma:20,bbands:20:2,rsi:14,macd:12:26:9,vwap:day').map((spec) => ({
    spec,
    output: computeIndicator(spec, data),
  }));

  it('overlays go on the price panel, oscillators below, volume as bars', () => {
    const spec = indicatorPlotSpec('t', data, computed);
    expect(spec.panels.map((p) => p.title)).toEqual(['price', 'volume', 'rsi:14', 'macd:12:26:9']);
    expect(spec.panels[0].series.map((s) => s.name)).toEqual([
      'close',
      'sma:20',
      'bbands:20:2 upper',
      'bbands:20:2 middle',
      'bbands:20:2 lower',
      'vwap:day',
    ]);
    expect(spec.panels[3].series.find((s) => s.name.endsWith('hist'))?.style).toBe('bar');
  });

  it('terminal charts: one for the price and one per oscillator, cut to the last bars', () => {
    const charts = indicatorTerminalCharts(data, computed, { width: 70, lastBars: 50 });
    expect(charts).toHaveLength(3);
    expect(charts[0].split('\n')[0]).toBe('price');
    expect(charts[1].split('\n')[0]).toBe('rsi:14');
    expect(charts[0]).toContain(new Date(data.time[350]).toISOString().slice(0, 16).replace('T', ' '));
  });
});
