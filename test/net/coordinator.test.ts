/**
 * The coordinator as users run it: a real node (`node up`) and the coordinator (`node coordinator`) as
 * separate processes over loopback, miners and clients speaking the documented HTTP API with real
 * signatures, escrows committed on chain. Checks on-chain outcomes (balances, escrow tombstones with the
 * receipt id), a miner going silent mid-job (requeued to a second miner, paid once), cancel while running
 * (released for the tokens produced, the rest refunded), and SIGKILL of the coordinator mid-flow (no job
 * lost, settlements resumed, the replay window kept, the database lock released).
 */
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnDaemon } from '../../src/client/daemon-process.js';
import { NodeRpc } from '../../src/client/node-rpc.js';
import { verifyStrict } from '../../src/crypto/ed25519.js';
import { ensureKeyFile } from '../../src/node/keys.js';
import { verifyReceipt } from '../../src/protocol/receipt.js';
import { BIN, cleanEnv } from '../helpers/cli.js';
import {
  apiClient,
  echoTokens,
  type Key,
  key,
  makeLock,
  minerReceipt,
  until,
} from '../unit/coordinator/helpers.js';

interface Daemon {
  proc: ChildProcess;
  events: any[];
  ready: Promise<any>;
  exited: Promise<number | null>;
}

function daemon(args: string[]): Daemon {
  const events: any[] = [];
  // spawnDaemon adds --json itself.
  const d = spawnDaemon<any>(
    BIN,
    args.filter((a) => a !== '--json'),
    { env: cleanEnv(), events },
  );
  return { proc: d.child, events, ready: d.ready, exited: d.exited };
}

const alice = key('net-alice');
const bob = key('net-bob');
const dave = key('net-dave');
const erin = key('net-erin');
const PROMPT = 'Explain in a few words how AITBC pays miners for inference.';

let node: Daemon;
let rpc: NodeRpc;
let chainId: string;
let home: string;
let keyFile: string;
let coordAddress: string;
let coordinator: Daemon;
let api: ReturnType<typeof apiClient>;

const coordArgs = () => [
  'node',
  'coordinator',
  '--home',
  home,
  '--key-file',
  keyFile,
  '--node',
  (node as any).rpcUrl,
  '--port',
  '0',
  '--json',
  '--lease-ttl-ms',
  '2000',
  '--heartbeat-interval-ms',
  '200',
];

async function startCoordinator(): Promise<void> {
  coordinator = daemon(coordArgs());
  const ready = await coordinator.ready;
  api = apiClient(ready.endpoints.api, ready.coordinator);
}

async function balance(address: string): Promise<bigint> {
  return BigInt((await rpc.getBalance(address)).balance);
}

async function register(miner: Key): Promise<void> {
  const r = await api.call(miner, 'POST', '/v1/miners/register', {
    models: ['echo'],
    backend: 'echo',
    unitPrice: '1000',
    concurrency: 4,
  });
  expect(r.status).toBe(200);
}

/** Locks (committed on chain) and posts a job. */
async function submit(client: Key, maxTokens = 8) {
  const jobId = randomBytes(16).toString('hex');
  const nonce = (await rpc.getAccount(client.address)).pendingNonce;
  const lock = makeLock({
    client,
    coordinator: coordAddress,
    chainId,
    nonce,
    jobId,
    prompt: PROMPT,
    maxTokens,
    expiresAt: Date.now() + 600_000,
  });
  const sent = await rpc.broadcastTx(lock.tx, 'committed');
  expect(sent.hash).toBe(lock.hash);
  const r = await api.call(client, 'POST', '/v1/jobs', {
    jobId,
    lockTx: lock.hash,
    model: 'echo',
    prompt: PROMPT,
    params: { maxTokens },
  });
  expect(r.status).toBe(202);
  return { jobId, lock };
}

async function poll(miner: Key, n = 1): Promise<any[]> {
  const got: any[] = [];
  while (got.length < n) {
    const r = await api.call(miner, 'GET', `/v1/miners/jobs?waitMs=5000&max=${n - got.length}`);
    expect(r.status).toBe(200);
    got.push(...r.body.items);
  }
  return got;
}

async function deliver(miner: Key, a: any, tokens = echoTokens(a.prompt, a.maxTokens)) {
  const output = tokens.join('');
  const tokensIn = a.prompt.split(/\s+/).length;
  const { receipt, minerSig } = minerReceipt(miner, a, output, { tokensIn, tokensOut: tokens.length });
  return api.call(miner, 'POST', `/v1/miners/jobs/${a.jobId}/result`, { output, receipt, minerSig });
}

async function settled(jobId: string, client: Key = alice): Promise<any> {
  return until(
    async () => {
      const j = (await api.call(client, 'GET', `/v1/jobs/${jobId}`)).body;
      return j.settlement?.status === 'committed' || j.settlement?.status === 'failed' ? j : undefined;
    },
    30_000,
    100,
  );
}

/** Heart-beats for a miner until stopped (a live miner; a silent one simply does not). */
function heartbeat(miner: Key): () => void {
  const t = setInterval(() => void api.call(miner, 'POST', '/v1/miners/heartbeat', {}).catch(() => {}), 200);
  return () => clearInterval(t);
}

beforeAll(async () => {
  node = daemon(['node', 'up', '--ephemeral', '--json', '--rpc-port', '0', '--ws-port', '0']);
  const ready = await node.ready;
  (node as any).rpcUrl = ready.endpoints.rpc;
  rpc = new NodeRpc({ url: ready.endpoints.rpc, timeoutMs: 20_000 });
  chainId = ready.chainId;
  home = mkdtempSync(path.join(tmpdir(), 'coord-net-'));
  keyFile = path.join(home, 'coordinator-key.json');
  coordAddress = (await ensureKeyFile(keyFile, { name: 'coordinator' })).key.address;
  await Promise.all(
    [alice, bob, coordAddress].map((k) =>
      rpc.faucet(typeof k === 'string' ? k : k.address, 100_000_000n, 'committed'),
    ),
  );
  await startCoordinator();
}, 120_000);

afterAll(async () => {
  coordinator?.proc.kill('SIGTERM');
  await coordinator?.exited;
  node?.proc.kill('SIGTERM');
  await node?.exited;
  await rpc?.close();
  if (home) rmSync(home, { recursive: true, force: true });
});

describe('coordinator with a real node', () => {
  it('settles a completed job on chain: the miner gets the price, the client the rest', async () => {
    await register(dave);
    const stop = heartbeat(dave);
    try {
      const before = {
        alice: await balance(alice.address),
        dave: await balance(dave.address),
        coord: await balance(coordAddress),
      };
      const { jobId, lock } = await submit(alice);
      const [a] = await poll(dave);
      const stream = api.stream(alice, `/v1/jobs/${jobId}/stream?settlement=true`);
      const tokens = echoTokens(a.prompt, a.maxTokens);
      for (let i = 0; i < tokens.length; i += 3)
        await api.call(dave, 'POST', `/v1/miners/jobs/${jobId}/progress`, {
          offset: i,
          tokens: tokens.slice(i, i + 3),
        });
      const res = await deliver(dave, a);
      expect(res.status).toBe(200);
      const lines = await stream;
      expect(lines.filter((l) => l.type === 'token')).toHaveLength(tokens.length);
      const final = lines[lines.length - 1];
      expect(final.type).toBe('result');
      expect(final.job.settlement).toMatchObject({ kind: 'release', status: 'committed', code: 0 });
      const receipt = final.job.receipt;
      expect(verifyReceipt(receipt, verifyStrict)).toEqual([]);
      const escrow = (await rpc.getEscrow(alice.address, jobId)) as any;
      expect(escrow).toMatchObject({
        status: 'released',
        receiptId: receipt.receiptId,
        settledBy: coordAddress,
        price: receipt.price,
      });
      const price = BigInt(receipt.price);
      const lockFee = BigInt(lock.tx.fee);
      expect(await balance(dave.address)).toBe(before.dave + price);
      expect(await balance(alice.address)).toBe(
        before.alice - lockFee - BigInt(lock.terms.settlementFee) - price,
      );
      // The coordinator's fee is paid back by the settlementFee (both are the chain's minFee here).
      expect(await balance(coordAddress)).toBe(before.coord);
    } finally {
      stop();
    }
  });

  it('requeues the job of a miner that goes silent to a second miner; only the second is paid', async () => {
    await register(bob);
    await register(erin);
    const stopBob = heartbeat(bob);
    try {
      const before = await balance(bob.address);
      const { jobId } = await submit(alice);
      const [a] = await poll(bob);
      stopBob();
      await api.call(bob, 'POST', `/v1/miners/jobs/${jobId}/progress`, { offset: 0, tokens: ['[echo]'] });
      // bob is silent from now on; erin waits for work and gets the job when bob's lease lapses.
      const stopErin = heartbeat(erin);
      try {
        const [b] = await poll(erin);
        expect(b).toMatchObject({ jobId, attempt: 2 });
        expect((await deliver(bob, a)).body.error.code).toBe('FORBIDDEN');
        expect((await deliver(erin, b)).status).toBe(200);
        const j = await settled(jobId);
        expect(j.settlement.status).toBe('committed');
        const escrow = (await rpc.getEscrow(alice.address, jobId)) as any;
        expect(escrow.receiptId).toBe(j.receipt.receiptId);
        expect(j.receipt.miner).toBe(erin.address);
        expect(await balance(erin.address)).toBe(BigInt(j.receipt.price));
        expect(await balance(bob.address)).toBe(before);
      } finally {
        stopErin();
      }
    } finally {
      stopBob();
    }
  });

  it('cancel while running releases the escrow for the tokens produced and refunds the rest', async () => {
    const stop = heartbeat(dave);
    try {
      const before = await balance(alice.address);
      const { jobId, lock } = await submit(alice, 16);
      const [a] = (await poll(dave)).filter((x) => x.jobId === jobId);
      const tokens = echoTokens(a.prompt, a.maxTokens);
      await api.call(dave, 'POST', `/v1/miners/jobs/${jobId}/progress`, {
        offset: 0,
        tokens: tokens.slice(0, 4),
      });
      const c = await api.call(alice, 'DELETE', `/v1/jobs/${jobId}`);
      expect(c.body.cancelRequested).toBe(true);
      const p = await api.call(dave, 'POST', `/v1/miners/jobs/${jobId}/progress`, {
        offset: 4,
        tokens: tokens.slice(4, 5),
      });
      expect(p.body.cancel).toBe(true);
      const res = await deliver(dave, a, tokens.slice(0, 5));
      expect(res.body.state).toBe('canceled');
      const j = await settled(jobId);
      expect(j).toMatchObject({
        state: 'canceled',
        tokensOut: 5,
        settlement: { kind: 'release', status: 'committed' },
      });
      const price = BigInt(j.receipt.price);
      expect(price).toBeLessThan(lock.amount - BigInt(lock.terms.settlementFee));
      const escrow = (await rpc.getEscrow(alice.address, jobId)) as any;
      expect(escrow).toMatchObject({ status: 'released', price: j.receipt.price });
      expect(await balance(alice.address)).toBe(
        before - BigInt(lock.tx.fee) - BigInt(lock.terms.settlementFee) - price,
      );
    } finally {
      stop();
    }
  });

  it('SIGKILL mid-flow loses no job: restart resumes leases and settlements, keeps the replay window', async () => {
    const stop = heartbeat(dave);
    try {
      const jobs = [await submit(alice), await submit(alice), await submit(alice)];
      const ids = jobs.map((j) => j.jobId);
      const as = (await poll(dave, 3)).filter((a) => ids.includes(a.jobId));
      expect(as).toHaveLength(3);
      // One result accepted just before the crash; a signed request seen before it.
      expect((await deliver(dave, as[0])).status).toBe(200);
      const nonce = randomBytes(16).toString('hex');
      const ts = Date.now();
      expect(
        (await api.call(alice, 'GET', `/v1/jobs/${ids[1]}`, undefined, { nonce, timestamp: ts })).status,
      ).toBe(200);
      // A second coordinator cannot open the same database while this one runs.
      const twin = daemon(coordArgs());
      await expect(twin.ready).rejects.toThrow(/HOME_LOCKED/);
      expect(await twin.exited).toBe(3);
      coordinator.proc.kill('SIGKILL');
      await coordinator.exited;
      await startCoordinator();
      const replay = await api.call(alice, 'GET', `/v1/jobs/${ids[1]}`, undefined, { nonce, timestamp: ts });
      expect(replay.body.error.code).toBe('REPLAYED_REQUEST');
      for (const id of ids.slice(1))
        expect((await api.call(alice, 'GET', `/v1/jobs/${id}`)).body.state).toBe('assigned');
      // The miner carries on after the restart; every job settles exactly once.
      for (const a of as.slice(1)) expect((await deliver(dave, a)).status).toBe(200);
      for (const id of ids) {
        const j = await settled(id);
        expect(j).toMatchObject({ state: 'completed', settlement: { kind: 'release', status: 'committed' } });
        expect(((await rpc.getEscrow(alice.address, id)) as any).receiptId).toBe(j.receiptId);
      }
    } finally {
      stop();
    }
  });
});
