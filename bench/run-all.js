// `npm run bench`: every benchmark in turn, each printing its figures and ratios to a baseline measured
// in the same run. One at a time, so they don't compete for the two cores.
import { existsSync } from 'node:fs';

const only = process.argv.slice(2);
const suites = ['startup', 'chain', 'marketplace', 'quant-indicators', 'quant-backtest', 'surveillance'];
for (const name of suites) {
  if (only.length && !only.includes(name)) continue;
  const file = new URL(`./${name}.js`, import.meta.url);
  if (!existsSync(file)) continue;
  const mod = await import(file.href);
  await mod.run();
}
