/**
 * Cross-checks against trading-signals and technicalindicators wherever their conventions agree with
 * ours (named per test), on 3,000 seeded synthetic bars.
 */
import * as ti from 'technicalindicators';
import * as ts from 'trading-signals';
import { describe, expect, it } from 'vitest';
import { syntheticOhlcv } from '../../../src/quant/data/index.js';
import {
  atr,
  bbands,
  ema,
  macd,
  obv,
  rsi,
  sma,
  stoch,
  vwap,
  wma,
} from '../../../src/quant/indicators/index.js';

const data = syntheticOhlcv({ seed: 99, bars: 3000 });
const close = Array.from(data.close);
const high = Array.from(data.high);
const low = Array.from(data.low);
const volume = Array.from(data.volume);
const candles = close.map((c, i) => ({
  open: data.open[i],
  high: high[i],
  low: low[i],
  close: c,
  volume: volume[i],
}));

/** Compares ours from `from` on with a peer's values, the peer's index = ours − offset. */
function agree(
  ours: ArrayLike<number>,
  peer: ArrayLike<number | null | undefined>,
  from: number,
  offset: number,
  tol: number,
): void {
  let compared = 0;
  for (let i = from; i < ours.length; i++) {
    const p = peer[i - offset];
    expect(p, `peer value for bar ${i}`).not.toBeNull();
    expect(p, `peer value for bar ${i}`).not.toBeUndefined();
    const scale = Math.max(1, Math.abs(p as number));
    expect(Math.abs(ours[i] - (p as number)) / scale, `bar ${i}: ${ours[i]} vs ${p}`).toBeLessThanOrEqual(
      tol,
    );
    compared++;
  }
  expect(compared).toBeGreaterThan(1000);
}

describe('trading-signals', () => {
  it('SMA', () => agree(sma(close, 20), new ts.SMA(20).updates(close), 19, 0, 1e-9));
  it('EMA (first-value seed = our tulip convention)', () =>
    agree(ema(close, 20, 'tulip'), new ts.EMA(20).updates(close), 0, 0, 1e-9));
  it('WMA', () => agree(wma(close, 20), new ts.WMA(20).updates(close), 19, 0, 1e-9));
  it('RSI (Wilder, SMA seed from the first change)', () =>
    agree(rsi(close, 14), new ts.RSI(14).updates(close), 14, 0, 1e-9));
  it('MACD 5/35/5 with first-value-seeded EMAs (our tulip convention away from 12/26)', () => {
    const peer = new ts.MACD(new ts.EMA(5), new ts.EMA(35), new ts.EMA(5)).updates(close);
    const ours = macd(close, 5, 35, 5, 'tulip');
    agree(
      ours.macd,
      peer.map((r) => r?.macd),
      34,
      0,
      1e-9,
    );
    agree(
      ours.signal,
      peer.map((r) => r?.signal),
      34,
      0,
      1e-9,
    );
    agree(
      ours.hist,
      peer.map((r) => r?.histogram),
      34,
      0,
      1e-9,
    );
  });
  it('Bollinger Bands (population σ)', () => {
    const peer = new ts.BollingerBands(20, 2).updates(close);
    const ours = bbands(close, 20, 2);
    agree(
      ours.upper,
      peer.map((r) => r?.upper),
      19,
      0,
      1e-9,
    );
    agree(
      ours.lower,
      peer.map((r) => r?.lower),
      19,
      0,
      1e-9,
    );
  });
  it('ATR (TR[0] = high − low, first output at n − 1: our tulip convention)', () =>
    agree(atr(high, low, close, 14, 'tulip'), new ts.ATR(14).updates(candles), 13, 0, 1e-9));
  it('Stochastic 14/3/3 with SMA smoothing', () => {
    const peer = new ts.StochasticOscillator({ kPeriod: 14, kSlowingPeriod: 3, dPeriod: 3 }).updates(candles);
    const ours = stoch(high, low, close, 14, 3, 3);
    agree(
      ours.k,
      peer.map((r) => r?.stochK),
      17,
      0,
      1e-9,
    );
    agree(
      ours.d,
      peer.map((r) => r?.stochD),
      17,
      0,
      1e-9,
    );
  });
  it('OBV (starting at 0: our tulip convention)', () =>
    agree(obv(close, volume, 'tulip'), new ts.OBV(2).updates(candles), 1, 0, 1e-12));
  it('VWAP (cumulative from the first bar)', () =>
    agree(vwap(data, 'none'), new ts.VWAP().updates(candles), 0, 0, 1e-9));
});

describe('technicalindicators', () => {
  it('SMA', () => agree(sma(close, 20), ti.SMA.calculate({ period: 20, values: close }), 19, 19, 1e-9));
  it('EMA (SMA seed = our talib convention)', () =>
    agree(ema(close, 20), ti.EMA.calculate({ period: 20, values: close }), 19, 19, 1e-9));
  it('WMA', () => agree(wma(close, 20), ti.WMA.calculate({ period: 20, values: close }), 19, 19, 1e-9));
  it('RSI (it rounds to 2 decimals)', () =>
    agree(rsi(close, 14), ti.RSI.calculate({ period: 14, values: close }), 14, 14, 0.005 + 1e-9));
  it('MACD 12/26/9 with EMAs: its fast EMA is seeded on its own, so compare once the seeds have decayed', () => {
    const peer = ti.MACD.calculate({
      values: close,
      fastPeriod: 12,
      slowPeriod: 26,
      signalPeriod: 9,
      SimpleMAOscillator: false,
      SimpleMASignal: false,
    });
    const ours = macd(close, 12, 26, 9);
    agree(
      ours.macd,
      peer.map((r) => r.MACD),
      600,
      25,
      1e-9,
    );
    agree(
      ours.signal,
      peer.map((r) => r.signal),
      600,
      25,
      1e-9,
    );
  });
  it('Bollinger Bands (population σ)', () => {
    const peer = ti.BollingerBands.calculate({ period: 20, stdDev: 2, values: close });
    const ours = bbands(close, 20, 2);
    agree(
      ours.upper,
      peer.map((r) => r.upper),
      19,
      19,
      1e-9,
    );
    agree(
      ours.middle,
      peer.map((r) => r.middle),
      19,
      19,
      1e-9,
    );
    agree(
      ours.lower,
      peer.map((r) => r.lower),
      19,
      19,
      1e-9,
    );
  });
  it('ATR (no TR for the first bar, first output at n: our talib convention)', () =>
    agree(atr(high, low, close, 14), ti.ATR.calculate({ high, low, close, period: 14 }), 14, 14, 1e-9));
  it('Stochastic 14, %D 3 (no slowing = our kSlow 1)', () => {
    const peer = ti.Stochastic.calculate({ high, low, close, period: 14, signalPeriod: 3 });
    const ours = stoch(high, low, close, 14, 1, 3);
    agree(
      ours.k,
      peer.map((r) => r.k),
      15,
      13,
      1e-9,
    );
    agree(
      ours.d,
      peer.map((r) => r.d),
      15,
      13,
      1e-9,
    );
  });
  it('OBV (starting at 0, one value per bar after the first)', () =>
    agree(obv(close, volume, 'tulip'), ti.OBV.calculate({ close, volume }), 1, 1, 1e-12));
  it('VWAP (cumulative)', () =>
    agree(vwap(data), ti.VWAP.calculate({ high, low, close, volume }), 0, 0, 1e-9));
});
