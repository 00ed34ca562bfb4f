// The main job on the embedded defaults, as a new user would run it: every step is the built
// `aitbc` binary in its own process, in a temporary home. It starts a whole local network
// (`aitbc node up`: chain node, coordinator and an echo miner, on free ports), makes two wallets, funds
// them from the faucet, pays for a job, shows the answer, verifies the receipt offline and on chain,
// prints the balances, checks that no uait was created or lost, and shuts the network down.
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
for (const k of ['AITBC_NODE', 'AITBC_COORDINATOR', 'AITBC_WALLET', 'AITBC_CHAIN']) delete env[k];

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

/** `aitbc node up --ephemeral --json` on free ports: the process, its ready event and its exit. */
async function nodeUp() {
  const args = ['node', 'up', '--ephemeral', '--rpc-port', '0', '--ws-port', '0'];
  args.push('--coordinator-port', '0', '--miner-port', '0');
  process.stdout.write(`\n$ aitbc ${args.join(' ')} --json &\n`);
  const { spawnDaemon } = await import('../dist/client/daemon-process.js');
  return spawnDaemon(BIN, args, { env });
}

let net;
try {
  // Keys: a wallet, restored from its mnemonic elsewhere; a signed message.
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

  // A whole local network: chain node, coordinator, miner.
  net = await nodeUp();
  const ready = await net.ready;
  console.log(JSON.stringify(ready, null, 2));
  console.log(
    `\nMiner: ${ready.miner.backend} serving ${ready.miner.models.join(', ')} (${ready.miner.backendReason})`,
  );
  env.AITBC_NODE = ready.endpoints.rpc;
  env.AITBC_COORDINATOR = ready.endpoints.coordinator;

  // Two wallets, funded from the faucet.
  const bob = aitbc('wallet', 'create', 'bob');
  aitbc('wallet', 'faucet', 'alice');
  aitbc('wallet', 'send', bob.address, '25', '--wallet', 'alice');
  aitbc('models');

  // A paid job: escrow locked, run by the miner, released to it with a signed receipt.
  const job = aitbc('submit', 'What is AITBC?', '--model', 'echo', '--wallet', 'bob');
  console.log(`\nAnswer: ${job.output}`);
  const receiptFile = path.join(home, 'receipt.json');
  const answerFile = path.join(home, 'answer.txt');
  writeFileSync(receiptFile, JSON.stringify(job.receipt, null, 2));
  writeFileSync(answerFile, job.output);
  const verified = aitbc('receipts', 'verify', '--file', receiptFile, '--output-file', answerFile);
  console.log(`\nReceipt ${verified.receiptId}: ${verified.valid ? 'valid' : 'INVALID'}`);

  // Balances, and the conservation identity over every account, escrow and burned fee.
  const who = {
    alice: alice.address,
    bob: bob.address,
    miner: ready.miner.address,
    coordinator: ready.coordinator.address,
  };
  const balances = {};
  for (const [name, address] of Object.entries(who))
    balances[name] = aitbc('wallet', 'balance', address).balance;
  console.log('\nBalances (uait):');
  for (const [name, b] of Object.entries(balances)) console.log(`  ${name.padEnd(12)} ${b}`);
  console.log(`  the miner was paid ${job.receipt.price} uait for ${job.tokensIn} + ${job.tokensOut} tokens`);
  const { NodeRpc } = await import('../dist/client/node-rpc.js');
  const { auditSupply } = await import('../dist/client/coordinator-ledger.js');
  const rpc = new NodeRpc({ url: ready.endpoints.rpc });
  const audit = await auditSupply(rpc);
  await rpc.close();
  console.log(
    `\nConservation at height ${audit.height}: balances ${audit.balances} + locked ${audit.locked} + burned ${audit.burned} = ${
      BigInt(audit.balances) + BigInt(audit.locked) + BigInt(audit.burned)
    } uait; genesis supply ${audit.genesisSupply} → ${audit.ok ? 'conserved' : 'NOT CONSERVED'}`,
  );
  if (!audit.ok || !verified.valid) process.exitCode = 1;
} finally {
  if (net !== undefined) {
    net.child.kill('SIGTERM');
    await net.exited;
    console.log('\nNetwork stopped.');
  }
  rmSync(home, { recursive: true, force: true });
}
console.log('\nDone.');
