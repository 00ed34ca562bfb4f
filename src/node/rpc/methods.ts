/**
 * The RPC methods of DESIGN §7 and their params (docs/chain.md shows each with an example). Every
 * method takes an optional `chainId` (default: the node's first chain). Results are committed data
 * only; `broadcast_tx` and `faucet` answer per `wait`.
 */
import { AitbcError } from '../../core/errors.js';
import type { ChainNode, WaitMode } from '../chain/chain-node.js';
import type { RpcMethod } from './http-server.js';
import { RawJson } from './jsonrpc.js';

export const PROTOCOL_VERSION = 1;
const WAITS = ['none', 'accepted', 'committed'] as const;
const MAX_PAGE = 100;

/** What the methods need from the daemon. */
export interface ChainHost {
  /** The chain a request names (its default when undefined). @throws AitbcError CHAIN_NOT_FOUND */
  chain(chainId: string | undefined): ChainNode;
  /** The chain a transaction names when the request does not, or undefined when not hosted. */
  hosted(chainId: string): ChainNode | undefined;
  chains(): readonly ChainNode[];
  endpoints(): { rpc: string; ws: string; metrics: string };
  nodeVersion: string;
  /** The validator address of this node. */
  validator: string;
  now(): number;
  /** Told when a transaction is refused before reaching any chain (metrics). */
  onRefused?: (code: string) => void;
}

const str = (p: Record<string, unknown>, k: string) => p[k] as string | undefined;
const int = (p: Record<string, unknown>, k: string) => p[k] as number | undefined;

/** Builds the method table over a host. */
export function createMethods(host: ChainHost): Map<string, RpcMethod> {
  const m = new Map<string, RpcMethod>();
  const chainOf = (p: Record<string, unknown>) => host.chain(str(p, 'chainId'));

  m.set('status', {
    schema: {},
    handler: (p) => {
      const c = chainOf(p);
      const e = host.endpoints();
      return {
        ...c.status(),
        rpcUrl: e.rpc,
        wsUrl: e.ws,
        protocolVersion: PROTOCOL_VERSION,
        nodeVersion: host.nodeVersion,
        nodeValidator: host.validator,
        chains: host.chains().map((x) => x.chainId),
        catchingUp: false,
      };
    },
  });

  m.set('health', {
    schema: {},
    handler: (p) => {
      const c = chainOf(p);
      const tip = c.tip();
      const ageMs = host.now() - tip.time;
      // Healthy while blocks keep coming: the heartbeat guarantees one at least every heartbeatMs.
      const ok = ageMs <= 3 * c.params.heartbeatMs + c.params.blockTimeMs;
      return {
        ok,
        chainId: c.chainId,
        height: tip.height,
        lastBlockAgeMs: ageMs,
        mempoolTxs: c.stats().mempoolTxs,
      };
    },
  });

  m.set('get_block', {
    schema: { height: { kind: 'int', min: 1 }, hash: { kind: 'hex', bytes: 32 } },
    handler: (p) => {
      if (p.height !== undefined && p.hash !== undefined)
        throw new AitbcError('INVALID_INPUT', 'give height or hash, not both', {});
      return new RawJson(chainOf(p).blockText({ height: int(p, 'height'), hash: str(p, 'hash') }));
    },
  });

  m.set('get_blocks', {
    schema: {
      from: { kind: 'int', min: 1 },
      limit: { kind: 'int', min: 1, max: MAX_PAGE },
      order: { kind: 'enum', values: ['asc', 'desc'] },
      cursor: { kind: 'string', maxLength: 32 },
    },
    handler: (p) => {
      let from = int(p, 'from');
      const cursor = str(p, 'cursor');
      if (cursor !== undefined) {
        if (!/^[1-9][0-9]{0,15}$/.test(cursor))
          throw new AitbcError('INVALID_INPUT', 'cursor must be a height from a previous page', { cursor });
        from = Number(cursor);
      }
      const order = (str(p, 'order') ?? 'desc') as 'asc' | 'desc';
      return new RawJson(chainOf(p).blocksText({ from, limit: int(p, 'limit') ?? 20, order }));
    },
  });

  m.set('get_tx', {
    schema: { hash: { kind: 'hex', bytes: 32, required: true } },
    handler: (p) => new RawJson(chainOf(p).txText(p.hash as string)),
  });

  m.set('get_txs', {
    schema: {
      address: { kind: 'address', required: true },
      limit: { kind: 'int', min: 1, max: MAX_PAGE },
      cursor: { kind: 'string', maxLength: 32 },
    },
    handler: (p) =>
      new RawJson(chainOf(p).txsText(p.address as string, int(p, 'limit') ?? 20, str(p, 'cursor'))),
  });

  /** The chain a transaction goes to: the one the request names, else the one the tx names, else the default. */
  const chainForTx = (p: Record<string, unknown>): ChainNode => {
    const named = str(p, 'chainId');
    const txChain = (p.tx as { chainId?: unknown } | null)?.chainId;
    if (named === undefined)
      return (typeof txChain === 'string' ? host.hosted(txChain) : undefined) ?? host.chain(undefined);
    const hosted = host.hosted(named);
    // A transaction for a chain this node does not host is refused here, before any mempool.
    if (hosted === undefined) {
      host.onRefused?.('WRONG_CHAIN');
      throw new AitbcError('WRONG_CHAIN', `this node does not host chain ${named}`, {
        chainId: named,
        hosted: host.chains().map((c) => c.chainId),
      });
    }
    return hosted;
  };

  m.set('broadcast_tx', {
    schema: { tx: { kind: 'json', required: true }, wait: { kind: 'enum', values: WAITS } },
    handler: (p) => {
      return chainForTx(p).broadcast(p.tx, (str(p, 'wait') ?? 'accepted') as WaitMode);
    },
  });

  m.set('get_balance', {
    schema: { address: { kind: 'address', required: true } },
    handler: (p) => {
      const a = chainOf(p).account(p.address as string);
      return { address: a.address, balance: a.balance, height: a.height };
    },
  });

  m.set('get_account', {
    schema: { address: { kind: 'address', required: true } },
    handler: (p) => chainOf(p).account(p.address as string),
  });

  m.set('get_validators', {
    schema: {},
    handler: (p) => {
      const c = chainOf(p);
      return { items: c.validators().map((v) => ({ ...v })), height: c.tip().height };
    },
  });

  m.set('get_escrow', {
    schema: {
      client: { kind: 'address', required: true },
      jobId: { kind: 'hex', bytes: 16, required: true },
    },
    handler: (p) => chainOf(p).escrow(p.client as string, p.jobId as string),
  });

  m.set('get_chains', {
    schema: {},
    handler: () => ({
      items: host.chains().map((c, i) => ({
        chainId: c.chainId,
        genesisHash: c.genesisHash,
        height: c.tip().height,
        default: i === 0,
        validators: c.validators().length,
        faucet: c.genesis.faucet !== undefined,
        genesis: c.genesis,
      })),
    }),
  });

  m.set('net_info', {
    schema: {},
    handler: () => {
      const e = host.endpoints();
      return { listening: true, rpc: e.rpc, ws: e.ws, p2p: null, peers: [], nPeers: 0 };
    },
  });

  m.set('faucet', {
    schema: {
      address: { kind: 'address', required: true },
      amount: { kind: 'amount' },
      wait: { kind: 'enum', values: WAITS },
    },
    handler: (p) => {
      const amount = str(p, 'amount');
      return chainOf(p).requestFaucet(
        p.address as string,
        amount === undefined ? undefined : BigInt(amount),
        (str(p, 'wait') ?? 'accepted') as WaitMode,
      );
    },
  });

  return m;
}
