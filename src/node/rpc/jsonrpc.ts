/**
 * JSON-RPC 2.0 envelopes (DESIGN §7, https://www.jsonrpc.org/specification): parsing a body into
 * calls, batches, notifications, and mapping our typed errors onto JSON-RPC error objects. Rule
 * violations keep their DESIGN §4 string code in `error.data.code`. Pure: no sockets here.
 *
 * Error codes: −32700 malformed JSON, −32600 not a request, −32601 unknown method, −32602 malformed
 * params (INVALID_INPUT / INVALID_AMOUNT / INVALID_ADDRESS / MISSING_INPUT), −32603 internal, and
 * −32000 for every other refusal (a rule of the chain, not-found, faucet limits).
 */
import { AitbcError, type ErrorCode, isAitbcError } from '../../core/errors.js';

export const RPC_ERROR = {
  PARSE_ERROR: -32700,
  INVALID_REQUEST: -32600,
  METHOD_NOT_FOUND: -32601,
  INVALID_PARAMS: -32602,
  INTERNAL_ERROR: -32603,
  REFUSED: -32000,
} as const;

export type RpcId = string | number | null;

export interface RpcErrorObject {
  code: number;
  message: string;
  data: { code: ErrorCode; details?: Record<string, unknown> };
}

export type RpcResponse =
  | { jsonrpc: '2.0'; id: RpcId; result: unknown }
  | { jsonrpc: '2.0'; id: RpcId; error: RpcErrorObject };

/** One well-formed call; `id` undefined for a notification (no response). */
export interface RpcCall {
  id: RpcId | undefined;
  method: string;
  params: Record<string, unknown>;
}

/** The outcome of parsing one element of a request body. */
export type ParsedCall = { ok: true; call: RpcCall } | { ok: false; response: RpcResponse };

const PARAM_CODES = new Set<ErrorCode>([
  'INVALID_INPUT',
  'INVALID_AMOUNT',
  'INVALID_ADDRESS',
  'MISSING_INPUT',
  'USAGE',
]);

/** The JSON-RPC code for one of our error codes. */
export function rpcCodeFor(code: ErrorCode): number {
  if (code === 'METHOD_NOT_FOUND') return RPC_ERROR.METHOD_NOT_FOUND;
  if (code === 'INTERNAL') return RPC_ERROR.INTERNAL_ERROR;
  if (PARAM_CODES.has(code)) return RPC_ERROR.INVALID_PARAMS;
  return RPC_ERROR.REFUSED;
}

/** A JSON-RPC error object for anything thrown while handling a call. */
export function toRpcError(err: unknown): RpcErrorObject {
  if (isAitbcError(err)) {
    const details = Object.keys(err.details).length > 0 ? { details: err.details } : {};
    return { code: rpcCodeFor(err.code), message: err.message, data: { code: err.code, ...details } };
  }
  return { code: RPC_ERROR.INTERNAL_ERROR, message: 'internal error', data: { code: 'INTERNAL' } };
}

export function errorResponse(id: RpcId, err: unknown): RpcResponse {
  return { jsonrpc: '2.0', id, error: toRpcError(err) };
}

/** The response to a body that is not JSON at all (id null, as the spec requires). */
export function parseErrorResponse(message: string): RpcResponse {
  return {
    jsonrpc: '2.0',
    id: null,
    error: {
      code: RPC_ERROR.PARSE_ERROR,
      message: `parse error: ${message}`,
      data: { code: 'INVALID_INPUT' },
    },
  };
}

function invalidRequest(id: RpcId, why: string): RpcResponse {
  return {
    jsonrpc: '2.0',
    id,
    error: {
      code: RPC_ERROR.INVALID_REQUEST,
      message: `invalid request: ${why}`,
      data: { code: 'INVALID_INPUT' },
    },
  };
}

function isId(v: unknown): v is RpcId {
  return v === null || typeof v === 'string' || (typeof v === 'number' && Number.isFinite(v));
}

/**
 * Checks one request object. Params must be an object (by-name) or absent; positional arrays are refused
 * because every method here takes named params.
 */
export function parseCall(value: unknown): ParsedCall {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    return { ok: false, response: invalidRequest(null, 'expected a JSON object') };
  const v = value as Record<string, unknown>;
  const id = 'id' in v ? v.id : undefined;
  if (id !== undefined && !isId(id))
    return { ok: false, response: invalidRequest(null, 'id must be a string, number or null') };
  const replyId = id ?? null;
  if (v.jsonrpc !== '2.0') return { ok: false, response: invalidRequest(replyId, 'jsonrpc must be "2.0"') };
  if (typeof v.method !== 'string' || v.method === '')
    return { ok: false, response: invalidRequest(replyId, 'method must be a non-empty string') };
  for (const k of Object.keys(v))
    if (k !== 'jsonrpc' && k !== 'id' && k !== 'method' && k !== 'params')
      return { ok: false, response: invalidRequest(replyId, `unknown member "${k}"`) };
  const params = v.params ?? {};
  if (typeof params !== 'object' || params === null || Array.isArray(params)) {
    return {
      ok: false,
      response: {
        jsonrpc: '2.0',
        id: replyId,
        error: {
          code: RPC_ERROR.INVALID_PARAMS,
          message: 'params must be an object of named parameters',
          data: { code: 'INVALID_INPUT' },
        },
      },
    };
  }
  return { ok: true, call: { id, method: v.method, params: params as Record<string, unknown> } };
}

/**
 * A result already serialised (a stored block's canonical texts joined): sent as is instead of being
 * parsed and stringified again, which is most of the cost of answering `get_block` for a large block.
 */
export class RawJson {
  constructor(readonly text: string) {}
  toJSON(): unknown {
    return JSON.parse(this.text);
  }
}

/** JSON text of one response or a batch, splicing RawJson results in verbatim. */
export function serializeResponses(out: RpcResponse | RpcResponse[]): string {
  const one = (r: RpcResponse): string =>
    'result' in r && r.result instanceof RawJson
      ? `{"jsonrpc":"2.0","id":${JSON.stringify(r.id)},"result":${r.result.text}}`
      : JSON.stringify(r);
  return Array.isArray(out) ? `[${out.map(one).join(',')}]` : one(out);
}

/** A method handler: named params in, result out (may be async). */
export type Handler = (params: Record<string, unknown>) => unknown | Promise<unknown>;

/** Dispatches one call; never throws. Returns undefined for notifications. */
export async function dispatchCall(
  call: RpcCall,
  lookup: (method: string) => Handler | undefined,
): Promise<RpcResponse | undefined> {
  const id = call.id ?? null;
  let response: RpcResponse;
  const handler = lookup(call.method);
  if (handler === undefined) {
    response = errorResponse(
      id,
      new AitbcError('METHOD_NOT_FOUND', `method not found: ${call.method}`, { method: call.method }),
    );
  } else {
    try {
      response = { jsonrpc: '2.0', id, result: await handler(call.params) };
    } catch (e) {
      response = errorResponse(id, e);
    }
  }
  return call.id === undefined ? undefined : response;
}

/**
 * Handles a parsed body: one call or a batch (each element independently; an empty batch is an
 * invalid request). Returns undefined when nothing is to be sent (notifications only).
 */
export async function handleBody(
  body: unknown,
  lookup: (method: string) => Handler | undefined,
  opts: { maxBatch: number },
): Promise<RpcResponse | RpcResponse[] | undefined> {
  if (!Array.isArray(body)) {
    const p = parseCall(body);
    return p.ok ? dispatchCall(p.call, lookup) : p.response;
  }
  if (body.length === 0) return invalidRequest(null, 'empty batch');
  if (body.length > opts.maxBatch)
    return invalidRequest(null, `a batch holds at most ${opts.maxBatch} calls`);
  // Every call starts in order before any is awaited, so admission order follows the batch, and a
  // call waiting for its commit does not hold up the ones after it.
  const settled = await Promise.all(
    body.map((element) => {
      const p = parseCall(element);
      return p.ok ? dispatchCall(p.call, lookup) : p.response;
    }),
  );
  const out = settled.filter((r): r is RpcResponse => r !== undefined);
  return out.length === 0 ? undefined : out;
}
