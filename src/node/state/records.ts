/**
 * The values stored under state keys, in their canonical (JCS) text form: what the state root commits
 * to and what `get_account` / `get_escrow` return. Amounts are decimal strings, as on the wire.
 */
import { canonicalJson } from '../../core/canonical-json.js';
import type { Address, AmountString, EscrowTerms, Hex } from '../../protocol/types.js';

/** An account as the state machine works with it. Absent accounts read as zero balance, nonce 0. */
export interface Account {
  balance: bigint;
  nonce: number;
}

/** `acct/<address>` → `{"balance":"…","nonce":n}` */
export function encodeAccount(a: Account): string {
  return canonicalJson({ balance: a.balance.toString(), nonce: a.nonce });
}

export function decodeAccount(text: string | undefined): Account {
  if (text === undefined) return { balance: 0n, nonce: 0 };
  const o = JSON.parse(text) as { balance: string; nonce: number };
  return { balance: BigInt(o.balance), nonce: o.nonce };
}

export type EscrowStatus = 'locked' | 'released' | 'refunded';

/**
 * `escrow/<client>/<jobId>`. Settled escrows stay as tombstones with their outcome: `settledAt` (height),
 * `settledBy` (the sender of the settlement) and, for a release, `receiptId` and `price`.
 */
export interface EscrowRecord {
  client: Address;
  jobId: Hex;
  amount: AmountString;
  coordinator: Address;
  expiresAt: number;
  terms: EscrowTerms;
  status: EscrowStatus;
  /** height of the lock */
  lockedAt: number;
  settledAt?: number;
  settledBy?: Address;
  receiptId?: Hex;
  price?: AmountString;
}

export function encodeEscrow(e: EscrowRecord): string {
  return canonicalJson(e);
}

export function decodeEscrow(text: string | undefined): EscrowRecord | undefined {
  return text === undefined ? undefined : (JSON.parse(text) as EscrowRecord);
}

/** `supply` → `{"burned":"…","total":"…"}`: total is the genesis supply, burned the fees so far. */
export interface Supply {
  total: bigint;
  burned: bigint;
}

export function encodeSupply(s: Supply): string {
  return canonicalJson({ burned: s.burned.toString(), total: s.total.toString() });
}

export function decodeSupply(text: string | undefined): Supply {
  if (text === undefined) return { total: 0n, burned: 0n };
  const o = JSON.parse(text) as { burned: string; total: string };
  return { total: BigInt(o.total), burned: BigInt(o.burned) };
}
