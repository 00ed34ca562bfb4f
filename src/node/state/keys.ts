/**
 * State keys (DESIGN §7). The sparse Merkle tree places each at SHA-256 of the key's UTF-8 bytes.
 */

export const PARAMS_KEY = 'params';
export const SUPPLY_KEY = 'supply';
export const ACCOUNT_PREFIX = 'acct/';
export const ESCROW_PREFIX = 'escrow/';
export const VALIDATOR_PREFIX = 'val/';

/** `acct/<address>` */
export function accountKey(address: string): string {
  return ACCOUNT_PREFIX + address;
}

/** `escrow/<client>/<jobId>` */
export function escrowKey(client: string, jobId: string): string {
  return `${ESCROW_PREFIX}${client}/${jobId}`;
}

/** `val/<address>` */
export function validatorKey(address: string): string {
  return VALIDATOR_PREFIX + address;
}
