/**
 * The RPC endpoint on node:http (DESIGN §7, port 26657): JSON-RPC 2.0 at `POST /` (batches allowed),
 * every method also as `GET /<method>?…`, and `GET /metrics` in Prometheus text.
 *
 * HTTP statuses: a POST answers 200 with JSON-RPC envelopes whatever the outcome (the error is in the
 * body), except 413 for a body over the limit. A GET answers the same envelope (id null) with a status
 * that tells plain HTTP clients what happened: 200, 400 (bad params or a refused rule), 403, 404 (unknown
 * method or thing), 429, 500.
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseStrictJson } from '../../core/canonical-json.js';
import { AitbcError, type ErrorCode, isAitbcError } from '../../core/errors.js';
import {
  errorResponse,
  type Handler,
  handleBody,
  parseErrorResponse,
  RPC_ERROR,
  type RpcResponse,
  serializeResponses,
} from './jsonrpc.js';
import { checkParams, type ParamSchema, paramsFromQuery } from './params.js';

/** One RPC method: its params schema and its handler (params already checked). */
export interface RpcMethod {
  schema: ParamSchema;
  handler: Handler;
}

export interface RpcServerOptions {
  host: string;
  port: number;
  methods: ReadonlyMap<string, RpcMethod>;
  /** Largest request body accepted (bytes). */
  maxBodyBytes?: number;
  /** Largest batch accepted (calls). */
  maxBatch?: number;
  /** Called once per call with the method name (unknown methods as "unknown"). */
  onCall?: (method: string) => void;
  /** The Prometheus text for `GET /metrics`. */
  metrics: () => string;
}

export const DEFAULT_MAX_BODY_BYTES = 8 * 1024 * 1024;
export const DEFAULT_MAX_BATCH = 2_000;

function statusFor(code: ErrorCode | undefined): number {
  if (code === undefined || code === 'INTERNAL') return 500;
  if (code === 'METHOD_NOT_FOUND' || code.endsWith('_NOT_FOUND')) return 404;
  if (code === 'FORBIDDEN') return 403;
  if (code === 'RATE_LIMITED') return 429;
  return 400;
}

/** The HTTP server with its method table. */
export class RpcServer {
  private readonly server: http.Server;
  private readonly maxBody: number;
  private readonly maxBatch: number;

  private constructor(
    server: http.Server,
    private readonly opts: RpcServerOptions,
  ) {
    this.server = server;
    this.maxBody = opts.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
    this.maxBatch = opts.maxBatch ?? DEFAULT_MAX_BATCH;
    server.on('request', (req, res) => this.onRequest(req, res));
  }

  /** Binds (port 0 picks a free one) and resolves once listening. */
  static listen(opts: RpcServerOptions): Promise<RpcServer> {
    const server = http.createServer({ keepAliveTimeout: 10_000 });
    const rpc = new RpcServer(server, opts);
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(opts.port, opts.host, () => {
        server.off('error', reject);
        resolve(rpc);
      });
    });
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  /** Stops accepting, ends idle keep-alive sockets and waits for in-flight requests. */
  close(): Promise<void> {
    return new Promise((resolve) => {
      this.server.close(() => resolve());
      this.server.closeIdleConnections();
      setTimeout(() => this.server.closeAllConnections(), 2_000).unref();
    });
  }

  /** Looks a method up for dispatch, checking its params first. */
  private lookup = (method: string): Handler | undefined => {
    const m = this.opts.methods.get(method);
    this.opts.onCall?.(m === undefined ? 'unknown' : method);
    if (m === undefined) return undefined;
    return (params) => {
      checkParams(m.schema, params);
      return m.handler(params);
    };
  };

  private onRequest(req: http.IncomingMessage, res: http.ServerResponse): void {
    const url = new URL(req.url ?? '/', 'http://node');
    if (req.method === 'POST' && url.pathname === '/') {
      this.onPost(req, res);
      return;
    }
    if (req.method === 'GET' || req.method === 'HEAD') {
      if (url.pathname === '/metrics') {
        send(res, 200, this.opts.metrics(), 'text/plain; version=0.0.4; charset=utf-8');
        return;
      }
      if (url.pathname === '/') {
        sendJson(res, 200, {
          jsonrpc: '2.0',
          id: null,
          result: { methods: [...this.opts.methods.keys()].sort() },
        });
        return;
      }
      void this.onGet(url, res);
      return;
    }
    res.setHeader('allow', 'GET, POST');
    sendJson(res, 405, {
      jsonrpc: '2.0',
      id: null,
      error: {
        code: RPC_ERROR.INVALID_REQUEST,
        message: `HTTP ${req.method} is not served`,
        data: { code: 'INVALID_INPUT' },
      },
    });
  }

  private async onGet(url: URL, res: http.ServerResponse): Promise<void> {
    const method = decodeURIComponent(url.pathname.slice(1));
    let response: RpcResponse;
    const m = this.opts.methods.get(method);
    this.opts.onCall?.(m === undefined ? 'unknown' : method);
    if (m === undefined) {
      response = errorResponse(
        null,
        new AitbcError('METHOD_NOT_FOUND', `method not found: ${method}`, { method }),
      );
    } else {
      try {
        const params = paramsFromQuery(m.schema, url.searchParams);
        checkParams(m.schema, params);
        response = { jsonrpc: '2.0', id: null, result: await m.handler(params) };
      } catch (e) {
        response = errorResponse(null, e);
      }
    }
    const status = 'error' in response ? statusFor(response.error.data.code) : 200;
    send(res, status, serializeResponses(response), 'application/json');
  }

  private onPost(req: http.IncomingMessage, res: http.ServerResponse): void {
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > this.maxBody) {
      this.tooLarge(req, res);
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let refused = false;
    req.on('data', (chunk: Buffer) => {
      if (refused) return;
      size += chunk.length;
      if (size > this.maxBody) {
        refused = true;
        this.tooLarge(req, res);
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      if (refused) return;
      void this.onBody(Buffer.concat(chunks, size).toString('utf8'), res);
    });
  }

  private async onBody(text: string, res: http.ServerResponse): Promise<void> {
    let body: unknown;
    try {
      body = parseStrictJson(text);
    } catch (e) {
      sendJson(
        res,
        200,
        parseErrorResponse(isAitbcError(e) ? e.message.replace(/^malformed JSON: /, '') : 'malformed JSON'),
      );
      return;
    }
    const out = await handleBody(body, this.lookup, { maxBatch: this.maxBatch });
    if (out === undefined) {
      res.writeHead(204).end();
      return;
    }
    send(res, 200, serializeResponses(out), 'application/json');
  }

  private tooLarge(req: http.IncomingMessage, res: http.ServerResponse): void {
    res.setHeader('connection', 'close');
    sendJson(res, 413, {
      jsonrpc: '2.0',
      id: null,
      error: {
        code: RPC_ERROR.INVALID_REQUEST,
        message: `request body exceeds ${this.maxBody} bytes`,
        data: { code: 'INVALID_INPUT', details: { maxBodyBytes: this.maxBody } },
      },
    });
    req.resume();
  }
}

function send(res: http.ServerResponse, status: number, text: string, type: string): void {
  if (res.headersSent) return;
  res.writeHead(status, { 'content-type': type, 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

function sendJson(res: http.ServerResponse, status: number, value: unknown): void {
  send(res, status, JSON.stringify(value), 'application/json');
}
