// Indicator throughput on 10^6 synthetic bars: ours against trading-signals and technicalindicators,
// measured in the same run. Each peer is called through its fastest documented whole-series API
// (trading-signals: `new X(...).updates(array)`; technicalindicators: `X.calculate({...})`). Inputs in
// each library's own format (number[] or candle objects) are built before timing; ours takes the
// Float64Arrays of the Ohlcv and returns the full aligned series. Figures: best of several runs.
// Run after a build: `node bench/quant-indicators.js` (or through bench/run-all.js, which calls run()).
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';

/** Best wall time in ms of `runs` calls, and the last result. */
function best(fn, runs) {
  let min = Number.POSITIVE_INFINITY;
  let out;
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    out = fn();
    const ms = performance.now() - t;
    if (ms < min) min = ms;
  }
  return { ms: min, out };
}

/** Length of the series (or of the first series of a multi-output result). */
function lengthOf(r) {
  if (Array.isArray(r) || ArrayBuffer.isView(r)) return r.length;
  return Object.values(r)[0].length;
}

/**
 * Times every indicator, prints the figures (unless `print: false`) and returns them.
 * @returns {Promise<{bars: number, results: Array<{indicator: string, oursMs: number, peers: Record<string, {api: string, ms: number}>, fastestPeer: string, ratio: number, goalMet: boolean}>, allGoalsMet: boolean}>}
 */
export async function run({ bars = 1_000_000, oursRuns = 5, peerRuns = 2, print = true } = {}) {
  const { syntheticOhlcv } = await import('../dist/quant/data/index.js');
  const ind = await import('../dist/quant/indicators/index.js');
  const ts = await import('trading-signals');
  const ti = await import('technicalindicators');

  const data = syntheticOhlcv({ seed: 1, bars });
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

  const cases = [
    {
      indicator: 'sma:20',
      ours: () => ind.sma(data.close, 20),
      ts: ['new SMA(20).updates(closes)', () => new ts.SMA(20).updates(close)],
      ti: ['SMA.calculate({period, values})', () => ti.SMA.calculate({ period: 20, values: close })],
    },
    {
      indicator: 'ema:20',
      ours: () => ind.ema(data.close, 20),
      ts: ['new EMA(20).updates(closes)', () => new ts.EMA(20).updates(close)],
      ti: ['EMA.calculate({period, values})', () => ti.EMA.calculate({ period: 20, values: close })],
    },
    {
      indicator: 'wma:20',
      ours: () => ind.wma(data.close, 20),
      ts: ['new WMA(20).updates(closes)', () => new ts.WMA(20).updates(close)],
      ti: ['WMA.calculate({period, values})', () => ti.WMA.calculate({ period: 20, values: close })],
    },
    {
      indicator: 'rsi:14',
      ours: () => ind.rsi(data.close, 14),
      ts: ['new RSI(14).updates(closes)', () => new ts.RSI(14).updates(close)],
      ti: ['RSI.calculate({period, values})', () => ti.RSI.calculate({ period: 14, values: close })],
    },
    {
      indicator: 'macd:12:26:9',
      ours: () => ind.macd(data.close, 12, 26, 9),
      ts: [
        'new MACD(new EMA(12), new EMA(26), new EMA(9)).updates(closes)',
        () => new ts.MACD(new ts.EMA(12), new ts.EMA(26), new ts.EMA(9)).updates(close),
      ],
      ti: [
        'MACD.calculate({values, fastPeriod, slowPeriod, signalPeriod, SimpleMAOscillator: false, SimpleMASignal: false})',
        () =>
          ti.MACD.calculate({
            values: close,
            fastPeriod: 12,
            slowPeriod: 26,
            signalPeriod: 9,
            SimpleMAOscillator: false,
            SimpleMASignal: false,
          }),
      ],
    },
    {
      indicator: 'bbands:20:2',
      ours: () => ind.bbands(data.close, 20, 2),
      ts: ['new BollingerBands(20, 2).updates(closes)', () => new ts.BollingerBands(20, 2).updates(close)],
      ti: [
        'BollingerBands.calculate({period, stdDev, values})',
        () => ti.BollingerBands.calculate({ period: 20, stdDev: 2, values: close }),
      ],
    },
    {
      indicator: 'atr:14',
      ours: () => ind.atr(data.high, data.low, data.close, 14),
      ts: ['new ATR(14).updates(candles)', () => new ts.ATR(14).updates(candles)],
      ti: [
        'ATR.calculate({high, low, close, period})',
        () => ti.ATR.calculate({ high, low, close, period: 14 }),
      ],
    },
    {
      indicator: 'stoch:14:3:3',
      ours: () => ind.stoch(data.high, data.low, data.close, 14, 3, 3),
      ts: [
        'new StochasticOscillator({kPeriod, kSlowingPeriod, dPeriod}).updates(candles)',
        () => new ts.StochasticOscillator({ kPeriod: 14, kSlowingPeriod: 3, dPeriod: 3 }).updates(candles),
      ],
      ti: [
        'Stochastic.calculate({high, low, close, period, signalPeriod}) (no %K slowing: less work)',
        () => ti.Stochastic.calculate({ high, low, close, period: 14, signalPeriod: 3 }),
      ],
    },
    {
      indicator: 'obv',
      ours: () => ind.obv(data.close, data.volume),
      ts: ['new OBV(2).updates(candles)', () => new ts.OBV(2).updates(candles)],
      ti: ['OBV.calculate({close, volume})', () => ti.OBV.calculate({ close, volume })],
    },
    {
      indicator: 'vwap',
      ours: () => ind.vwap(data, 'none'),
      ts: ['new VWAP().updates(candles)', () => new ts.VWAP().updates(candles)],
      ti: [
        'VWAP.calculate({high, low, close, volume})',
        () => ti.VWAP.calculate({ high, low, close, volume }),
      ],
    },
  ];

  const results = [];
  for (const c of cases) {
    const ours = best(c.ours, oursRuns);
    if (lengthOf(ours.out) !== bars)
      throw new Error(`${c.indicator}: ours returned ${lengthOf(ours.out)} values for ${bars} bars`);
    const peers = {};
    for (const [name, [api, fn]] of [
      ['trading-signals', c.ts],
      ['technicalindicators', c.ti],
    ]) {
      peers[name] = { api, ms: best(fn, peerRuns).ms };
    }
    const fastestPeer = Object.entries(peers).sort((a, b) => a[1].ms - b[1].ms)[0][0];
    const ratio = peers[fastestPeer].ms / ours.ms;
    results.push({ indicator: c.indicator, oursMs: ours.ms, peers, fastestPeer, ratio, goalMet: ratio >= 2 });
    if (print) {
      const p = peers;
      console.log(
        `${c.indicator.padEnd(14)} ours ${ours.ms.toFixed(1).padStart(7)} ms   trading-signals ${p['trading-signals'].ms.toFixed(0).padStart(6)} ms   technicalindicators ${p.technicalindicators.ms.toFixed(0).padStart(6)} ms   ${ratio.toFixed(1).padStart(6)}× faster than ${fastestPeer}${ratio >= 2 ? '' : '  (goal 2× missed)'}`,
      );
    }
  }
  const allGoalsMet = results.every((r) => r.goalMet);
  if (print) {
    console.log(
      `${bars} bars, Node ${process.version}; goal ≥ 2× the fastest peer for every indicator: ${allGoalsMet ? 'met' : 'missed'}`,
    );
  }
  return { bars, results, allGoalsMet };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await run();
}
