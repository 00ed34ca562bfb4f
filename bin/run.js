#!/usr/bin/env node
// Entry point. `--version` answers without loading oclif (startup matters); everything else goes
// through oclif with errors rendered by the same contract as inside commands (src/cli/errors.ts).
import { readFileSync } from 'node:fs';

const argv = process.argv.slice(2);
if (argv.length === 1 && (argv[0] === '--version' || argv[0] === '-v' || argv[0] === 'version')) {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
  process.stdout.write(
    `${pkg.name}/${pkg.version} ${process.platform}-${process.arch} node-${process.version}\n`,
  );
} else {
  const { main } = await import('../dist/bundle/cli.js');
  await main(argv, import.meta.url);
}
