/**
 * loadOhlcv and loadDataFromFlags against real files, a real HTTP server on 127.0.0.1 (port 0) and a
 * stdin stream.
 */
import { writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dataSummary, dataWarnings, loadDataFromFlags } from '../../../src/cli/data-flags.js';
import { type AitbcError, isAitbcError } from '../../../src/core/errors.js';
import { loadOhlcv } from '../../../src/quant/data/index.js';
import { REPO_ROOT, tempDir } from '../../helpers/cli.js';

async function caught(p: Promise<unknown>): Promise<AitbcError> {
  try {
    await p;
  } catch (e) {
    if (isAitbcError(e)) return e;
    throw e;
  }
  throw new Error('expected an AitbcError');
}

const H = 3_600_000;
const T0 = Date.UTC(2024, 0, 1);
const CSV = [
  'time,open,high,low,close,volume',
  ...Array.from({ length: 48 }, (_, i) => {
    if (i === 10 || i === 11) return '';
    const c = 100 + Math.sin(i / 3) * 5;
    return `${new Date(T0 + i * H).toISOString()},${c},${c + 1},${c - 1},${c + 0.5},${100 + i}`;
  }),
]
  .filter((l) => l !== '')
  .join('\n');

const MULTI = [
  'symbol,timestamp,open,high,low,close,volume',
  ...Array.from({ length: 10 }, (_, i) => [
    `AAA,${T0 / 1000 + i * 86400},10,11,9,10.5,5`,
    `BBB,${T0 / 1000 + i * 86400},20,21,19,20.5,6`,
  ]).flat(),
].join('\n');

const tmp = tempDir('aitbc-q1-data-');
let server: Server;
let base = '';
let flaky = 0;

beforeAll(async () => {
  writeFileSync(path.join(tmp.dir, 'bars.csv'), CSV);
  writeFileSync(path.join(tmp.dir, 'multi.csv'), MULTI);
  writeFileSync(path.join(tmp.dir, 'bars.data'), JSON.stringify([[T0, 1, 2, 0.5, 1.5, 3]]));
  writeFileSync(
    path.join(tmp.dir, 'unsorted.csv'),
    'time,open,high,low,close\n2024-01-02,1,2,0.5,1\n2024-01-01,1,2,0.5,1\n',
  );
  server = createServer((req, res) => {
    if (req.url === '/bars.csv') {
      res.writeHead(200, { 'content-type': 'text/csv' });
      res.end(CSV);
    } else if (req.url === '/bars') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({ candles: [{ t: 0, time: T0, open: 1, high: 2, low: 0.5, close: 1.5, volume: 3 }] }),
      );
    } else if (req.url === '/flaky') {
      flaky++;
      if (flaky < 3) {
        res.writeHead(503);
        res.end('busy');
      } else {
        res.writeHead(200, { 'content-type': 'text/plain' });
        res.end(CSV);
      }
    } else if (req.url === '/down') {
      res.writeHead(502);
      res.end();
    } else if (req.url === '/slow') {
      // never answers
    } else {
      res.writeHead(404, 'Not Found');
      res.end();
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
  tmp.cleanup();
});

describe('loadOhlcv from files', () => {
  it('loads a CSV, infers the interval and reports the gap', async () => {
    const l = await loadOhlcv({ path: path.join(tmp.dir, 'bars.csv') });
    expect(l.rows).toBe(46);
    expect(l.data.time.length).toBe(46);
    expect(l.intervalMs).toBe(H);
    expect(l.gaps).toEqual([{ fromMs: T0 + 9 * H, toMs: T0 + 12 * H, missingBars: 2 }]);
    expect(l.warnings).toEqual([]);
    expect(l.source).toBe(path.join(tmp.dir, 'bars.csv'));
  });
  it('filters, resamples and sniffs JSON in a file without a known extension', async () => {
    const l = await loadOhlcv(
      { path: path.join(tmp.dir, 'bars.csv') },
      { fromMs: T0 + 24 * H, toMs: T0 + 47 * H, resampleMs: 4 * H },
    );
    expect(l.data.time.length).toBe(6);
    expect(l.intervalMs).toBe(4 * H);
    expect((await loadOhlcv({ path: path.join(tmp.dir, 'bars.data') })).data.close[0]).toBe(1.5);
  });
  it('selects a symbol (case-insensitively) and refuses ambiguity or unknown symbols', async () => {
    const file = path.join(tmp.dir, 'multi.csv');
    const b = await loadOhlcv({ path: file }, { symbol: 'bbb' });
    expect(b.data.symbol).toBe('BBB');
    expect(b.data.close[0]).toBe(20.5);
    expect(b.data.time.length).toBe(10);
    expect(b.symbols).toEqual(['AAA', 'BBB']);
    expect(b.intervalMs).toBe(86_400_000);
    expect((await caught(loadOhlcv({ path: file }))).message).toMatch(
      /holds 2 symbols \(AAA, BBB\): choose one with --symbol/,
    );
    expect((await caught(loadOhlcv({ path: file }, { symbol: 'ZZZ' }))).message).toMatch(
      /no rows for symbol "ZZZ"; symbols: AAA, BBB/,
    );
  });
  it('reports validation failures with line numbers, and unreadable files', async () => {
    const e = await caught(loadOhlcv({ path: path.join(tmp.dir, 'unsorted.csv') }));
    expect(e.code).toBe('INVALID_INPUT');
    expect(e.message).toMatch(
      /line 3: time 2024-01-01T00:00:00.000Z is before 2024-01-02T00:00:00.000Z at line 2/,
    );
    expect((await caught(loadOhlcv({ path: path.join(tmp.dir, 'none.csv') }))).message).toMatch(
      /cannot read data file .*none\.csv: no such file/,
    );
    expect((await caught(loadOhlcv({ path: tmp.dir }))).message).toMatch(/it is a directory/);
  });
  it('warns when there is no volume column', async () => {
    const l = await loadOhlcv({ text: 'time,open,high,low,close\n2024-01-01,1,2,0.5,1\n', format: 'csv' });
    expect(l.warnings[0]).toMatch(/no volume column/);
    expect(l.intervalMs).toBe(0);
  });
});

describe('the shipped samples in examples/data', () => {
  it('load, validate and have the documented shapes', async () => {
    const dir = path.join(REPO_ROOT, 'examples', 'data');
    const hourly = await loadOhlcv({ path: path.join(dir, 'synthetic-1h-seed7.csv') });
    expect(hourly).toMatchObject({ rows: 1000, intervalMs: H, gaps: [] });
    const daily = await loadOhlcv({ path: path.join(dir, 'synthetic-1d-seed42.json') });
    expect(daily).toMatchObject({ rows: 500, intervalMs: 86_400_000 });
    const multi = await loadOhlcv({ path: path.join(dir, 'multi-symbol-1d.csv') }, { symbol: 'AAA' });
    expect(multi).toMatchObject({ rows: 500, symbols: ['AAA', 'BBB'] });
    expect(multi.data.time.length).toBe(250);
  });
});

describe('loadOhlcv from URLs', () => {
  it('GETs CSV and JSON (format from the content type)', async () => {
    expect((await loadOhlcv({ url: `${base}/bars.csv` })).data.time.length).toBe(46);
    expect((await loadOhlcv({ url: `${base}/bars` })).data.close[0]).toBe(1.5);
  });
  it('retries 5xx with backoff and then succeeds', async () => {
    flaky = 0;
    const l = await loadOhlcv({ url: `${base}/flaky` });
    expect(flaky).toBe(3);
    expect(l.data.time.length).toBe(46);
  });
  it('does not retry a 404 (INVALID_INPUT), gives up on persistent 5xx (UNREACHABLE)', async () => {
    const e404 = await caught(loadOhlcv({ url: `${base}/missing.csv` }));
    expect(e404.code).toBe('INVALID_INPUT');
    expect(e404.message).toMatch(/HTTP 404/);
    const e502 = await caught(loadOhlcv({ url: `${base}/down` }));
    expect(e502.code).toBe('UNREACHABLE');
    expect(e502.details.attempts).toBe(3);
  });
  it('times out (TIMEOUT) and reports a refused connection (UNREACHABLE)', async () => {
    expect((await caught(loadOhlcv({ url: `${base}/slow` }, { timeoutMs: 300 }))).code).toBe('TIMEOUT');
    const probe = createServer();
    await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
    const port = (probe.address() as AddressInfo).port;
    await new Promise((r) => probe.close(r));
    const e = await caught(loadOhlcv({ url: `http://127.0.0.1:${port}/x.csv` }));
    expect(e.code).toBe('UNREACHABLE');
    expect(e.message).toMatch(/ECONNREFUSED/);
    expect((await caught(loadOhlcv({ url: 'ftp://example.invalid/x' }))).code).toBe('INVALID_INPUT');
  });
});

describe('loadDataFromFlags', () => {
  it('needs --data or --synthetic, not both', async () => {
    const e = await caught(loadDataFromFlags({}));
    expect(e.code).toBe('MISSING_INPUT');
    expect(e.message).toMatch(/give --data FILE\|URL\|- or --synthetic/);
    expect((await caught(loadDataFromFlags({ data: 'x.csv', synthetic: true }))).code).toBe('USAGE');
    expect((await caught(loadDataFromFlags({ data: 'x.csv', seed: 3 }))).message).toMatch(
      /--seed only apply to --synthetic/,
    );
  });
  it('builds synthetic data from seed, bars and interval, then filters and resamples', async () => {
    const l = await loadDataFromFlags({
      synthetic: true,
      seed: 5,
      bars: 480,
      interval: '15m',
      resample: '1h',
      from: '2024-01-01T10:00:00Z',
    });
    expect(l.source).toBe('synthetic(seed=5, bars=480, interval=15m)');
    expect(l.intervalMs).toBe(H);
    expect(l.data.time[0]).toBe(T0 + 10 * H);
    expect(l.data.time.length).toBe(110);
    const again = await loadDataFromFlags({ synthetic: true, seed: 5, bars: 480, interval: '15m' });
    expect(again.data.time.length).toBe(480);
    expect((await caught(loadDataFromFlags({ synthetic: true, interval: '1x' }))).message).toMatch(
      /--interval: "1x" is not an interval/,
    );
    expect((await caught(loadDataFromFlags({ synthetic: true, to: 'later' }))).message).toMatch(
      /--to: "later" is not a time/,
    );
  });
  it('reads --data - from stdin (format sniffed) and URLs with the timeout setting', async () => {
    const stdin = Readable.from([Buffer.from(CSV.slice(0, 200)), Buffer.from(CSV.slice(200))]);
    const l = await loadDataFromFlags({ data: '-' }, { stdin });
    expect(l.source).toBe('stdin');
    expect(l.data.time.length).toBe(46);
    const json = Readable.from([JSON.stringify([[T0, 1, 2, 0.5, 1.5, 3]])]);
    expect((await loadDataFromFlags({ data: '-' }, { stdin: json })).data.close[0]).toBe(1.5);
    expect(
      (await loadDataFromFlags({ data: `${base}/bars.csv` }, { timeoutSeconds: '5' })).data.time.length,
    ).toBe(46);
    expect(
      (await caught(loadDataFromFlags({ data: `${base}/bars.csv` }, { timeoutSeconds: 'x' }))).message,
    ).toMatch(/timeout must be a positive number/);
  });
  it('summarises the data with RFC 3339 times and gap warnings', async () => {
    const l = await loadDataFromFlags({ data: path.join(tmp.dir, 'bars.csv') });
    const s = dataSummary(l);
    expect(s).toMatchObject({
      bars: 46,
      interval: '1h',
      intervalMs: H,
      from: '2024-01-01T00:00:00.000Z',
      to: '2024-01-02T23:00:00.000Z',
    });
    expect(s.gaps).toEqual({
      count: 1,
      missingBars: 2,
      first: [{ from: '2024-01-01T09:00:00.000Z', to: '2024-01-01T12:00:00.000Z', missingBars: 2 }],
    });
    expect(dataWarnings(s)).toEqual([
      '1 gap in the data (2 missing 1h bars), first 2024-01-01T09:00:00.000Z → 2024-01-01T12:00:00.000Z',
    ]);
  });
});
