import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, tempDir } from '../helpers/cli.js';
import { startDevnet as startDevnetProcess } from '../helpers/devnet.js';

interface Ready {
  chainId: string;
  endpoints: { rpc: string; ws: string; metrics: string };
  faucet: { address: string; maxPerRequest: string };
}

function startDevnet() {
  return startDevnetProcess<Ready>([]);
}

const RFC3339 = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;
const home = tempDir('aitbc-chain-cli-');
let devnet: Awaited<ReturnType<typeof startDevnet>>;
let alice: string;
let bob: string;

function cli(args: string[], extra: Record<string, string | undefined> = {}) {
  return runCli(args, {
    home: home.dir,
    env: { AITBC_NODE: devnet.ready.endpoints.rpc, AITBC_PASSWORD: 'pw', AITBC_WALLET: 'alice', ...extra },
  });
}

async function json(args: string[], extra: Record<string, string | undefined> = {}) {
  const r = await cli([...args, '--json'], extra);
  if (r.code !== 0) throw new Error(`${args.join(' ')} exited ${r.code}: ${r.stdout}${r.stderr}`);
  return r.json();
}

async function refused(
  args: string[],
  code: string,
  exit: number,
  extra: Record<string, string | undefined> = {},
) {
  const r = await cli([...args, '--json'], extra);
  expect({ exit: r.code, code: r.json().error?.code }).toEqual({ exit, code });
  return r.json().error;
}

/** `wallet send bob 1 --sign-only` into a file under the home; returns its path. */
async function signToFile(name: string, chainId: string, nonce: number): Promise<string> {
  const signed = await cli([
    'wallet',
    'send',
    bob,
    '1',
    '--sign-only',
    '--chain',
    chainId,
    '--nonce',
    String(nonce),
  ]);
  expect(signed.code).toBe(0);
  const file = path.join(home.dir, name);
  writeFileSync(file, signed.stdout);
  return file;
}

beforeAll(async () => {
  devnet = await startDevnet();
  for (const name of ['alice', 'bob']) {
    const w = await json(['wallet', 'create', name, '--scrypt-n', '16384']);
    if (name === 'alice') alice = w.address;
    else bob = w.address;
  }
});

afterAll(async () => {
  await devnet?.stop();
  home.cleanup();
});

describe('chain commands on a devnet', () => {
  let sendHash: string;
  let sendHeight: number;
  const max = () => BigInt(devnet.ready.faucet.maxPerRequest);

  it('faucet pays the default wallet and waits for the commit', async () => {
    const f = await json(['wallet', 'faucet']);
    expect(f).toMatchObject({ status: 'committed', address: alice, amount: max().toString(), code: 0 });
    expect(f.height).toBeGreaterThan(0);
    const b = await json(['wallet', 'balance']);
    expect(b).toMatchObject({ address: alice, balance: max().toString(), nonce: 0 });
  });

  it('sends to another wallet by name, shows the fee, and waits until committed', async () => {
    const s = await json(['wallet', 'send', 'bob', '1.5', '--memo', 'hi']);
    expect(s).toMatchObject({
      status: 'committed',
      chainId: devnet.ready.chainId,
      from: alice,
      to: bob,
      amount: '1500000',
      fee: '1000',
      nonce: 0,
      memo: 'hi',
    });
    expect(s.time).toMatch(RFC3339);
    sendHash = s.hash;
    sendHeight = s.height;
    expect((await json(['wallet', 'balance', 'bob'])).balance).toBe('1500000');
    const a = await json(['wallet', 'balance', alice]);
    expect(a).toMatchObject({ balance: (max() - 1_500_000n - 1000n).toString(), nonce: 1, pendingNonce: 1 });
  });

  it('prints AIT for people and uait in JSON', async () => {
    const r = await cli(['wallet', 'send', bob, '250000uait', '--fee', '0.002']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Sent 0.25 AIT to');
    expect(r.stdout).toMatch(/fee\s+0\.002 AIT/);
    const h = await cli(['wallet', 'balance', 'bob']);
    expect(h.stdout).toMatch(/balance\s+1\.75 AIT/);
  });

  it('lists history newest first, with pages', async () => {
    const h = await json(['wallet', 'history']);
    expect(h.address).toBe(alice);
    expect(h.items.map((i: { direction: string; amount: string }) => [i.direction, i.amount])).toEqual([
      ['out', '250000'],
      ['out', '1500000'],
      ['in', max().toString()],
    ]);
    expect(h.nextCursor).toBeUndefined();
    const p1 = await json(['wallet', 'history', '--limit', '2']);
    expect(p1.items).toHaveLength(2);
    const p2 = await json(['wallet', 'history', '--limit', '2', '--cursor', p1.nextCursor]);
    expect(p2.items.map((i: { direction: string }) => i.direction)).toEqual(['in']);
    const b = await json(['wallet', 'history', 'bob']);
    expect(
      b.items.every((i: { direction: string; to: string }) => i.direction === 'in' && i.to === bob),
    ).toBe(true);
  });

  it('shows the transaction and the block that holds it, with its commit', async () => {
    const t = await json(['chain', 'tx', sendHash.toUpperCase()]);
    expect(t).toMatchObject({ hash: sendHash, status: 'committed', height: sendHeight, code: 0 });
    expect(t.tx.body).toEqual({ to: bob, amount: '1500000', memo: 'hi' });
    expect(t.time).toMatch(RFC3339);
    const b = await json(['chain', 'block', String(sendHeight)]);
    expect(b.height).toBe(sendHeight);
    expect(b.time).toMatch(RFC3339);
    expect(typeof b.block.header.time).toBe('number');
    expect(b.block.txs.some((x: { from: string; nonce: number }) => x.from === alice && x.nonce === 0)).toBe(
      true,
    );
    expect(b.commit.sigs.filter((s: unknown) => s !== null)).toHaveLength(1);
    expect((await json(['chain', 'block', b.hash])).height).toBe(sendHeight);
    expect((await json(['chain', 'block', 'latest'])).height).toBeGreaterThanOrEqual(sendHeight);
  });

  it('reports status, validators, chains and genesis consistently', async () => {
    const s = await json(['chain', 'status']);
    expect(s.chainId).toBe(devnet.ready.chainId);
    expect(s.validators).toHaveLength(1);
    expect(s.validators[0].lastSignedHeight).toBeGreaterThanOrEqual(sendHeight);
    expect(s.latestBlockTime).toMatch(RFC3339);
    expect(s.latestBlockTimeIso).toBeUndefined();
    expect(s.validators[0].lastSignedTime).toMatch(RFC3339);
    const v = await json(['chain', 'validators']);
    expect(v.items.map((x: { address: string }) => x.address)).toEqual([s.validators[0].address]);
    const l = await json(['chain', 'list']);
    expect(l.items.map((c: { chainId: string; default: boolean }) => [c.chainId, c.default])).toEqual([
      [s.chainId, true],
    ]);
    const i = await json(['chain', 'info']);
    expect(i.genesisHash).toBe(s.genesisHash);
    expect(i.genesis.faucet.address).toBe(devnet.ready.faucet.address);
    const named = await json(['wallet', 'balance', 'bob'], { AITBC_CHAIN: s.chainId });
    expect(named.chainId).toBe(s.chainId);
  });

  it('signs offline, broadcasts the file, and refuses it a second time', async () => {
    const { pendingNonce } = await json(['wallet', 'balance']);
    const file = await signToFile('tx.json', devnet.ready.chainId, pendingNonce);
    const b = await json(['chain', 'broadcast', file]);
    expect(b).toMatchObject({ status: 'committed', code: 0, from: alice, nonce: pendingNonce });
    expect((await json(['wallet', 'balance', 'bob'])).balance).toBe('2750000');
    const again = await refused(['chain', 'broadcast', file], 'BAD_NONCE', 6);
    expect(again.details.reason).toBe('replayed');
  });

  it('turns the node’s refusals into exit codes and error JSON, changing nothing', async () => {
    const before = await json(['wallet', 'balance']);
    const funds = await refused(['wallet', 'send', bob, '2000'], 'INSUFFICIENT_FUNDS', 6);
    expect(funds.details.method).toBe('broadcast_tx');
    await refused(['wallet', 'send', bob, '1', '--fee', '999uait'], 'FEE_TOO_LOW', 6);
    await refused(['wallet', 'send', bob, '1', '--nonce', '0'], 'BAD_NONCE', 6);
    await refused(['wallet', 'send', bob, '1', '--nonce', String(before.nonce + 5000)], 'BAD_NONCE', 6);
    const file = await signToFile('wrong.json', 'other-chain', before.nonce);
    await refused(['chain', 'broadcast', file], 'WRONG_CHAIN', 6);
    await refused(['wallet', 'faucet', '--amount', `${max() + 1n}uait`], 'INVALID_AMOUNT', 2);
    expect(await json(['wallet', 'balance'])).toMatchObject({ balance: before.balance, nonce: before.nonce });
  });

  it('reports what the chain does not hold as not found (exit 4)', async () => {
    await refused(['chain', 'tx', 'ab'.repeat(32)], 'TX_NOT_FOUND', 4);
    await refused(['chain', 'block', '999999'], 'BLOCK_NOT_FOUND', 4);
    await refused(['chain', 'info', 'no-such-chain'], 'CHAIN_NOT_FOUND', 4);
    await refused(['wallet', 'balance', '--chain', 'no-such-chain'], 'CHAIN_NOT_FOUND', 4);
  });

  it('returns as soon as the transaction is accepted with --wait accepted', async () => {
    const s = await json(['wallet', 'send', bob, '1', '--wait', 'accepted']);
    expect(s.status).toBe('accepted');
    expect(s.height).toBeUndefined();
    const t = await json(['chain', 'tx', s.hash]);
    expect(['pending', 'committed']).toContain(t.status);
  });
});
