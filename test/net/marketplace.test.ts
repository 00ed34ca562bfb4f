/**
 * The marketplace's faults with every daemon a real process on loopback: a chain node (`node up
 * --no-marketplace`), the coordinator (`node coordinator`) and miners (`node miner`, echo backend), and
 * the client commands (`submit`, `status`, `cancel`, `receipts verify`) as users run them. Checks on-chain
 * outcomes through the node's RPC: a miner SIGKILLed mid-job (requeued to a second miner, paid once);
 * the coordinator SIGKILLed and restarted (no job lost); cancel while running (the miner paid for the
 * tokens produced, the rest refunded); token streaming; forged, altered and wrong-party receipts and a
 * double release refused by the chain; a replayed signed request; an oversized prompt; and, after all of
 * it, every account + every locked escrow + burned = the genesis supply.
 */
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditSupply } from '../../src/client/coordinator-ledger.js';
import { spawnDaemon } from '../../src/client/daemon-process.js';
import { NodeRpc } from '../../src/client/node-rpc.js';
import { toHex } from '../../src/core/hex.js';
import { addressFromPublicKey } from '../../src/crypto/address.js';
import { type Signer, signerFromSecret } from '../../src/crypto/ed25519.js';
import { ensureKeyFile } from '../../src/node/keys.js';
import { escrowMinAmount, maxTokensInFor } from '../../src/protocol/escrow.js';
import {
  assembleReceipt,
  computeInputHash,
  computeOutputHash,
  computePrice,
  signReceiptAs,
} from '../../src/protocol/receipt.js';
import { signRequest } from '../../src/protocol/signed-request.js';
import { signTx } from '../../src/protocol/tx.js';
import type { EscrowTerms, ReceiptBody, SignedTx } from '../../src/protocol/types.js';
import { BIN, cleanEnv, runCli, tempDir } from '../helpers/cli.js';
import { type Devnet, startChainNode } from '../helpers/devnet.js';

interface Daemon {
  proc: ChildProcess;
  events: any[];
  ready: Promise<any>;
  exited: Promise<number | null>;
}

const dirs: Array<() => void> = [];
const daemons: Daemon[] = [];
let chain: Devnet<any> | undefined;

function daemon(args: string[], home: string): Daemon {
  const events: any[] = [];
  const d = spawnDaemon<any>(BIN, args, { env: cleanEnv({ AITBC_HOME: home }), events });
  daemons.push({ proc: d.child, events, ready: d.ready, exited: d.exited });
  return daemons[daemons.length - 1];
}

async function stop(d: Daemon, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  if (d.proc.exitCode === null && d.proc.signalCode === null) d.proc.kill(signal);
  await d.exited;
}

async function until<T>(what: string, f: () => Promise<T | undefined | false>, ms = 30_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await f();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** A port that was free a moment ago (so a restarted coordinator comes back at the same URL). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

interface KeyFile {
  file: string;
  address: string;
  signer: Signer;
}

let home: string;
let rpc: NodeRpc;
let chainId: string;
let coordKey: KeyFile;
let coordinator: Daemon;
let coordUrl: string;
let coordPort: number;
let clientHome: string;
let clientAddress: string;

async function keyFile(name: string): Promise<KeyFile> {
  const file = path.join(home, `${name}.json`);
  const { key } = await ensureKeyFile(file, { name });
  return { file, address: key.address, signer: key.signer };
}

const balance = async (a: string) => BigInt((await rpc.getBalance(a)).balance);

function coordinatorArgs(): string[] {
  return [
    'node',
    'coordinator',
    '--home',
    path.join(home, 'coord-home'),
    '--key-file',
    coordKey.file,
    '--node',
    rpc.url,
    '--port',
    String(coordPort),
    '--lease-ttl-ms',
    '2000',
    '--heartbeat-interval-ms',
    '200',
  ];
}

function minerDaemon(k: KeyFile, extra: string[] = []): Daemon {
  return daemon(
    [
      'node',
      'miner',
      '--coordinator',
      coordUrl,
      '--key-file',
      k.file,
      '--backend',
      'echo',
      '--unit-price',
      '1000uait',
      '--health-port',
      '0',
      ...extra,
    ],
    path.join(home, `home-${k.address}`),
  );
}

/** The client CLI with the test wallet and the network's URLs. */
function cli(args: string[], timeoutMs = 60_000) {
  return runCli([...args, '--json'], {
    home: clientHome,
    env: { AITBC_NODE: rpc.url, AITBC_COORDINATOR: coordUrl, AITBC_PASSWORD: 'pw', AITBC_WALLET: 'client' },
    timeoutMs,
  });
}

/** The escrow's record on chain, once it is no longer locked. */
async function settledEscrow(jobId: string): Promise<any> {
  return until(`escrow ${jobId} settled`, async () => {
    const e = await rpc.getEscrow(clientAddress, jobId);
    return e.status !== 'locked' && e;
  });
}

beforeAll(async () => {
  const t = tempDir('aitbc-market-');
  dirs.push(t.cleanup);
  home = t.dir;
  chain = await startChainNode<any>();
  const ready = chain.ready;
  rpc = new NodeRpc({ url: ready.endpoints.rpc });
  chainId = ready.chainId;
  coordKey = await keyFile('coordinator');
  await rpc.faucet(coordKey.address, 10n ** 8n, 'committed');
  coordPort = await freePort();
  coordinator = daemon(coordinatorArgs(), home);
  coordUrl = (await coordinator.ready).endpoints.api;
  clientHome = path.join(home, 'client');
  const created = await runCli(['wallet', 'create', 'client', '--scrypt-n', '16384', '--json'], {
    home: clientHome,
    env: { AITBC_PASSWORD: 'pw' },
  });
  expect(created.code).toBe(0);
  clientAddress = created.json().address;
  await rpc.faucet(clientAddress, 10n ** 9n, 'committed');
});

afterAll(async () => {
  for (const d of daemons.reverse()) await stop(d);
  await chain?.stop();
  await rpc?.close();
  for (const c of dirs) c();
});

describe('marketplace faults over loopback', () => {
  it('streams at least 5 token events to submit --stream before the result', async () => {
    const slow = await keyFile('miner-stream');
    const m = minerDaemon(slow, ['--echo-delay-ms', '50']);
    await m.ready;
    const r = await runCli(
      [
        'submit',
        'one two three four five six seven eight nine ten',
        '--model',
        'echo',
        '--max-tokens',
        '11',
        '--stream',
      ],
      {
        home: clientHome,
        env: {
          AITBC_NODE: rpc.url,
          AITBC_COORDINATOR: coordUrl,
          AITBC_PASSWORD: 'pw',
          AITBC_WALLET: 'client',
        },
      },
    );
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    const resultAt = lines.findIndex((l) => l.type === 'result');
    expect(resultAt).toBe(lines.length - 1);
    const tokens = lines.slice(0, resultAt).filter((l) => l.type === 'token');
    expect(tokens.length).toBeGreaterThanOrEqual(5);
    const job = lines[resultAt].job;
    expect(tokens.map((t) => t.text).join('')).toBe(job.output);
    expect(job.output, JSON.stringify(lines)).toBe('[echo] one two three four five six seven eight nine ten');
    expect(job.receipt.miner).toBe(slow.address);
    await stop(m);
  });

  it('requeues the job of a SIGKILLed miner to a second miner, which is paid once', async () => {
    const a = await keyFile('miner-a');
    const b = await keyFile('miner-b');
    const ma = minerDaemon(a, ['--echo-delay-ms', '400']);
    await ma.ready;
    const submit = cli([
      'submit',
      'alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu',
      '--model',
      'echo',
      '--max-tokens',
      '13',
    ]);
    const jobId = await until('miner A streaming a job', async () => {
      const started = ma.events.find((e) => e.type === 'job' && e.state === 'started');
      if (started === undefined) return undefined;
      const s = await cli(['status', started.jobId]);
      return s.json().tokensStreamed > 0 && started.jobId;
    });
    ma.proc.kill('SIGKILL');
    await ma.exited;
    const mb = minerDaemon(b);
    await mb.ready;
    const r = await submit;
    expect(r.code, r.stderr + r.stdout).toBe(0);
    const job = r.json();
    expect(job.jobId).toBe(jobId);
    expect(job.state).toBe('completed');
    expect(job.attempts).toBe(2);
    expect(job.receipt.miner).toBe(b.address);
    const escrow = await settledEscrow(jobId);
    expect(escrow).toMatchObject({
      status: 'released',
      receiptId: job.receipt.receiptId,
      price: job.receipt.price,
    });
    expect(await balance(b.address)).toBe(BigInt(job.receipt.price));
    expect(await balance(a.address)).toBe(0n);
    await stop(mb);
  });

  it('loses no job when the coordinator is SIGKILLed and restarted', async () => {
    const k = await keyFile('miner-restart');
    const m = minerDaemon(k, ['--echo-delay-ms', '100']);
    await m.ready;
    const r = await cli([
      'submit',
      'restart me please coordinator one two three',
      '--model',
      'echo',
      '--max-tokens',
      '9',
      '--async',
    ]);
    expect(r.code, r.stdout).toBe(0);
    const jobId = r.json().jobId;
    coordinator.proc.kill('SIGKILL');
    await coordinator.exited;
    coordinator = daemon(coordinatorArgs(), home);
    await coordinator.ready;
    const done = await cli(['status', jobId, '--wait', '--timeout', '60'], 90_000);
    expect(
      done.code,
      `${done.stdout}\n${JSON.stringify(m.events)}\n${JSON.stringify(coordinator.events)}`,
    ).toBe(0);
    const job = done.json();
    expect(job.state).toBe('completed');
    expect(job.output).toBe('[echo] restart me please coordinator one two three');
    expect((await settledEscrow(jobId)).status).toBe('released');
    const verify = await cli(['receipts', 'verify', jobId]);
    expect(verify.code, verify.stdout).toBe(0);
    expect(verify.json().checks.find((c: any) => c.check === 'settlement').ok).toBe(true);
    await stop(m);
  });

  it('cancel while running pays the miner for the tokens produced and refunds the rest, on chain', async () => {
    const k = await keyFile('miner-cancel');
    const m = minerDaemon(k, ['--echo-delay-ms', '600']);
    await m.ready;
    const before = await balance(clientAddress);
    const r = await cli([
      'submit',
      'w1 w2 w3 w4 w5 w6 w7 w8 w9 w10 w11 w12 w13 w14 w15 w16 w17 w18 w19',
      '--model',
      'echo',
      '--max-tokens',
      '20',
      '--async',
    ]);
    expect(r.code, r.stdout).toBe(0);
    const accepted = r.json();
    await until('two tokens streamed', async () => {
      const s = await cli(['status', accepted.jobId]);
      return s.json().tokensStreamed >= 2;
    });
    const c = await cli(['cancel', accepted.jobId]);
    expect(c.code, c.stdout).toBe(0);
    const w = await cli(['status', accepted.jobId, '--wait']);
    expect(w.code).toBe(8);
    const err = w.json().error;
    expect(err.code).toBe('JOB_CANCELED');
    const job = err.details.job;
    expect(job.receipt.tokensOut).toBeGreaterThanOrEqual(2);
    expect(job.receipt.tokensOut).toBeLessThan(20);
    const escrow = await settledEscrow(accepted.jobId);
    expect(escrow).toMatchObject({ status: 'released', receiptId: job.receipt.receiptId });
    const price = BigInt(job.receipt.price);
    expect(price).toBe(computePrice(1000n, job.receipt.tokensIn, job.receipt.tokensOut));
    expect(price).toBeLessThan(BigInt(accepted.amount) - BigInt(accepted.settlementFee));
    expect(await balance(k.address)).toBe(price);
    // The client paid the lock's fee, the settlement fee and the price of the tokens produced; the rest
    // of the escrow came back.
    expect(await balance(clientAddress)).toBe(before - 1000n - BigInt(job.settlementFee) - price);
    await stop(m);
  });

  it('refuses an oversized prompt before any money moves', async () => {
    const before = await rpc.getAccount(clientAddress);
    const r = await cli(['submit', 'x'.repeat(70_000), '--model', 'echo']);
    expect(r.code).toBe(2);
    expect(r.json().error).toMatchObject({ code: 'INVALID_INPUT', details: { reason: 'prompt_too_large' } });
    expect(await rpc.getAccount(clientAddress)).toMatchObject({
      balance: before.balance,
      nonce: before.nonce,
    });
  });

  it('refuses a replayed signed request', async () => {
    const k = signerFromSecret(randomBytes(32));
    const info = (await (await fetch(`${coordUrl}/v1/info`)).json()) as { coordinator: string };
    const headers = signRequest({ signer: k, audience: info.coordinator, method: 'GET', path: '/v1/jobs' });
    const first = await fetch(`${coordUrl}/v1/jobs`, { headers });
    expect(first.status).toBe(200);
    const again = await fetch(`${coordUrl}/v1/jobs`, { headers });
    expect(again.status).toBe(409);
    expect(((await again.json()) as any).error.code).toBe('REPLAYED_REQUEST');
  });

  it('the chain refuses forged, altered and wrong-party receipts, and a double release', async () => {
    // A lock of this test's own (no job posted, so the coordinator never settles it).
    const clientSigner = signerFromSecret(randomBytes(32));
    const client = addressFromPublicKey(clientSigner.publicKey);
    await rpc.faucet(client, 10n ** 7n, 'committed');
    const miner = signerFromSecret(randomBytes(32));
    const minerAddress = addressFromPublicKey(miner.publicKey);
    const prompt = 'forge me';
    const params = { maxTokens: 4 };
    const jobId = randomBytes(16).toString('hex');
    const terms: EscrowTerms = {
      model: 'echo',
      inputHash: computeInputHash({ model: 'echo', prompt, params }),
      maxTokensIn: maxTokensInFor(prompt),
      maxTokens: 4,
      maxUnitPrice: '1000',
      settlementFee: '1000',
    };
    const lock = signTx(
      {
        chainId,
        type: 'escrow_lock',
        from: client,
        pubkey: toHex(clientSigner.publicKey),
        nonce: 0,
        fee: '1000',
        body: {
          jobId,
          amount: escrowMinAmount(terms).toString(),
          coordinator: coordKey.address,
          expiresAt: Date.now() + 600_000,
          terms,
        },
      },
      clientSigner,
    );
    await rpc.broadcastTx(lock, 'committed');
    const output = '[echo] forge me';
    const body = (over: Partial<ReceiptBody> = {}): ReceiptBody => ({
      version: 1,
      chainId,
      jobId,
      client,
      coordinator: coordKey.address,
      miner: minerAddress,
      payTo: minerAddress,
      model: 'echo',
      backend: 'echo',
      inputHash: terms.inputHash,
      outputHash: computeOutputHash(output),
      tokensIn: 2,
      tokensOut: 3,
      unitPrice: '1000',
      price: computePrice(1000n, 2, 3).toString(),
      startedAt: Date.now() - 10,
      completedAt: Date.now(),
      minerPubkey: toHex(miner.publicKey),
      coordinatorPubkey: toHex(coordKey.signer.publicKey),
      ...over,
    });
    const signed = (b: ReceiptBody) =>
      assembleReceipt(b, {
        minerSig: signReceiptAs(b, 'miner', miner),
        coordinatorSig: signReceiptAs(b, 'coordinator', coordKey.signer),
      });
    let nonce = 0;
    const release = (receipt: any, from: Signer = miner): SignedTx => {
      const addr = addressFromPublicKey(from.publicKey);
      return signTx(
        {
          chainId,
          type: 'escrow_release',
          from: addr,
          pubkey: toHex(from.publicKey),
          nonce: nonce,
          fee: '1000',
          body: { client, jobId, receipt },
        },
        from,
      );
    };
    await rpc.faucet(minerAddress, 10n ** 6n, 'committed');
    const refusedWith = async (tx: SignedTx, code: string) => {
      await expect(rpc.broadcastTx(tx, 'committed')).rejects.toMatchObject({ code });
    };
    // Forged: "coordinator" signature from a key that is not the escrow's coordinator.
    const impostor = signerFromSecret(randomBytes(32));
    const forged = body({ coordinatorPubkey: toHex(impostor.publicKey) });
    await refusedWith(
      release(
        assembleReceipt(forged, {
          minerSig: signReceiptAs(forged, 'miner', miner),
          coordinatorSig: signReceiptAs(forged, 'coordinator', impostor),
        }),
      ),
      'RECEIPT_INVALID',
    );
    // Altered after signing: more tokens than were signed for.
    const good = signed(body());
    await refusedWith(
      release({ ...good, tokensOut: 4, price: computePrice(1000n, 2, 4).toString() }),
      'RECEIPT_INVALID',
    );
    // Wrong party: a receipt for another client.
    const other = addressFromPublicKey(signerFromSecret(randomBytes(32)).publicKey);
    await refusedWith(release(signed(body({ client: other }))), 'RECEIPT_INVALID');
    expect((await rpc.getEscrow(client, jobId)).status).toBe('locked');
    // The real receipt releases once; a second release is refused.
    const ok = await rpc.broadcastTx(release(good), 'committed');
    expect(ok.code ?? 0).toBe(0);
    nonce = 1;
    await refusedWith(release(good), 'ESCROW_SETTLED');
    expect(await rpc.getEscrow(client, jobId)).toMatchObject({
      status: 'released',
      receiptId: good.receiptId,
    });
  });

  it('after a long mixed sequence, accounts + locked escrows + burned = genesis supply', async () => {
    const k = await keyFile('miner-mixed');
    const m = minerDaemon(k, ['--concurrency', '8']);
    await m.ready;
    // One wallet's locks take consecutive nonces: submit one after another, then wait for them all.
    const ids: string[] = [];
    for (let i = 0; i < 8; i++) {
      const r = await cli([
        'submit',
        `mixed job ${i} with a few words`,
        '--model',
        'echo',
        '--max-tokens',
        String(3 + i),
        '--async',
      ]);
      expect(r.code, r.stdout).toBe(0);
      ids.push(r.json().jobId);
    }
    const runs = await Promise.all(ids.map((id) => cli(['status', id, '--wait'])));
    for (const r of runs) expect(r.code, r.stdout).toBe(0);
    await stop(m);
    // A busy miner: job X runs on its one slot, so job Y waits queued and its cancel refunds it.
    const busy = minerDaemon(await keyFile('miner-busy'), ['--echo-delay-ms', '1000', '--concurrency', '1']);
    await busy.ready;
    const x = (await cli(['submit', 'a long one to occupy the miner', '--model', 'echo', '--async'])).json()
      .jobId;
    await until('X running', async () => busy.events.some((e) => e.type === 'job' && e.jobId === x));
    const y = (await cli(['submit', 'waits in the queue', '--model', 'echo', '--async'])).json().jobId;
    expect((await cli(['cancel', y])).json().state).toBe('canceled');
    await until('X streaming', async () => (await cli(['status', x])).json().tokensStreamed > 0);
    expect((await cli(['cancel', x])).json().cancelRequested).toBe(true);
    expect((await cli(['submit', 'nobody serves this', '--model', 'no-such-model'])).json().error.code).toBe(
      'NO_MINER_FOR_MODEL',
    );
    expect(
      (await cli(['submit', 'too cheap', '--model', 'echo', '--max-price', '1uait'])).json().error.code,
    ).toBe('PRICE_TOO_LOW');
    const poor = await cli([
      'submit',
      'too expensive',
      '--model',
      'echo',
      '--max-tokens',
      '100000000',
      '--max-price',
      '1000AIT',
    ]);
    expect(poor.json().error.code).toBe('INSUFFICIENT_FUNDS');
    await until('every escrow settled', async () => {
      const jobs = (await cli(['jobs', '--limit', '100'])).json().items;
      return (
        jobs.every(
          (j: any) => j.settlement === undefined || ['committed', 'failed'].includes(j.settlement.status),
        ) && jobs.every((j: any) => ['completed', 'canceled', 'failed', 'expired'].includes(j.state))
      );
    });
    const audit = await auditSupply(rpc);
    expect(audit.ok, JSON.stringify(audit)).toBe(true);
    expect(audit.escrows.released).toBeGreaterThanOrEqual(9);
    expect(audit.escrows.refunded).toBeGreaterThanOrEqual(1);
    await stop(busy);
  });
});
