/**
 * How the settler reads the node's answer to a settlement broadcast (pure). The mempool keeps each
 * sender's pending nonces consecutive, so a refused transaction leaves its nonce free and every later one
 * in the same batch is refused as a gap; the settler re-signs those with fresh nonces.
 */
import type { AitbcError } from '../../core/errors.js';

export type BroadcastVerdict =
  /** in the mempool (or already committed): wait for its commit */
  | { kind: 'sent' }
  /** our nonce bookkeeping is off: re-sign with the node's pending nonce, at once */
  | { kind: 'renonce' }
  /** the node cannot take it now (unreachable, full, our fee balance short): retry later */
  | { kind: 'retry' }
  /** the chain will never accept it: record the failure */
  | { kind: 'fail' };

const RETRY = new Set([
  'UNREACHABLE',
  'TIMEOUT',
  'MEMPOOL_FULL',
  'INSUFFICIENT_FUNDS',
  'RATE_LIMITED',
  'INTERNAL',
  'FEE_TOO_LOW',
]);

/** Classifies a refused broadcast. */
export function classifyBroadcastError(error: AitbcError): BroadcastVerdict {
  const reason = (error.details as { reason?: unknown }).reason;
  if (error.code === 'DUPLICATE_NONCE' && reason === 'already_pending') return { kind: 'sent' };
  if (error.code === 'BAD_NONCE' && reason === 'replayed') return { kind: 'sent' };
  if (error.code === 'BAD_NONCE' || error.code === 'DUPLICATE_NONCE') return { kind: 'renonce' };
  if (RETRY.has(error.code)) return { kind: 'retry' };
  return { kind: 'fail' };
}

/**
 * Where a `sent` settlement stands, from the account's committed and pending nonces alone: below the
 * committed nonce it was included (or its nonce was taken by another transaction): look it up; at or
 * beyond the pending nonce the node no longer holds it (a node restart emptied its mempool): broadcast
 * it again; in between it is still pending. Only the first kind costs a `get_tx`.
 */
export function sentTxVerdict(
  nonce: number,
  account: { nonce: number; pendingNonce: number },
): 'lookup' | 'rebroadcast' | 'wait' {
  if (nonce < account.nonce) return 'lookup';
  if (nonce >= account.pendingNonce) return 'rebroadcast';
  return 'wait';
}
