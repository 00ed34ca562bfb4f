import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ensureSecureDir, writeFileAtomic } from '../../../src/cli/secure-fs.js';
import { type BacktestConfig, runEngine } from '../../../src/quant/backtest/index.js';
import { loadOhlcv, syntheticOhlcv } from '../../../src/quant/data/index.js';
import { computeMetrics, tradeOutcomes } from '../../../src/quant/metrics/index.js';
import {
  type BacktestRecord,
  type Bar,
  barAt,
  downsampleCurve,
  listBacktestRecords,
  PaperTrader,
  pollFeed,
  readJson,
  renderReport,
  replayFeed,
  runSession,
  type SessionConfigFile,
  type SessionState,
  saveBacktestRecord,
  stopSession,
  summarizeSession,
  tradingAnalytics,
  tradingPaths,
} from '../../../src/quant/sessions/index.js';
import { createContext, getStrategy, type Strategy } from '../../../src/quant/strategies/index.js';
import type { Ohlcv } from '../../../src/quant/types.js';
import { HOURLY_CONFIG } from './hourly-config.js';

const files = { write: writeFileAtomic, mkdir: ensureSecureDir };
const roots: string[] = [];
afterAll(() => {
  for (const r of roots) rmSync(r, { recursive: true, force: true });
});
function home() {
  const root = mkdtempSync(path.join(tmpdir(), 'aitbc-trading-'));
  roots.push(root);
  return tradingPaths(path.join(root, 'trading'));
}

const cfg: BacktestConfig = HOURLY_CONFIG;
const data = syntheticOhlcv({ seed: 31, bars: 800 });

function bars(d: Ohlcv): Bar[] {
  return Array.from(d.close, (_, i) => barAt(d, i));
}

function sessionFile(id: string, strategy: Strategy, params: Record<string, number>): SessionConfigFile {
  return {
    version: 1,
    id,
    createdAt: new Date(0).toISOString(),
    strategy: { name: strategy.name, source: 'builtin', params },
    feed: { kind: 'replay', source: 'test', barsPerSecond: 0 },
    config: cfg,
    window: 100_000,
    detached: false,
  };
}

describe('paper trading matches the backtest engine', () => {
  for (const [name, params, fill] of [
    ['sma_cross', { fast: 5, slow: 20 }, 'open'],
    ['rsi_reversion', { period: 14, lower: 30, upper: 70, exit: 50 }, 'open'],
    ['breakout', { entry: 20, exit: 10 }, 'close'],
  ] as const) {
    it(`${name}, fill ${fill}: same trades and the same equity at every bar`, () => {
      const s = getStrategy(name);
      const c = { ...cfg, fill };
      const trader = new PaperTrader({ strategy: s, params, config: c, window: 100_000 });
      const equity = bars(data).map((b) => trader.onBar(b).equity);
      const engine = runEngine(data, s.run(data, params, createContext()).target, c);
      const closed = engine.trades.toArray().filter((t) => t.exitReason === 'signal');
      expect(trader.trades.toArray()).toEqual(closed);
      expect(closed.length).toBeGreaterThan(3);
      // The engine closes what is open at the last close; the paper account keeps it marked.
      for (let i = 0; i < data.close.length - 1; i++) expect(equity[i]).toBeCloseTo(engine.equity[i], 8);
      expect(trader.barsInMarket).toBe(engine.barsInMarket);
    });
  }
});

describe('runSession', () => {
  it('replays a file to completion and keeps the state on disk (0600)', async () => {
    const paths = home();
    const s = getStrategy('sma_cross');
    const session = sessionFile('replay-1', s, { fast: 5, slow: 20 });
    files.write(paths.session('replay-1').config, JSON.stringify(session));
    const trader = new PaperTrader({
      strategy: s,
      params: { fast: 5, slow: 20 },
      config: cfg,
      window: 100_000,
    });
    let calls = 0;
    const state = await runSession({
      paths,
      files,
      session,
      trader,
      feed: replayFeed(data, 0),
      signal: new AbortController().signal,
      pid: process.pid,
      now: Date.now,
      // Written once at the start and once at the end: every write is fsynced.
      persistMs: 60_000,
      onBar: () => calls++,
    });
    expect(state.status).toBe('completed');
    expect(calls).toBe(800);
    const onDisk = readJson<SessionState>(paths.session('replay-1').state) as SessionState;
    expect(onDisk.status).toBe('completed');
    expect(onDisk.tradedBars).toBe(800);
    expect(onDisk.curve.equity).toHaveLength(800);
    expect(onDisk.trades.length).toBe(trader.trades.length);
    expect(statSync(paths.session('replay-1').state).mode & 0o777).toBe(0o600);
    expect(statSync(paths.session('replay-1').dir).mode & 0o777).toBe(0o700);
    const summary = summarizeSession(paths, 'replay-1');
    const m = computeMetrics({
      equity: Float64Array.from(onDisk.curve.equity),
      time: Float64Array.from(onDisk.curve.time),
      periodsPerYear: cfg.periodsPerYear,
      barsInMarket: 0,
      trades: tradeOutcomes(onDisk.trades),
    });
    expect(summary.metrics?.sharpe).toBe(m.sharpe);
    expect(summary.metrics?.exposure).toBe(onDisk.barsInMarket / 800);
  });

  it('records stopped when aborted and failed (with the message) when the strategy throws', async () => {
    const paths = home();
    const s = getStrategy('sma_cross');
    const ac = new AbortController();
    const trader = new PaperTrader({ strategy: s, params: { fast: 5, slow: 20 }, config: cfg, window: 500 });
    const stopped = await runSession({
      paths,
      files,
      session: sessionFile('stop-1', s, { fast: 5, slow: 20 }),
      trader,
      feed: replayFeed(data, 1000),
      signal: ac.signal,
      pid: process.pid,
      now: Date.now,
      persistMs: 0,
      onBar: (st) => {
        if (st.tradedBars === 30) ac.abort();
      },
    });
    expect(stopped.status).toBe('stopped');
    expect(stopped.tradedBars).toBe(30);

    const broken: Strategy = {
      ...s,
      name: 'broken',
      warmup: () => 0,
      run: () => {
        throw new Error('boom');
      },
    };
    await expect(
      runSession({
        paths,
        files,
        session: sessionFile('fail-1', broken, {}),
        trader: new PaperTrader({ strategy: broken, params: {}, config: cfg, window: 10 }),
        feed: replayFeed(data, 0),
        signal: new AbortController().signal,
        pid: process.pid,
        now: Date.now,
        persistMs: 0,
      }),
    ).rejects.toThrow('boom');
    const st = readJson<SessionState>(paths.session('fail-1').state) as SessionState;
    expect(st.status).toBe('failed');
    expect(st.error).toEqual({ code: 'INTERNAL', message: 'boom' });
  });
});

describe('pollFeed over HTTP', () => {
  let server: Server;
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  it('treats the first response as warm-up, then yields only new closed bars', async () => {
    let served = 100;
    const csv = () => {
      const rows = ['time,open,high,low,close,volume'];
      for (let i = 0; i < served; i++)
        rows.push(
          [data.time[i], data.open[i], data.high[i], data.low[i], data.close[i], data.volume[i]].join(','),
        );
      return `${rows.join('\n')}\n`;
    };
    server = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/csv' });
      res.end(csv());
      served += 3;
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/bars.csv`;
    const ac = new AbortController();
    const seen: Array<{ t: number; warm: boolean }> = [];
    const feed = pollFeed(async () => (await loadOhlcv({ url })).data, 10);
    try {
      for await (const { bar, warmUp } of feed(ac.signal)) {
        seen.push({ t: bar.time, warm: warmUp });
        if (seen.length === 99 + 9) ac.abort();
      }
    } catch (e) {
      expect((e as Error).name).toBe('AbortError');
    }
    // 100 served, the newest may still be forming: 99 warm-up bars, then 3 new closed bars per poll.
    expect(seen.filter((x) => x.warm)).toHaveLength(99);
    expect(seen.slice(99).every((x) => !x.warm)).toBe(true);
    expect(seen.map((x) => x.t)).toEqual(Array.from(data.time.subarray(0, seen.length)));
  });
});

describe('stopSession', () => {
  it('stops a live session process with SIGTERM and marks a dead one stopped', async () => {
    const paths = home();
    const p = paths.session('live-1');
    const s = getStrategy('sma_cross');
    files.write(p.config, JSON.stringify(sessionFile('live-1', s, {})));
    const script = `
      const fs = require('node:fs');
      const file = ${JSON.stringify(p.state)};
      const st = JSON.parse(fs.readFileSync(file, 'utf8'));
      process.on('SIGTERM', () => { fs.writeFileSync(file, JSON.stringify({ ...st, status: 'stopped' })); process.exit(0); });
      setInterval(() => {}, 1000);
      process.send('ready');`;
    const base = {
      version: 1,
      id: 'live-1',
      status: 'running',
      pid: 0,
      trades: [],
      curve: { stride: 1, time: [], equity: [], close: [] },
    };
    files.write(p.state, JSON.stringify(base));
    const child = spawn(process.execPath, ['-e', script, 'ai-trading'], {
      stdio: ['ignore', 'ignore', 'ignore', 'ipc'],
    });
    await new Promise((r) => child.once('message', r));
    files.write(p.pid, String(child.pid));
    files.write(p.state, JSON.stringify({ ...base, pid: child.pid }));
    const exited = new Promise((r) => child.once('exit', r));
    const r = await stopSession(paths, files, 'live-1', { timeoutMs: 5000, now: Date.now });
    await exited;
    expect(r).toMatchObject({ id: 'live-1', previous: 'running', status: 'stopped', signal: 'SIGTERM' });
    expect((readJson<SessionState>(p.state) as SessionState).status).toBe('stopped');
    expect(existsSync(p.pid)).toBe(false);

    files.write(p.state, JSON.stringify({ ...base, pid: child.pid }));
    files.write(p.pid, String(child.pid));
    expect(summarizeSession(paths, 'live-1').status).toBe('dead');
    const again = await stopSession(paths, files, 'live-1', { timeoutMs: 1000, now: Date.now });
    expect(again).toMatchObject({ previous: 'dead', status: 'stopped' });
    await expect(stopSession(paths, files, 'nope', { timeoutMs: 10, now: Date.now })).rejects.toThrow(
      /no trading session "nope"/,
    );
  });
});

describe('records, analytics and reports', () => {
  it('saves, lists and summarises backtests and sessions, and renders both report formats', async () => {
    const paths = home();
    const s = getStrategy('sma_cross');
    const params = { fast: 5, slow: 20 };
    const engine = runEngine(data, s.run(data, params, createContext()).target, cfg);
    const curve = downsampleCurve(data.time, [engine.equity, engine.equity], 300);
    expect(curve.time[curve.time.length - 1]).toBe(data.time[799]);
    expect(curve.time.length).toBeLessThanOrEqual(301);
    const m = computeMetrics({
      equity: engine.equity,
      time: data.time,
      periodsPerYear: 8760,
      barsInMarket: engine.barsInMarket,
      trades: engine.trades,
    });
    const record: BacktestRecord = {
      version: 1,
      id: 'bt-test-1',
      createdAt: '2025-01-01T00:00:00.000Z',
      strategy: { name: s.name, source: 'builtin', params },
      data: { source: 'synthetic', bars: 800, from: 'a', to: 'b', intervalMs: 3_600_000, gaps: 0 },
      config: cfg,
      metrics: { ...m, feesPaid: engine.feesPaid, slippageCost: engine.slippageCost },
      buyAndHold: { ...m, feesPaid: 0, slippageCost: 0 },
      curve: { stride: curve.stride, time: curve.time, equity: curve.series[0], buyAndHold: curve.series[1] },
    };
    const file = saveBacktestRecord(paths, files, record);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(listBacktestRecords(paths).records).toEqual([record]);

    const trader = new PaperTrader({ strategy: s, params, config: cfg, window: 1000 });
    const session = sessionFile('sess-1', s, params);
    files.write(paths.session('sess-1').config, JSON.stringify(session));
    await runSession({
      paths,
      files,
      session,
      trader,
      feed: replayFeed(data, 0),
      signal: new AbortController().signal,
      pid: process.pid,
      now: Date.now,
      persistMs: 60_000,
    });

    const a = tradingAnalytics(paths);
    expect(a.sessions.map((x) => x.id)).toEqual(['sess-1']);
    expect(a.backtests.map((x) => x.id)).toEqual(['bt-test-1']);
    expect(a.portfolio.capital).toBe(10_000);
    expect(a.portfolio.totalReturn).toBeCloseTo(a.sessions[0].equity / 10_000 - 1, 12);

    const html = renderReport(a, { type: 'strategy', format: 'html', generatedAt: 'now' });
    expect(html).toMatch(/^<!DOCTYPE html>/);
    expect(html).toContain('<h2>Strategy sma_cross</h2>');
    expect((html.match(/<svg /g) ?? []).length).toBe(2);
    expect(html).not.toMatch(/(src|href)=["']?https?:/);
    const md = renderReport(a, { type: 'portfolio', format: 'md', generatedAt: 'now' });
    expect(md).toContain('| session | strategy | params | status |');
    expect(md).toContain('| sess-1 | sma_cross | fast=5, slow=20 | completed | 800 |');
    expect(md).toContain('| bt-test-1 | sma_cross |');
    expect(md).toContain('```');
    expect(readFileSync(file, 'utf8')).toContain('"bt-test-1"');
  });
});
