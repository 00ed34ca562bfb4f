// Issue 2 benchmark: CLI startup as a user runs it (separate processes, the built binary), as ratios
// to `node -e 0` measured in the same run, plus keystore unlock time at the default scrypt cost.
// Runs are interleaved (one of each command per round) so machine noise hits all of them alike.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { median, printTable, timeProcess } from './lib.js';

const BIN = fileURLToPath(new URL('../bin/run.js', import.meta.url));

export async function run({ rounds = 15 } = {}) {
  const home = mkdtempSync(path.join(tmpdir(), 'aitbc-bench-'));
  const pw = path.join(home, 'pw');
  writeFileSync(pw, 'bench-password\n');
  const env = { ...process.env, AITBC_HOME: home, CI: '1', NO_COLOR: '1' };
  const node = process.execPath;
  timeProcess(node, [BIN, 'wallet', 'create', 'bench', '--password-file', pw, '--json'], { env });
  const cases = [
    ['node -e 0', ['-e', '0']],
    ['aitbc --version', [BIN, '--version']],
    ['aitbc --help', [BIN, '--help']],
    ['aitbc wallet list --json', [BIN, 'wallet', 'list', '--json']],
    ['aitbc wallet address --json', [BIN, 'wallet', 'address', '--json']],
  ];
  const samples = new Map(cases.map(([name]) => [name, []]));
  for (let i = 0; i < rounds; i++) {
    for (const [name, args] of cases) samples.get(name).push(timeProcess(node, args, { env }));
  }
  // wallet create writes a new keystore at the default scrypt cost (N = 2^17) each time.
  const create = [];
  for (let i = 0; i < 5; i++) {
    create.push(
      timeProcess(node, [BIN, 'wallet', 'create', `c${i}`, '--password-file', pw, '--json'], { env }),
    );
  }
  samples.set('aitbc wallet create --json (scrypt N=2^17)', create);

  const { decryptKeystore } = await import('../dist/crypto/keystore.js');
  const { WalletStore } = await import('../dist/cli/wallet-store.js');
  const { openHome } = await import('../dist/cli/home.js');
  const ks = new WalletStore(openHome(home)).read('bench');
  const unlock = [];
  for (let i = 0; i < 5; i++) {
    const t0 = performance.now();
    await decryptKeystore(ks, 'bench-password');
    unlock.push(performance.now() - t0);
  }
  rmSync(home, { recursive: true, force: true });

  const base = median(samples.get('node -e 0'));
  const rows = [...samples].map(([name, xs]) => ({
    command: name,
    'median ms': median(xs).toFixed(1),
    'ratio to node -e 0': (median(xs) / base).toFixed(2),
  }));
  rows.push({
    command: 'keystore unlock (in process, scrypt N=2^17)',
    'median ms': median(unlock).toFixed(1),
    'ratio to node -e 0': '-',
  });
  console.log(`\n# CLI startup (${rounds} interleaved rounds; wallet create ×5)`);
  printTable(rows, ['command', 'median ms', 'ratio to node -e 0']);
  return { rows, baselineMs: base };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await run();
