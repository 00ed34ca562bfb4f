/**
 * The node daemon: one process hosting every chain under `<home>/node/chains/` (DESIGN §7 Multi-chain),
 * each with its own database, mempool and consensus engine, behind one RPC server, one WebSocket server
 * and `/metrics`. It holds the data-directory lock for its whole life, and writes `node/node.json`
 * (pid and endpoints) for `node status`.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import { writeFileAtomic } from '../cli/secure-fs.js';
import { parseStrictJson } from '../core/canonical-json.js';
import { AitbcError } from '../core/errors.js';
import { createFastVerifier } from '../crypto/ed25519.js';
import { VerifyPool } from '../crypto/verify-pool.js';
import { validateGenesis } from '../protocol/genesis.js';
import type { Genesis } from '../protocol/types.js';
import { ChainNode, type CommittedBlock, type FaucetSetup } from './chain/chain-node.js';
import { txInfoText } from './chain/views.js';
import type { ConsensusEngine } from './consensus/engine.js';
import { PrivValidator } from './consensus/priv-validator.js';
import { SignState } from './consensus/sign-state.js';
import { SoloEngine } from './consensus/solo-engine.js';
import { DEFAULT_FAUCET_LIMITS, type FaucetLimits, FaucetRateLimiter, isLoopbackHost } from './faucet.js';
import { loadKeyFile, type NodeKey, type PasswordProvider } from './keys.js';
import { listChainIds, type NodeLayout, nodeLayout } from './layout.js';
import { createNodeMetrics, type Metrics } from './metrics.js';
import { RpcServer } from './rpc/http-server.js';
import { createMethods } from './rpc/methods.js';
import { WsServer } from './rpc/ws-server.js';
import { acquireDirLock, type DirLock } from './store/dir-lock.js';

export const DEFAULT_RPC_PORT = 26657;
export const DEFAULT_WS_PORT = 26658;

/** Events the daemon reports to whoever runs it (the command prints them as NDJSON or log lines). */
export type NodeEvent =
  | {
      type: 'block';
      chainId: string;
      height: number;
      hash: string;
      time: number;
      txs: number;
      failedTxs: number;
      elapsedMs: number;
    }
  | { type: 'warning'; message: string; chainId?: string }
  | { type: 'error'; message: string; code: string; chainId?: string };

export interface NodeDaemonOptions {
  home: string;
  rpcHost?: string;
  rpcPort?: number;
  wsPort?: number;
  /** Supplies keystore passwords (validator, faucet) when the key files are encrypted. */
  password?: PasswordProvider;
  /** Use this validator key file instead of `node/validator.json`. */
  keyFile?: string;
  /** Serve the faucet even when the RPC binds a non-loopback address. */
  allowPublicFaucet?: boolean;
  faucetLimits?: FaucetLimits;
  nodeVersion?: string;
  onEvent?: (e: NodeEvent) => void;
  now?: () => number;
  /** Request body limit of the RPC (bytes). */
  maxBodyBytes?: number;
  /** Worker threads checking signatures at admission (default: one fewer than the cores, at least 1; 0: none). */
  verifyThreads?: number;
}

export interface NodeEndpoints {
  rpc: string;
  ws: string;
  metrics: string;
}

/** Host part of a URL for a bound address (IPv6 in brackets; the wildcard shown as loopback). */
function urlHost(host: string): string {
  if (host === '0.0.0.0') return '127.0.0.1';
  if (host === '::') return '[::1]';
  return host.includes(':') ? `[${host}]` : host;
}

function readGenesis(file: string): Genesis {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    throw new AitbcError('CONFIG', `cannot read ${file}: ${(e as NodeJS.ErrnoException).code}`, { file });
  }
  try {
    return validateGenesis(parseStrictJson(text));
  } catch (e) {
    throw new AitbcError(
      'CONFIG',
      `${file} is not a valid genesis: ${(e as Error).message}`,
      { file },
      { cause: e },
    );
  }
}

/** A running node; `start` resolves once every listener is bound and blocks are being produced. */
export class NodeDaemon {
  readonly layout: NodeLayout;
  readonly validator: NodeKey;
  readonly chains: readonly ChainNode[];
  readonly metrics: Metrics;
  endpoints!: NodeEndpoints;
  private readonly engines: ConsensusEngine[] = [];
  private rpc?: RpcServer;
  private ws?: WsServer;
  private stopped = false;

  private constructor(
    private readonly opts: NodeDaemonOptions,
    private readonly lock: DirLock,
    layout: NodeLayout,
    validator: NodeKey,
    chains: ChainNode[],
    private readonly signState: SignState,
    metrics: Metrics,
    private readonly verifyPool: VerifyPool | undefined,
  ) {
    this.layout = layout;
    this.validator = validator;
    this.chains = chains;
    this.metrics = metrics;
  }

  /**
   * Takes the lock, loads the keys and every chain, binds RPC and WebSocket, starts block production.
   * @throws AitbcError HOME_LOCKED | CONFIG (no chain, bad genesis, not this chain's validator) |
   *   WRONG_PASSWORD | KEYSTORE_CORRUPT; CONFIG naming the port when it is taken.
   */
  static async start(opts: NodeDaemonOptions): Promise<NodeDaemon> {
    const layout = nodeLayout(opts.home);
    const ids = listChainIds(layout);
    if (ids.length === 0) {
      throw new AitbcError(
        'CONFIG',
        `no chain in ${layout.chainsDir}`,
        { home: opts.home },
        { hint: 'run `aitbc node init --chain-id ID` first, or `aitbc node up` for a devnet' },
      );
    }
    const lock = acquireDirLock(layout.lock);
    const chains: ChainNode[] = [];
    let daemon: NodeDaemon | undefined;
    let pool: VerifyPool | undefined;
    try {
      const password: PasswordProvider =
        opts.password ??
        ((file) => {
          throw new AitbcError('MISSING_INPUT', `${file} is encrypted: give its password`, { file });
        });
      const validator = await loadKeyFile(opts.keyFile ?? layout.validatorKey, password);
      const signState = new SignState(layout.signState);
      const verifier = createFastVerifier();
      const threads = opts.verifyThreads ?? Math.max(1, os.availableParallelism() - 1);
      pool = threads > 0 ? new VerifyPool(threads) : undefined;
      const metrics = createNodeMetrics();
      const rpcHost = opts.rpcHost ?? '127.0.0.1';
      const publicRpc = !isLoopbackHost(rpcHost);
      for (const id of ids) {
        const genesis = readGenesis(layout.genesis(id));
        if (genesis.chainId !== id)
          throw new AitbcError('CONFIG', `${layout.genesis(id)} names chain ${genesis.chainId}, not ${id}`, {
            chainId: id,
          });
        let faucet: FaucetSetup | undefined;
        if (genesis.faucet !== undefined && fs.existsSync(layout.faucetKey(id))) {
          const key = await loadKeyFile(layout.faucetKey(id), password);
          if (key.address !== genesis.faucet.address)
            throw new AitbcError('CONFIG', `${layout.faucetKey(id)} is not the faucet key of chain ${id}`, {
              chainId: id,
            });
          faucet = {
            key,
            maxPerRequest: BigInt(genesis.faucet.maxPerRequest),
            limiter: new FaucetRateLimiter(opts.faucetLimits ?? DEFAULT_FAUCET_LIMITS),
            ...(publicRpc && !opts.allowPublicFaucet
              ? {
                  refusal: `the faucet is off because the RPC listens on ${rpcHost}, a non-loopback address (start with --allow-public-faucet to serve it)`,
                }
              : {}),
          };
        }
        chains.push(
          ChainNode.open({
            genesis,
            dbFile: layout.database(id),
            verifier,
            ...(pool === undefined ? {} : { verifyPool: pool }),
            onRefused: (code) => metrics.inc('aitbc_txs_refused_total', { code }),
            ...(faucet === undefined ? {} : { faucet }),
            ...(opts.now === undefined ? {} : { now: opts.now }),
          }),
        );
      }
      daemon = new NodeDaemon(opts, lock, layout, validator, chains, signState, metrics, pool);
      await daemon.listen(rpcHost);
      daemon.startEngines();
      return daemon;
    } catch (e) {
      if (daemon !== undefined) await daemon.stop();
      else {
        for (const c of chains) c.close();
        await pool?.close();
        lock.release();
      }
      throw e;
    }
  }

  /** The chain a request names, or the default (the first). */
  chain(chainId: string | undefined): ChainNode {
    if (chainId === undefined) return this.chains[0];
    const c = this.chains.find((x) => x.chainId === chainId);
    if (c === undefined)
      throw new AitbcError('CHAIN_NOT_FOUND', `this node does not host chain ${chainId}`, {
        chainId,
        hosted: this.chains.map((x) => x.chainId),
      });
    return c;
  }

  private async listen(rpcHost: string): Promise<void> {
    const o = this.opts;
    const now = o.now ?? Date.now;
    const methods = createMethods({
      chain: (id) => this.chain(id),
      hosted: (id) => this.chains.find((c) => c.chainId === id),
      chains: () => this.chains,
      endpoints: () => this.endpoints,
      nodeVersion: o.nodeVersion ?? 'unknown',
      validator: this.validator.address,
      now,
      onRefused: (code) => this.metrics.inc('aitbc_txs_refused_total', { code }),
    });
    this.metrics.collect(() => {
      for (const c of this.chains) {
        const s = c.stats();
        this.metrics.set('aitbc_block_height', { chain: c.chainId }, s.height);
        this.metrics.set('aitbc_mempool_txs', { chain: c.chainId }, s.mempoolTxs);
      }
      this.metrics.set('aitbc_ws_subscribers', {}, this.ws?.subscriptionCount ?? 0);
    });
    for (const c of this.chains) {
      this.metrics.inc('aitbc_txs_committed_total', { chain: c.chainId }, 0);
      this.metrics.inc('aitbc_blocks_committed_total', { chain: c.chainId }, 0);
    }
    this.rpc = await bind('RPC', o.rpcPort ?? DEFAULT_RPC_PORT, (port) =>
      RpcServer.listen({
        host: rpcHost,
        port,
        methods,
        ...(o.maxBodyBytes === undefined ? {} : { maxBodyBytes: o.maxBodyBytes }),
        onCall: (method) => this.metrics.inc('aitbc_rpc_requests_total', { method }),
        metrics: () => this.metrics.render(),
      }),
    );
    this.ws = await bind('WebSocket', o.wsPort ?? DEFAULT_WS_PORT, (port) =>
      WsServer.listen({ host: rpcHost, port, resolveChain: (id) => this.chain(id).chainId }),
    );
    const h = urlHost(rpcHost);
    this.endpoints = {
      rpc: `http://${h}:${this.rpc.port}`,
      ws: `ws://${h}:${this.ws.port}`,
      metrics: `http://${h}:${this.rpc.port}/metrics`,
    };
    writeFileAtomic(
      this.layout.runtime,
      `${JSON.stringify({ pid: process.pid, endpoints: this.endpoints, chains: this.chains.map((c) => c.chainId), validator: this.validator.address, startedAt: new Date(now()).toISOString() }, null, 2)}\n`,
    );
  }

  private startEngines(): void {
    const privVal = new PrivValidator(this.validator, this.signState);
    for (const c of this.chains) {
      c.onCommit((b) => this.onCommitted(b));
      const engine = new SoloEngine({
        app: c,
        privVal,
        ...(this.opts.now === undefined ? {} : { now: this.opts.now }),
        events: {
          onBlock: (cand, _commit, elapsedMs) =>
            this.opts.onEvent?.({
              type: 'block',
              chainId: c.chainId,
              height: cand.header.height,
              hash: cand.hash,
              time: cand.header.time,
              txs: cand.txs.length,
              failedTxs: cand.results.filter((r) => r.code !== 0).length,
              elapsedMs,
            }),
          onError: (e) =>
            this.opts.onEvent?.({
              type: 'error',
              chainId: c.chainId,
              code: (e as AitbcError).code ?? 'INTERNAL',
              message: `block production failed: ${(e as Error).message}`,
            }),
        },
      });
      c.engine = engine;
      this.engines.push(engine);
    }
    for (const e of this.engines) e.start();
  }

  private onCommitted(b: CommittedBlock): void {
    this.metrics.inc('aitbc_txs_committed_total', { chain: b.chainId }, b.txs.length);
    this.metrics.inc('aitbc_blocks_committed_total', { chain: b.chainId });
    const ws = this.ws;
    if (ws === undefined || !ws.hasSubscribers(b.chainId)) return;
    const chain = this.chain(b.chainId);
    ws.publish({
      chainId: b.chainId,
      height: b.height,
      blockInfoText: () => chain.blockText({ height: b.height }),
      txs: b.txs.map((t, i) => ({
        addresses: t.addresses,
        infoText: () =>
          txInfoText(
            { height: b.height, idx: i, hash: t.hash, tx: t.json, code: t.result.code, log: t.result.log },
            b.header.time,
          ),
      })),
    });
  }

  /** Stops block production, closes the listeners and databases, releases the lock. Idempotent. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    for (const e of this.engines) await e.stop();
    await Promise.all([this.rpc?.close(), this.ws?.close()]);
    for (const c of this.chains) c.close();
    await this.verifyPool?.close();
    fs.rmSync(this.layout.runtime, { force: true });
    this.lock.release();
  }
}

/** Binds a listener, turning "address in use" into an error that names the port. */
async function bind<T>(what: string, port: number, listen: (port: number) => Promise<T>): Promise<T> {
  try {
    return await listen(port);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE' || code === 'EACCES')
      throw new AitbcError(
        'CONFIG',
        `cannot listen for ${what} on port ${port} (${code})`,
        { port },
        {
          hint: 'choose another port (0 picks a free one)',
        },
      );
    throw e;
  }
}
