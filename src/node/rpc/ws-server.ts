/**
 * The WebSocket endpoint (DESIGN §7, port 26658): JSON-RPC `subscribe` to `blocks` or `txs` (optionally
 * only the transactions touching one address) on one chain, then notifications carrying full committed
 * blocks with their transactions, results and commit. Events are sent only after the block's SQLite
 * transaction has committed (the daemon publishes from its commit hook).
 *
 * A subscriber that cannot keep up (more than `maxBufferedBytes` unsent) is disconnected with close code
 * 1013 rather than letting the node's memory grow.
 */
import type { AddressInfo } from 'node:net';
import { WebSocket, WebSocketServer } from 'ws';
import { AitbcError } from '../../core/errors.js';
import { isAddress } from '../../crypto/address.js';
import { errorResponse, parseCall, parseErrorResponse, type RpcResponse } from './jsonrpc.js';

export type Topic = 'blocks' | 'txs';

/** A committed block as published: the block record plus the addresses each transaction touches. */
export interface PublishedBlock {
  chainId: string;
  height: number;
  /** The `get_block` result for this block, as JSON text (built only when someone listens). */
  blockInfoText: () => string;
  /** Each transaction's `get_tx` result as JSON text, and the addresses it touches. */
  txs: ReadonlyArray<{ infoText: () => string; addresses: readonly string[] }>;
}

interface Subscription {
  id: string;
  socket: WebSocket;
  chainId: string;
  topic: Topic;
  address?: string;
}

export interface WsServerOptions {
  host: string;
  port: number;
  /** Resolves a requested chain id (undefined → the default chain); throws for unknown chains. */
  resolveChain: (chainId: string | undefined) => string;
  maxBufferedBytes?: number;
  maxSubscriptionsPerSocket?: number;
  onSubscriptionsChanged?: (count: number) => void;
}

/** The WebSocket server and its subscription hub. */
export class WsServer {
  private readonly wss: WebSocketServer;
  private readonly subs = new Map<string, Subscription>();
  private nextId = 1;
  private readonly maxBuffered: number;
  private readonly maxPerSocket: number;

  private constructor(
    wss: WebSocketServer,
    private readonly opts: WsServerOptions,
  ) {
    this.wss = wss;
    this.maxBuffered = opts.maxBufferedBytes ?? 64 * 1024 * 1024;
    this.maxPerSocket = opts.maxSubscriptionsPerSocket ?? 32;
    wss.on('connection', (socket) => this.onConnection(socket));
  }

  /** Binds the port (0 picks a free one) and resolves once listening. */
  static listen(opts: WsServerOptions): Promise<WsServer> {
    return new Promise((resolve, reject) => {
      const wss = new WebSocketServer({ host: opts.host, port: opts.port, maxPayload: 64 * 1024 });
      const onError = (e: Error) => reject(e);
      wss.once('error', onError);
      wss.once('listening', () => {
        wss.off('error', onError);
        resolve(new WsServer(wss, opts));
      });
    });
  }

  /** The bound port. */
  get port(): number {
    return (this.wss.address() as AddressInfo).port;
  }

  /** Open subscriptions. */
  get subscriptionCount(): number {
    return this.subs.size;
  }

  /** True when anyone listens on this chain (publishers skip building events otherwise). */
  hasSubscribers(chainId: string): boolean {
    for (const s of this.subs.values()) if (s.chainId === chainId) return true;
    return false;
  }

  /** Sends a committed block to its chain's subscribers; each event is serialised once. */
  publish(block: PublishedBlock): void {
    let blockText: string | undefined;
    const txTexts = new Map<number, string>();
    for (const s of this.subs.values()) {
      if (s.chainId !== block.chainId) continue;
      if (s.topic === 'blocks') {
        blockText ??= block.blockInfoText();
        this.send(s, 'blocks', blockText);
        continue;
      }
      for (let i = 0; i < block.txs.length; i++) {
        const t = block.txs[i];
        if (s.address !== undefined && !t.addresses.includes(s.address)) continue;
        let text = txTexts.get(i);
        if (text === undefined) {
          text = t.infoText();
          txTexts.set(i, text);
        }
        this.send(s, 'txs', text);
      }
    }
  }

  /** Closes every socket and the server. */
  close(): Promise<void> {
    for (const c of this.wss.clients) c.terminate();
    this.subs.clear();
    return new Promise((resolve) => this.wss.close(() => resolve()));
  }

  private send(s: Subscription, topic: Topic, resultText: string): void {
    if (s.socket.readyState !== WebSocket.OPEN) return;
    if (s.socket.bufferedAmount > this.maxBuffered) {
      s.socket.close(1013, 'subscriber too slow');
      this.dropSocket(s.socket);
      return;
    }
    s.socket.send(
      `{"jsonrpc":"2.0","method":"subscription","params":{"subscription":${JSON.stringify(s.id)},"topic":"${topic}","chainId":${JSON.stringify(s.chainId)},"result":${resultText}}}`,
    );
  }

  private onConnection(socket: WebSocket): void {
    socket.on('message', (data, isBinary) => {
      const reply = this.onMessage(socket, isBinary ? undefined : data.toString());
      if (reply !== undefined && socket.readyState === WebSocket.OPEN) socket.send(JSON.stringify(reply));
    });
    socket.on('close', () => this.dropSocket(socket));
    socket.on('error', () => this.dropSocket(socket));
  }

  private dropSocket(socket: WebSocket): void {
    let changed = false;
    for (const [id, s] of this.subs) {
      if (s.socket === socket) {
        this.subs.delete(id);
        changed = true;
      }
    }
    if (changed) this.opts.onSubscriptionsChanged?.(this.subs.size);
  }

  private onMessage(socket: WebSocket, text: string | undefined): RpcResponse | undefined {
    if (text === undefined) return parseErrorResponse('binary frames are not JSON');
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch (e) {
      return parseErrorResponse((e as Error).message);
    }
    const parsed = parseCall(body);
    if (!parsed.ok) return parsed.response;
    const { id, method, params } = parsed.call;
    try {
      let result: unknown;
      if (method === 'subscribe') result = this.subscribe(socket, params);
      else if (method === 'unsubscribe') result = this.unsubscribe(socket, params);
      else
        throw new AitbcError(
          'METHOD_NOT_FOUND',
          `method not found: ${method} (use subscribe or unsubscribe)`,
          { method },
        );
      return id === undefined ? undefined : { jsonrpc: '2.0', id, result };
    } catch (e) {
      return id === undefined ? undefined : errorResponse(id, e);
    }
  }

  private subscribe(
    socket: WebSocket,
    params: Record<string, unknown>,
  ): { subscription: string; topic: Topic; chainId: string } {
    for (const k of Object.keys(params))
      if (k !== 'topic' && k !== 'address' && k !== 'chainId')
        throw new AitbcError('INVALID_INPUT', `unknown param ${k}`, { param: k });
    const topic = params.topic;
    if (topic !== 'blocks' && topic !== 'txs')
      throw new AitbcError('INVALID_INPUT', 'param topic must be "blocks" or "txs"', { param: 'topic' });
    if (params.address !== undefined && (topic !== 'txs' || !isAddress(params.address)))
      throw new AitbcError(
        'INVALID_ADDRESS',
        'param address must be a lowercase ait1… address, with topic "txs"',
        {
          param: 'address',
        },
      );
    if (params.chainId !== undefined && typeof params.chainId !== 'string')
      throw new AitbcError('INVALID_INPUT', 'param chainId must be a string', { param: 'chainId' });
    const chainId = this.opts.resolveChain(params.chainId as string | undefined);
    let mine = 0;
    for (const s of this.subs.values()) if (s.socket === socket) mine++;
    if (mine >= this.maxPerSocket)
      throw new AitbcError('RATE_LIMITED', `at most ${this.maxPerSocket} subscriptions per connection`, {});
    const id = String(this.nextId++);
    this.subs.set(id, {
      id,
      socket,
      chainId,
      topic,
      ...(params.address === undefined ? {} : { address: params.address as string }),
    });
    this.opts.onSubscriptionsChanged?.(this.subs.size);
    return { subscription: id, topic, chainId };
  }

  private unsubscribe(socket: WebSocket, params: Record<string, unknown>): { unsubscribed: boolean } {
    const id = params.subscription;
    if (typeof id !== 'string')
      throw new AitbcError('INVALID_INPUT', 'param subscription must be a string', { param: 'subscription' });
    const s = this.subs.get(id);
    if (s === undefined || s.socket !== socket) return { unsubscribed: false };
    this.subs.delete(id);
    this.opts.onSubscriptionsChanged?.(this.subs.size);
    return { unsubscribed: true };
  }
}
