/**
 * The marketplace half of `aitbc node up` (DESIGN §8, issue 4 §7): the coordinator and one miner as devnet
 * services after the node. Each runs in-process but talks to the others over their public HTTP endpoints,
 * exactly as remote daemons would. Their keys are devnet keys written unencrypted (0600) under the home
 * (`coordinator/key.json`, `miner/key.json`); a new chain funds the coordinator in its genesis so it can pay
 * settlement fees up front (each escrow's settlementFee pays them back).
 *
 * The miner serves the models a local Ollama lists when one answers at its default URL, else the `echo`
 * test model; `info().backendReason` says which and why.
 */
import * as path from 'node:path';
import { AitbcError } from '../core/errors.js';
import type { DevnetContext, DevnetService, DevnetServiceFactory } from './devnet.js';
import { ensureKeyFile, type NodeKey } from './keys.js';

/** 1,000 AIT: a thousand settlements in flight at the default minFee. */
export const DEVNET_COORDINATOR_FUNDS = 10n ** 9n;
export const DEVNET_MINER_UNIT_PRICE = 1000n;

const coordinatorKeyFile = (home: string) => path.join(home, 'coordinator', 'key.json');
const minerKeyFile = (home: string) => path.join(home, 'miner', 'key.json');

async function devnetKey(file: string, name: string): Promise<NodeKey> {
  const { ensureSecureDir } = await import('../cli/secure-fs.js');
  ensureSecureDir(path.dirname(path.dirname(file)));
  ensureSecureDir(path.dirname(file));
  return (await ensureKeyFile(file, { name })).key;
}

/** The coordinator as a devnet service; `port` 0 picks a free one. */
export function coordinatorService(opts: {
  port: number;
  host?: string;
  version?: string;
}): DevnetServiceFactory {
  return {
    prepare: async (home) => {
      const key = await devnetKey(coordinatorKeyFile(home), 'coordinator');
      return { allocations: [{ address: key.address, amount: DEVNET_COORDINATOR_FUNDS }] };
    },
    keyFiles: (home) => [coordinatorKeyFile(home)],
    create: (ctx) => new CoordinatorService(ctx, opts),
  };
}

class CoordinatorService implements DevnetService {
  readonly name = 'coordinator';
  private running?: import('../coordinator/index.js').RunningCoordinator;
  constructor(
    private readonly ctx: DevnetContext,
    private readonly opts: { port: number; host?: string; version?: string },
  ) {}

  async start(): Promise<Record<string, string>> {
    const key = await devnetKey(coordinatorKeyFile(this.ctx.home), 'coordinator');
    await fundIfShort(this.ctx, key.address);
    const { startCoordinator } = await import('../coordinator/index.js');
    this.running = await startCoordinator({
      signer: key.signer,
      home: this.ctx.home,
      nodeUrl: this.ctx.rpcUrl,
      chainId: this.ctx.chainId,
      host: this.opts.host ?? '127.0.0.1',
      port: this.opts.port,
      ...(this.opts.version === undefined ? {} : { version: this.opts.version }),
    });
    return { coordinator: this.running.url };
  }

  info(): Record<string, unknown> {
    return { address: this.running?.address, database: this.running?.dbPath };
  }

  async stop(): Promise<void> {
    await this.running?.close();
  }
}

/** A home initialised before the marketplace existed has an unfunded coordinator: the faucet pays it. */
async function fundIfShort(ctx: DevnetContext, address: string): Promise<void> {
  const { NodeRpc } = await import('../client/node-rpc.js');
  const rpc = new NodeRpc({ url: ctx.rpcUrl, chainId: ctx.chainId, timeoutMs: 15_000 });
  try {
    const { balance } = await rpc.getBalance(address);
    if (BigInt(balance) >= DEVNET_COORDINATOR_FUNDS / 10n) return;
    await rpc.faucet(address, undefined, 'committed');
  } catch (e) {
    if (!(e instanceof AitbcError) || e.code !== 'NO_FAUCET') throw e;
  } finally {
    await rpc.close();
  }
}

/**
 * One miner as a devnet service: Ollama's models when an Ollama answers at `ollamaUrl`, else `echo`.
 * `healthPort` 0 picks a free one.
 */
export function minerService(opts: {
  healthPort: number;
  ollamaUrl?: string;
  version?: string;
  echoDelayMs?: number;
}): DevnetServiceFactory {
  return {
    keyFiles: (home) => [minerKeyFile(home)],
    create: (ctx) => new MinerService(ctx, opts),
  };
}

class MinerService implements DevnetService {
  readonly name = 'miner';
  private running?: import('../miner/index.js').RunningMiner;
  private reason = '';
  constructor(
    private readonly ctx: DevnetContext,
    private readonly opts: { healthPort: number; ollamaUrl?: string; version?: string; echoDelayMs?: number },
  ) {}

  async start(): Promise<Record<string, string>> {
    const coordinatorUrl = this.ctx.endpoints.coordinator;
    if (coordinatorUrl === undefined)
      throw new AitbcError('INTERNAL', 'the miner service needs the coordinator started before it');
    const key = await devnetKey(minerKeyFile(this.ctx.home), 'miner');
    const m = await import('../miner/index.js');
    const ollama = new m.OllamaBackend(this.opts.ollamaUrl ?? m.DEFAULT_OLLAMA_URL, 1_500);
    let backend: import('../miner/index.js').InferenceBackend;
    try {
      const { models } = await ollama.listModels();
      if (models.length === 0) throw new Error('it lists no models');
      backend = ollama;
      this.reason = `Ollama answers at ${ollama.url} with ${models.length} model name(s)`;
    } catch (e) {
      backend = new m.EchoBackend(this.opts.echoDelayMs ?? 0);
      this.reason = `no usable Ollama at ${ollama.url} (${(e as Error).message}); serving the echo test model`;
    }
    this.running = await m.startMiner({
      signer: key.signer,
      coordinatorUrl,
      backend,
      unitPrice: DEVNET_MINER_UNIT_PRICE,
      concurrency: 4,
      healthPort: this.opts.healthPort,
      ...(this.opts.version === undefined ? {} : { version: this.opts.version }),
    });
    return this.running.healthUrl === undefined ? {} : { miner: this.running.healthUrl };
  }

  info(): Record<string, unknown> {
    const r = this.running;
    return {
      address: r?.address,
      backend: r?.backend,
      models: r?.models,
      unitPrice: r?.unitPrice,
      backendReason: this.reason,
    };
  }

  async stop(): Promise<void> {
    await this.running?.close();
  }
}
