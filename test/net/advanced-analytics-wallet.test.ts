/**
 * `advanced-analytics performance --wallet` and `report --wallet` against a real devnet (`node up`, with
 * its coordinator and echo miner): two wallets trade transfers both ways and one buys a compute job, so
 * every flow the chain knows — transfers, fees, an escrow lock, its release (the miner's price and the
 * coordinator's settlement fee) and the remainder returned — is checked to the uait against what the
 * commands that moved the money reported. Refunds are covered by the unit tests
 * (test/unit/quant/wallet-performance.test.ts), as this scenario has no job that fails.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CliResult, runCli, tempDir } from '../helpers/cli.js';
import { startDevnet } from '../helpers/devnet.js';
import { fails, ok } from '../helpers/expect-cli.js';

interface Ready {
  chainId: string;
  endpoints: { rpc: string; coordinator: string };
  faucet: { address: string };
  coordinator: { address: string };
  miner: { address: string; models: string[] };
}

const home = tempDir('aitbc-aa-wallet-');
let devnet: Awaited<ReturnType<typeof startDevnet<Ready>>>;
const addr: Record<'alice' | 'bob' | 'carol', string> = { alice: '', bob: '', carol: '' };
/** What the money-moving commands reported, to check the analytics against. */
const moved = { aliceFees: 0n, aliceSent: 0n, aliceReceived: 0n, locked: 0n, price: 0n, settlementFee: 0n };

function cli(args: string[], env: Record<string, string> = {}): Promise<CliResult> {
  return runCli(args, {
    home: home.dir,
    env: {
      AITBC_NODE: devnet.ready.endpoints.rpc,
      AITBC_COORDINATOR: devnet.ready.endpoints.coordinator,
      AITBC_PASSWORD: 'pw',
      ...env,
    },
  });
}

async function json(args: string[]) {
  const r = await cli([...args, '--json']);
  if (r.code !== 0) throw new Error(`${args.join(' ')} exited ${r.code}: ${r.stdout}${r.stderr}`);
  return r.json();
}

async function send(from: 'alice' | 'bob', to: 'alice' | 'bob', amount: string, fee?: string) {
  const s = await json(['wallet', 'send', to, amount, '-w', from, ...(fee ? ['--fee', fee] : [])]);
  expect(s.status).toBe('committed');
  if (from === 'alice') {
    moved.aliceSent += BigInt(s.amount);
    moved.aliceFees += BigInt(s.fee);
  } else moved.aliceReceived += BigInt(s.amount);
}

beforeAll(async () => {
  devnet = await startDevnet<Ready>([]);
  for (const name of ['alice', 'bob', 'carol'] as const) {
    addr[name] = (await json(['wallet', 'create', name, '--scrypt-n', '16384'])).address;
  }
  const f = await json(['wallet', 'faucet', '-w', 'alice', '--amount', '20']);
  moved.aliceReceived += BigInt(f.amount);
  await json(['wallet', 'faucet', '-w', 'bob', '--amount', '1']);
  await send('alice', 'bob', '2.5');
  await send('bob', 'alice', '1.25');
  await send('alice', 'bob', '0.75', '0.002');
  // A compute job bought by alice: escrow lock, then the coordinator's release paying the miner.
  expect(devnet.ready.miner.models).toContain('echo');
  const job = await json([
    'submit',
    'one two three four',
    '--model',
    'echo',
    '--max-tokens',
    '4',
    '-w',
    'alice',
  ]);
  expect(job).toMatchObject({
    state: 'completed',
    settlement: { kind: 'release', status: 'committed', code: 0 },
  });
  moved.locked = BigInt(job.amount);
  moved.price = BigInt(job.price);
  moved.settlementFee = BigInt(job.settlementFee);
  const lock = await json(['chain', 'tx', job.lockTx]);
  expect(lock.tx.from).toBe(addr.alice);
  moved.aliceFees += BigInt(lock.tx.fee);
});

afterAll(async () => {
  await devnet?.stop();
  home.cleanup();
});

describe('advanced-analytics performance --wallet', () => {
  it('gives alice’s flows to the uait and a history ending at her balance', async () => {
    const [p, bal] = await Promise.all([
      cli(['advanced-analytics', 'performance', '--wallet', 'alice', '--json']).then(ok),
      json(['wallet', 'balance', 'alice']),
    ]);
    expect(p).toMatchObject({ address: addr.alice, startBalance: '0', txCount: 6, complete: true });
    expect(p.flows).toEqual({
      received: moved.aliceReceived.toString(),
      sent: moved.aliceSent.toString(),
      fees: moved.aliceFees.toString(),
      escrowLocked: moved.locked.toString(),
      escrowReturned: (moved.locked - moved.price - moved.settlementFee).toString(),
      earned: '0',
      settlementFees: '0',
    });
    expect(p.balance).toBe(bal.balance);
    expect(p.points.at(-1).balance).toBe(bal.balance);
    const sum = p.points.reduce((s: bigint, x: { delta: string }) => s + BigInt(x.delta), 0n);
    expect(sum.toString()).toBe(bal.balance);
    const heights = p.points.map((x: { height: number }) => x.height);
    expect(heights).toEqual([...heights].sort((a, b) => a - b));
  });

  it('credits the miner the price and the coordinator the settlement fee', async () => {
    const [miner, coord, minerBal, coordBal] = await Promise.all([
      cli(['advanced-analytics', 'performance', '--wallet', devnet.ready.miner.address, '--json']).then(ok),
      cli(['advanced-analytics', 'performance', '--wallet', devnet.ready.coordinator.address, '--json']).then(
        ok,
      ),
      json(['wallet', 'balance', devnet.ready.miner.address]),
      json(['wallet', 'balance', devnet.ready.coordinator.address]),
    ]);
    expect(miner.flows.earned).toBe(moved.price.toString());
    expect(miner.points.at(-1).balance).toBe(minerBal.balance);
    expect(coord.flows.settlementFees).toBe(moved.settlementFee.toString());
    expect(coord.points.at(-1).balance).toBe(coordBal.balance);
  });

  it('walks back from the balance when --limit cuts the history', async () => {
    const full = await cli(['advanced-analytics', 'performance', '-w', 'alice', '--json']).then(ok);
    const cut = await cli([
      'advanced-analytics',
      'performance',
      '-w',
      'alice',
      '--limit',
      '2',
      '--json',
    ]).then(ok);
    expect(cut).toMatchObject({ txCount: 2, complete: false, balance: full.balance });
    expect(cut.points).toEqual(full.points.slice(-2));
    expect(cut.startBalance).toBe(full.points.at(-3).balance);
  });

  it('reports a wallet without transactions as zero flows', async () => {
    const p = await cli(['advanced-analytics', 'performance', '--wallet', 'carol', '--json']).then(ok);
    expect(p).toMatchObject({ address: addr.carol, balance: '0', startBalance: '0', txCount: 0, points: [] });
    expect(Object.values(p.flows)).toEqual(['0', '0', '0', '0', '0', '0', '0']);
  });
});

describe('advanced-analytics report --wallet', () => {
  it('writes a self-contained HTML report with the balance chart and the flows', async () => {
    const out = path.join(home.dir, 'r.html');
    const r = await cli(['advanced-analytics', 'report', '--wallet', 'alice', '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`wrote wallet report to ${out} (html,`);
    const html = readFileSync(out, 'utf8');
    expect(html).toMatch(/^<!DOCTYPE html>/);
    expect(html).not.toMatch(/(src|href)=["']?https?:/i);
    expect(html).not.toMatch(/<link |<script[^>]*src=/i);
    expect((html.match(/<svg /g) ?? []).length).toBe(1);
    expect(html).toContain('data-points="7"');
    const received = moved.aliceReceived;
    expect(html).toContain(`<td>received (transfers in)</td><td>21.25</td><td>${received}</td>`);
    expect(html).toContain(`<td>sent (transfers out)</td><td>3.25</td><td>${moved.aliceSent}</td>`);
    expect(html).toContain(`<td>locked in escrows</td>`);
    expect(html).toContain(addr.alice);
  });

  it('writes Markdown with a text chart, and JSON with the same flows as performance', async () => {
    const out = path.join(home.dir, 'r.md');
    const [w, perf, j] = await Promise.all([
      cli(['advanced-analytics', 'report', '--wallet', 'alice', '--out', out, '--json']).then(ok),
      cli(['advanced-analytics', 'performance', '--wallet', 'alice', '--json']).then(ok),
      cli(['advanced-analytics', 'report', '--wallet', addr.alice, '--json']).then(ok),
    ]);
    expect(w.out).toMatchObject({ file: out, format: 'md' });
    const md = readFileSync(out, 'utf8');
    expect(w.out.bytes).toBe(Buffer.byteLength(md));
    expect(md).toMatch(new RegExp(`^# aitbc wallet report: ${addr.alice}\\n`));
    expect(md).toContain('```\nbalance (AIT)\n');
    expect(md).toContain(`| sent (transfers out) | 3.25 | ${moved.aliceSent} |`);
    expect(j).toMatchObject({
      type: 'wallet',
      address: addr.alice,
      balance: perf.balance,
      startBalance: '0',
      txCount: 6,
      complete: true,
      transactionsOmitted: 0,
    });
    expect(j.flows).toEqual(perf.flows);
    expect(j.markdown).toContain('## Flows');
    expect(BigInt(j.net)).toBe(BigInt(j.balance) - BigInt(j.startBalance));
    expect(j.transactions.map((t: { type: string }) => t.type)).toEqual([
      'escrow_release',
      'escrow_lock',
      'transfer',
      'transfer',
      'transfer',
      'transfer',
    ]);
    expect(j.transactions[0].balance).toBe(perf.balance);
    expect(j.counterparties).toEqual([
      { address: devnet.ready.faucet.address, transfers: 1, received: '20000000', sent: '0' },
      { address: addr.bob, transfers: 3, received: '1250000', sent: moved.aliceSent.toString() },
    ]);
    const fees = j.kinds.reduce((s: bigint, k: { fees: string }) => s + BigInt(k.fees), 0n);
    expect(fees).toBe(moved.aliceFees);
  });

  it('reports a wallet without transactions clearly, not as an error', async () => {
    const j = await cli(['advanced-analytics', 'report', '--wallet', 'carol', '--json']).then(ok);
    expect(j).toMatchObject({ address: addr.carol, balance: '0', txCount: 0, transactions: [], kinds: [] });
    expect(Object.values(j.flows)).toEqual(['0', '0', '0', '0', '0', '0', '0']);
    expect(j.markdown).toContain('No committed transactions touch this address: every flow is zero.');
    const human = await cli(['advanced-analytics', 'report', '--wallet', 'carol']);
    expect(human.code).toBe(0);
    expect(human.stdout).toContain('## Transactions\n\nNone.');
  });

  it('refuses bad input with the documented codes', async () => {
    const [both, bothPortfolio, unknown, unknownPerf, badAddress, down, downPerf] = await Promise.all([
      cli(['advanced-analytics', 'report', '--wallet', 'alice', '--type', 'strategy', '--json']),
      cli(['advanced-analytics', 'report', '--wallet', 'alice', '--type', 'portfolio', '--json']),
      cli(['advanced-analytics', 'report', '--wallet', 'nobody', '--json']),
      cli(['advanced-analytics', 'performance', '--wallet', 'nobody', '--json']),
      cli(['advanced-analytics', 'report', '--wallet', 'ait1notanaddress', '--json']),
      cli(['advanced-analytics', 'report', '--wallet', 'alice', '--node', 'http://127.0.0.1:1', '--json']),
      cli([
        'advanced-analytics',
        'performance',
        '--wallet',
        'alice',
        '--node',
        'http://127.0.0.1:1',
        '--json',
      ]),
    ]);
    expect(fails(both, 2, 'USAGE').message).toContain('--wallet');
    fails(bothPortfolio, 2, 'USAGE');
    expect(fails(unknown, 4, 'WALLET_NOT_FOUND').details).toEqual({ name: 'nobody' });
    fails(unknownPerf, 4, 'WALLET_NOT_FOUND');
    fails(badAddress, 2, 'INVALID_ADDRESS');
    expect(fails(down, 5, 'UNREACHABLE').details).toMatchObject({ url: 'http://127.0.0.1:1' });
    fails(downPerf, 5, 'UNREACHABLE');
  });
});
