/**
 * A wallet's history as people read it: each committed transaction touching the address, flattened to
 * one row (direction, counterparty, amount, fee, result), newest first.
 */
import type { SignedTx } from '../protocol/types.js';
import { rfc3339 } from './present.js';
import type { CommittedTxInfo } from './rpc-types.js';

export interface HistoryItem {
  hash: string;
  height: number;
  index: number;
  /** The block's time, RFC 3339 UTC. */
  time?: string;
  type: SignedTx['type'];
  /** `out` (sent by the address), `in` (received), `self` (both). */
  direction: 'in' | 'out' | 'self';
  from: string;
  /** Recipient of a transfer; the coordinator of an escrow lock; the client of a release or refund. */
  to?: string;
  /** uait moved by the transaction (transfers and escrow locks). */
  amount?: string;
  fee: string;
  nonce: number;
  memo?: string;
  /** 0 = applied; otherwise only the fee was paid (see `log`). */
  code: number;
  log?: string;
}

function counterparty(tx: SignedTx): string | undefined {
  switch (tx.type) {
    case 'transfer':
      return tx.body.to;
    case 'escrow_lock':
      return tx.body.coordinator;
    case 'escrow_release':
    case 'escrow_refund':
      return tx.body.client;
  }
}

/** One history row for `address` from a `get_tx`-shaped record. */
export function historyItem(info: CommittedTxInfo, address: string): HistoryItem {
  const tx = info.tx;
  const to = counterparty(tx);
  const sent = tx.from === address;
  const received = to === address || (!sent && tx.type === 'escrow_release');
  const amount = tx.type === 'transfer' || tx.type === 'escrow_lock' ? tx.body.amount : undefined;
  return {
    hash: info.hash,
    height: info.height,
    index: info.index,
    ...(info.time === undefined ? {} : { time: rfc3339(info.time) }),
    type: tx.type,
    direction: sent && received ? 'self' : sent ? 'out' : 'in',
    from: tx.from,
    ...(to === undefined ? {} : { to }),
    ...(amount === undefined ? {} : { amount }),
    fee: tx.fee,
    nonce: tx.nonce,
    ...(tx.type === 'transfer' && tx.body.memo !== undefined ? { memo: tx.body.memo } : {}),
    code: info.code,
    ...(info.log ? { log: info.log } : {}),
  };
}
