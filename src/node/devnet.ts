/**
 * The one-command devnet (`aitbc node up`): a home initialised on first run — a devnet chain with a
 * faucet, keys written unencrypted (0600) — and resumed on every later run, never re-initialised; or a
 * temporary home with `ephemeral`. The devnet is a list of services started in order and stopped in
 * reverse; this issue runs the chain node, and later issues append the coordinator, a miner and the
 * explorer, each talking to the others over their public endpoints as remote processes would.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ensureSecureDir } from '../cli/secure-fs.js';
import { AitbcError } from '../core/errors.js';
import { DEFAULT_PARAMS } from '../protocol/genesis.js';
import type { Genesis } from '../protocol/types.js';
import { NodeDaemon, type NodeDaemonOptions, type NodeEvent } from './daemon.js';
import { DEVNET_CHAIN_ID, initNode, paramsForBlockTime } from './init.js';
import { isUnencryptedKeyFile, type PasswordProvider } from './keys.js';
import { listChainIds, nodeLayout } from './layout.js';

/** 10^9 AIT in the devnet faucet, paid out at most 1,000 AIT per request. */
export const DEVNET_FAUCET_AMOUNT = 10n ** 15n;
export const DEVNET_FAUCET_MAX_PER_REQUEST = 10n ** 9n;

/** One service of the devnet. */
export interface DevnetService {
  readonly name: string;
  /** Starts and resolves once its listeners are bound; returns its endpoints. */
  start(): Promise<Record<string, string>>;
  stop(): Promise<void>;
  /** What the ready event reports about the service once started (address, backend, …). */
  info?(): Record<string, unknown>;
}

/** What a service started after the node learns about the devnet. */
export interface DevnetContext {
  home: string;
  chainId: string;
  /** the node's RPC URL: services talk to it as remote processes would */
  rpcUrl: string;
  /** endpoints of the services started before this one */
  endpoints: Readonly<Record<string, string>>;
}

/** A service appended after the node (the coordinator, a miner, …). */
export interface DevnetServiceFactory {
  /**
   * Runs before a new chain is initialised (first run only): the accounts to fund in its genesis and the
   * unencrypted key files written.
   */
  prepare?(home: string): Promise<{ allocations?: Array<{ address: string; amount: bigint }> }>;
  /** Key files the service keeps unencrypted (devnet only), for the warning. */
  keyFiles?(home: string): string[];
  create(ctx: DevnetContext): DevnetService;
}

export interface DevnetOptions {
  /** The home to initialise or resume; ignored with `ephemeral`. */
  home?: string;
  ephemeral?: boolean;
  rpcHost?: string;
  rpcPort?: number;
  wsPort?: number;
  /** First run only: the chain id and block time of the new devnet chain. */
  chainId?: string;
  blockTimeMs?: number;
  password?: PasswordProvider;
  allowPublicFaucet?: boolean;
  nodeVersion?: string;
  onEvent?: (e: NodeEvent) => void;
  now?: () => number;
  /** Services started after the node, in order (stopped in reverse). */
  services?: readonly DevnetServiceFactory[];
}

/** What `node up` reports once every service is up (the ready event's content). */
export interface DevnetReady {
  chainId: string;
  home: string;
  ephemeral: boolean;
  /** True when this run initialised the home. */
  initialised: boolean;
  /** the node's endpoints plus those of every later service */
  endpoints: { rpc: string; ws: string; metrics: string } & Record<string, string>;
  faucet: { address: string; maxPerRequest: string } | null;
  validator: string;
  /** Key files written unencrypted (devnet only), for the warning. */
  unencryptedKeys: string[];
  services: string[];
  /** each later service's `info()`, by service name */
  serviceInfo: Record<string, Record<string, unknown>>;
}

/** A running devnet. */
export class Devnet {
  private constructor(
    readonly ready: DevnetReady,
    private readonly services: DevnetService[],
    private readonly cleanup: () => void,
  ) {}

  /**
   * Initialises the home when it holds no chain, then starts every service.
   * @throws AitbcError as `initNode` and `NodeDaemon.start` (HOME_LOCKED when a node already runs there).
   */
  static async start(opts: DevnetOptions): Promise<Devnet> {
    const ephemeral = opts.ephemeral ?? false;
    const home = ephemeral ? fs.mkdtempSync(path.join(os.tmpdir(), 'aitbc-devnet-')) : (opts.home as string);
    const cleanup = () => {
      if (ephemeral) fs.rmSync(home, { recursive: true, force: true });
    };
    const started: DevnetService[] = [];
    try {
      if (ephemeral) fs.chmodSync(home, 0o700);
      ensureSecureDir(home);
      const layout = nodeLayout(home);
      let initialised = false;
      if (listChainIds(layout).length === 0) {
        const allocations: Array<{ address: string; amount: bigint }> = [];
        for (const f of opts.services ?? [])
          allocations.push(...((await f.prepare?.(home))?.allocations ?? []));
        await initNode({
          home,
          chainId: opts.chainId ?? DEVNET_CHAIN_ID,
          faucet: { amount: DEVNET_FAUCET_AMOUNT, maxPerRequest: DEVNET_FAUCET_MAX_PER_REQUEST },
          params:
            opts.blockTimeMs === undefined
              ? {}
              : paramsForBlockTime(opts.blockTimeMs, DEFAULT_PARAMS.heartbeatMs),
          time: (opts.now ?? Date.now)(),
          ...(allocations.length === 0 ? {} : { allocations }),
        });
        initialised = true;
      }
      const node = new NodeService({
        home,
        ...(opts.rpcHost === undefined ? {} : { rpcHost: opts.rpcHost }),
        ...(opts.rpcPort === undefined ? {} : { rpcPort: opts.rpcPort }),
        ...(opts.wsPort === undefined ? {} : { wsPort: opts.wsPort }),
        ...(opts.password === undefined ? {} : { password: opts.password }),
        ...(opts.allowPublicFaucet === undefined ? {} : { allowPublicFaucet: opts.allowPublicFaucet }),
        ...(opts.nodeVersion === undefined ? {} : { nodeVersion: opts.nodeVersion }),
        ...(opts.onEvent === undefined ? {} : { onEvent: opts.onEvent }),
        ...(opts.now === undefined ? {} : { now: opts.now }),
      });
      const services: DevnetService[] = [node];
      for (const s of services) {
        await s.start();
        started.push(s);
      }
      const d = node.running();
      const chain = d.chains[0];
      const endpoints: DevnetReady['endpoints'] = { ...d.endpoints };
      const serviceInfo: DevnetReady['serviceInfo'] = {};
      for (const f of opts.services ?? []) {
        const s = f.create({ home, chainId: chain.chainId, rpcUrl: d.endpoints.rpc, endpoints });
        Object.assign(endpoints, await s.start());
        started.push(s);
        services.push(s);
        if (s.info) serviceInfo[s.name] = s.info();
      }
      const unencryptedKeys = [
        layout.validatorKey,
        ...d.chains.map((c) => layout.faucetKey(c.chainId)),
        ...(opts.services ?? []).flatMap((f) => f.keyFiles?.(home) ?? []),
      ].filter(isUnencryptedKeyFile);
      const ready: DevnetReady = {
        chainId: chain.chainId,
        home,
        ephemeral,
        initialised,
        endpoints,
        faucet: faucetOf(chain.genesis),
        validator: d.validator.address,
        unencryptedKeys,
        services: services.map((s) => s.name),
        serviceInfo,
      };
      return new Devnet(ready, started, cleanup);
    } catch (e) {
      for (const s of started.reverse()) await s.stop();
      cleanup();
      throw e;
    }
  }

  /** Stops the services in reverse order; removes an ephemeral home. */
  async stop(): Promise<void> {
    for (const s of [...this.services].reverse()) await s.stop();
    this.services.length = 0;
    this.cleanup();
  }
}

function faucetOf(genesis: Genesis): DevnetReady['faucet'] {
  return genesis.faucet === undefined
    ? null
    : { address: genesis.faucet.address, maxPerRequest: genesis.faucet.maxPerRequest };
}

/** The chain node as a devnet service. */
class NodeService implements DevnetService {
  readonly name = 'node';
  private daemon?: NodeDaemon;
  constructor(private readonly opts: NodeDaemonOptions) {}
  async start(): Promise<Record<string, string>> {
    this.daemon = await NodeDaemon.start(this.opts);
    return { ...this.daemon.endpoints };
  }
  async stop(): Promise<void> {
    await this.daemon?.stop();
  }
  /** The running daemon. @throws AitbcError INTERNAL before start. */
  running(): NodeDaemon {
    if (this.daemon === undefined) throw new AitbcError('INTERNAL', 'the node service is not running');
    return this.daemon;
  }
}
