/**
 * Turns what a node answers on failure into the CLI's typed errors (DESIGN §4, §7): a rule violation
 * carries its string code in JSON-RPC `error.data.code` and keeps it (exit 6, 4, …); the protocol codes
 * of JSON-RPC 2.0 map onto the closest CLI code. Also decides which failures are worth a retry.
 */
import { AitbcError, type ErrorCode, isErrorCode } from '../core/errors.js';

/** The `error` member of a JSON-RPC 2.0 response. */
export interface JsonRpcErrorObject {
  code: number;
  message: string;
  data?: unknown;
}

/** JSON-RPC 2.0 reserved codes. */
export const JSON_RPC = {
  PARSE_ERROR: -32700,
  INVALID_REQUEST: -32600,
  METHOD_NOT_FOUND: -32601,
  INVALID_PARAMS: -32602,
  INTERNAL_ERROR: -32603,
} as const;

function protocolCode(code: number): ErrorCode {
  switch (code) {
    case JSON_RPC.METHOD_NOT_FOUND:
      return 'METHOD_NOT_FOUND';
    case JSON_RPC.PARSE_ERROR:
    case JSON_RPC.INVALID_REQUEST:
    case JSON_RPC.INVALID_PARAMS:
      return 'INVALID_INPUT';
    default:
      return 'INTERNAL';
  }
}

/**
 * The AitbcError for a JSON-RPC error object: `data.code` when it is one of ours, else the protocol
 * code's nearest equivalent. `data.details` (or the rest of `data`) becomes the details, with the method.
 * @example errorFromJsonRpc({code: -32000, message: 'insufficient funds', data: {code: 'INSUFFICIENT_FUNDS'}}, 'broadcast_tx').code === 'INSUFFICIENT_FUNDS'
 */
export function errorFromJsonRpc(err: JsonRpcErrorObject, method: string): AitbcError {
  const data = typeof err.data === 'object' && err.data !== null ? (err.data as Record<string, unknown>) : {};
  const { code: remote, details, ...rest } = data;
  const code: ErrorCode = isErrorCode(remote) ? remote : protocolCode(err.code);
  const extra =
    typeof details === 'object' && details !== null && !Array.isArray(details)
      ? (details as Record<string, unknown>)
      : rest;
  const info: Record<string, unknown> = { ...extra, method, rpcCode: err.code };
  if (remote !== undefined && !isErrorCode(remote)) info.remoteCode = remote;
  const message = typeof err.message === 'string' && err.message !== '' ? err.message : `${method} failed`;
  return new AitbcError(code, message, info);
}

/** True when `value` has the shape of a JSON-RPC error object. */
export function isJsonRpcErrorObject(value: unknown): value is JsonRpcErrorObject {
  const v = value as JsonRpcErrorObject | null;
  return typeof v === 'object' && v !== null && typeof v.code === 'number';
}

/** Connection-level failures (no answer from the service) that a retry may cure. */
const CONNECTION_ERRORS = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
  'ENOTFOUND',
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
  'UND_ERR_CONNECT_TIMEOUT',
]);

/** The errno-style code of a transport error, looking through `cause`. */
export function transportCode(err: unknown): string | undefined {
  let e = err as { code?: unknown; cause?: unknown } | undefined;
  for (let depth = 0; e && depth < 4; depth++) {
    if (typeof e.code === 'string' && CONNECTION_ERRORS.has(e.code)) return e.code;
    e = e.cause as typeof e;
  }
  const code = (err as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' ? code : undefined;
}

/** True for a failure to reach the service at all (refused, reset, DNS): retry with backoff. */
export function isConnectionError(err: unknown): boolean {
  const code = transportCode(err);
  return code !== undefined && CONNECTION_ERRORS.has(code);
}

/**
 * Delays before each retry: `base`, `2·base`, `4·base`, … capped at `max`, for `retries` retries.
 * @example backoffDelays(3, 100, 1000) // [100, 200, 400]
 */
export function backoffDelays(retries: number, baseMs: number, maxMs: number): number[] {
  return Array.from({ length: Math.max(0, retries) }, (_, i) => Math.min(maxMs, baseMs * 2 ** i));
}

/** The outcome of one attempt: a value, or an error worth retrying. */
export type Attempt<T> = { ok: true; value: T } | { ok: false; error: AitbcError };

/**
 * Runs `attempt` until it succeeds, each try given what is left of `timeoutMs`, sleeping `delays[i]`
 * after the i-th retryable failure; throws that failure once the delays run out or the next try would
 * start past the deadline, and `timedOut()` when no time is left for a try at all. Errors `attempt`
 * throws (not worth retrying) pass through.
 */
export async function withRetries<T>(
  timeoutMs: number,
  delays: readonly number[],
  timedOut: () => AitbcError,
  attempt: (remainingMs: number) => Promise<Attempt<T>>,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (let i = 0; ; i++) {
    const remaining = deadline - Date.now();
    if (remaining <= 0) throw timedOut();
    const outcome = await attempt(remaining);
    if (outcome.ok) return outcome.value;
    const delay = delays[i];
    if (delay === undefined || Date.now() + delay >= deadline) throw outcome.error;
    await new Promise((resolve) => setTimeout(resolve, delay));
  }
}
