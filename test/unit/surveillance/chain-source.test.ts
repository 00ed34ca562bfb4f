import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocketServer } from 'ws';
import { txHash } from '../../../src/protocol/tx.js';
import type { SignedTx } from '../../../src/protocol/types.js';
import { ChainSource, type SourceBatch, type SourceReport } from '../../../src/surveillance/sources.js';

/** A stand-in node speaking the RPC contract of DESIGN §7 / docs/chain.md, on 127.0.0.1 port 0. */
function transfer(from: string, to: string, amount: string, nonce: number): SignedTx {
  return {
    chainId: 'test',
    type: 'transfer',
    from,
    pubkey: '00'.repeat(32),
    nonce,
    fee: '1000',
    body: { to, amount },
    sig: '11'.repeat(64),
  } as SignedTx;
}

function blockResult(height: number, txs: SignedTx[], codes: number[] = txs.map(() => 0)) {
  return {
    hash: height.toString(16).padStart(64, '0'),
    height,
    time: Date.UTC(2024, 0, 1) + height * 1000,
    txCount: txs.length,
    block: { header: { height }, txs, lastCommit: null },
    commit: null,
    results: codes.map((code) => ({ code, log: '' })),
  };
}

const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (closers.length) await closers.pop()!();
});

async function fakeNode(blocks: ReturnType<typeof blockResult>[], live: ReturnType<typeof blockResult>[]) {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise((r) => wss.once('listening', r));
  const wsUrl = `ws://127.0.0.1:${(wss.address() as AddressInfo).port}`;
  wss.on('connection', (socket) => {
    socket.on('message', (data) => {
      const msg = JSON.parse(String(data));
      socket.send(
        JSON.stringify({
          jsonrpc: '2.0',
          id: msg.id,
          result: { subscription: '1', topic: 'blocks', chainId: 'test' },
        }),
      );
      for (const b of live) {
        socket.send(
          JSON.stringify({
            jsonrpc: '2.0',
            method: 'subscription',
            params: { subscription: '1', topic: 'blocks', chainId: 'test', result: b },
          }),
        );
      }
    });
  });
  const calls: string[] = [];
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (d) => (body += d));
    req.on('end', () => {
      const { id, method, params } = JSON.parse(body);
      calls.push(method);
      const all = blocks;
      let result: unknown;
      if (method === 'status') result = { chainId: 'test', height: blocks.length, wsUrl };
      else if (method === 'get_blocks')
        result = { items: all.filter((b) => b.height >= params.from).slice(0, params.limit) };
      res.setHeader('content-type', 'application/json');
      res.end(
        JSON.stringify(
          result === undefined
            ? { jsonrpc: '2.0', id, error: { code: -32601, message: 'nope' } }
            : { jsonrpc: '2.0', id, result },
        ),
      );
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  closers.push(
    () => new Promise((r) => server.close(() => r())),
    () => new Promise((r) => wss.close(() => r())),
  );
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, calls };
}

describe('chain source', () => {
  it('backfills with get_blocks, then follows the blocks subscription, keeping successful transfers', async () => {
    const t1 = transfer('ait1a', 'ait1b', '500', 0);
    const t2 = transfer('ait1b', 'ait1c', '400', 0);
    const failed = transfer('ait1c', 'ait1a', '300', 0);
    const node = await fakeNode(
      [blockResult(1, [t1]), blockResult(2, [t2, failed], [0, 1])],
      [blockResult(3, []), blockResult(4, [transfer('ait1c', 'ait1a', '390', 1)])],
    );
    const ac = new AbortController();
    const batches: SourceBatch[] = [];
    for await (const b of new ChainSource(node.url).batches(ac.signal, () => {})) {
      batches.push(b);
      if (batches.length === 4) ac.abort();
    }
    expect(batches.map((b) => (b.kind === 'chain' ? b.height : 0))).toEqual([1, 2, 3, 4]);
    const transfers = batches.flatMap((b) => (b.kind === 'chain' ? b.transfers : []));
    expect(transfers.map((t) => [t.from, t.to, t.amount])).toEqual([
      ['ait1a', 'ait1b', 500n],
      ['ait1b', 'ait1c', 400n],
      ['ait1c', 'ait1a', 390n],
    ]);
    expect(transfers[0].hash).toBe(txHash(t1));
    expect(node.calls.slice(0, 2)).toEqual(['status', 'get_blocks']);
  });

  it('reports an unreachable node and retries instead of failing', async () => {
    const probe = createServer();
    await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
    const port = (probe.address() as AddressInfo).port;
    await new Promise<void>((r) => probe.close(() => r()));
    const ac = new AbortController();
    const reports: SourceReport[] = [];
    const run = (async () => {
      for await (const _ of new ChainSource(`http://127.0.0.1:${port}`, { timeoutMs: 2000 }).batches(
        ac.signal,
        (r) => {
          reports.push(r);
          if (reports.length === 2) ac.abort();
        },
      )) {
        // no batches from a dead node
      }
    })();
    await run;
    expect(reports).toHaveLength(2);
    expect(reports[0]).toMatchObject({ level: 'warn' });
    expect(reports[0].message).toMatch(/unreachable.*retrying in 1 s/);
    expect(reports[1].message).toMatch(/retrying in 2 s/);
  });
});
