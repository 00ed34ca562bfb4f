/**
 * Event sources for the live watcher, behind one interface: a market event file followed as it grows
 * (CSV or NDJSON, like `tail -f`), or the chain read from a node (JSON-RPC backfill, then the
 * WebSocket `blocks` subscription). A source yields batches until it ends or is aborted; trouble it
 * can ride out (a node that is down, a malformed line) is reported, never thrown.
 */
import * as fs from 'node:fs';
import { StringDecoder } from 'node:string_decoder';
import { AitbcError } from '../core/errors.js';
import type { Transfer } from './detect-chain.js';
import type { MarketEvent, RowError } from './events.js';
import { EventStreamParser, eventSink } from './parse.js';

export type SourceBatch =
  | { kind: 'market'; events: Array<{ event: MarketEvent; line: number }>; rejected: RowError[] }
  | { kind: 'chain'; transfers: Transfer[]; height: number; blockTime: number };

export interface SourceReport {
  level: 'info' | 'warn';
  message: string;
}

export interface EventSource {
  readonly kind: 'market' | 'chain';
  /** what is watched, for `status` */
  readonly description: string;
  /** Batches until the source ends (a file read without follow) or `signal` aborts. */
  batches(signal: AbortSignal, report: (r: SourceReport) => void): AsyncIterable<SourceBatch>;
}

/** Resolves after `ms`, or at once when `signal` aborts. */
export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}

/**
 * A market event file read from the start and, with `follow`, watched for appended lines (polled every
 * `pollMs`). A JSON array cannot be followed; CSV (header first) and NDJSON can.
 */
export class FileFeedSource implements EventSource {
  readonly kind = 'market' as const;
  readonly description: string;

  constructor(
    private readonly file: string,
    private readonly opts: { follow: boolean; pollMs?: number },
  ) {
    this.description = `${opts.follow ? 'follow' : 'read'} ${file}`;
  }

  async *batches(signal: AbortSignal, report: (r: SourceReport) => void): AsyncIterable<SourceBatch> {
    let fd: number;
    try {
      fd = fs.openSync(this.file, 'r');
    } catch (e) {
      throw new AitbcError(
        'MISSING_INPUT',
        `cannot read ${this.file}: ${(e as NodeJS.ErrnoException).code ?? e}`,
        {
          file: this.file,
        },
      );
    }
    const pending: Array<{ event: MarketEvent; line: number }> = [];
    const parser = new EventStreamParser(
      eventSink((event, line) => {
        pending.push({ event, line });
        return undefined;
      }),
      { maxErrors: Number.MAX_SAFE_INTEGER },
    );
    let reported = 0;
    const take = (): SourceBatch => {
      const rejected = parser.errors.slice(reported);
      reported = parser.errors.length;
      return { kind: 'market', events: pending.splice(0), rejected };
    };
    const decoder = new StringDecoder('utf8');
    const buf = Buffer.allocUnsafe(1 << 20);
    let offset = 0;
    try {
      while (!signal.aborted) {
        const n = fs.readSync(fd, buf, 0, buf.length, offset);
        if (n > 0) {
          offset += n;
          parser.push(decoder.write(buf.subarray(0, n)));
          if (this.opts.follow && parser.detectedFormat === 'json') {
            throw new AitbcError(
              'INVALID_INPUT',
              `${this.file} is a JSON array; a followed feed must be CSV or NDJSON`,
              {
                file: this.file,
              },
            );
          }
          if (pending.length > 0 || parser.errors.length > reported) yield take();
          continue;
        }
        if (!this.opts.follow) break;
        const size = fs.fstatSync(fd).size;
        if (size < offset) {
          report({ level: 'warn', message: `${this.file} shrank (truncated?); reading on from its new end` });
          offset = size;
        }
        await sleep(this.opts.pollMs ?? 250, signal);
      }
      if (!this.opts.follow) {
        parser.end();
        yield take();
      }
    } finally {
      fs.closeSync(fd);
    }
  }
}

/** A JSON-RPC error or transport failure from the node. */
class NodeCallError extends Error {
  constructor(
    message: string,
    readonly retryable: boolean,
  ) {
    super(message);
  }
}

interface BlockResult {
  height: number;
  time: number;
  block?: { txs?: unknown[] };
  results?: Array<{ code?: number } | null>;
}

/**
 * The chain as a source of transfers: every committed block from `fromHeight` on, read with
 * `get_blocks` (ascending pages), then followed through the node's WebSocket `blocks` subscription
 * (the `wsUrl` that `status` reports), with `get_blocks` filling any gap. A node that is down or goes
 * away is retried with exponential backoff (1 s doubling to 30 s), each failure reported; the source
 * never throws for it. undici and ws are imported here, lazily.
 */
export class ChainSource implements EventSource {
  readonly kind = 'chain' as const;
  readonly description: string;
  private next: number;

  constructor(
    private readonly url: string,
    private readonly opts: { fromHeight?: number; chainId?: string; timeoutMs?: number } = {},
  ) {
    this.description = `chain at ${url}`;
    this.next = Math.max(1, opts.fromHeight ?? 1);
  }

  private async call(method: string, params: Record<string, unknown>): Promise<unknown> {
    // Through the CLI bundle a dynamic import of this CommonJS package may expose it only as `default`.
    const undici = (await import('undici')) as typeof import('undici') & {
      default?: typeof import('undici');
    };
    const request = undici.request ?? undici.default!.request;
    const body = JSON.stringify({
      jsonrpc: '2.0',
      id: 1,
      method,
      params: this.opts.chainId ? { ...params, chainId: this.opts.chainId } : params,
    });
    let res: Awaited<ReturnType<typeof request>>;
    try {
      res = await request(this.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body,
        headersTimeout: this.opts.timeoutMs ?? 30_000,
        bodyTimeout: this.opts.timeoutMs ?? 30_000,
      });
    } catch (e) {
      throw new NodeCallError(`node unreachable at ${this.url}: ${(e as Error).message}`, true);
    }
    const text = await res.body.text();
    if (res.statusCode >= 500) throw new NodeCallError(`node answered HTTP ${res.statusCode}`, true);
    let doc: { result?: unknown; error?: { message?: string } };
    try {
      doc = JSON.parse(text);
    } catch {
      throw new NodeCallError(`node answered something that is not JSON (HTTP ${res.statusCode})`, true);
    }
    if (doc.error) throw new NodeCallError(`node refused ${method}: ${doc.error.message ?? 'error'}`, false);
    return doc.result;
  }

  /** Transfers of one `get_block` result: successful `transfer` transactions only. */
  private async transfersOf(b: BlockResult): Promise<Transfer[]> {
    const { txHash } = await import('../protocol/tx.js');
    const out: Transfer[] = [];
    (b.block?.txs ?? []).forEach((raw, i) => {
      const tx = raw as {
        type?: string;
        from?: string;
        body?: { to?: string; amount?: string };
      };
      if (tx.type !== 'transfer' || typeof tx.from !== 'string' || typeof tx.body?.to !== 'string') return;
      if ((b.results?.[i]?.code ?? 0) !== 0) return;
      let amount: bigint;
      try {
        amount = BigInt(tx.body.amount ?? '0');
      } catch {
        return;
      }
      out.push({
        hash: txHash(raw as Parameters<typeof txHash>[0]),
        height: b.height,
        time: b.time,
        from: tx.from,
        to: tx.body.to,
        amount,
      });
    });
    return out;
  }

  /** Reads committed blocks from `next` up to `tip`, page by page. */
  private async *catchUp(tip: number, signal: AbortSignal): AsyncIterable<SourceBatch> {
    while (this.next <= tip && !signal.aborted) {
      const page = (await this.call('get_blocks', { from: this.next, limit: 100, order: 'asc' })) as {
        items?: BlockResult[];
      };
      const items = page.items ?? [];
      if (items.length === 0) break;
      for (const b of items) {
        if (b.height !== this.next) continue;
        this.next = b.height + 1;
        yield { kind: 'chain', transfers: await this.transfersOf(b), height: b.height, blockTime: b.time };
      }
    }
  }

  async *batches(signal: AbortSignal, report: (r: SourceReport) => void): AsyncIterable<SourceBatch> {
    let delay = 1000;
    while (!signal.aborted) {
      try {
        const status = (await this.call('status', {})) as { height?: number; wsUrl?: string };
        delay = 1000;
        yield* this.catchUp(status.height ?? 0, signal);
        if (status.wsUrl) yield* this.follow(status.wsUrl, signal, report);
        else await sleep(1000, signal);
      } catch (e) {
        if (e instanceof NodeCallError && !e.retryable) throw new AitbcError('UNREACHABLE', e.message, {});
        if (signal.aborted) break;
        report({ level: 'warn', message: `${(e as Error).message}; retrying in ${delay / 1000} s` });
        await sleep(delay, signal);
        delay = Math.min(30_000, delay * 2);
      }
    }
  }

  /** Blocks as the WebSocket delivers them; returns when the socket closes (the caller reconnects). */
  private async *follow(
    wsUrl: string,
    signal: AbortSignal,
    report: (r: SourceReport) => void,
  ): AsyncIterable<SourceBatch> {
    const { default: WebSocket } = await import('ws');
    const socket = new WebSocket(wsUrl);
    const queue: BlockResult[] = [];
    let wake: (() => void) | undefined;
    let closed: Error | undefined;
    const poke = () => {
      wake?.();
      wake = undefined;
    };
    socket.on('open', () => {
      socket.send(
        JSON.stringify({
          jsonrpc: '2.0',
          id: 1,
          method: 'subscribe',
          params: { topic: 'blocks', ...(this.opts.chainId ? { chainId: this.opts.chainId } : {}) },
        }),
      );
      report({ level: 'info', message: `subscribed to blocks at ${wsUrl}` });
    });
    socket.on('message', (data) => {
      try {
        const msg = JSON.parse(String(data)) as { params?: { topic?: string; result?: BlockResult } };
        if (msg.params?.topic === 'blocks' && msg.params.result) {
          queue.push(msg.params.result);
          poke();
        }
      } catch {
        report({ level: 'warn', message: 'ignored a WebSocket message that is not JSON' });
      }
    });
    socket.on('close', () => {
      closed ??= new NodeCallError(`WebSocket ${wsUrl} closed`, true);
      poke();
    });
    socket.on('error', (e) => {
      closed = new NodeCallError(`WebSocket ${wsUrl}: ${e.message}`, true);
      poke();
    });
    const onAbort = () => socket.close();
    signal.addEventListener('abort', onAbort, { once: true });
    try {
      while (!signal.aborted) {
        const b = queue.shift();
        if (b === undefined) {
          if (closed) throw closed;
          await new Promise<void>((r) => {
            wake = r;
          });
          continue;
        }
        if (b.height < this.next) continue;
        // A gap (a missed event): read the missing blocks first.
        if (b.height > this.next) yield* this.catchUp(b.height - 1, signal);
        if (b.height !== this.next) continue;
        this.next = b.height + 1;
        yield { kind: 'chain', transfers: await this.transfersOf(b), height: b.height, blockTime: b.time };
      }
    } finally {
      signal.removeEventListener('abort', onAbort);
      socket.removeAllListeners();
      socket.on('error', () => {});
      socket.close();
    }
  }
}
