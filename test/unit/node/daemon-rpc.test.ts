import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { NodeDaemon } from '../../../src/node/daemon.js';
import { initNode } from '../../../src/node/init.js';
import { computePrice } from '../../../src/protocol/receipt.js';
import { signTx } from '../../../src/protocol/tx.js';
import type { SignedTx } from '../../../src/protocol/types.js';
import { tempDir } from '../../helpers/cli.js';
import { AIT, alice, bob, testKey, transfer } from './helpers.js';

/** Resolves once `cond` holds, polling; fails after 10 s. */
async function eventually(cond: () => boolean): Promise<void> {
  for (let i = 0; i < 1000 && !cond(); i++) await new Promise((r) => setTimeout(r, 10));
  expect(cond()).toBe(true);
}

interface RpcReply {
  jsonrpc: string;
  id: unknown;
  result?: any;
  error?: { code: number; message: string; data: { code: string; details?: Record<string, unknown> } };
}

describe('node daemon over real sockets', () => {
  let home: { dir: string; cleanup: () => void };
  let daemon: NodeDaemon;
  let rpc: string;
  let faucet: string;
  const post = async (body: unknown): Promise<{ status: number; json: any }> => {
    const res = await fetch(rpc, {
      method: 'POST',
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, json: text === '' ? undefined : JSON.parse(text) };
  };
  const call = async (method: string, params: Record<string, unknown> = {}): Promise<RpcReply> =>
    (await post({ jsonrpc: '2.0', id: 1, method, params })).json;
  const metric = async (line: string): Promise<number> => {
    const text = await (await fetch(`${rpc}/metrics`)).text();
    const hit = text.split('\n').find((l) => l.startsWith(`${line} `));
    return hit === undefined ? 0 : Number(hit.split(' ')[1]);
  };
  const DEV = 'dev-chain';
  const SECOND = 'second-chain';

  beforeAll(async () => {
    home = tempDir();
    const common = {
      home: home.dir,
      params: { blockTimeMs: 50, heartbeatMs: 1000 },
      time: Date.now() - 10_000,
    };
    const dev = await initNode({
      ...common,
      chainId: DEV,
      allocations: [{ address: alice.address, amount: 1000n * AIT }],
      faucet: { amount: 10_000n * AIT, maxPerRequest: 100n * AIT },
    });
    faucet = dev.faucet?.address as string;
    await initNode({
      ...common,
      chainId: SECOND,
      allocations: [{ address: alice.address, amount: 50n * AIT }],
    });
    daemon = await NodeDaemon.start({ home: home.dir, rpcPort: 0, wsPort: 0, maxBodyBytes: 64 * 1024 });
    rpc = daemon.endpoints.rpc;
  });
  afterAll(async () => {
    await daemon?.stop();
    home.cleanup();
  });

  it('answers JSON-RPC at POST / and the same methods at GET /<method>', async () => {
    const s = await call('status');
    expect(s.result).toMatchObject({
      chainId: DEV,
      protocolVersion: 1,
      wsUrl: daemon.endpoints.ws,
      chains: [DEV, SECOND],
    });
    expect(s.result.validators[0].address).toBe(daemon.validator.address);
    const get = await fetch(`${rpc}/get_account?address=${alice.address}`);
    expect(get.status).toBe(200);
    expect(((await get.json()) as RpcReply).result).toMatchObject({
      address: alice.address,
      balance: (1000n * AIT).toString(),
      nonce: 0,
    });
    const missing = await fetch(`${rpc}/get_block?height=999999`);
    expect(missing.status).toBe(404);
    expect(((await missing.json()) as RpcReply).error?.data.code).toBe('BLOCK_NOT_FOUND');
    expect((await fetch(`${rpc}/nope`)).status).toBe(404);
    expect((await fetch(`${rpc}/get_balance?address=AIT1XYZ`)).status).toBe(400);
    expect((await call('health')).result).toMatchObject({ ok: true, chainId: DEV });
    expect((await call('net_info')).result).toMatchObject({ listening: true, peers: [] });
  });

  it('refuses malformed requests with the JSON-RPC codes', async () => {
    const parse = await post('{"jsonrpc":"2.0",');
    expect(parse.json.error).toMatchObject({ code: -32700, data: { code: 'INVALID_INPUT' } });
    const dup = await post('{"jsonrpc":"2.0","id":1,"id":2,"method":"status"}');
    expect(dup.json.error.code).toBe(-32700);
    expect((await post({ id: 1, method: 'status' })).json.error.code).toBe(-32600);
    expect((await call('no_such_method')).error).toMatchObject({
      code: -32601,
      data: { code: 'METHOD_NOT_FOUND' },
    });
    expect((await call('get_balance', { address: 'AIT1XYZ' })).error).toMatchObject({
      code: -32602,
      data: { code: 'INVALID_ADDRESS' },
    });
    expect((await call('get_block', { height: 1, hash: '00'.repeat(32) })).error?.code).toBe(-32602);
    expect((await call('status', { bogus: 1 })).error?.code).toBe(-32602);
    const big = await post({
      jsonrpc: '2.0',
      id: 1,
      method: 'status',
      params: { pad: 'x'.repeat(70 * 1024) },
    });
    expect(big.status).toBe(413);
    expect(big.json.error.code).toBe(-32600);
  });

  it('answers batches in order, skipping notifications', async () => {
    const r = await post([
      { jsonrpc: '2.0', id: 'a', method: 'get_balance', params: { address: alice.address } },
      { jsonrpc: '2.0', method: 'status' },
      { jsonrpc: '2.0', id: 'b', method: 'nope' },
    ]);
    expect(r.json.map((x: RpcReply) => x.id)).toEqual(['a', 'b']);
    expect(r.json[1].error.code).toBe(-32601);
    const none = await post([{ jsonrpc: '2.0', method: 'status' }]);
    expect(none.status).toBe(204);
  });

  it('commits a transfer, reports it by hash and address, and the metrics move', async () => {
    const before = await metric(`aitbc_txs_committed_total{chain="${DEV}"}`);
    const callsBefore = await metric('aitbc_rpc_requests_total{method="broadcast_tx"}');
    const nonce = (await call('get_account', { address: alice.address })).result.pendingNonce;
    const tx = transfer(alice, bob.address, 2n * AIT, nonce, { chainId: DEV });
    const r = await call('broadcast_tx', { tx, wait: 'committed' });
    expect(r.result).toMatchObject({ status: 'committed', code: 0, index: expect.any(Number) });
    const got = await call('get_tx', { hash: r.result.hash });
    expect(got.result).toMatchObject({ tx, hash: r.result.hash, height: r.result.height, code: 0, log: '' });
    const block = await call('get_block', { height: r.result.height });
    expect(block.result.block.txs[r.result.index]).toEqual(tx);
    expect(block.result.commit.blockHash).toBe(block.result.hash);
    const hist = await call('get_txs', { address: bob.address, limit: 10 });
    expect(hist.result.items[0].hash).toBe(r.result.hash);
    expect((await call('get_balance', { address: bob.address })).result.balance).toBe((2n * AIT).toString());
    expect(await metric(`aitbc_txs_committed_total{chain="${DEV}"}`)).toBeGreaterThanOrEqual(before + 1);
    expect(await metric('aitbc_rpc_requests_total{method="broadcast_tx"}')).toBe(callsBefore + 1);
    expect(await metric(`aitbc_block_height{chain="${DEV}"}`)).toBeGreaterThanOrEqual(r.result.height);
    // The transfer is in block 2 or later (block 1 came at start), so a page of one has a next page.
    const blocks = await call('get_blocks', { limit: 1 });
    expect(blocks.result.items).toHaveLength(1);
    const nextPage = await call('get_blocks', { limit: 1, cursor: blocks.result.nextCursor });
    expect(nextPage.result.items[0].height).toBe(blocks.result.items[0].height - 1);
    const asc = await call('get_blocks', { from: 1, limit: 2, order: 'asc' });
    expect(asc.result.items.map((b: { height: number }) => b.height)).toEqual([1, 2]);
    const replay = await call('broadcast_tx', { tx });
    expect(replay.error?.data).toMatchObject({ code: 'BAD_NONCE' });
    expect(await metric('aitbc_txs_refused_total{code="BAD_NONCE"}')).toBeGreaterThanOrEqual(1);
  });

  it('locks an escrow and serves it with get_escrow', async () => {
    const client = testKey(40, 'client');
    await call('faucet', { address: client.address, amount: (50n * AIT).toString(), wait: 'committed' });
    const coordinator = testKey(41, 'coordinator');
    const terms = {
      model: 'echo',
      inputHash: 'ab'.repeat(32),
      maxTokensIn: 20,
      maxTokens: 10,
      maxUnitPrice: '1000',
      settlementFee: '1000',
    };
    const amount = computePrice(1000n, 20, 10) + 1000n;
    const status = (await call('status')).result;
    const lock = signTx(
      {
        chainId: DEV,
        type: 'escrow_lock',
        from: client.address,
        pubkey: client.publicKeyHex,
        nonce: 0,
        fee: '1000',
        body: {
          jobId: 'cd'.repeat(16),
          amount: amount.toString(),
          coordinator: coordinator.address,
          expiresAt: status.latestBlockTime + 600_000,
          terms,
        },
      },
      client.signer,
    ) as SignedTx;
    const r = await call('broadcast_tx', { tx: lock, wait: 'committed' });
    expect(r.result).toMatchObject({ code: 0 });
    const e = await call('get_escrow', { client: client.address, jobId: 'cd'.repeat(16) });
    expect(e.result).toMatchObject({
      status: 'locked',
      amount: amount.toString(),
      coordinator: coordinator.address,
    });
    expect(
      (await call('get_escrow', { client: client.address, jobId: 'ef'.repeat(16) })).error?.data.code,
    ).toBe('ESCROW_NOT_FOUND');
  });

  it('hosts several chains: requests name theirs, transactions go to the chain they name, others are refused', async () => {
    const chains = (await call('get_chains')).result.items;
    expect(chains.map((c: { chainId: string; default: boolean }) => [c.chainId, c.default])).toEqual([
      [DEV, true],
      [SECOND, false],
    ]);
    expect((await call('get_balance', { address: alice.address, chainId: SECOND })).result.balance).toBe(
      (50n * AIT).toString(),
    );
    expect((await call('status', { chainId: 'ghost' })).error?.data.code).toBe('CHAIN_NOT_FOUND');
    const onSecond = transfer(alice, bob.address, 1n, 0, { chainId: SECOND });
    expect((await call('broadcast_tx', { tx: onSecond, wait: 'committed' })).result.code).toBe(0);
    expect((await call('get_balance', { address: bob.address, chainId: SECOND })).result.balance).toBe('1');
    const ghost = transfer(alice, bob.address, 1n, 0, { chainId: 'ghost-chain' });
    expect((await call('broadcast_tx', { tx: ghost })).error?.data.code).toBe('WRONG_CHAIN');
    expect((await call('broadcast_tx', { tx: ghost, chainId: 'ghost-chain' })).error?.data.code).toBe(
      'WRONG_CHAIN',
    );
    const misrouted = transfer(alice, bob.address, 1n, 1, { chainId: SECOND });
    expect((await call('broadcast_tx', { tx: misrouted, chainId: DEV })).error?.data.code).toBe(
      'WRONG_CHAIN',
    );
    expect((await call('faucet', { address: bob.address, chainId: SECOND })).error?.data.code).toBe(
      'NO_FAUCET',
    );
  });

  it('pays from the faucet and refuses above its cap', async () => {
    const who = testKey(42, 'who');
    const r = await call('faucet', { address: who.address, wait: 'committed' });
    expect(r.result).toMatchObject({ status: 'committed', amount: (100n * AIT).toString(), from: faucet });
    expect(
      (await call('faucet', { address: who.address, amount: (101n * AIT).toString() })).error?.data.code,
    ).toBe('INVALID_AMOUNT');
  });

  it('streams committed blocks and address-filtered transactions over WebSocket', async () => {
    const ws = new WebSocket(daemon.endpoints.ws);
    const messages: any[] = [];
    ws.on('message', (d) => messages.push(JSON.parse(d.toString())));
    await new Promise((r) => ws.once('open', r));
    const target = testKey(43, 'target');
    ws.send(JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'subscribe', params: { topic: 'blocks' } }));
    ws.send(
      JSON.stringify({
        jsonrpc: '2.0',
        id: 2,
        method: 'subscribe',
        params: { topic: 'txs', address: target.address },
      }),
    );
    ws.send(JSON.stringify({ jsonrpc: '2.0', id: 3, method: 'subscribe', params: { topic: 'nope' } }));
    await eventually(() => messages.some((m) => m.id === 3));
    expect(messages.find((m) => m.id === 3).error.data.code).toBe('INVALID_INPUT');
    expect(messages.find((m) => m.id === 2).result).toMatchObject({ topic: 'txs', chainId: DEV });
    const nonce = (await call('get_account', { address: alice.address })).result.pendingNonce;
    await call('broadcast_tx', {
      tx: transfer(alice, bob.address, 1n, nonce, { chainId: DEV }),
      wait: 'committed',
    });
    const r = await call('broadcast_tx', {
      tx: transfer(alice, target.address, 1n, nonce + 1, { chainId: DEV }),
      wait: 'committed',
    });
    const isTheBlock = (m: any) =>
      m.method === 'subscription' &&
      m.params.topic === 'blocks' &&
      m.params.result.height === r.result.height;
    await eventually(() => messages.some(isTheBlock) && messages.some((m) => m.params?.topic === 'txs'));
    const events = messages.filter((m) => m.method === 'subscription');
    const txEvents = events.filter((m) => m.params.topic === 'txs');
    expect(txEvents.map((m) => m.params.result.hash)).toEqual([r.result.hash]);
    const blockEvent = events.find(
      (m) => m.params.topic === 'blocks' && m.params.result.height === r.result.height,
    );
    expect(blockEvent.params.result.block.txs.length).toBe(blockEvent.params.result.results.length);
    expect(blockEvent.params.result.commit.blockHash).toBe(blockEvent.params.result.hash);
    expect(await metric('aitbc_ws_subscribers')).toBe(2);
    ws.close();
  });

  it('keeps a second node off the same home', async () => {
    await expect(NodeDaemon.start({ home: home.dir, rpcPort: 0, wsPort: 0 })).rejects.toMatchObject({
      code: 'HOME_LOCKED',
    });
    expect((await call('health')).result.ok).toBe(true);
  });
});
