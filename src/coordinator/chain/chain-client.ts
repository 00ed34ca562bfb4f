/**
 * What the coordinator needs from the chain, behind a small interface so the rules can be tested
 * without a node, and one implementation over the node's JSON-RPC (src/client/node-rpc.ts). Lookups of
 * many locks or settlements go out as one JSON-RPC batch; broadcasts of a batch keep their order, so the
 * node admits consecutive nonces in sequence.
 */

import type { NodeRpc } from '../../client/node-rpc.js';
import { AitbcError, isAitbcError } from '../../core/errors.js';
import type { SignedTx } from '../../protocol/types.js';
import type { EscrowView, LockTxInfo } from '../jobs/submission.js';

/** A transaction as `get_tx` returns it: committed ones have a height and a result code. */
export interface TxLookup extends LockTxInfo {
  tx: SignedTx;
  hash: string;
  height?: number;
  code?: number;
  log?: string;
}

export interface ChainAccount {
  balance: bigint;
  nonce: number;
  pendingNonce: number;
}

/** The outcome of one broadcast in a batch. */
export type BroadcastOutcome = { ok: true } | { ok: false; error: AitbcError };

/** The chain as the coordinator uses it (RpcChainClient in production, a fake in tests). */
export interface ChainClient {
  /** The chain served (the node's default when none was named) and its minimum fee. */
  describe(chainId?: string): Promise<{ chainId: string; minFee: bigint }>;
  /** `get_tx` and `get_escrow` for each lock; `undefined` where the node has none. */
  lookupLocks(
    items: ReadonlyArray<{ lockTx: string; client: string; jobId: string }>,
  ): Promise<Array<{ tx?: TxLookup; escrow?: EscrowView }>>;
  /** The height of the chain's latest block. */
  tipHeight(): Promise<number>;
  /** `get_tx` for each hash; `undefined` where the node knows none. */
  getTxs(hashes: readonly string[]): Promise<Array<TxLookup | undefined>>;
  getEscrow(client: string, jobId: string): Promise<EscrowView | undefined>;
  getAccount(address: string): Promise<ChainAccount>;
  /** Broadcasts in order, each admitted to the mempool (`wait: accepted`) before the next is looked at. */
  broadcast(txs: readonly SignedTx[]): Promise<BroadcastOutcome[]>;
  close(): Promise<void>;
}

const NOT_FOUND = new Set(['TX_NOT_FOUND', 'ESCROW_NOT_FOUND']);

/** An outcome's value, `undefined` for not-found, and a throw for anything else (node trouble). */
function valueOrMissing<T>(
  o: { ok: true; result: unknown } | { ok: false; error: AitbcError },
): T | undefined {
  if (o.ok) return o.result as T;
  if (NOT_FOUND.has(o.error.code)) return undefined;
  throw o.error;
}

/** A ChainClient over a NodeRpc that names the chain in every call. */
export class RpcChainClient implements ChainClient {
  constructor(private readonly rpc: NodeRpc) {}

  async describe(chainId?: string): Promise<{ chainId: string; minFee: bigint }> {
    const { items } = await this.rpc.call<{
      items: Array<{ chainId: string; default?: boolean; genesis?: { params?: { minFee?: string } } }>;
    }>('get_chains');
    const chain =
      chainId === undefined
        ? (items.find((c) => c.default) ?? items[0])
        : items.find((c) => c.chainId === chainId);
    if (chain === undefined)
      throw new AitbcError(
        'CHAIN_NOT_FOUND',
        chainId === undefined
          ? `the node at ${this.rpc.url} hosts no chain`
          : `the node at ${this.rpc.url} does not host chain ${chainId}`,
        { chainId, hosted: items.map((c) => c.chainId) },
      );
    const minFee = chain.genesis?.params?.minFee;
    if (minFee === undefined || !/^(0|[1-9][0-9]*)$/.test(minFee))
      throw new AitbcError(
        'UNREACHABLE',
        `the node at ${this.rpc.url} did not report chain ${chain.chainId}'s minFee`,
        {
          chainId: chain.chainId,
        },
      );
    return { chainId: chain.chainId, minFee: BigInt(minFee) };
  }

  async lookupLocks(
    items: ReadonlyArray<{ lockTx: string; client: string; jobId: string }>,
  ): Promise<Array<{ tx?: TxLookup; escrow?: EscrowView }>> {
    if (items.length === 0) return [];
    const calls = items.flatMap((i) => [
      { method: 'get_tx', params: { hash: i.lockTx } },
      { method: 'get_escrow', params: { client: i.client, jobId: i.jobId } },
    ]);
    const out = await this.rpc.batch(calls);
    return items.map((_, k) => {
      const tx = valueOrMissing<TxLookup>(out[2 * k]);
      const escrow = valueOrMissing<EscrowView>(out[2 * k + 1]);
      return { ...(tx ? { tx } : {}), ...(escrow ? { escrow } : {}) };
    });
  }

  async tipHeight(): Promise<number> {
    return (await this.rpc.status()).height;
  }

  async getTxs(hashes: readonly string[]): Promise<Array<TxLookup | undefined>> {
    if (hashes.length === 0) return [];
    const out = await this.rpc.batch(hashes.map((hash) => ({ method: 'get_tx', params: { hash } })));
    return out.map((o) => valueOrMissing<TxLookup>(o));
  }

  async getEscrow(client: string, jobId: string): Promise<EscrowView | undefined> {
    try {
      return (await this.rpc.getEscrow(client, jobId)) as unknown as EscrowView;
    } catch (e) {
      if (isAitbcError(e) && e.code === 'ESCROW_NOT_FOUND') return undefined;
      throw e;
    }
  }

  async getAccount(address: string): Promise<ChainAccount> {
    const a = await this.rpc.getAccount(address);
    return { balance: BigInt(a.balance), nonce: a.nonce, pendingNonce: a.pendingNonce };
  }

  async broadcast(txs: readonly SignedTx[]): Promise<BroadcastOutcome[]> {
    if (txs.length === 0) return [];
    const out = await this.rpc.batch(
      txs.map((tx) => ({ method: 'broadcast_tx', params: { tx, wait: 'accepted' } })),
    );
    return out.map((o) => (o.ok ? { ok: true } : { ok: false, error: o.error }));
  }

  close(): Promise<void> {
    return this.rpc.close();
  }
}
