// Marketplace throughput, the path a user's job takes: a real chain node (`aitbc node up
// --no-marketplace`), the coordinator (`aitbc node coordinator`) and N echo miners (`aitbc node miner`),
// each its own process on loopback, with request signatures and on-chain escrow. Clients (in this
// process) sign and broadcast each job's escrow_lock and post the job with a signed request; a job counts
// once its escrow_release is committed in a block. Reported for 1, 4 and 16 miners: jobs per second, the
// chain's committed transactions per second over the same window, and the coordinator's own latency for
// accepting a job (signed POST /v1/jobs: verify, replay check, durable store, lock lookup) p50/p99 as a
// ratio to one bare HTTP round trip on loopback measured in the same run; and the CPU time each role's
// processes spent per released job (from /proc, Linux).
//
// `node bench/marketplace.js [--cpu-prof-dir DIR]` (every daemon profiled). Diagnostics on stderr:
// AITBC_BENCH_BLOCKS=1 (locks and releases per block), AITBC_BENCH_METRICS=1 (node and coordinator
// request counters after each round), AITBC_BENCH_TRACE=1 (the daemons' stderr).
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import * as http from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Agent } from 'undici';
import { CoordinatorClient } from '../dist/client/coordinator.js';
import { spawnDaemon } from '../dist/client/daemon-process.js';
import { NodeRpc } from '../dist/client/node-rpc.js';
import { toHex } from '../dist/core/hex.js';
import { addressFromPublicKey } from '../dist/crypto/address.js';
import { signerFromSecret } from '../dist/crypto/ed25519.js';
import { ensureKeyFile } from '../dist/node/keys.js';
import { escrowMinAmount, maxTokensInFor } from '../dist/protocol/escrow.js';
import { computeInputHash } from '../dist/protocol/receipt.js';
import { signTx, txHash } from '../dist/protocol/tx.js';

const BIN = fileURLToPath(new URL('../bin/run.js', import.meta.url));
const CLIENTS = 8;
const PROMPT = 'What is AITBC?';
const MAX_TOKENS = 8;

/** Node flags for every daemon (`--cpu-prof` when profiling). */
let daemonFlags = [];

/** An `aitbc` daemon as its own process (src/client/daemon-process.ts); its stderr echoes with AITBC_BENCH_TRACE. */
function daemon(args, env) {
  const d = spawnDaemon(BIN, args, { env, nodeFlags: daemonFlags });
  if (process.env.AITBC_BENCH_TRACE) d.child.stderr.on('data', (b) => process.stderr.write(b));
  return d;
}

/** CPU time (user + system, ms) a process has used so far, from /proc (Linux); NaN elsewhere. */
function cpuMs(pid) {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
  } catch {
    return Number.NaN;
  }
}

/** CPU ms of each role's processes (`this` is the bench process: the clients). */
function cpuSnapshot(ctx, miners) {
  const self = process.cpuUsage();
  return {
    node: cpuMs(ctx.nodePid),
    coordinator: cpuMs(ctx.coordPid),
    miners: miners.reduce((n, m) => n + cpuMs(m.child.pid), 0),
    clients: (self.user + self.system) / 1000,
  };
}

const pct = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];

/** One bare HTTP round trip on loopback (a node:http server answering a small JSON), p50 in ms. */
async function bareRoundTrip(dispatcher, n = 300) {
  const server = http.createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end('{"ok":true}');
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${server.address().port}/`;
  const { request } = await import('undici');
  const times = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    const res = await request(url, { method: 'POST', body: '{"x":1}', dispatcher });
    await res.body.text();
    times.push(performance.now() - t);
  }
  server.close();
  times.sort((a, b) => a - b);
  return { p50: pct(times, 50), p99: pct(times, 99) };
}

function lockFor(client, nonce, chainId, coordinator, minFee) {
  const jobId = randomBytes(16).toString('hex');
  const params = { maxTokens: MAX_TOKENS };
  const terms = {
    model: 'echo',
    inputHash: computeInputHash({ model: 'echo', prompt: PROMPT, params }),
    maxTokensIn: maxTokensInFor(PROMPT),
    maxTokens: MAX_TOKENS,
    maxUnitPrice: '1000',
    settlementFee: minFee,
  };
  const tx = signTx(
    {
      chainId,
      type: 'escrow_lock',
      from: client.address,
      pubkey: client.pub,
      nonce,
      fee: minFee,
      body: {
        jobId,
        amount: escrowMinAmount(terms).toString(),
        coordinator,
        expiresAt: Date.now() + 900_000,
        terms,
      },
    },
    client.signer,
  );
  return { jobId, tx, hash: txHash(tx), params };
}

/** Runs `jobs` jobs through the network with `miners` miner processes; returns the figures. */
async function round(ctx, miners, jobs) {
  const procs = [];
  for (let i = 0; i < miners; i++) {
    const key = path.join(ctx.dir, `miner-${miners}-${i}.json`);
    await ensureKeyFile(key, { name: `m${i}` });
    procs.push(
      daemon(
        [
          'node',
          'miner',
          '--coordinator',
          ctx.coordUrl,
          '--key-file',
          key,
          '--concurrency',
          '16',
          '--health-port',
          '0',
        ],
        ctx.env,
      ),
    );
  }
  await Promise.all(procs.map((p) => p.ready));
  // Let the new miners finish starting (JIT, registration, first polls) before "idle" is measured.
  await new Promise((r) => setTimeout(r, 1_000));
  const startHeight = (await ctx.rpc.status()).height;
  const postTimes = [];
  const ids = new Set();
  // The coordinator's own cost per job, unloaded: 30 jobs accepted one after another.
  const idle = [];
  {
    const c = ctx.clients[0];
    let nonce = (await ctx.rpc.getAccount(c.address)).pendingNonce;
    for (let i = 0; i < 30; i++) {
      const l = lockFor(c, nonce++, ctx.chainId, ctx.coordinator, ctx.minFee);
      await ctx.rpc.broadcastTx(l.tx, 'accepted');
      const t = performance.now();
      await c.coord.submitJob({
        jobId: l.jobId,
        lockTx: l.hash,
        model: 'echo',
        prompt: PROMPT,
        params: l.params,
      });
      idle.push(performance.now() - t);
      ids.add(l.jobId);
    }
  }
  idle.sort((a, b) => a - b);
  const cpu0 = cpuSnapshot(ctx, procs);
  const t0 = performance.now();
  const perClient = Math.ceil(jobs / CLIENTS);
  await Promise.all(
    ctx.clients.map(async (c) => {
      let nonce = (await ctx.rpc.getAccount(c.address)).pendingNonce;
      for (let done = 0; done < perClient; ) {
        const chunk = Math.min(32, perClient - done);
        const locks = Array.from({ length: chunk }, () =>
          lockFor(c, nonce++, ctx.chainId, ctx.coordinator, ctx.minFee),
        );
        const out = await ctx.rpc.batch(
          locks.map((l) => ({ method: 'broadcast_tx', params: { tx: l.tx, wait: 'accepted' } })),
        );
        for (const o of out) if (!o.ok) throw o.error;
        await Promise.all(
          locks.map(async (l) => {
            const t = performance.now();
            await c.coord.submitJob({
              jobId: l.jobId,
              lockTx: l.hash,
              model: 'echo',
              prompt: PROMPT,
              params: l.params,
            });
            postTimes.push(performance.now() - t);
            ids.add(l.jobId);
          }),
        );
        done += chunk;
      }
    }),
  );
  // Count committed releases of these jobs, block by block.
  let released = 0;
  let txs = 0;
  let height = startHeight;
  let tEnd = performance.now();
  const deadline = Date.now() + 300_000;
  while (released < ids.size && Date.now() < deadline) {
    const page = await ctx.rpc.getBlocks({ from: height + 1, order: 'asc', limit: 100 });
    for (const b of page.items) {
      height = b.height;
      txs += b.block.txs.length;
      b.block.txs.forEach((tx, i) => {
        if (tx.type === 'escrow_release' && ids.has(tx.body.jobId) && (b.results?.[i]?.code ?? 0) === 0)
          released++;
      });
      tEnd = performance.now();
      if (process.env.AITBC_BENCH_BLOCKS) {
        const n = (t) => b.block.txs.filter((x) => x.type === t).length;
        console.error(
          `block ${b.height} t=${(b.block.header.time - Date.now() + performance.now() - t0).toFixed(0)} locks ${n('escrow_lock')} releases ${n('escrow_release')}`,
        );
      }
    }
    if (released < ids.size) await new Promise((r) => setTimeout(r, 100));
  }
  const seconds = (tEnd - t0) / 1000;
  const cpu1 = cpuSnapshot(ctx, procs);
  const cpuPerJobMs = Object.fromEntries(
    Object.keys(cpu0).map((k) => [k, (cpu1[k] - cpu0[k]) / Math.max(1, released)]),
  );
  if (process.env.AITBC_BENCH_METRICS)
    console.error(
      (await (await fetch(`${ctx.rpcUrl.replace(/\/$/, '')}/metrics`)).text())
        .split('\n')
        .filter((l) => /rpc_requests_total|txs_refused/.test(l) && !l.startsWith('#'))
        .join('\n'),
    );
  if (process.env.AITBC_BENCH_METRICS)
    console.error(
      (await (await fetch(`${ctx.coordUrl}/metrics`)).text())
        .split('\n')
        .filter((l) => /http_requests_total|commits_total/.test(l) && !l.startsWith('#'))
        .join('\n'),
    );
  await Promise.all(procs.map((p) => p.stop()));
  postTimes.sort((a, b) => a - b);
  return {
    miners,
    jobs: ids.size,
    released,
    seconds,
    jobsPerSecond: released / seconds,
    chainTxPerSecond: txs / seconds,
    idleAcceptP50: pct(idle, 50),
    idleAcceptP99: pct(idle, 99),
    acceptP50: pct(postTimes, 50),
    acceptP99: pct(postTimes, 99),
    cpuPerJobMs,
  };
}

/** `profileDir`: write every daemon's CPU profile there (`--cpu-prof`: node, coordinator, miners). */
export async function run({ jobs = [300, 800, 2000], profileDir } = {}) {
  daemonFlags = profileDir === undefined ? [] : ['--cpu-prof', '--cpu-prof-dir', profileDir];
  const dir = mkdtempSync(path.join(tmpdir(), 'aitbc-bench-market-'));
  const env = { ...process.env, AITBC_HOME: path.join(dir, 'home'), CI: '1' };
  for (const k of Object.keys(env)) if (k.startsWith('AITBC_') && k !== 'AITBC_HOME') delete env[k];
  const node = daemon(
    ['node', 'up', '--ephemeral', '--no-marketplace', '--rpc-port', '0', '--ws-port', '0'],
    env,
  );
  const stops = [node];
  const dispatcher = new Agent({ connections: 256 });
  try {
    const ready = await node.ready;
    const rpc = new NodeRpc({ url: ready.endpoints.rpc, dispatcher, timeoutMs: 60_000 });
    const status = await rpc.status();
    const coordKeyFile = path.join(dir, 'coordinator.json');
    const { key: coordKey } = await ensureKeyFile(coordKeyFile, { name: 'coordinator' });
    await rpc.faucet(coordKey.address, undefined, 'committed');
    const coordinator = daemon(
      [
        'node',
        'coordinator',
        '--key-file',
        coordKeyFile,
        '--node',
        ready.endpoints.rpc,
        '--port',
        '0',
        '--home',
        path.join(dir, 'coord'),
      ],
      env,
    );
    stops.unshift(coordinator);
    const cready = await coordinator.ready;
    const clients = [];
    for (let i = 0; i < CLIENTS; i++) {
      const signer = signerFromSecret(randomBytes(32));
      const address = addressFromPublicKey(signer.publicKey);
      await rpc.faucet(address, undefined, 'committed');
      clients.push({
        signer,
        address,
        pub: toHex(signer.publicKey),
        coord: new CoordinatorClient({ url: cready.endpoints.api, signer, dispatcher, timeoutMs: 60_000 }),
      });
    }
    const ctx = {
      dir,
      env,
      rpc,
      chainId: status.chainId,
      minFee: status.params.minFee,
      coordinator: cready.coordinator,
      coordUrl: cready.endpoints.api,
      clients,
      nodePid: node.child.pid,
      rpcUrl: ready.endpoints.rpc,
      coordPid: coordinator.child.pid,
    };
    const bare = await bareRoundTrip(dispatcher);
    const rounds = [];
    for (const [i, miners] of [1, 4, 16].entries()) rounds.push(await round(ctx, miners, jobs[i]));
    await rpc.close();
    return { bareRoundTripMs: bare, rounds };
  } finally {
    for (const d of stops) await d.stop();
    await dispatcher.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const prof = process.argv.indexOf('--cpu-prof-dir');
  const r = await run(prof > 0 ? { profileDir: path.resolve(process.argv[prof + 1]) } : {});
  console.log(
    `bare HTTP round trip on loopback: p50 ${r.bareRoundTripMs.p50.toFixed(2)} ms, p99 ${r.bareRoundTripMs.p99.toFixed(2)} ms`,
  );
  for (const x of r.rounds)
    console.log(
      `${String(x.miners).padStart(2)} miner(s): ${x.released}/${x.jobs} jobs released in ${x.seconds.toFixed(1)} s → ` +
        `${x.jobsPerSecond.toFixed(1)} jobs/s; chain ${x.chainTxPerSecond.toFixed(1)} tx/s; ` +
        `coordinator accept (idle) p50 ${x.idleAcceptP50.toFixed(1)} ms (${(x.idleAcceptP50 / r.bareRoundTripMs.p50).toFixed(1)}× bare), ` +
        `p99 ${x.idleAcceptP99.toFixed(1)} ms (${(x.idleAcceptP99 / r.bareRoundTripMs.p50).toFixed(1)}× bare); ` +
        `under load p50 ${x.acceptP50.toFixed(1)} ms (${(x.acceptP50 / r.bareRoundTripMs.p50).toFixed(1)}× bare), ` +
        `p99 ${x.acceptP99.toFixed(1)} ms (${(x.acceptP99 / r.bareRoundTripMs.p50).toFixed(1)}× bare); ` +
        `CPU ms per job: ${Object.entries(x.cpuPerJobMs)
          .map(([k, v]) => `${k} ${v.toFixed(2)}`)
          .join(', ')}`,
    );
}
