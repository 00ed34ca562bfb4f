// Backtest throughput on 10^6 synthetic bars (issue 5): one backtest end to end — from in-memory OHLCV
// to metrics, including the strategy's indicators, the engine, buy-and-hold and both sets of metrics —
// as bars/s and as a ratio to one pass summing the closes, timed in the same run; then a
// 100-combination parameter sweep as bar-evaluations/s. Generating the synthetic data is not timed.
// Each strategy first runs `warmup` times untimed so that the figures are of compiled code, not of V8
// compiling it; the first of those runs is reported too ("first run"), as what JIT warm-up costs.
// Figures: best of several runs (the machine is shared). Run after a build: `node bench/quant-backtest.js`
// (or through bench/run-all.js, which calls run()).
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';

/**
 * Best wall time in ms of `runs` calls, the best CPU time of this process over a call (user + system,
 * all threads: JIT and GC included; less disturbed than wall time when other work shares the cores),
 * and the last result.
 */
function best(fn, runs) {
  let min = Number.POSITIVE_INFINITY;
  let cpuMin = Number.POSITIVE_INFINITY;
  let out;
  for (let i = 0; i < runs; i++) {
    const c = process.cpuUsage();
    const t = performance.now();
    out = fn();
    const ms = performance.now() - t;
    const used = process.cpuUsage(c);
    if (ms < min) min = ms;
    cpuMin = Math.min(cpuMin, (used.user + used.system) / 1000);
  }
  return { ms: min, cpuMs: cpuMin, out };
}

function sumCloses(close) {
  let s = 0;
  for (let i = 0; i < close.length; i++) s += close[i];
  return s;
}

/**
 * Times the backtests and returns the figures (printed unless `print` is false).
 * @returns {Promise<{bars: number, sumMs: number, sumCpuMs: number, backtests: Array<{strategy: string, params: object, firstMs: number, firstCpuMs: number, ms: number, cpuMs: number, barsPerSecond: number, cpuBarsPerSecond: number, ratioToSum: number, trades: number, goalMet: boolean}>, sweep: {spec: string, combinations: number, barEvaluations: number, ms: number, cpuMs: number, barEvaluationsPerSecond: number, goalMet: boolean}}>}
 */
export async function run({ bars = 1_000_000, runs = 5, warmup = 3, sweepRuns = 2, print = true } = {}) {
  const { syntheticOhlcv } = await import('../dist/quant/data/index.js');
  const bt = await import('../dist/quant/backtest/index.js');
  const st = await import('../dist/quant/strategies/index.js');

  const data = syntheticOhlcv({ seed: 1, bars });
  const config = {
    capital: 10_000,
    feeBps: 10,
    slippageBps: 5,
    fill: 'open',
    sizing: { mode: 'all-in' },
    allowShort: true,
    periodsPerYear: 8760,
  };
  const sum = best(() => sumCloses(data.close), runs * 4);
  const cases = [
    ['sma_cross', { fast: 10, slow: 30 }],
    ['momentum', { lookback: 20, threshold: 0 }],
    ['mean_reversion', { period: 20, entry: 2, exit: 0.5 }],
    ['rsi_reversion', { period: 14, lower: 30, upper: 70, exit: 50 }],
    ['macd', { fast: 12, slow: 26, signal: 9 }],
    ['breakout', { entry: 20, exit: 10 }],
  ];
  const backtests = [];
  for (const [name, params] of cases) {
    const strategy = st.getStrategy(name);
    // A fresh indicator cache per run: every run computes its indicators from the bars.
    const once = () => bt.runBacktest(data, strategy, params, config, { ctx: st.createContext() });
    const first = best(once, 1);
    for (let i = 1; i < warmup; i++) once();
    const r = best(once, runs);
    if (r.out.equity.length !== bars)
      throw new Error(`${name}: equity has ${r.out.equity.length} points for ${bars} bars`);
    const barsPerSecond = bars / (r.ms / 1000);
    backtests.push({
      strategy: name,
      params,
      firstMs: first.ms,
      firstCpuMs: first.cpuMs,
      ms: r.ms,
      cpuMs: r.cpuMs,
      barsPerSecond,
      cpuBarsPerSecond: bars / (r.cpuMs / 1000),
      ratioToSum: r.ms / sum.ms,
      trades: r.out.metrics.trades,
      goalMet: barsPerSecond >= 10e6,
    });
  }

  const strategy = st.getStrategy('sma_cross');
  const axes = bt.parseSweepSpec('fast=2:20:2,slow=30:300:30', strategy);
  const sw = best(
    () =>
      bt.runSweep(data, strategy, { fast: 10, slow: 30 }, axes, config, 'sharpe', {
        ctx: st.createContext(),
      }),
    sweepRuns,
  );
  if (sw.out.evaluated !== 100)
    throw new Error(`sweep evaluated ${sw.out.evaluated} combinations, expected 100`);
  const barEvaluationsPerSecond = sw.out.barEvaluations / (sw.ms / 1000);
  const sweep = {
    spec: 'sma_cross fast=2:20:2,slow=30:300:30',
    combinations: sw.out.evaluated,
    barEvaluations: sw.out.barEvaluations,
    ms: sw.ms,
    cpuMs: sw.cpuMs,
    barEvaluationsPerSecond,
    goalMet: barEvaluationsPerSecond >= 10e6,
  };

  if (print) {
    console.log(
      `backtest end to end on ${bars} bars (indicators → signals → engine → metrics, with buy-and-hold)`,
    );
    console.log(
      `baseline: one pass summing the closes ${sum.ms.toFixed(2)} ms (CPU ${sum.cpuMs.toFixed(2)} ms)`,
    );
    console.log(
      `each strategy: ${warmup} untimed warm-up run(s), then best of ${runs}; "first run" is the first warm-up run`,
    );
    for (const b of backtests) {
      console.log(
        `${b.strategy.padEnd(15)} ${b.ms.toFixed(1).padStart(7)} ms (CPU ${b.cpuMs.toFixed(1).padStart(6)})  ${(b.barsPerSecond / 1e6).toFixed(1).padStart(6)} M bars/s (CPU ${(b.cpuBarsPerSecond / 1e6).toFixed(1).padStart(5)} M)  ${b.ratioToSum.toFixed(1).padStart(6)}× the sum pass  ${String(b.trades).padStart(6)} trades  first run ${b.firstMs.toFixed(0)} ms (CPU ${b.firstCpuMs.toFixed(0)})${b.goalMet ? '' : '  (goal 10M bars/s missed)'}`,
      );
    }
    console.log(
      `sweep ${sweep.spec}: ${sweep.combinations} combinations × ${bars} bars in ${sweep.ms.toFixed(0)} ms (CPU ${sweep.cpuMs.toFixed(0)}) = ${(sweep.barEvaluationsPerSecond / 1e6).toFixed(1)} M bar-evaluations/s${sweep.goalMet ? '' : '  (goal 10M missed)'}`,
    );
    console.log(`Node ${process.version}; goals ≥ 10M bars/s and ≥ 10M bar-evaluations/s`);
  }
  return { bars, sumMs: sum.ms, sumCpuMs: sum.cpuMs, backtests, sweep };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await run();
}
