import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { NodeRpc } from '../../../src/client/node-rpc.js';
import { isAitbcError } from '../../../src/core/errors.js';

type Handler = (body: any, req: IncomingMessage, res: ServerResponse) => void;

interface Fake {
  url: string;
  hits: any[];
  close(): Promise<void>;
}

const open: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (open.length > 0) await open.pop()?.();
});

/** A real HTTP server on 127.0.0.1, port 0, answering with `handler` and recording every request body. */
async function fakeNode(handler: Handler): Promise<Fake> {
  const hits: any[] = [];
  const server: Server = createServer((req, res) => {
    let text = '';
    req.setEncoding('utf8');
    req.on('data', (d) => (text += d));
    req.on('end', () => {
      const body = JSON.parse(text);
      hits.push(body);
      handler(body, req, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  open.push(close);
  return { url: `http://127.0.0.1:${port}`, hits, close };
}

function reply(res: ServerResponse, status: number, value: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(typeof value === 'string' ? value : JSON.stringify(value));
}

function client(url: string, opts: Partial<ConstructorParameters<typeof NodeRpc>[0]> = {}): NodeRpc {
  const rpc = new NodeRpc({ url, retryBaseMs: 5, ...opts });
  open.push(() => rpc.close());
  return rpc;
}

async function failure(p: Promise<unknown>) {
  try {
    await p;
  } catch (e) {
    if (isAitbcError(e)) return e;
    throw e;
  }
  throw new Error('expected the call to fail');
}

describe('NodeRpc', () => {
  it('sends JSON-RPC 2.0 and returns the result, naming the chain when one is set', async () => {
    const node = await fakeNode((b, _q, res) =>
      reply(res, 200, { jsonrpc: '2.0', id: b.id, result: { address: b.params.address, balance: '7' } }),
    );
    const rpc = client(node.url, { chainId: 'devnet-1' });
    const r = await rpc.getBalance('ait1xyz');
    expect(r).toEqual({ address: 'ait1xyz', balance: '7' });
    expect(node.hits[0]).toMatchObject({
      jsonrpc: '2.0',
      method: 'get_balance',
      params: { address: 'ait1xyz', chainId: 'devnet-1' },
    });
  });

  it('omits chainId when none is set, and asks status once when asked to resolve it', async () => {
    const node = await fakeNode((b, _q, res) =>
      reply(res, 200, {
        jsonrpc: '2.0',
        id: b.id,
        result: b.method === 'status' ? { chainId: 'first' } : { ok: true },
      }),
    );
    const rpc = client(node.url);
    await rpc.health();
    expect(node.hits[0].params).toEqual({});
    expect(await rpc.resolveChainId()).toBe('first');
    expect(await rpc.resolveChainId()).toBe('first');
    await rpc.health();
    expect(node.hits.map((h) => h.method)).toEqual(['health', 'status', 'health']);
    expect(node.hits[2].params).toEqual({ chainId: 'first' });
  });

  it('turns error.data.code into that AitbcError and never retries it, whatever the HTTP status', async () => {
    for (const status of [200, 400, 500]) {
      const node = await fakeNode((b, _q, res) =>
        reply(res, status, {
          jsonrpc: '2.0',
          id: b.id,
          error: {
            code: -32000,
            message: 'insufficient funds: balance 5 < 9',
            data: { code: 'INSUFFICIENT_FUNDS', details: { balance: '5' } },
          },
        }),
      );
      const e = await failure(client(node.url).getAccount('ait1abc'));
      expect(e.code).toBe('INSUFFICIENT_FUNDS');
      expect(e.message).toBe('insufficient funds: balance 5 < 9');
      expect(e.details).toMatchObject({ balance: '5', method: 'get_account' });
      expect(node.hits).toHaveLength(1);
    }
  });

  it('maps JSON-RPC protocol codes onto CLI codes', async () => {
    const cases: Array<[number, string]> = [
      [-32601, 'METHOD_NOT_FOUND'],
      [-32602, 'INVALID_INPUT'],
      [-32600, 'INVALID_INPUT'],
      [-32700, 'INVALID_INPUT'],
      [-32603, 'INTERNAL'],
    ];
    for (const [code, expected] of cases) {
      const node = await fakeNode((b, _q, res) =>
        reply(res, 200, { jsonrpc: '2.0', id: b.id, error: { code, message: 'x' } }),
      );
      const e = await failure(client(node.url).call('whatever'));
      expect(e.code).toBe(expected);
      expect(node.hits).toHaveLength(1);
    }
  });

  it('keeps an unknown remote code in the details instead of inventing a local one', async () => {
    const node = await fakeNode((b, _q, res) =>
      reply(res, 200, {
        jsonrpc: '2.0',
        id: b.id,
        error: { code: -32000, message: 'odd', data: { code: 'SOMETHING_NEW' } },
      }),
    );
    const e = await failure(client(node.url).call('x'));
    expect(e.code).toBe('INTERNAL');
    expect(e.details.remoteCode).toBe('SOMETHING_NEW');
  });

  it('retries a 5xx without a rule error, with a bound, then succeeds', async () => {
    let n = 0;
    const node = await fakeNode((b, _q, res) => {
      n++;
      if (n <= 2) reply(res, 503, 'busy');
      else reply(res, 200, { jsonrpc: '2.0', id: b.id, result: { ok: true } });
    });
    expect(await client(node.url).health()).toEqual({ ok: true });
    expect(node.hits).toHaveLength(3);
  });

  it('gives up after the bounded retries on a persistent 5xx', async () => {
    const node = await fakeNode((_b, _q, res) => reply(res, 502, 'bad gateway'));
    const e = await failure(client(node.url, { retries: 2 }).health());
    expect(e.code).toBe('UNREACHABLE');
    expect(e.details.status).toBe(502);
    expect(node.hits).toHaveLength(3);
  });

  it('does not retry a 4xx', async () => {
    const node = await fakeNode((_b, _q, res) => reply(res, 404, 'not here'));
    const e = await failure(client(node.url).health());
    expect(e.code).toBe('UNREACHABLE');
    expect(e.message).toContain('HTTP 404');
    expect(node.hits).toHaveLength(1);
  });

  it('reports a refused connection as UNREACHABLE naming the URL', async () => {
    const node = await fakeNode(() => undefined);
    await node.close();
    const e = await failure(client(node.url, { retries: 2 }).status());
    expect(e.code).toBe('UNREACHABLE');
    expect(e.message).toContain(node.url);
    expect(e.details).toMatchObject({ url: node.url, reason: 'ECONNREFUSED' });
  });

  it('reports a node that never answers as TIMEOUT', async () => {
    const node = await fakeNode(() => undefined);
    const e = await failure(client(node.url, { timeoutMs: 300 }).status());
    expect(e.code).toBe('TIMEOUT');
    expect(e.details).toMatchObject({ url: node.url, method: 'status', timeoutSeconds: 0.3 });
    expect(node.hits).toHaveLength(1);
  });

  it('sends batches and returns each outcome in call order', async () => {
    const node = await fakeNode((b, _q, res) =>
      reply(
        res,
        200,
        [...b].reverse().map((c: any) =>
          c.method === 'bad'
            ? {
                jsonrpc: '2.0',
                id: c.id,
                error: { code: -32000, message: 'low fee', data: { code: 'FEE_TOO_LOW' } },
              }
            : { jsonrpc: '2.0', id: c.id, result: c.params.n },
        ),
      ),
    );
    const out = await client(node.url).batch([
      { method: 'ok', params: { n: 1 } },
      { method: 'bad' },
      { method: 'ok', params: { n: 3 } },
    ]);
    expect(out[0]).toEqual({ ok: true, result: 1 });
    expect(out[1].ok).toBe(false);
    expect(!out[1].ok && out[1].error.code).toBe('FEE_TOO_LOW');
    expect(out[2]).toEqual({ ok: true, result: 3 });
    expect(node.hits).toHaveLength(1);
  });

  it('refuses an answer that is not JSON-RPC', async () => {
    const node = await fakeNode((_b, _q, res) => reply(res, 200, '<html>hello</html>'));
    const e = await failure(client(node.url).status());
    expect(e.code).toBe('UNREACHABLE');
  });
});
