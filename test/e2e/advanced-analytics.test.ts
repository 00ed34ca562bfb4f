/**
 * `aitbc advanced-analytics market-data | indicators | dashboard` through the built binary: stdout JSON,
 * stderr and exit codes checked separately.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadOhlcv } from '../../src/quant/data/index.js';
import { runCli, tempDir } from '../helpers/cli.js';

const tmp = tempDir('aitbc-q1-e2e-');
const home = path.join(tmp.dir, 'home');
const H = 3_600_000;
const T0 = Date.UTC(2024, 0, 1);
const csvRows = (n: number) =>
  [
    'time,open,high,low,close,volume',
    ...Array.from({ length: n }, (_, i) => {
      const c = 100 + Math.sin(i / 5) * 3 + i * 0.05;
      return `${(T0 + i * H) / 1000},${c - 0.2},${c + 1},${c - 1},${c},${1000 + i}`;
    }),
  ].join('\n');

let server: Server;
let base = '';

beforeAll(async () => {
  writeFileSync(path.join(tmp.dir, 'bars.csv'), csvRows(120));
  writeFileSync(path.join(tmp.dir, 'short.csv'), csvRows(20));
  writeFileSync(
    path.join(tmp.dir, 'bad.csv'),
    'time,open,high,low,close,volume\n2024-01-01,1,2,0.5,1.5,10\n2024-01-02,1,2,0.5\n2024-01-03,1,2,x,1.5,10\n',
  );
  writeFileSync(
    path.join(tmp.dir, 'lowhigh.csv'),
    'time,open,high,low,close,volume\n2024-01-01,1,2,0.5,1.5,10\n2024-01-02,1,0.8,0.9,1,10\n',
  );
  server = createServer((req, res) => {
    if (req.url === '/bars.csv') {
      res.writeHead(200, { 'content-type': 'text/csv' });
      res.end(csvRows(120));
    } else {
      res.writeHead(404);
      res.end();
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((r) => server.close(r));
  tmp.cleanup();
});

describe('advanced-analytics indicators', () => {
  it('--json prints {time, series} with null warm-up and nested multi-output series', async () => {
    const r = await runCli(
      [
        'advanced-analytics',
        'indicators',
        '--synthetic',
        '--seed',
        '7',
        '--bars',
        '300',
        '--indicator',
        'rsi:14,macd:12:26:9,bbands:20:2',
        '-i',
        'sma:20',
        '--json',
      ],
      { home },
    );
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const j = r.json();
    expect(j.time).toHaveLength(300);
    expect(j.time[0]).toBe('2024-01-01T00:00:00.000Z');
    expect(Object.keys(j.series)).toEqual(['rsi:14', 'macd:12:26:9', 'bbands:20:2', 'sma:20']);
    expect(j.series['rsi:14'].slice(0, 14)).toEqual(Array(14).fill(null));
    expect(typeof j.series['rsi:14'][14]).toBe('number');
    expect(Object.keys(j.series['macd:12:26:9'])).toEqual(['macd', 'signal', 'hist']);
    expect(j.series['macd:12:26:9'].hist[32]).toBeNull();
    expect(typeof j.series['macd:12:26:9'].hist[33]).toBe('number');
    expect(Object.keys(j.series['bbands:20:2'])).toEqual(['upper', 'middle', 'lower']);
    expect(j.series['bbands:20:2'].middle[19]).toBeCloseTo(j.series['sma:20'][19], 10);
    expect(j).toMatchObject({
      convention: 'talib',
      bars: 300,
      interval: '1h',
      source: 'synthetic(seed=7, bars=300, interval=1h)',
    });
  });

  it('--convention tulip changes where the references differ; --out csv/json and --plot write files', async () => {
    const out = path.join(tmp.dir, 'ind.csv');
    const outJson = path.join(tmp.dir, 'ind.json');
    const plot = path.join(tmp.dir, 'ind.svg');
    const r = await runCli(
      [
        'advanced-analytics',
        'indicators',
        '--data',
        path.join(tmp.dir, 'bars.csv'),
        '-i',
        'ema:10,obv',
        '--convention',
        'tulip',
        '--out',
        out,
        '--plot',
        plot,
        '--json',
      ],
      { home },
    );
    expect(r.code).toBe(0);
    const j = r.json();
    expect(j.series['ema:10'][0]).toBe(100);
    expect(j.series.obv[0]).toBe(0);
    expect(j.files.out).toMatchObject({ file: out, format: 'csv' });
    expect(j.files.plot).toMatchObject({ file: plot, format: 'svg' });
    const csv = readFileSync(out, 'utf8').split('\n');
    expect(csv[0]).toBe('time,open,high,low,close,volume,ema:10,obv');
    const back = await loadOhlcv({ path: out });
    expect(back.data.time.length).toBe(120);
    expect(readFileSync(plot, 'utf8')).toContain('data-series="close" data-points="120"');
    const r2 = await runCli(
      ['advanced-analytics', 'indicators', '--data', out, '-i', 'wma:5', '--out', outJson, '--quiet'],
      { home },
    );
    expect(r2.code).toBe(0);
    const doc = JSON.parse(readFileSync(outJson, 'utf8'));
    expect(doc.series['wma:5'].slice(0, 4)).toEqual([null, null, null, null]);
    expect(doc.bars).toBe(120);
  });

  it('human output: a table, terminal charts, and the files written on stderr', async () => {
    const plot = path.join(tmp.dir, 'ind.html');
    const r = await runCli(
      [
        'advanced-analytics',
        'indicators',
        '--synthetic',
        '--bars',
        '500',
        '-i',
        'rsi:14,bbands:20:2',
        '--plot',
        plot,
      ],
      { home },
    );
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/rsi:14 +│ [0-9.]+/);
    expect(r.stdout).toMatch(/^price$/m);
    expect(r.stdout).toMatch(/[\u2801-\u28ff]/);
    expect(r.stderr).toContain(`wrote ${plot} (html,`);
    expect(readFileSync(plot, 'utf8')).toMatch(/^<!doctype html>/);
  });

  it('reads stdin (--data -) and URLs', async () => {
    const r = await runCli(['advanced-analytics', 'indicators', '--data', '-', '-i', 'atr:14', '--json'], {
      home,
      input: csvRows(60),
    });
    expect(r.code).toBe(0);
    expect(r.json()).toMatchObject({ source: 'stdin', bars: 60 });
    const u = await runCli(
      ['advanced-analytics', 'indicators', '--data', `${base}/bars.csv`, '-i', 'vwap:day', '--json'],
      { home },
    );
    expect(u.code).toBe(0);
    expect(u.json().series['vwap:day']).toHaveLength(120);
    const missing = await runCli(
      ['advanced-analytics', 'indicators', '--data', `${base}/nope.csv`, '-i', 'obv', '--json'],
      { home },
    );
    expect(missing.code).toBe(2);
    expect(missing.json().error.message).toMatch(/HTTP 404/);
  });

  it('bad input exits 2 with specifics', async () => {
    const unknown = await runCli(
      ['advanced-analytics', 'indicators', '--synthetic', '-i', 'rsi:14,kdj:9', '--json'],
      { home },
    );
    expect(unknown.code).toBe(2);
    expect(unknown.json().error).toMatchObject({ code: 'INVALID_INPUT', exitCode: 2 });
    expect(unknown.json().error.message).toMatch(
      /unknown indicator "kdj"; valid ids: sma:N, .*vwap\[:none\|day\]/,
    );

    const short = await runCli(
      [
        'advanced-analytics',
        'indicators',
        '--data',
        path.join(tmp.dir, 'short.csv'),
        '-i',
        'sma:10,rsi:30,macd:12:26:9',
      ],
      { home },
    );
    expect(short.code).toBe(2);
    expect(short.stdout).toBe('');
    expect(short.stderr).toMatch(
      /series too short: 20 bars, but rsi:30 needs 31, macd:12:26:9 needs 34 \(INVALID_INPUT, exit 2\)/,
    );

    const bad = await runCli(
      ['advanced-analytics', 'indicators', '--data', path.join(tmp.dir, 'bad.csv'), '-i', 'obv', '--json'],
      { home },
    );
    expect(bad.code).toBe(2);
    const err = bad.json().error;
    expect(err.message).toMatch(
      /2 malformed rows: line 3: expected 6 fields, got 4; line 4: low "x" is not a finite number/,
    );
    expect(err.details.rows).toHaveLength(2);

    const lowhigh = await runCli(
      [
        'advanced-analytics',
        'indicators',
        '--data',
        path.join(tmp.dir, 'lowhigh.csv'),
        '-i',
        'obv',
        '--json',
      ],
      { home },
    );
    expect(lowhigh.code).toBe(2);
    expect(lowhigh.json().error.message).toMatch(/invalid OHLCV data: line 3: high 0.8 is below low 0.9/);

    const none = await runCli(['advanced-analytics', 'indicators', '-i', 'obv', '--json'], { home });
    expect(none.code).toBe(2);
    expect(none.json().error.code).toBe('MISSING_INPUT');

    const noFlag = await runCli(['advanced-analytics', 'indicators', '--synthetic'], { home });
    expect(noFlag.code).toBe(2);
    expect(noFlag.stderr).toMatch(/indicator/);
  });
});

describe('advanced-analytics market-data', () => {
  it('--json: returns, volatility, drawdown, volume profile, gaps', async () => {
    const r = await runCli(
      [
        'advanced-analytics',
        'market-data',
        '--data',
        path.join(tmp.dir, 'bars.csv'),
        '--bins',
        '8',
        '--json',
      ],
      { home },
    );
    expect(r.code).toBe(0);
    const j = r.json();
    expect(j).toMatchObject({ bars: 120, interval: '1h', gaps: { count: 0 } });
    expect(j.stats.returns.count).toBe(119);
    expect(j.stats.volatility.periodsPerYear).toBe(8760);
    expect(j.stats.volume.profile).toHaveLength(8);
    expect(j.stats.drawdown.max).toBeGreaterThan(0);
    expect(j.stats.drawdown.peak).toMatch(/Z$/);
  });

  it('human output with charts and a plot; --periods-per-year validated', async () => {
    const plot = path.join(tmp.dir, 'md.svg');
    const r = await runCli(
      ['advanced-analytics', 'market-data', '--synthetic', '--seed', '3', '--resample', '1d', '--plot', plot],
      { home },
    );
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/volatility +[0-9.]+% per bar, [0-9.]+% annualised \(365 bars\/year/);
    expect(r.stdout).toContain('volume profile');
    expect(r.stdout).toMatch(/^drawdown/m);
    expect(readFileSync(plot, 'utf8')).toContain('data-series="drawdown"');
    const bad = await runCli(
      ['advanced-analytics', 'market-data', '--synthetic', '--periods-per-year', 'lots', '--json'],
      { home },
    );
    expect(bad.code).toBe(2);
    expect(bad.json().error.message).toMatch(/--periods-per-year must be a positive number/);
  });
});

describe('advanced-analytics dashboard', () => {
  it('--json snapshot of the default indicators at the last bar', async () => {
    const r = await runCli(['advanced-analytics', 'dashboard', '--synthetic', '--seed', '7', '--json'], {
      home,
    });
    expect(r.code).toBe(0);
    const j = r.json();
    expect(j.time).toBe('2024-03-24T07:00:00.000Z');
    const ids = [...new Set(j.snapshot.map((s: { indicator: string }) => s.indicator))];
    expect(ids).toEqual([
      'sma:20',
      'ema:50',
      'bbands:20:2',
      'vwap:day',
      'rsi:14',
      'macd:12:26:9',
      'stoch:14:3:3',
      'atr:14',
      'obv',
    ]);
    const rsi = j.snapshot.find((s: { indicator: string }) => s.indicator === 'rsi:14');
    expect(rsi.reading).toMatch(/overbought|oversold|neutral/);
    expect(typeof rsi.value).toBe('number');
  });

  it('human table and charts', async () => {
    const r = await runCli(
      ['advanced-analytics', 'dashboard', '--synthetic', '--bars', '400', '-i', 'rsi:14,sma:50'],
      { home },
    );
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/rsi:14 +│ [0-9.]+ +│ [0-9.]+ +│ (overbought|oversold|neutral)/);
    expect(r.stdout).toMatch(/^rsi:14$/m);
  });
});
