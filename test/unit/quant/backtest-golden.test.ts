/**
 * Pins the complete output of one backtest per built-in rule strategy — metrics, buy-and-hold, every
 * trade, the equity and buy-and-hold curves, positions, targets and indicator series — on a small
 * seeded synthetic series, under three engine configurations, plus a range-limited run and a small
 * sweep. The golden (backtest-golden.json) was captured from the implementation before the 10^6-bar
 * performance work, so any change to a result, down to the last bit of a float, fails here.
 * Long series are pinned by a SHA-256 of their values (NaN and −0 canonicalised) with a few values
 * kept readable, so a failure still says roughly where a curve went wrong.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  type BacktestConfig,
  type BacktestRun,
  parseSweepSpec,
  runBacktest,
  runSweep,
} from '../../../src/quant/backtest/index.js';
import { syntheticOhlcv } from '../../../src/quant/data/index.js';
import { createContext, getStrategy, type Params } from '../../../src/quant/strategies/index.js';
import { HOURLY_CONFIG } from './hourly-config.js';

const golden = JSON.parse(readFileSync(new URL('./backtest-golden.json', import.meta.url), 'utf8'));

/** SHA-256 of a series' values as float64, with every NaN and −0 written the same way. */
function digest(values: ArrayLike<number>): string {
  const canon = new Float64Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    canon[i] = Number.isNaN(v) ? Number.NaN : v === 0 ? 0 : v;
  }
  return createHash('sha256').update(new Uint8Array(canon.buffer)).digest('hex');
}

function curve(values: ArrayLike<number>) {
  const n = values.length;
  const at = [0, 1, Math.floor(n / 3), Math.floor(n / 2), n - 2, n - 1];
  return { length: n, sha256: digest(values), at: at.map((i) => [i, values[i]]) };
}

/** Everything a backtest returns, in JSON-comparable form. */
function summarise(run: BacktestRun) {
  const trades = run.trades.toArray();
  const columns = [
    'entryBar',
    'entryTime',
    'entryPrice',
    'exitBar',
    'exitTime',
    'exitPrice',
    'units',
    'entryValue',
    'fees',
    'pnl',
    'returnPct',
    'barsHeld',
  ] as const;
  return {
    start: run.start,
    end: run.end,
    metrics: run.metrics,
    buyAndHold: run.buyAndHold,
    trades: {
      count: trades.length,
      sides: digest(trades.map((t) => (t.side === 'long' ? 1 : -1))),
      reasons: digest(trades.map((t) => (t.exitReason === 'end' ? 1 : 0))),
      columns: Object.fromEntries(columns.map((c) => [c, digest(trades.map((t) => t[c]))])),
      first: trades[0] ?? null,
      last: trades[trades.length - 1] ?? null,
    },
    equity: curve(run.equity),
    buyAndHoldEquity: curve(run.buyAndHoldEquity),
    position: digest(run.position),
    target: digest(run.target),
    indicators: Object.fromEntries(Object.entries(run.indicators).map(([k, v]) => [k, digest(v)])),
  };
}

const data = syntheticOhlcv({ seed: 7, bars: 2000 });

const CONFIGS: Record<string, BacktestConfig> = {
  'open-allin-short': HOURLY_CONFIG,
  'close-fraction-long': {
    capital: 5_000,
    feeBps: 25,
    slippageBps: 0,
    fill: 'close',
    sizing: { mode: 'fraction', fraction: 0.5 },
    allowShort: false,
    periodsPerYear: 8760,
  },
  'open-fixed-short': {
    capital: 10_000,
    feeBps: 0,
    slippageBps: 20,
    fill: 'open',
    sizing: { mode: 'fixed', quote: 2_500 },
    allowShort: true,
    periodsPerYear: 365,
  },
};

const CASES: Array<[string, Params]> = [
  ['sma_cross', { fast: 10, slow: 30 }],
  ['momentum', { lookback: 20, threshold: 0.002 }],
  ['mean_reversion', { period: 20, entry: 1.5, exit: 0.5 }],
  ['rsi_reversion', { period: 14, lower: 35, upper: 65, exit: 50 }],
  ['macd', { fast: 12, slow: 26, signal: 9 }],
  ['breakout', { entry: 20, exit: 10 }],
];

describe('backtest outputs match the golden captured before the performance work', () => {
  for (const [name, params] of CASES) {
    for (const [cfgName, cfg] of Object.entries(CONFIGS)) {
      it(`${name} ${cfgName}`, () => {
        const run = runBacktest(data, getStrategy(name), params, cfg, { ctx: createContext() });
        expect(summarise(run)).toEqual(golden.runs[`${name} ${cfgName}`]);
      });
    }
  }

  it('breakout with an entry channel more than twice the exit channel, and with both equal', () => {
    const wide = runBacktest(
      data,
      getStrategy('breakout'),
      { entry: 30, exit: 10 },
      CONFIGS['open-allin-short'],
      {
        ctx: createContext(),
      },
    );
    expect(summarise(wide)).toEqual(golden.runs['breakout entry 30 exit 10']);
    const same = runBacktest(
      data,
      getStrategy('breakout'),
      { entry: 12, exit: 12 },
      CONFIGS['close-fraction-long'],
      { ctx: createContext() },
    );
    expect(summarise(same)).toEqual(golden.runs['breakout entry 12 exit 12']);
  });

  it('a run on a sub-range of the bars', () => {
    const run = runBacktest(
      data,
      getStrategy('breakout'),
      { entry: 30, exit: 15 },
      CONFIGS['open-allin-short'],
      {
        ctx: createContext(),
        range: { start: 500, end: 1500 },
      },
    );
    expect(summarise(run)).toEqual(golden.runs['breakout range 500-1500']);
  });

  it('a sweep, every combination’s metrics in rank order', () => {
    const strategy = getStrategy('sma_cross');
    const axes = parseSweepSpec('fast=4:12:4,slow=20:60:20', strategy);
    const sw = runSweep(data, strategy, { fast: 10, slow: 30 }, axes, CONFIGS['open-allin-short'], 'sharpe', {
      ctx: createContext(),
    });
    expect({ barEvaluations: sw.barEvaluations, results: sw.results }).toEqual(golden.sweep);
  });
});
