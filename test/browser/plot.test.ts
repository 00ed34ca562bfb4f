/**
 * An HTML plot written by `advanced-analytics indicators --plot` rendered in headless Chromium
 * (Debian's chromium through playwright-core): the points drawn match the bars within 1 %, the page
 * needs nothing from the network, and the hover read-out works. A missing chromium fails the test.
 */
import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderPlot } from '../../src/quant/charts/index.js';
import { runCli, tempDir } from '../helpers/cli.js';

const CHROMIUM = '/usr/bin/chromium';

/** The bits of the DOM the page callbacks use (the project compiles without the DOM library). */
interface Drawn {
  points: { numberOfItems: number };
  getBBox(): { width: number; height: number };
}
interface PageDocument {
  querySelectorAll(selector: string): Iterable<Drawn>;
  querySelector(selector: string): (Drawn & { getAttribute(name: string): string | null }) | null;
}
const BARS = 5000;
const tmp = tempDir('aitbc-q1-browser-');
let browser: Browser;

beforeAll(async () => {
  expect(existsSync(CHROMIUM), `${CHROMIUM} is missing: apt-get install -y chromium`).toBe(true);
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
      '--disable-sync',
    ],
  });
});

afterAll(async () => {
  await browser?.close();
  tmp.cleanup();
});

describe('HTML plot in Chromium', () => {
  it('draws one point per bar for the price and every indicator line', async () => {
    const file = path.join(tmp.dir, 'plot.html');
    const r = await runCli(
      [
        'advanced-analytics',
        'indicators',
        '--synthetic',
        '--seed',
        '5',
        '--bars',
        String(BARS),
        '-i',
        'sma:20,rsi:14,macd:12:26:9',
        '--plot',
        file,
        '--quiet',
      ],
      { home: path.join(tmp.dir, 'home') },
    );
    expect(r.code, r.stderr).toBe(0);

    const page = await browser.newPage();
    const errors: string[] = [];
    const requests: string[] = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
    page.on('request', (req) => requests.push(req.url()));
    await page.goto(pathToFileURL(file).href);

    const drawn = await page.evaluate(() => {
      const doc = (globalThis as unknown as { document: PageDocument }).document;
      const count = (name: string) =>
        [...doc.querySelectorAll(`polyline[data-series="${name}"]`)].reduce(
          (s, p) => s + p.points.numberOfItems,
          0,
        );
      const box = doc.querySelector('polyline[data-series="close"]')?.getBBox();
      return {
        bars: Number(doc.querySelector('svg')?.getAttribute('data-bars')),
        close: count('close'),
        sma: count('sma:20'),
        rsi: count('rsi:14'),
        macd: count('macd:12:26:9 macd'),
        width: box?.width ?? 0,
        height: box?.height ?? 0,
      };
    });
    expect(drawn.bars).toBe(BARS);
    const within1pct = (points: number, expected: number) => Math.abs(points - expected) / expected <= 0.01;
    expect(within1pct(drawn.close, BARS), `close: ${drawn.close} points for ${BARS} bars`).toBe(true);
    expect(within1pct(drawn.sma, BARS), `sma: ${drawn.sma}`).toBe(true);
    expect(within1pct(drawn.rsi, BARS), `rsi: ${drawn.rsi}`).toBe(true);
    expect(within1pct(drawn.macd, BARS), `macd: ${drawn.macd}`).toBe(true);
    expect(drawn.width).toBeGreaterThan(900);
    expect(drawn.height).toBeGreaterThan(50);

    const svg = await page.$('#chart svg');
    const box = await svg?.boundingBox();
    expect(box).toBeTruthy();
    if (box) await page.mouse.move(box.x + box.width / 2, box.y + box.height / 3);
    const readout = await page.textContent('#readout');
    expect(readout).toMatch(/^20\d\d-\d\d-\d\dT.*Z {3}close \d/);
    expect(errors).toEqual([]);
    expect(requests.filter((u) => !u.startsWith('file:'))).toEqual([]);
    await page.close();
  });

  it('breaks lines at NaN without losing points', async () => {
    const n = 1000;
    const values = Array.from({ length: n }, (_, i) => (i % 250 < 10 ? Number.NaN : Math.sin(i / 40)));
    const file = path.join(tmp.dir, 'gaps.html');
    writeFileSync(
      file,
      renderPlot(
        {
          title: 'gaps',
          time: Array.from({ length: n }, (_, i) => i * 60_000),
          panels: [{ title: 'p', series: [{ name: 'wave', values }] }],
        },
        'html',
      ),
    );
    const page = await browser.newPage();
    await page.goto(pathToFileURL(file).href);
    const segments = await page.$$eval('polyline[data-series="wave"]', (ps) =>
      ps.map((p) => (p as unknown as Drawn).points.numberOfItems),
    );
    expect(segments).toEqual([240, 240, 240, 240]);
    await page.close();
  });
});
