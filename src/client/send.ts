/**
 * Sending a transfer through a node: resolve what the user left out (chain, nonce, fee) with the fewest
 * calls, sign locally, broadcast, and report how far it got. A transfer refused by the node throws its
 * rule's AitbcError; one included with a failing result code throws TX_FAILED.
 */
import { AitbcError } from '../core/errors.js';
import type { Signer } from '../crypto/ed25519.js';
import type { SignedTx } from '../protocol/types.js';
import type { NodeRpc } from './node-rpc.js';
import { rfc3339 } from './present.js';
import type { NodeStatus, WaitMode } from './rpc-types.js';
import { signTransfer } from './transfer.js';

export interface SendOptions {
  signer: Signer;
  from: string;
  to: string;
  amount: bigint;
  /** Default: the chain's minimum fee. */
  fee?: bigint;
  /** Default: the account's next pending nonce. */
  nonce?: number;
  memo?: string;
  wait: WaitMode;
}

/** What `wallet send` returns (amounts as uait strings). */
export interface SendResult {
  /** `signed` (offline, not sent), `accepted` (in the mempool) or `committed` (in a final block). */
  status: 'signed' | 'accepted' | 'committed';
  chainId: string;
  hash: string;
  from: string;
  to: string;
  amount: string;
  fee: string;
  nonce: number;
  memo?: string;
  height?: number;
  index?: number;
  /** The committed block's time, RFC 3339 UTC. */
  time?: string;
  /** The signed transaction (only with --sign-only, for `chain broadcast`). */
  tx?: SignedTx;
}

/**
 * The minimum fee a node reports in `status` for its chain.
 * @throws AitbcError INTERNAL when the status lacks it.
 */
export function minFeeOf(status: NodeStatus, url: string): bigint {
  const minFee = (status.params as { minFee?: unknown } | undefined)?.minFee;
  if (typeof minFee !== 'string' || !/^(0|[1-9][0-9]*)$/.test(minFee)) {
    throw new AitbcError('INTERNAL', `the node at ${url} did not report its minimum fee; give --fee`, {
      url,
    });
  }
  return BigInt(minFee);
}

/**
 * Signs and broadcasts a transfer, waiting as asked.
 * @throws AitbcError of the node's rule (INSUFFICIENT_FUNDS, BAD_NONCE, FEE_TOO_LOW, …), TX_FAILED,
 *   UNREACHABLE, TIMEOUT.
 */
export async function sendTransfer(rpc: NodeRpc, o: SendOptions): Promise<SendResult> {
  // One status call answers both the chain (when none was named) and its minimum fee.
  const status = rpc.chainId === undefined || o.fee === undefined ? await rpc.status() : undefined;
  const chainId = await rpc.resolveChainId();
  const fee = o.fee ?? minFeeOf(status as NodeStatus, rpc.url);
  const nonce = o.nonce ?? (await rpc.getAccount(o.from)).pendingNonce;
  const { tx, hash } = signTransfer({
    chainId,
    signer: o.signer,
    from: o.from,
    to: o.to,
    amount: o.amount,
    fee,
    nonce,
    memo: o.memo,
  });
  const r = await rpc.broadcastTx(tx, o.wait);
  const result: SendResult = {
    status: r.status,
    chainId,
    hash,
    from: o.from,
    to: o.to,
    amount: o.amount.toString(),
    fee: fee.toString(),
    nonce,
    ...(o.memo === undefined ? {} : { memo: o.memo }),
    ...(r.height === undefined ? {} : { height: r.height }),
    ...(r.index === undefined ? {} : { index: r.index }),
    ...(r.time === undefined ? {} : { time: rfc3339(r.time) }),
  };
  if (r.code !== undefined && r.code !== 0) {
    throw new AitbcError(
      'TX_FAILED',
      `transaction ${hash} was included but failed: ${r.log ?? `code ${r.code}`}`,
      {
        ...result,
        code: r.code,
        log: r.log,
      },
    );
  }
  return result;
}
