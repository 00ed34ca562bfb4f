// The main job on the embedded defaults, as a new user would run it: every step is the built
// `aitbc` binary in its own process, in a temporary home.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const BIN = fileURLToPath(new URL('../bin/run.js', import.meta.url));
const home = mkdtempSync(path.join(tmpdir(), 'aitbc-demo-'));
const password = path.join(home, 'password.txt');
writeFileSync(password, 'demo-password\n', { mode: 0o600 });
const env = { ...process.env, AITBC_HOME: home, AITBC_PASSWORD_FILE: password, CI: '1' };

function aitbc(...args) {
  process.stdout.write(`\n$ aitbc ${args.join(' ')}\n`);
  const r = spawnSync(process.execPath, [BIN, ...args, '--json'], { env, encoding: 'utf8' });
  if (r.status !== 0) {
    process.stderr.write(r.stdout + r.stderr);
    throw new Error(`aitbc ${args[0]} ${args[1] ?? ''} exited ${r.status}`);
  }
  const out = JSON.parse(r.stdout);
  process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
  return out;
}

try {
  const alice = aitbc('wallet', 'create', 'alice');
  const other = mkdtempSync(path.join(tmpdir(), 'aitbc-demo-restore-'));
  writeFileSync(path.join(other, 'mnemonic.txt'), alice.mnemonic);
  const restored = spawnSync(
    process.execPath,
    [BIN, 'wallet', 'import', 'alice', '--mnemonic-file', path.join(other, 'mnemonic.txt'), '--json'],
    { env: { ...env, AITBC_HOME: other }, encoding: 'utf8' },
  );
  const again = JSON.parse(restored.stdout);
  console.log(
    `\nRestored from the mnemonic in another home: ${again.address === alice.address ? 'same address' : 'MISMATCH'}`,
  );
  rmSync(other, { recursive: true, force: true });
  const signed = aitbc('wallet', 'sign', 'hello from aitbc');
  aitbc('wallet', 'verify', signed.message, signed.signature, '--address', signed.address);
  console.log('\nDone.');
} finally {
  rmSync(home, { recursive: true, force: true });
}
