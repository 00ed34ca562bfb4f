#!/usr/bin/env node
/**
 * Chain node benchmark (issue 3; figures in docs/performance.md "Chain node"): the path a user's
 * transfers take, with signatures on and every transaction committed.
 *
 * - The node runs in its own process: `aitbc node up --ephemeral --json` on ports 0.
 * - `senders` accounts are funded by the faucet; their transfers (1 uait each, minimum fee, to 1,000
 *   seeded recipients) are signed in a separate process (this file run with `--signer`) before any
 *   timing starts, as ready JSON-RPC batches of `broadcast_tx` calls (wait: accepted).
 * - Each of `groups` connections owns a disjoint set of senders and sends its batches one after the
 *   other, so every sender's nonces arrive in order.
 * - A transaction counts only once its block is committed: every block is read back with `get_block`
 *   and its transactions matched by (from, nonce); latency runs from sending the batch to that read.
 * - Baseline, measured in the same run before the node starts: the single-core node:crypto ed25519
 *   verify rate with cached KeyObjects, over 330-byte messages (a transfer's sign bytes are ≈ 281).
 *
 * Phase 1 (throughput): `txs` transfers in batches of about `batch`, never more than `window`
 * uncommitted; reports committed transfers/s and its ratio to the verify rate, latency at that
 * saturation, `get_balance` latency probed every 50 ms meanwhile, and the node's RSS at the end.
 * Phase 2 (latency): `latencyTxs` more transfers, one round of nonces per batch, paced at half the
 * phase-1 rate; reports submit-to-committed latency p50/p99 in milliseconds and in block times.
 * `--cpu-prof` runs the node under `node --cpu-prof` and prints where its CPU time went.
 *
 * Usage: node bench/chain.js [--txs 100000] [--senders 200] [--batch 500] [--groups 2]
 *        [--window 6000] [--latency-txs 10000] [--seed 1] [--cpu-prof]
 * `run(options)` returns the figures as an object (for bench/run-all.js).
 */
import { spawn } from 'node:child_process';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(HERE, '..');
const BIN = path.join(ROOT, 'bin', 'run.js');
const dist = (p) => pathToFileURL(path.join(ROOT, 'dist', p)).href;

export const DEFAULTS = Object.freeze({
  txs: 100_000,
  senders: 200,
  batch: 500,
  groups: 2,
  window: 6_000,
  latencyTxs: 10_000,
  seed: 1,
  cpuProf: false,
});

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** q-quantile (0..1) of an ascending array, nearest rank. */
function quantile(sorted, q) {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
}

/** 32-byte secrets from the seeded PRNG (bench accounts are throwaway devnet keys). */
function senderSecrets(createPrng, seed, count) {
  const rng = createPrng(`chain-bench-senders:${seed}`);
  return Array.from({ length: count }, () => Uint8Array.from({ length: 32 }, () => rng.int(256)));
}

// ---------------------------------------------------------------------------------------------------
// Baseline: single-core node:crypto verify rate.

/**
 * Verifications per second on one core: 256 keys with cached KeyObjects, messages of `msgBytes`
 * bytes, for about `ms` milliseconds after a warm-up.
 */
export function measureVerifyRate({ ms = 2_000, msgBytes = 330 } = {}) {
  const items = Array.from({ length: 256 }, () => {
    const { publicKey, privateKey } = crypto.generateKeyPairSync('ed25519');
    const msg = crypto.randomBytes(msgBytes);
    return { publicKey, msg, sig: crypto.sign(null, msg, privateKey) };
  });
  const loop = (until) => {
    let n = 0;
    while (performance.now() < until) {
      for (let i = 0; i < 256; i++) {
        const it = items[i];
        if (!crypto.verify(null, it.msg, it.publicKey, it.sig)) throw new Error('baseline verify failed');
      }
      n += 256;
    }
    return n;
  };
  loop(performance.now() + 300);
  const t0 = performance.now();
  const n = loop(t0 + ms);
  return n / ((performance.now() - t0) / 1000);
}

// ---------------------------------------------------------------------------------------------------
// The node process.

/** Starts `aitbc node up --ephemeral --json` on free ports; resolves with the ready event. */
async function startNode({ cpuProfDir } = {}) {
  const nodeArgs = cpuProfDir ? ['--cpu-prof', `--cpu-prof-dir=${cpuProfDir}`] : [];
  const env = { ...process.env, CI: 'true', NO_COLOR: '1' };
  for (const k of Object.keys(env)) if (k.startsWith('AITBC_')) delete env[k];
  const child = spawn(
    process.execPath,
    [...nodeArgs, BIN, 'node', 'up', '--ephemeral', '--json', '--rpc-port', '0', '--ws-port', '0'],
    { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (d) => {
    stderr = (stderr + d).slice(-8_000);
  });
  const ready = await new Promise((resolve, reject) => {
    let buf = '';
    const onData = (d) => {
      buf += d;
      let nl = buf.indexOf('\n');
      while (nl >= 0) {
        const line = buf.slice(0, nl).trim();
        buf = buf.slice(nl + 1);
        nl = buf.indexOf('\n');
        if (!line.startsWith('{')) continue;
        const ev = JSON.parse(line);
        if (ev.type === 'ready') {
          child.stdout.off('data', onData);
          child.stdout.resume();
          resolve(ev);
          return;
        }
      }
    };
    child.stdout.setEncoding('utf8').on('data', onData);
    child.once('exit', (code) => reject(new Error(`node up exited with ${code} before ready:\n${stderr}`)));
  });
  const exited = new Promise((resolve) => {
    if (child.exitCode !== null) resolve(child.exitCode);
    else child.once('exit', (code) => resolve(code));
  });
  // Never leave the node behind, even when the bench itself is interrupted.
  const kill = () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  };
  const onSignal = (signal) => {
    kill();
    process.exit(signal === 'SIGINT' ? 130 : 143);
  };
  process.once('exit', kill);
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  return {
    child,
    ready,
    exited,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      const timer = setTimeout(kill, 20_000);
      await exited;
      clearTimeout(timer);
      process.off('exit', kill);
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    },
  };
}

/** Resident set size (and its peak) of a process, from /proc, in bytes. */
function rssOf(pid) {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (name) =>
    Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? Number.NaN) * 1024;
  return { rss: kb('VmRSS'), peak: kb('VmHWM') };
}

// ---------------------------------------------------------------------------------------------------
// The signer process: signs every transfer, grouped into the batches the submitter sends.

/**
 * Runs in the child: reads the job from AITBC_BENCH_JOB and, for each phase `{name, from, to, batch}`,
 * signs one transfer per sender for each nonce in [from, to), writing per connection group ready-made
 * JSON-RPC batch bodies (about `batch` calls each) with the (from, nonce) keys they carry to the job's
 * output file: a metadata line, then the body line.
 */
async function signerMain() {
  const job = JSON.parse(process.env.AITBC_BENCH_JOB);
  const { createPrng } = await import(dist('core/prng.js'));
  const { signerFromSecret } = await import(dist('crypto/ed25519.js'));
  const { addressFromPublicKey } = await import(dist('crypto/address.js'));
  const { toHex } = await import(dist('core/hex.js'));
  const { signTx } = await import(dist('protocol/tx.js'));
  const secrets = senderSecrets(createPrng, job.seed, job.senders);
  const keys = secrets.map((s) => {
    const signer = signerFromSecret(s);
    return { signer, address: addressFromPublicKey(signer.publicKey), pubkey: toHex(signer.publicKey) };
  });
  const rng = createPrng(`chain-bench-recipients:${job.seed}`);
  const recipients = Array.from({ length: 1_000 }, () =>
    addressFromPublicKey(Uint8Array.from({ length: 32 }, () => rng.int(256))),
  );
  const out = fs.openSync(job.out, 'w');
  const t0 = performance.now();
  let signed = 0;
  let id = 1;
  for (const phase of job.phases) {
    for (let g = 0; g < job.groups; g++) {
      const members = keys.filter((_, i) => i % job.groups === g);
      const roundsPerBatch = Math.max(1, Math.floor(phase.batch / members.length));
      for (let r0 = phase.from; r0 < phase.to; r0 += roundsPerBatch) {
        const calls = [];
        const keysOut = [];
        const firstId = id;
        for (let r = r0; r < Math.min(phase.to, r0 + roundsPerBatch); r++) {
          for (const k of members) {
            const tx = signTx(
              {
                chainId: job.chainId,
                type: 'transfer',
                from: k.address,
                pubkey: k.pubkey,
                nonce: r,
                fee: job.fee,
                body: { to: recipients[rng.int(recipients.length)], amount: '1' },
              },
              k.signer,
            );
            calls.push(
              JSON.stringify({
                jsonrpc: '2.0',
                id: id++,
                method: 'broadcast_tx',
                params: { tx, wait: 'accepted' },
              }),
            );
            keysOut.push(`${k.address}:${r}`);
            signed++;
          }
        }
        const meta = { phase: phase.name, group: g, firstId, keys: keysOut };
        fs.writeSync(out, `${JSON.stringify(meta)}\n[${calls.join(',')}]\n`);
      }
    }
  }
  const seconds = (performance.now() - t0) / 1000;
  fs.writeSync(out, `${JSON.stringify({ done: true, signed, seconds })}\n`);
  fs.closeSync(out);
}

/** Runs the signer in a child process; returns each phase's batches per group and the signing rate. */
async function signAll(job) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aitbc-chain-sign-'));
  const out = path.join(dir, 'batches.ndjson');
  try {
    const child = spawn(process.execPath, [fileURLToPath(import.meta.url), '--signer'], {
      env: { ...process.env, AITBC_BENCH_JOB: JSON.stringify({ ...job, out }) },
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    const code = await new Promise((resolve) => child.once('exit', resolve));
    if (code !== 0) throw new Error(`the signer process exited with ${code}`);
    const lines = fs.readFileSync(out, 'utf8').split('\n');
    const phases = Object.fromEntries(
      job.phases.map((p) => [p.name, Array.from({ length: job.groups }, () => [])]),
    );
    for (let i = 0; i < lines.length; i += 2) {
      const meta = JSON.parse(lines[i]);
      if (meta.done) return { phases, signed: meta.signed, signRate: meta.signed / meta.seconds };
      phases[meta.phase][meta.group].push({ firstId: meta.firstId, keys: meta.keys, body: lines[i + 1] });
    }
    throw new Error('the signer wrote no summary');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------------------------------------------
// The run.

/** Submission, commit tracking and latency bookkeeping against one node. */
class Load {
  constructor(pool, rpc) {
    this.pool = pool;
    this.rpc = rpc;
    /** (from:nonce) → {t, phase} for transactions submitted and not yet seen committed. */
    this.pending = new Map();
    this.latencies = { throughput: [], latency: [] };
    this.committed = { throughput: 0, latency: 0 };
    this.refusals = new Map();
    this.failedResults = 0;
    this.blocks = 0;
    this.firstSubmit = Number.NaN;
    this.lastCommit = { throughput: Number.NaN, latency: Number.NaN };
    this.stopped = false;
  }

  /** Sends one prepared batch; refused calls are counted by code and no longer awaited. */
  async submit(batch, phase) {
    const t = performance.now();
    if (Number.isNaN(this.firstSubmit)) this.firstSubmit = t;
    for (const k of batch.keys) this.pending.set(k, { t, phase });
    const res = await this.pool.request({
      path: '/',
      method: 'POST',
      body: batch.body,
      headers: { 'content-type': 'application/json' },
    });
    const replies = JSON.parse(await res.body.text());
    for (const r of replies) {
      if (r.error === undefined) continue;
      const code = r.error.data?.code ?? String(r.error.code);
      this.refusals.set(code, (this.refusals.get(code) ?? 0) + 1);
      this.pending.delete(batch.keys[r.id - batch.firstId]);
    }
  }

  /** Reads every block from `height` on with get_block, matching its transactions to submissions. */
  async follow(height) {
    while (!this.stopped) {
      let info;
      try {
        info = await this.rpc.getBlock({ height });
      } catch (e) {
        if (e.code !== 'BLOCK_NOT_FOUND') throw e;
        await sleep(10);
        continue;
      }
      const seen = performance.now();
      this.blocks++;
      height++;
      const txs = info.block.txs;
      for (let i = 0; i < txs.length; i++) {
        const key = `${txs[i].from}:${txs[i].nonce}`;
        const sub = this.pending.get(key);
        if (sub === undefined) continue;
        this.pending.delete(key);
        this.latencies[sub.phase].push(seen - sub.t);
        this.committed[sub.phase]++;
        this.lastCommit[sub.phase] = seen;
        if (info.results[i].code !== 0) this.failedResults++;
      }
    }
  }

  /** Resolves once nothing submitted is still waiting for its block. */
  async drained() {
    while (this.pending.size > 0) await sleep(10);
  }
}

export async function run(options = {}) {
  const o = { ...DEFAULTS, ...options };
  const progress = options.progress ?? ((line) => process.stderr.write(`chain bench: ${line}\n`));
  const { Pool } = await import('undici');
  const { createPrng } = await import(dist('core/prng.js'));
  const { signerFromSecret } = await import(dist('crypto/ed25519.js'));
  const { addressFromPublicKey } = await import(dist('crypto/address.js'));
  const { NodeRpc } = await import(dist('client/node-rpc.js'));
  const loadBefore = os.loadavg()[0];

  progress('measuring the node:crypto verify baseline');
  const verifyRate = measureVerifyRate();

  progress('starting the node');
  const cpuProfDir = o.cpuProf ? fs.mkdtempSync(path.join(os.tmpdir(), 'aitbc-chain-prof-')) : undefined;
  const node = await startNode({ cpuProfDir });
  const rpcUrl = node.ready.endpoints.rpc;
  const pool = new Pool(rpcUrl, { connections: o.groups + 2, pipelining: 1 });
  const rpc = new NodeRpc({ url: rpcUrl, dispatcher: pool, timeoutMs: 120_000 });
  try {
    const status = await rpc.status();
    const { chainId, params } = status;
    const fee = params.minFee;
    const roundsA = Math.ceil(o.txs / o.senders);
    const roundsB = Math.ceil(o.latencyTxs / o.senders);

    progress(`funding ${o.senders} senders from the faucet`);
    const addresses = senderSecrets(createPrng, o.seed, o.senders).map((s) =>
      addressFromPublicKey(signerFromSecret(s).publicKey),
    );
    const need = BigInt(roundsA + roundsB) * (BigInt(fee) + 1n);
    const funded = await rpc.batch(
      addresses.map((address) => ({
        method: 'faucet',
        params: { address, amount: need.toString(), wait: 'committed' },
      })),
    );
    const refused = funded.filter((f) => !f.ok);
    if (refused.length > 0)
      throw new Error(`faucet refused ${refused.length} senders: ${refused[0].error.message}`);
    const startHeight = (await rpc.status()).height;

    progress(`signing ${(roundsA + roundsB) * o.senders} transfers in a separate process`);
    const signed = await signAll({
      seed: o.seed,
      senders: o.senders,
      groups: o.groups,
      chainId,
      fee,
      phases: [
        { name: 'throughput', from: 0, to: roundsA, batch: o.batch },
        { name: 'latency', from: roundsA, to: roundsA + roundsB, batch: 1 },
      ],
    });

    const load = new Load(pool, rpc);
    const follower = load.follow(startHeight + 1);
    const balanceLatencies = [];
    let probing = true;
    const prober = (async () => {
      const rng = createPrng(`chain-bench-probe:${o.seed}`);
      while (probing) {
        const t0 = performance.now();
        await rpc.getBalance(addresses[rng.int(addresses.length)]);
        balanceLatencies.push(performance.now() - t0);
        await sleep(50);
      }
    })();

    // Phase 1, throughput: as fast as the window allows.
    progress(`phase 1: ${roundsA * o.senders} transfers, at most ${o.window} uncommitted`);
    await Promise.all(
      signed.phases.throughput.map(async (batches) => {
        for (const b of batches) {
          while (load.pending.size > o.window - b.keys.length) await sleep(2);
          await load.submit(b, 'throughput');
        }
      }),
    );
    await load.drained();
    probing = false;
    await prober;
    const memory = rssOf(node.child.pid);
    const seconds = (load.lastCommit.throughput - load.firstSubmit) / 1000;
    const tps = load.committed.throughput / seconds;

    // Phase 2, latency: the same kind of load paced at half the measured throughput.
    const rate = tps / 2;
    progress(`phase 2: ${roundsB * o.senders} transfers paced at ${Math.round(rate)}/s`);
    const t0 = performance.now();
    await Promise.all(
      signed.phases.latency.map(async (batches) => {
        let sent = 0;
        for (const b of batches) {
          const due = t0 + (sent / (rate / o.groups)) * 1000;
          const wait = due - performance.now();
          if (wait > 0) await sleep(wait);
          await load.submit(b, 'latency');
          sent += b.keys.length;
        }
      }),
    );
    await load.drained();
    load.stopped = true;
    await follower;

    const blockTimeMs = params.blockTimeMs;
    const lat = (xs) => {
      xs.sort((a, b) => a - b);
      const p50 = quantile(xs, 0.5);
      const p99 = quantile(xs, 0.99);
      return {
        samples: xs.length,
        p50,
        p99,
        max: xs.at(-1),
        p50Blocks: p50 / blockTimeMs,
        p99Blocks: p99 / blockTimeMs,
      };
    };
    balanceLatencies.sort((a, b) => a - b);
    const result = {
      config: {
        ...o,
        txs: roundsA * o.senders,
        latencyTxs: roundsB * o.senders,
        fee,
        blockTimeMs,
        batchTxs: signed.phases.throughput[0][0]?.keys.length,
        latencyBatchTxs: signed.phases.latency[0][0]?.keys.length,
      },
      loadAverage: { before: loadBefore, after: os.loadavg()[0] },
      verifyRatePerSec: verifyRate,
      signRatePerSec: signed.signRate,
      committed: load.committed.throughput,
      refused: Object.fromEntries(load.refusals),
      failedResults: load.failedResults,
      blocks: load.blocks,
      seconds,
      committedPerSec: tps,
      ratioToVerify: tps / verifyRate,
      latencyAtSaturation: lat(load.latencies.throughput),
      latencyAtHalfLoad: { offeredPerSec: rate, ...lat(load.latencies.latency) },
      getBalanceMs: {
        samples: balanceLatencies.length,
        p50: quantile(balanceLatencies, 0.5),
        p99: quantile(balanceLatencies, 0.99),
      },
      nodeRssBytes: memory.rss,
      nodePeakRssBytes: memory.peak,
    };
    await rpc.close();
    await node.stop();
    if (cpuProfDir) result.cpuProfile = summariseCpuProfile(cpuProfDir);
    return result;
  } finally {
    await pool.close().catch(() => undefined);
    await node.stop();
  }
}

/** Where a profiled function lives: a dist/ file, an npm package, a Node internal, or native code. */
function moduleOf(url) {
  if (!url) return '(native)';
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return pkg[1];
  const own = /\/dist\/(.+)$/.exec(url);
  if (own) return `dist/${own[1]}`;
  return url.startsWith('node:') ? url : `node:${path.basename(url)}`;
}

/**
 * Self time from one .cpuprofile, as shares of busy time (idle excluded): the hottest functions and
 * modules.
 */
function summariseProfile(file, n) {
  const prof = JSON.parse(fs.readFileSync(file, 'utf8'));
  const byId = new Map(prof.nodes.map((node) => [node.id, node]));
  const byFunction = new Map();
  const byModule = new Map();
  let busyUs = 0;
  let idleUs = 0;
  for (let i = 0; i < prof.samples.length; i++) {
    const cf = byId.get(prof.samples[i]).callFrame;
    const dt = prof.timeDeltas[i] ?? 0;
    if (cf.functionName === '(idle)') {
      idleUs += dt;
      continue;
    }
    busyUs += dt;
    const where = cf.url ? `${path.basename(cf.url)}:${cf.lineNumber + 1}` : '';
    const name = `${cf.functionName || '(anonymous)'} ${where}`.trim();
    byFunction.set(name, (byFunction.get(name) ?? 0) + dt);
    const mod = moduleOf(cf.url);
    byModule.set(mod, (byModule.get(mod) ?? 0) + dt);
  }
  const top = (m, k) =>
    [...m.entries()]
      .sort((x, y) => y[1] - x[1])
      .slice(0, k)
      .map(([name, us]) => ({ name, ms: Math.round(us / 1000), share: us / busyUs }));
  return {
    file,
    busyMs: Math.round(busyUs / 1000),
    idleMs: Math.round(idleUs / 1000),
    functions: top(byFunction, n),
    modules: top(byModule, Math.ceil((n * 2) / 3)),
  };
}

/**
 * Every thread's profile the node wrote (`CPU.<date>.<time>.<pid>.<thread>.<seq>.cpuprofile`): the
 * main thread in detail, worker threads (the signature verifier) briefly.
 */
function summariseCpuProfile(dir) {
  const files = fs.readdirSync(dir).filter((f) => f.endsWith('.cpuprofile'));
  if (files.length === 0) return { error: `no .cpuprofile written in ${dir}` };
  return {
    threads: files
      .map((f) => ({ f, thread: Number(f.split('.').at(-3)) }))
      .sort((x, y) => x.thread - y.thread)
      .map(({ f, thread }) => ({ thread, ...summariseProfile(path.join(dir, f), thread === 0 ? 15 : 4) })),
  };
}

function parseArgs(argv) {
  const o = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--cpu-prof') o.cpuProf = true;
    else if (a.startsWith('--')) {
      const key = a.slice(2).replace(/-([a-z])/g, (_, ch) => ch.toUpperCase());
      if (!(key in DEFAULTS)) throw new Error(`unknown option ${a}`);
      o[key] = Number(argv[++i]);
    }
  }
  return o;
}

function print(r) {
  const f = (n, d = 0) =>
    Number.isFinite(n)
      ? n.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d })
      : String(n);
  const lat = (l) =>
    `p50 ${f(l.p50)} ms (${f(l.p50Blocks, 2)} block times), p99 ${f(l.p99)} ms (${f(l.p99Blocks, 2)} block times), max ${f(l.max)} ms, ${f(l.samples)} transfers`;
  const c = r.config;
  const lines = [
    '## Chain node benchmark',
    `machine: ${os.cpus().length} cores, 1-min load average ${f(r.loadAverage.before, 1)} before, ${f(r.loadAverage.after, 1)} after`,
    `setup: ${c.senders} senders funded by the faucet; fee ${c.fee} uait; block time ${c.blockTimeMs} ms; signed in a separate process at ${f(r.signRatePerSec)}/s (not timed)`,
    `baseline: node:crypto ed25519 verify on one core: ${f(r.verifyRatePerSec)}/s`,
    `phase 1 (throughput): ${f(c.txs)} transfers in JSON-RPC batches of ${c.batchTxs} on ${c.groups} connections, at most ${f(c.window)} uncommitted`,
    `  committed ${f(r.committed)} in ${f(r.blocks)} blocks over ${f(r.seconds, 2)} s = ${f(r.committedPerSec)} transfers/s = ${f(r.ratioToVerify, 3)} × the verify rate (goal ≥ 0.35)`,
    `  refused at submission: ${JSON.stringify(r.refused)}; included with a failing result: ${r.failedResults}`,
    `  submit → committed latency at saturation: ${lat(r.latencyAtSaturation)}`,
    `  get_balance under that load: p50 ${f(r.getBalanceMs.p50, 1)} ms, p99 ${f(r.getBalanceMs.p99, 1)} ms (${r.getBalanceMs.samples} calls)`,
    `  node RSS after ${f(c.txs)} transfers: ${f(r.nodeRssBytes / 2 ** 20)} MiB (peak ${f(r.nodePeakRssBytes / 2 ** 20)} MiB)`,
    `phase 2 (latency): ${f(c.latencyTxs)} transfers in batches of ${c.latencyBatchTxs}, paced at ${f(r.latencyAtHalfLoad.offeredPerSec)}/s (half of phase 1)`,
    `  submit → committed latency: ${lat(r.latencyAtHalfLoad)} (goal p50 ≤ 1.5 block times)`,
  ];
  for (const t of r.cpuProfile?.threads ?? []) {
    const who = t.thread === 0 ? 'main thread' : `worker thread ${t.thread}`;
    lines.push(`node CPU profile, ${who}: ${f(t.busyMs)} ms busy, ${f(t.idleMs)} ms idle (${t.file})`);
    lines.push('  self time by module:');
    for (const x of t.modules) lines.push(`  ${f(x.share * 100, 1).padStart(6)} %  ${x.name}`);
    lines.push('  self time by function:');
    for (const x of t.functions) lines.push(`  ${f(x.share * 100, 1).padStart(6)} %  ${x.name}`);
  }
  process.stdout.write(`${lines.join('\n')}\n`);
}

if (process.argv.includes('--signer')) {
  await signerMain();
} else if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  print(await run(parseArgs(process.argv.slice(2))));
}
