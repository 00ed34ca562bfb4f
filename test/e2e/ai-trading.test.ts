import { existsSync, readFileSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli, tempDir } from '../helpers/cli.js';

const { dir: home, cleanup } = tempDir('aitbc-e2e-trading-');
const started: number[] = [];
afterAll(() => {
  for (const pid of started) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  cleanup();
});

const cli = (args: string[]) => runCli([...args, '--home', home]);

describe('ai-trading backtest', () => {
  it('prints one JSON document with assumptions, metrics, buy-and-hold and trades, and records the run', async () => {
    const r = await cli([
      'ai-trading',
      'backtest',
      '-s',
      'sma_cross',
      '--synthetic',
      '--seed',
      '7',
      '-p',
      'fast=10,slow=40',
      '--fee-bps',
      '8',
      '--json',
    ]);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    const j = r.json();
    expect(j.strategy).toEqual({ name: 'sma_cross', source: 'builtin', params: { fast: 10, slow: 40 } });
    expect(j.data).toMatchObject({ bars: 2000, intervalMs: 3_600_000, from: '2024-01-01T00:00:00.000Z' });
    expect(j.assumptions).toMatchObject({
      feeBps: 8,
      slippageBps: 5,
      capital: 10000,
      periodsPerYear: 8760,
      riskFreeRate: 0,
    });
    expect(j.assumptions.fill).toMatch(/^next bar open/);
    for (const k of [
      'totalReturn',
      'cagr',
      'annualVolatility',
      'sharpe',
      'sortino',
      'calmar',
      'maxDrawdown',
      'maxDrawdownDurationBars',
      'exposure',
      'winRate',
      'profitFactor',
      'expectancy',
      'trades',
    ]) {
      expect(j.metrics, k).toHaveProperty(k);
    }
    expect(j.metrics.trades).toBe(j.trades.length);
    expect(j.trades[0].entryTime).toMatch(/^2024-\d\d-\d\dT\d\d:00:00\.000Z$/);
    expect(j.buyAndHold.trades).toBe(1);
    const sum = j.trades.reduce((a: number, t: { pnl: number }) => a + t.pnl, 0);
    expect(j.metrics.endEquity).toBeCloseTo(10000 + sum, 6);
    expect(j.id).toMatch(/^bt-sma_cross-\d{8}T\d{6}-[0-9a-f]{4}$/);
    expect(statSync(j.record).mode & 0o777).toBe(0o600);
    expect(path.dirname(j.record)).toBe(path.join(home, 'trading', 'backtests'));
  });

  it('is deterministic and labels --fill close as optimistic', async () => {
    const args = [
      'ai-trading',
      'backtest',
      '-s',
      'macd',
      '--synthetic',
      '--seed',
      '3',
      '--no-record',
      '--json',
    ];
    const [a, b, c] = await Promise.all([cli(args), cli(args), cli([...args, '--fill', 'close', '--short'])]);
    expect(a.json().metrics).toEqual(b.json().metrics);
    expect(c.json().assumptions.fill).toMatch(/OPTIMISTIC/);
    expect(c.json().warnings[0]).toMatch(/optimistic/);
    expect(c.json().assumptions.shorts).toBe('allowed');
  });

  it('human output shows fees, slippage and the equity and drawdown charts', async () => {
    const r = await cli([
      'ai-trading',
      'backtest',
      '-s',
      'breakout',
      '--synthetic',
      '--seed',
      '4',
      '--no-record',
    ]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('fee 10 bps + slippage 5 bps per fill');
    expect(r.stdout).toMatch(/\nequity\n/);
    expect(r.stdout).toMatch(/\ndrawdown\n/);
    expect(r.stdout).toContain('buy & hold');
  });

  it('sweeps 100 combinations and reports walk-forward in- vs out-of-sample', async () => {
    const [s, w] = await Promise.all([
      cli([
        'ai-trading',
        'backtest',
        '-s',
        'sma_cross',
        '--synthetic',
        '--bars',
        '3000',
        '--sweep',
        'fast=5:50:5,slow=20:200:20',
        '--no-record',
        '--json',
      ]),
      cli([
        'ai-trading',
        'backtest',
        '-s',
        'sma_cross',
        '--synthetic',
        '--bars',
        '3000',
        '--sweep',
        'fast=5:15:5,slow=30:60:30',
        '--walk-forward',
        'folds=4,train=0.7',
        '--no-record',
        '--json',
      ]),
    ]);
    const sweep = s.json().sweep;
    expect(sweep.combinations).toBe(100);
    expect(sweep.evaluated + sweep.skipped.length).toBe(100);
    expect(s.json().strategy.params).toEqual(sweep.best);
    const wf = w.json().walkForward;
    expect(wf.perFold).toHaveLength(4);
    expect(wf.optimised).toBe(true);
    for (const f of wf.perFold) {
      expect(f.inSampleMetrics).toHaveProperty('sharpe');
      expect(f.outOfSampleMetrics).toHaveProperty('sharpe');
      expect(f.inSample.bars).toBe(Math.floor(750 * 0.7));
    }
    expect(wf.outOfSample).toHaveProperty('totalReturn');
  });

  it('runs the ml strategy walk-forward with out-of-sample scores and chance', async () => {
    const r = await cli([
      'ai-trading',
      'backtest',
      '-s',
      'ml',
      '--synthetic',
      '--bars',
      '2500',
      '-p',
      'folds=3',
      '--no-record',
      '--json',
    ]);
    expect(r.code).toBe(0);
    const m = r.json().model;
    expect(m.folds).toHaveLength(3);
    expect(m.outOfSample.rows).toBeGreaterThan(1000);
    expect(m.outOfSample).toHaveProperty('chanceAccuracy');
    expect(m.outOfSample).toHaveProperty('sigma');
  });

  it('runs a user module and writes the plot and the CSV exports', async () => {
    const { dir, cleanup: done } = tempDir('aitbc-e2e-out-');
    try {
      const plot = path.join(dir, 'bt.svg');
      const trades = path.join(dir, 'trades.csv');
      const equity = path.join(dir, 'equity.csv');
      const r = await cli([
        'ai-trading',
        'backtest',
        '-s',
        './examples/strategies/donchian-volume.js',
        '--synthetic',
        '--seed',
        '2',
        '--plot',
        plot,
        '--trades-csv',
        trades,
        '--equity-csv',
        equity,
        '--no-record',
        '--json',
      ]);
      expect(r.code).toBe(0);
      const j = r.json();
      expect(j.strategy.name).toBe('donchian_volume');
      expect(j.exports).toEqual({ plot, 'trades-csv': trades, 'equity-csv': equity });
      expect(readFileSync(plot, 'utf8')).toContain('<svg');
      expect(readFileSync(trades, 'utf8').trim().split('\n')).toHaveLength(j.trades.length + 1);
      expect(readFileSync(equity, 'utf8').trim().split('\n')).toHaveLength(2001);
    } finally {
      done();
    }
  });

  it('refuses bad input with exit 2 and says what is valid', async () => {
    const [unknown, param, short, sweep] = await Promise.all([
      cli(['ai-trading', 'backtest', '-s', 'moon', '--synthetic', '--json']),
      cli(['ai-trading', 'backtest', '-s', 'rsi_reversion', '-p', 'length=3', '--synthetic', '--json']),
      cli([
        'ai-trading',
        'backtest',
        '-s',
        'sma_cross',
        '-p',
        'slow=300',
        '--synthetic',
        '--bars',
        '250',
        '--json',
      ]),
      cli(['ai-trading', 'backtest', '-s', 'sma_cross', '--synthetic', '--sweep', 'fast=1:5', '--json']),
    ]);
    for (const r of [unknown, param, short, sweep]) {
      expect(r.code).toBe(2);
      expect(r.json().error.exitCode).toBe(2);
    }
    expect(unknown.json().error.message).toContain(
      'valid strategies: momentum, mean_reversion, sma_cross, rsi_reversion, macd, breakout, ml',
    );
    expect(param.json().error.message).toContain('valid parameters: period, lower, upper, exit');
    expect(short.json().error.message).toContain('needs at least 301 bars');
    expect(short.json().error.details).toMatchObject({ bars: 250, needed: 301 });
    expect(sweep.json().error.message).toContain('start:stop:step');
    const human = await cli(['ai-trading', 'backtest', '-s', 'moon', '--synthetic']);
    expect(human.code).toBe(2);
    expect(human.stdout).toBe('');
    expect(human.stderr).toMatch(/^Error: unknown strategy "moon"/);
  });
});

describe('ai-trading strategies and signals', () => {
  it('lists the strategies with their parameters', async () => {
    const r = await cli(['ai-trading', 'strategies', '--json']);
    const names = r.json().items.map((s: { name: string }) => s.name);
    expect(names).toEqual([
      'momentum',
      'mean_reversion',
      'sma_cross',
      'rsi_reversion',
      'macd',
      'breakout',
      'ml',
    ]);
    const sma = r.json().items[2];
    expect(sma.params.map((p: { name: string; default: number }) => [p.name, p.default])).toEqual([
      ['fast', 10],
      ['slow', 30],
    ]);
  });

  it('gives the latest signal of every strategy with its indicators', async () => {
    const r = await cli(['ai-trading', 'signals', '--synthetic', '--seed', '5', '--bars', '1500', '--json']);
    expect(r.code).toBe(0);
    const j = r.json();
    expect(j.data.bars).toBe(1500);
    expect(j.items).toHaveLength(7);
    for (const i of j.items) {
      expect(['long', 'short', 'flat']).toContain(i.signal);
      expect(i.time).toBe(j.data.last);
      expect(Object.keys(i.indicators).length).toBeGreaterThan(0);
    }
    const rsi = j.items.find((i: { strategy: string }) => i.strategy === 'rsi_reversion');
    expect(rsi.indicators['rsi:14']).toBeGreaterThan(0);
  });
});

describe('paper trading sessions', () => {
  it('start --detach → status → stop, from separate invocations', async () => {
    const s = await cli([
      'ai-trading',
      'start',
      '-s',
      'sma_cross',
      '--synthetic',
      '--seed',
      '3',
      '--speed',
      '20',
      '--detach',
      '--id',
      'e2e-detached',
      '--json',
    ]);
    expect(s.code).toBe(0);
    const j = s.json();
    started.push(j.pid);
    expect(j).toMatchObject({ id: 'e2e-detached', status: 'running', detached: true });
    const dir = path.join(home, 'trading', 'e2e-detached');
    expect(readFileSync(path.join(dir, 'pid'), 'utf8').trim()).toBe(String(j.pid));
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    // Wait (reading the state file) until the background process has traded a few bars.
    const stateFile = path.join(dir, 'state.json');
    for (let i = 0; i < 300; i++) {
      await delay(100);
      if (existsSync(stateFile) && JSON.parse(readFileSync(stateFile, 'utf8')).tradedBars >= 5) break;
    }
    const st = await cli(['ai-trading', 'status', 'e2e-detached', '--json']);
    expect(st.json().status).toBe('running');
    const bars = st.json().tradedBars;
    expect(bars).toBeGreaterThanOrEqual(5);
    const list = await cli(['ai-trading', 'status', '--json']);
    expect(list.json().items.map((x: { id: string }) => x.id)).toContain('e2e-detached');
    const stop = await cli(['ai-trading', 'stop', 'e2e-detached', '--json']);
    expect(stop.code).toBe(0);
    expect(stop.json()).toMatchObject({
      id: 'e2e-detached',
      previous: 'running',
      status: 'stopped',
      signal: 'SIGTERM',
    });
    const after = await cli(['ai-trading', 'status', 'e2e-detached', '--json']);
    expect(after.json().status).toBe('stopped');
    expect(after.json().tradedBars).toBeGreaterThanOrEqual(bars);
    expect(existsSync(path.join(dir, 'pid'))).toBe(false);
    const missing = await cli(['ai-trading', 'status', 'nope', '--json']);
    expect(missing.code).toBe(4);
    expect(missing.json().error.code).toBe('SESSION_NOT_FOUND');
  });

  it('polls an HTTP feed in a detached session, trading only bars that appear after it started', async () => {
    const lines = readFileSync('examples/data/synthetic-1h-seed7.csv', 'utf8').trim().split('\n');
    let served = 200;
    const server = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/csv' });
      res.end(`${lines.slice(0, served + 1).join('\n')}\n`);
      served = Math.min(served + 2, lines.length - 1);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/bars.csv`;
      const s = await cli([
        'ai-trading',
        'start',
        '-s',
        'sma_cross',
        '--data',
        url,
        '--poll',
        '0.1',
        '--detach',
        '--id',
        'e2e-poll',
        '--json',
      ]);
      expect(s.code, s.stdout).toBe(0);
      started.push(s.json().pid);
      const stateFile = path.join(home, 'trading', 'e2e-poll', 'state.json');
      for (let i = 0; i < 300; i++) {
        await delay(100);
        if (existsSync(stateFile) && JSON.parse(readFileSync(stateFile, 'utf8')).tradedBars >= 6) break;
      }
      const st = (await cli(['ai-trading', 'status', 'e2e-poll', '--json'])).json();
      expect(st.status).toBe('running');
      expect(st.feed).toMatch(/^poll http:\/\/127\.0\.0\.1:/);
      // The first response's closed bars are warm-up; only later bars trade.
      expect(st.tradedBars).toBeGreaterThanOrEqual(6);
      expect(Date.parse(st.lastBarTime)).toBeGreaterThan(Date.parse('2024-01-09T07:00:00.000Z'));
      const stop = await cli(['ai-trading', 'stop', 'e2e-poll', '--json']);
      expect(stop.json()).toMatchObject({ previous: 'running', status: 'stopped' });
    } finally {
      await new Promise<void>((r) => server.close(() => r()));
    }
  });

  it('replays a file in the foreground to completion, then analytics sees it', async () => {
    const r = await cli([
      'ai-trading',
      'start',
      '-s',
      'rsi_reversion',
      '--data',
      'examples/data/synthetic-1h-seed7.csv',
      '--speed',
      '0',
      '--id',
      'e2e-fg',
      '--json',
    ]);
    expect(r.code).toBe(0);
    expect(r.json()).toMatchObject({ id: 'e2e-fg', status: 'completed', detached: false });
    expect(r.json().tradedBars).toBeGreaterThan(100);
    const a = await cli(['ai-trading', 'analytics', '--json']);
    const j = a.json();
    const fg = j.sessions.find((x: { id: string }) => x.id === 'e2e-fg');
    expect(fg.status).toBe('completed');
    expect(fg.metrics.bars).toBe(r.json().tradedBars);
    expect(j.backtests.length).toBeGreaterThanOrEqual(1);
    expect(j.portfolio.sessions).toBe(j.sessions.length);
  });
});
