/**
 * A typed client for the chain node's JSON-RPC 2.0 API (DESIGN §7) over undici. Every call has a
 * deadline (`timeoutMs`, default 30 s, retries included); only connection errors and HTTP 5xx without a
 * rule violation are retried, a bounded number of times with exponential backoff; a rule violation
 * (`error.data.code`) becomes an AitbcError of that code and is never retried.
 *
 * Commands import this module lazily (`await import(...)`) because undici costs ~100 ms at import.
 */
import { Agent, type Dispatcher, request } from 'undici';
import { AitbcError } from '../core/errors.js';
import type { SignedTx } from '../protocol/types.js';
import {
  backoffDelays,
  errorFromJsonRpc,
  isConnectionError,
  isJsonRpcErrorObject,
  JSON_RPC,
  transportCode,
  withRetries,
} from './rpc-error.js';
import type {
  AccountInfo,
  BalanceInfo,
  BlockInfo,
  BroadcastResult,
  ChainSummary,
  CommittedTxInfo,
  EscrowInfo,
  FaucetResult,
  HealthInfo,
  ListPage,
  NetInfo,
  NodeStatus,
  TxInfo,
  ValidatorSet,
  WaitMode,
} from './rpc-types.js';

export const DEFAULT_TIMEOUT_MS = 30_000;
const DEFAULT_RETRIES = 3;
const DEFAULT_RETRY_BASE_MS = 200;
const MAX_RETRY_DELAY_MS = 2_000;

export interface NodeRpcOptions {
  /** The node's RPC URL, e.g. http://127.0.0.1:26657. */
  url: string;
  /** Deadline of one call, retries included. */
  timeoutMs?: number;
  /** Named in every call's params when set (DESIGN §7: default is the node's first chain). */
  chainId?: string;
  /** Retries after a connection error or a 5xx (not after a 4xx or a rule violation). */
  retries?: number;
  /** First backoff delay; doubles per retry, capped at 2 s. */
  retryBaseMs?: number;
  /** An undici dispatcher to share (benchmarks); otherwise the client owns one until `close()`. */
  dispatcher?: Dispatcher;
}

/** One call of a batch. */
export interface RpcCall {
  method: string;
  params?: Record<string, unknown>;
}

/** The outcome of one call in a batch: its result, or the error it would have thrown. */
export type BatchOutcome<T = unknown> = { ok: true; result: T } | { ok: false; error: AitbcError };

interface RpcResponse {
  jsonrpc?: unknown;
  id?: unknown;
  result?: unknown;
  error?: unknown;
}

/**
 * @example const rpc = new NodeRpc({url: 'http://127.0.0.1:26657'}); const s = await rpc.status();
 */
export class NodeRpc {
  readonly url: string;
  readonly timeoutMs: number;
  private chain: string | undefined;
  private readonly retries: number;
  private readonly retryBaseMs: number;
  private readonly dispatcher: Dispatcher;
  private readonly ownsDispatcher: boolean;
  private nextId = 1;

  constructor(opts: NodeRpcOptions) {
    this.url = opts.url;
    this.timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.chain = opts.chainId;
    this.retries = opts.retries ?? DEFAULT_RETRIES;
    this.retryBaseMs = opts.retryBaseMs ?? DEFAULT_RETRY_BASE_MS;
    this.ownsDispatcher = opts.dispatcher === undefined;
    this.dispatcher = opts.dispatcher ?? new Agent({ keepAliveTimeout: 4_000 });
  }

  /** The chain named in calls, when one was given or resolved. */
  get chainId(): string | undefined {
    return this.chain;
  }

  /**
   * The chain to sign for: the one given, else the node's default (`status.chainId`), remembered so
   * later calls name it.
   */
  async resolveChainId(): Promise<string> {
    this.chain ??= (await this.status()).chainId;
    return this.chain;
  }

  /**
   * Calls one method.
   * @throws AitbcError of the node's rule code, UNREACHABLE, TIMEOUT, INVALID_INPUT, METHOD_NOT_FOUND.
   */
  async call<T>(method: string, params: Record<string, unknown> = {}): Promise<T> {
    const id = this.nextId++;
    const body = JSON.stringify({ jsonrpc: '2.0', id, method, params: this.withChain(params) });
    const reply = await this.post(body, method);
    if (Array.isArray(reply) || typeof reply !== 'object' || reply === null) {
      throw this.notANode(method, 'answered something other than a JSON-RPC response');
    }
    return this.unwrap<T>(reply as RpcResponse, method);
  }

  /**
   * Sends several calls in one JSON-RPC batch; outcomes come back in call order.
   * @throws AitbcError UNREACHABLE / TIMEOUT when the batch as a whole fails.
   */
  async batch<T = unknown>(calls: readonly RpcCall[]): Promise<BatchOutcome<T>[]> {
    if (calls.length === 0) return [];
    const first = this.nextId;
    this.nextId += calls.length;
    const payload = calls.map((c, i) => ({
      jsonrpc: '2.0',
      id: first + i,
      method: c.method,
      params: this.withChain(c.params ?? {}),
    }));
    const reply = await this.post(JSON.stringify(payload), 'batch');
    if (!Array.isArray(reply)) {
      if (typeof reply === 'object' && reply !== null && 'error' in reply) this.unwrap(reply, 'batch');
      throw this.notANode('batch', 'answered a batch with something other than an array');
    }
    const byId = new Map<unknown, RpcResponse>();
    for (const r of reply as RpcResponse[]) byId.set(r?.id, r);
    return calls.map((c, i) => {
      const r = byId.get(first + i);
      if (r === undefined) {
        return { ok: false, error: this.notANode(c.method, `left call ${first + i} of a batch unanswered`) };
      }
      try {
        return { ok: true, result: this.unwrap<T>(r, c.method) };
      } catch (e) {
        return { ok: false, error: e as AitbcError };
      }
    });
  }

  /** Releases pooled connections (only when this client created its dispatcher). */
  async close(): Promise<void> {
    if (this.ownsDispatcher) await this.dispatcher.close();
  }

  /** The node's status for the chain; remembers its chainId when none was named. */
  async status(): Promise<NodeStatus> {
    const s = await this.call<NodeStatus>('status');
    this.chain ??= s.chainId;
    return s;
  }

  health(): Promise<HealthInfo> {
    return this.call('health');
  }

  /** A block with its commit, by height or hash (omit both for the latest). */
  getBlock(at: { height?: number; hash?: string } = {}): Promise<BlockInfo> {
    return this.call('get_block', { ...at });
  }

  getBlocks(
    params: { from?: number; limit?: number; order?: 'asc' | 'desc'; cursor?: string } = {},
  ): Promise<ListPage<BlockInfo>> {
    return this.call('get_blocks', { ...params });
  }

  getTx(hash: string): Promise<TxInfo> {
    return this.call('get_tx', { hash });
  }

  /** Transactions from or to an address, newest first. */
  getTxs(params: { address: string; limit?: number; cursor?: string }): Promise<ListPage<CommittedTxInfo>> {
    return this.call('get_txs', { ...params });
  }

  broadcastTx(tx: SignedTx, wait: WaitMode): Promise<BroadcastResult> {
    return this.call('broadcast_tx', { tx, wait });
  }

  getBalance(address: string): Promise<BalanceInfo> {
    return this.call('get_balance', { address });
  }

  getAccount(address: string): Promise<AccountInfo> {
    return this.call('get_account', { address });
  }

  getValidators(): Promise<ValidatorSet> {
    return this.call('get_validators');
  }

  getEscrow(client: string, jobId: string): Promise<EscrowInfo> {
    return this.call('get_escrow', { client, jobId });
  }

  getChains(): Promise<ListPage<ChainSummary>> {
    return this.call('get_chains');
  }

  netInfo(): Promise<NetInfo> {
    return this.call('net_info');
  }

  /** Asks the chain's faucet for funds (devnets); `amount` in uait, default the faucet's maximum. */
  faucet(address: string, amount?: bigint, wait?: WaitMode): Promise<FaucetResult> {
    return this.call('faucet', {
      address,
      ...(amount === undefined ? {} : { amount: amount.toString() }),
      ...(wait === undefined ? {} : { wait }),
    });
  }

  private withChain(params: Record<string, unknown>): Record<string, unknown> {
    return this.chain === undefined || 'chainId' in params ? params : { ...params, chainId: this.chain };
  }

  private unwrap<T>(r: RpcResponse, method: string): T {
    if (r.error !== undefined && r.error !== null) {
      if (!isJsonRpcErrorObject(r.error)) throw this.notANode(method, 'answered a malformed JSON-RPC error');
      throw errorFromJsonRpc(r.error, method);
    }
    if (!('result' in r)) throw this.notANode(method, 'answered a JSON-RPC response without a result');
    return r.result as T;
  }

  private notANode(method: string, what: string): AitbcError {
    return new AitbcError('UNREACHABLE', `${this.url} ${what}; is it an aitbc node?`, {
      url: this.url,
      method,
    });
  }

  /** POSTs a JSON body until it gets an answer worth returning, within the call's deadline. */
  private async post(body: string, method: string): Promise<unknown> {
    return withRetries(
      this.timeoutMs,
      backoffDelays(this.retries, this.retryBaseMs, MAX_RETRY_DELAY_MS),
      () => this.timedOut(method),
      (remaining) => this.attempt(body, remaining, method),
    );
  }

  /**
   * One HTTP exchange, bounded by `timeoutMs`. Returns the parsed reply, or a failure worth retrying
   * (connection error, 5xx without a rule violation); throws failures that a retry cannot cure.
   */
  private async attempt(
    body: string,
    timeoutMs: number,
    method: string,
  ): Promise<{ ok: true; value: unknown } | { ok: false; error: AitbcError }> {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), timeoutMs);
    let status: number;
    let text: string;
    try {
      const res = await request(this.url, {
        method: 'POST',
        body,
        headers: { 'content-type': 'application/json', accept: 'application/json' },
        dispatcher: this.dispatcher,
        signal: controller.signal,
        headersTimeout: 0,
        bodyTimeout: 0,
      });
      status = res.statusCode;
      text = await res.body.text();
    } catch (e) {
      if (controller.signal.aborted) throw this.timedOut(method);
      if (!isConnectionError(e)) {
        throw new AitbcError(
          'UNREACHABLE',
          `request to ${this.url} failed: ${(e as Error).message}`,
          { url: this.url, method },
          { cause: e },
        );
      }
      const code = transportCode(e);
      const error = new AitbcError(
        'UNREACHABLE',
        `cannot reach the node at ${this.url} (${code})`,
        { url: this.url, method, reason: code },
        { cause: e, hint: 'start one with `aitbc node up`, or point --node / AITBC_NODE at a running node' },
      );
      return { ok: false, error };
    } finally {
      clearTimeout(timer);
    }
    const parsed = parseJson(text);
    if (status < 500 || hasRuleError(parsed)) {
      if (parsed === undefined) throw this.httpFailure(method, status);
      return { ok: true, value: parsed };
    }
    const err = (parsed as RpcResponse | undefined)?.error;
    return {
      ok: false,
      error: isJsonRpcErrorObject(err) ? errorFromJsonRpc(err, method) : this.httpFailure(method, status),
    };
  }

  private timedOut(method: string): AitbcError {
    const seconds = this.timeoutMs / 1000;
    return new AitbcError(
      'TIMEOUT',
      `no answer from ${this.url} to ${method} within ${seconds} s`,
      { url: this.url, method, timeoutSeconds: seconds },
      { hint: 'raise --timeout (AITBC_TIMEOUT), or check the node' },
    );
  }

  private httpFailure(method: string, status: number): AitbcError {
    if (status === 413) {
      return new AitbcError(
        'INVALID_INPUT',
        `the node at ${this.url} refused the request as too large (HTTP 413)`,
        {
          url: this.url,
          method,
          status,
        },
      );
    }
    return new AitbcError(
      'UNREACHABLE',
      `${this.url} answered HTTP ${status} without a JSON-RPC response; is it an aitbc node?`,
      { url: this.url, method, status },
    );
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/**
 * True when a reply carries a final answer: a rule violation (`error.data.code` other than INTERNAL)
 * or a JSON-RPC protocol error. Such replies are never retried, whatever the HTTP status.
 */
function hasRuleError(parsed: unknown): boolean {
  const items = Array.isArray(parsed) ? parsed : [parsed];
  return items.some((r) => {
    const err = (r as RpcResponse | null)?.error;
    if (!isJsonRpcErrorObject(err)) return false;
    const remote = (err.data as { code?: unknown } | undefined)?.code;
    if (typeof remote === 'string' && remote !== 'INTERNAL') return true;
    return (
      err.code === JSON_RPC.PARSE_ERROR ||
      (err.code <= JSON_RPC.INVALID_REQUEST && err.code >= JSON_RPC.INVALID_PARAMS)
    );
  });
}
