/** Committed transactions as get_txs lists them, for the wallet-flow tests (signatures are not checked there). */
import type { WalletTx } from '../../../src/quant/wallet-performance.js';

/** The parties of the scenarios (the rules compare addresses as strings only). */
export const ME = 'ait1me';
export const BOB = 'ait1bob';
export const CAROL = 'ait1carol';
export const COORD = 'ait1coord';
export const MINER = 'ait1miner';

/** Block time of height 0; height h is T0 + h seconds. */
export const T0 = Date.UTC(2026, 0, 1);

/** A transaction at `height` (index 0) with a hash derived from the height. */
export function walletTx(
  height: number,
  from: string,
  type: string,
  body: unknown,
  fee = '1000',
  code = 0,
): WalletTx {
  return {
    hash: height.toString(16).padStart(64, '0'),
    height,
    index: 0,
    time: T0 + height * 1000,
    code,
    tx: { chainId: 'c', type, from, pubkey: '', nonce: 0, fee, body, sig: '' } as never,
  };
}
