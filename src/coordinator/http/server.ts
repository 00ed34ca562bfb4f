/**
 * The HTTP server on node:http: routing, body limits, `X-Api-Key` roles, signed-request verification
 * (DESIGN §8), JSON and NDJSON replies, `{error: {code, message, details}}` on failure, and request
 * metrics. What each route does is src/coordinator/http/routes.ts.
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseStrictJson } from '../../core/canonical-json.js';
import { AitbcError, isAitbcError } from '../../core/errors.js';
import type { MetricsRegistry } from '../../core/prometheus.js';
import {
  confirmRequestSignature,
  readSignedRequest,
  type VerifiedRequest,
} from '../../protocol/signed-request.js';
import type { VerifyFn } from '../../protocol/types.js';
import type { CoreOptions } from '../core.js';
import type { Access, ApiKeyTable } from './api-keys.js';
import { httpStatusFor } from './status.js';

/** What a handler gets. */
export interface RequestContext {
  req: http.IncomingMessage;
  res: http.ServerResponse;
  /** path parameters captured by the route pattern */
  params: string[];
  query: URLSearchParams;
  /** the raw body */
  body: Buffer;
  /** the signer, on signed routes */
  caller: VerifiedRequest;
  /** true when the API key's role is admin */
  admin: boolean;
}

/** A JSON reply, or `undefined` when the handler wrote the response itself (streams, long-polls). */
export type Reply = { status: number; body: unknown } | undefined;

export interface Route {
  method: 'GET' | 'POST' | 'DELETE';
  /** anchored pattern; capture groups become `params` */
  pattern: RegExp;
  /** metric label */
  name: string;
  access: Access;
  /** does the route require a request signature? */
  signed: boolean;
  /** does the route take a body (others refuse one)? */
  body?: boolean;
  handle(ctx: RequestContext): Promise<Reply> | Reply;
}

export interface HttpApiOptions {
  host: string;
  port: number;
  routes: readonly Route[];
  apiKeys: ApiKeyTable;
  /** the coordinator's address: the audience every signature must name */
  audience: string;
  verify: VerifyFn;
  /** verifies request signatures on worker threads ahead of `verify` */
  preverify: CoreOptions['preverify'];
  now: () => number;
  maxBodyBytes: number;
  metrics: MetricsRegistry;
}

/** Parses a request body as strict I-JSON; an empty body is `undefined`. @throws AitbcError INVALID_INPUT */
export function jsonBody(body: Buffer): unknown {
  if (body.length === 0) return undefined;
  return parseStrictJson(body.toString('utf8'));
}

/** Writes one JSON reply. */
export function sendJson(res: http.ServerResponse, status: number, value: unknown): void {
  const text = JSON.stringify(value);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    'cache-control': 'no-store',
  });
  res.end(text);
}

/** The API's error shape: `{error: {code, message, details}}`. */
export function errorBody(e: AitbcError): {
  error: { code: string; message: string; details: Record<string, unknown> };
} {
  return { error: { code: e.code, message: e.message, details: e.details } };
}

/** The listening server and its request pipeline. */
export class HttpApi {
  private constructor(
    private readonly server: http.Server,
    private readonly o: HttpApiOptions,
  ) {
    server.on('request', (req, res) => {
      void this.onRequest(req, res);
    });
    o.metrics.define('aitbc_coordinator_http_requests_total', 'counter', 'HTTP requests by route and status');
  }

  /** Binds (port 0 picks a free one) and resolves once listening. */
  static listen(o: HttpApiOptions): Promise<HttpApi> {
    const server = http.createServer({ keepAliveTimeout: 30_000, requestTimeout: 0 });
    const api = new HttpApi(server, o);
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(o.port, o.host, () => {
        server.off('error', reject);
        resolve(api);
      });
    });
  }

  /** `http://host:port` as bound. */
  get url(): string {
    const a = this.server.address() as AddressInfo;
    const host = a.family === 'IPv6' ? `[${a.address}]` : a.address;
    return `http://${host}:${a.port}`;
  }

  /** Stops accepting connections and closes idle ones; open streams are ended by their owners. */
  close(): Promise<void> {
    return new Promise((resolve) => {
      this.server.close(() => resolve());
      this.server.closeIdleConnections();
      setTimeout(() => this.server.closeAllConnections(), 1_000).unref();
    });
  }

  private async onRequest(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const target = req.url ?? '/';
    const q = target.indexOf('?');
    const pathname = q < 0 ? target : target.slice(0, q);
    let routeName = 'unknown';
    res.on('finish', () =>
      this.o.metrics.inc('aitbc_coordinator_http_requests_total', {
        route: routeName,
        status: String(res.statusCode),
      }),
    );
    try {
      const { route, params } = this.match(req.method ?? 'GET', pathname);
      routeName = route.name;
      const key = this.o.apiKeys.authorize(req.headers['x-api-key'], route.access);
      const body = await readBody(req, route.body === true ? this.o.maxBodyBytes : 0);
      let caller = undefined as unknown as VerifiedRequest;
      if (route.signed) {
        const signed = readSignedRequest({
          headers: req.headers,
          audience: this.o.audience,
          method: req.method ?? 'GET',
          path: target,
          body,
          now: this.o.now(),
        });
        await this.o.preverify([signed.check]);
        caller = confirmRequestSignature(signed, this.o.verify);
        this.o.apiKeys.checkBinding(key, caller.address);
      }
      const reply = await route.handle({
        req,
        res,
        params,
        query: new URLSearchParams(q < 0 ? '' : target.slice(q + 1)),
        body,
        caller,
        admin: key?.role === 'admin',
      });
      if (reply !== undefined) sendJson(res, reply.status, reply.body);
    } catch (e) {
      const err = isAitbcError(e) ? e : new AitbcError('INTERNAL', (e as Error)?.message ?? String(e));
      if (res.headersSent) {
        res.destroy();
        return;
      }
      const status = (err.details.httpStatus as number | undefined) ?? httpStatusFor(err);
      const { httpStatus: _s, ...details } = err.details;
      if (status === 405) res.setHeader('allow', String(details.allow ?? ''));
      sendJson(res, status, errorBody(new AitbcError(err.code, err.message, details)));
      if (status === 413) req.resume();
    }
  }

  private match(method: string, pathname: string): { route: Route; params: string[] } {
    const allowed: string[] = [];
    for (const route of this.o.routes) {
      const m = route.pattern.exec(pathname);
      if (m === null) continue;
      if (route.method === method || (method === 'HEAD' && route.method === 'GET'))
        return { route, params: m.slice(1).map((p) => decodeURIComponent(p)) };
      allowed.push(route.method);
    }
    if (allowed.length > 0)
      throw new AitbcError('METHOD_NOT_FOUND', `${method} is not allowed on ${pathname}`, {
        allow: allowed.join(', '),
        httpStatus: 405,
      });
    throw new AitbcError('METHOD_NOT_FOUND', `no endpoint ${pathname}`, { path: pathname });
  }
}

/**
 * Reads the whole body, refusing more than `limit` bytes (by Content-Length up front, else while
 * streaming) with INVALID_INPUT `reason: too_large` (413).
 */
function readBody(req: http.IncomingMessage, limit: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > limit) {
    return Promise.reject(
      new AitbcError(
        'INVALID_INPUT',
        limit === 0 ? 'this endpoint takes no body' : `request body over ${limit} bytes`,
        {
          reason: 'too_large',
          maxBodyBytes: limit,
        },
      ),
    );
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > limit) {
        req.removeAllListeners('data');
        req.resume();
        reject(
          new AitbcError('INVALID_INPUT', `request body over ${limit} bytes`, {
            reason: 'too_large',
            maxBodyBytes: limit,
          }),
        );
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}
