// Regenerates the sample files in this folder from the seeded synthetic market (src/quant/data/synthetic.ts).
// Run from the repository root after a build: `node examples/data/generate.js`. The output is identical on
// every run and machine: the generator draws only from createPrng(seed), and prices are rounded to 4
// decimals (rounding is monotonic, so high ≥ max(open, close) ≥ min(open, close) ≥ low still holds).
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { syntheticOhlcv, validateOhlcv } from '../../dist/quant/data/index.js';

const here = (name) => fileURLToPath(new URL(name, import.meta.url));
const r4 = (v) => Number(v.toFixed(4));
const r2 = (v) => Number(v.toFixed(2));

function rounded(d) {
  const out = {
    time: d.time,
    open: d.open.map(r4),
    high: d.high.map(r4),
    low: d.low.map(r4),
    close: d.close.map(r4),
    volume: d.volume.map(r2),
  };
  validateOhlcv(out);
  return out;
}

const DAY = 86_400_000;

// 1. Hourly CSV with ISO times.
const hourly = rounded(syntheticOhlcv({ seed: 7, bars: 1000 }));
writeFileSync(
  here('synthetic-1h-seed7.csv'),
  `time,open,high,low,close,volume\n${Array.from(
    hourly.time,
    (t, i) =>
      `${new Date(t).toISOString()},${hourly.open[i]},${hourly.high[i]},${hourly.low[i]},${hourly.close[i]},${hourly.volume[i]}`,
  ).join('\n')}\n`,
);

// 2. Daily JSON: an array of objects with epoch-second timestamps.
const daily = rounded(syntheticOhlcv({ seed: 42, bars: 500, intervalMs: DAY }));
writeFileSync(
  here('synthetic-1d-seed42.json'),
  `${JSON.stringify(
    Array.from(daily.time, (t, i) => ({
      timestamp: t / 1000,
      open: daily.open[i],
      high: daily.high[i],
      low: daily.low[i],
      close: daily.close[i],
      volume: daily.volume[i],
    })),
    null,
    1,
  )}\n`,
);

// 3. Two symbols interleaved in one CSV with date-only times (select one with --symbol).
const aaa = rounded(syntheticOhlcv({ seed: 1, bars: 250, intervalMs: DAY }));
const bbb = rounded(syntheticOhlcv({ seed: 2, bars: 250, intervalMs: DAY }));
const lines = ['Date,Symbol,Open,High,Low,Close,Volume'];
for (let i = 0; i < 250; i++) {
  for (const [name, d] of [
    ['AAA', aaa],
    ['BBB', bbb],
  ]) {
    lines.push(
      `${new Date(d.time[i]).toISOString().slice(0, 10)},${name},${d.open[i]},${d.high[i]},${d.low[i]},${d.close[i]},${d.volume[i]}`,
    );
  }
}
writeFileSync(here('multi-symbol-1d.csv'), `${lines.join('\n')}\n`);
console.log('wrote synthetic-1h-seed7.csv, synthetic-1d-seed42.json, multi-symbol-1d.csv');
