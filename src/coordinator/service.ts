/**
 * The coordinator as a library service: `startCoordinator(opts)` opens the database, reads the chain's
 * parameters from the node, starts the HTTP API and the background loops, and returns a handle whose
 * `close()` stops everything in order. `aitbc node coordinator` runs it in the foreground; `node up`
 * can run it in-process (it still talks to the node over HTTP, as a remote coordinator would).
 */
import * as os from 'node:os';
import { toHex } from '../core/hex.js';
import { MetricsRegistry } from '../core/prometheus.js';
import { addressFromPublicKey } from '../crypto/address.js';
import { CachedVerifier } from '../crypto/cached-verifier.js';
import { VerifyPool } from '../crypto/verify-pool.js';
import { Background } from './background.js';
import { type ChainClient, RpcChainClient } from './chain/chain-client.js';
import { ClientOps } from './client-ops.js';
import { Core, type CoreOptions } from './core.js';
import { Dispatcher } from './dispatcher.js';
import type { CoordinatorEvent } from './events.js';
import { ApiKeyTable } from './http/api-keys.js';
import { buildRoutes } from './http/routes.js';
import { HttpApi } from './http/server.js';
import { JOB_STATES } from './jobs/job.js';
import { MinerOps } from './miner-ops.js';
import {
  type CoordinatorOptions,
  coordinatorDbPath,
  DEFAULT_HOST,
  DEFAULT_LIMITS,
  DEFAULT_PORT,
  DEFAULT_TIMING,
} from './options.js';
import { Settler } from './settlement/settler.js';
import { openCoordinatorDb } from './store/db.js';
import { GroupCommit } from './store/group-commit.js';
import { CoordinatorRepo } from './store/repo.js';

/** A started coordinator. */
export interface RunningCoordinator {
  /** `http://host:port` of the API */
  url: string;
  /** the coordinator's address (escrows name it; requests are signed for it) */
  address: string;
  publicKey: string;
  chainId: string;
  dbPath: string;
  /** fee paid by each settlement transaction, uait */
  fee: bigint;
  /** Stops the API and the loops, waits for in-flight work, closes the database. */
  close(): Promise<void>;
}

/**
 * Starts a coordinator.
 * @throws AitbcError UNREACHABLE (node), CHAIN_NOT_FOUND, CONFIG (database of another coordinator or
 *   chain), HOME_LOCKED (another coordinator uses the database), or the listen error (EADDRINUSE).
 * @example const c = await startCoordinator({signer, home, nodeUrl: 'http://127.0.0.1:26657', port: 0}); … await c.close();
 */
export async function startCoordinator(opts: CoordinatorOptions): Promise<RunningCoordinator> {
  const now = opts.now ?? Date.now;
  const timing = { ...DEFAULT_TIMING, ...opts.timing };
  const limits = { ...DEFAULT_LIMITS, ...opts.limits };
  const onEvent = opts.onEvent ?? (() => {});
  let chain: ChainClient;
  let ownsChain = false;
  let pool: VerifyPool | undefined;
  if (opts.chain !== undefined) chain = opts.chain;
  else {
    const { NodeRpc } = await import('../client/node-rpc.js');
    chain = new RpcChainClient(
      new NodeRpc({
        url: opts.nodeUrl ?? 'http://127.0.0.1:26657',
        chainId: opts.chainId,
        timeoutMs: 10_000,
      }),
    );
    ownsChain = true;
  }
  const publicKeyHex = toHex(opts.signer.publicKey);
  const address = addressFromPublicKey(opts.signer.publicKey);
  try {
    const { chainId, minFee } = await chain.describe(opts.chainId);
    const fee = opts.fee ?? minFee;
    const dbPath = coordinatorDbPath(opts.home, chainId);
    const db = openCoordinatorDb(dbPath, { coordinator: address, chainId });
    const repo = new CoordinatorRepo(db);
    const commit = new GroupCommit(db);
    // Signatures are verified on worker threads (the event loop is this daemon's scarce resource).
    const threads = opts.verifyThreads ?? Math.max(1, os.availableParallelism() - 1);
    pool = threads > 0 ? new VerifyPool(threads) : undefined;
    const verifier = new CachedVerifier(pool);
    const { verify } = verifier;
    const preverify: CoreOptions['preverify'] = (checks) => verifier.preverify(checks);
    const coreOptions = {
      repo,
      commit,
      chain,
      signer: opts.signer,
      address,
      publicKeyHex,
      chainId,
      verify,
      preverify,
      now,
      timing,
      limits,
      onEvent,
    };
    const core = new Core(coreOptions);
    // Miners could not heart-beat while we were down: give every lease a fresh TTL.
    await commit.run(() => repo.extendLeases(now() + timing.leaseTtlMs));
    const clients = new ClientOps(core);
    const miners = new MinerOps(core);
    const dispatcher = new Dispatcher(core);
    const background = new Background(core);
    const settler = new Settler({
      ...coreOptions,
      fee,
      retryMs: timing.settlementRetryMs,
      confirmPollMs: timing.confirmPollMs,
      publish: (fx) => core.publish(fx),
    });
    core.onDispatch = () => dispatcher.kick();
    core.onSettle = () => settler.kick();
    core.isPolling = (m) => dispatcher.isPolling(m);
    clients.onLockPending = () => background.kickLocks();

    const metrics = defineMetrics(core, dispatcher, commit);
    const startedAt = now();
    const api = await HttpApi.listen({
      host: opts.host ?? DEFAULT_HOST,
      port: opts.port ?? DEFAULT_PORT,
      apiKeys: new ApiKeyTable(opts.apiKeys),
      audience: address,
      verify,
      preverify,
      now,
      maxBodyBytes: limits.maxBodyBytes,
      metrics,
      routes: buildRoutes(core, clients, miners, dispatcher, {
        version: opts.version ?? 'unknown',
        fee,
        metricsText: () => metrics.render(),
        health: () => ({
          ok: true,
          coordinator: address,
          chainId,
          uptimeMs: now() - startedAt,
          jobs: Object.fromEntries(repo.countByState()),
          minersOnline: core.onlineOffers(now(), false).length,
          ...(settler.lastError ? { lastSettlementError: settler.lastError } : {}),
        }),
      }),
    });
    background.start();
    settler.start();
    void warnIfUnfunded(chain, address, fee, onEvent);
    let closing: Promise<void> | undefined;
    return {
      url: api.url,
      address,
      publicKey: publicKeyHex,
      chainId,
      dbPath,
      fee,
      close() {
        closing ??= (async () => {
          dispatcher.drain();
          await api.close();
          await background.stop();
          await settler.stop();
          commit.close();
          db.close();
          await pool?.close();
          if (ownsChain) await chain.close();
        })();
        return closing;
      },
    };
  } catch (e) {
    await pool?.close();
    if (ownsChain) await chain.close();
    throw e;
  }
}

/** Each settlement pays its fee up front (the escrow's settlementFee refunds it): say so when the account is empty. */
async function warnIfUnfunded(
  chain: ChainClient,
  address: string,
  fee: bigint,
  onEvent: (e: CoordinatorEvent) => void,
): Promise<void> {
  try {
    const account = await chain.getAccount(address);
    if (account.balance < fee)
      onEvent({
        type: 'warning',
        message: `the coordinator account ${address} holds ${account.balance} uait: each settlement pays a ${fee} uait fee up front (refunded by the escrow's settlementFee), so fund it before jobs complete`,
        details: { address, balance: account.balance.toString(), fee: fee.toString() },
      });
  } catch {
    // The settler reports an unreachable node where it matters.
  }
}

function defineMetrics(core: Core, dispatcher: Dispatcher, commit: GroupCommit): MetricsRegistry {
  const m = new MetricsRegistry();
  m.define('aitbc_coordinator_jobs', 'gauge', 'jobs by state');
  m.define('aitbc_coordinator_miners_online', 'gauge', 'miners seen within a lease TTL or waiting for work');
  m.define('aitbc_coordinator_polls_waiting', 'gauge', 'open long-polls of miners');
  m.define('aitbc_coordinator_streams_open', 'gauge', 'open job streams');
  m.define('aitbc_coordinator_settlements', 'gauge', 'settlements by kind and status');
  m.define('aitbc_coordinator_commits_total', 'counter', 'database transactions committed (group commits)');
  m.collect(() => {
    const counts = core.repo.countByState();
    for (const s of JOB_STATES) m.set('aitbc_coordinator_jobs', { state: s }, counts.get(s) ?? 0);
    m.set('aitbc_coordinator_miners_online', {}, core.onlineOffers(core.o.now(), false).length);
    m.set('aitbc_coordinator_polls_waiting', {}, dispatcher.waiting);
    m.set('aitbc_coordinator_streams_open', {}, core.hub.size);
    for (const r of core.repo.settlementCounts())
      m.set('aitbc_coordinator_settlements', { kind: r.kind, status: r.status }, r.n);
    m.set('aitbc_coordinator_commits_total', {}, commit.commits);
  });
  return m;
}
