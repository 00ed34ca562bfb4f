/**
 * Reads what a wallet's flows are computed from (`advanced-analytics performance --wallet` and
 * `report --wallet`): the balance, the committed transactions touching the address (get_txs, newest
 * first, page by page) and the escrow records their settlements need (get_escrow). The node client is
 * behind a small interface (NodeRpc satisfies it), so the paging and consistency rules are tested
 * without a socket; the arithmetic itself is wallet-performance.ts.
 */
import {
  type EscrowTermsNeeded,
  escrowKey,
  escrowsToFetch,
  type WalletPerformance,
  type WalletTx,
  walletPerformance,
} from './wallet-performance.js';

/** The three node calls the wallet flows need (a subset of NodeRpc). */
export interface WalletChainReader {
  getBalance(address: string): Promise<{ balance: string; height: number }>;
  getTxs(params: {
    address: string;
    limit?: number;
    cursor?: string;
  }): Promise<{ items: WalletTx[]; nextCursor?: string }>;
  getEscrow(client: string, jobId: string): Promise<{ amount: string; terms: { settlementFee: string } }>;
}

/** The node's largest get_txs page (DESIGN §7 list methods; the node refuses more). */
export const TX_PAGE_SIZE = 100;
/** Escrow records asked for at once. */
const ESCROW_CONCURRENCY = 16;

export interface WalletActivity {
  address: string;
  /** The balance at `height`. */
  balance: bigint;
  /** The height the balance was read at; transactions committed after it are left out. */
  height: number;
  /** Committed transactions at or below `height`, newest first, at most `limit`. */
  txs: WalletTx[];
  /** Escrow records (amount and settlement fee) of every settlement in `txs`, by escrowKey. */
  escrows: Map<string, EscrowTermsNeeded>;
  /** False when `limit` stopped the reading before the address's first transaction. */
  complete: boolean;
}

/**
 * Reads a wallet's balance, transactions and the escrows they settle. The balance is read first and
 * transactions above its height are dropped, so the history always ends exactly at that balance even
 * while blocks keep coming.
 * @throws AitbcError from the reader (UNREACHABLE, TIMEOUT, the node's refusals).
 * @example const a = await readWalletActivity(rpc, 'ait1…', {limit: 10_000})
 */
export async function readWalletActivity(
  reader: WalletChainReader,
  address: string,
  opts: { limit: number },
): Promise<WalletActivity> {
  const { balance, height } = await reader.getBalance(address);
  const txs: WalletTx[] = [];
  let cursor: string | undefined;
  let complete = false;
  while (txs.length < opts.limit) {
    const page = await reader.getTxs({
      address,
      limit: Math.min(TX_PAGE_SIZE, opts.limit - txs.length),
      ...(cursor === undefined ? {} : { cursor }),
    });
    txs.push(...page.items.filter((t) => t.height <= height));
    cursor = page.nextCursor;
    if (cursor === undefined) {
      complete = true;
      break;
    }
  }
  const escrows = new Map<string, EscrowTermsNeeded>();
  const needed = escrowsToFetch(txs);
  for (let i = 0; i < needed.length; i += ESCROW_CONCURRENCY) {
    const chunk = needed.slice(i, i + ESCROW_CONCURRENCY);
    const records = await Promise.all(chunk.map(({ client, jobId }) => reader.getEscrow(client, jobId)));
    chunk.forEach(({ client, jobId }, k) => {
      escrows.set(escrowKey(client, jobId), {
        amount: records[k].amount,
        settlementFee: records[k].terms.settlementFee,
      });
    });
  }
  return { address, balance: BigInt(balance), height, txs, escrows, complete };
}

/** Reads the activity and computes the balance history and flows from it. */
export async function readWalletPerformance(
  reader: WalletChainReader,
  address: string,
  opts: { limit: number },
): Promise<{ activity: WalletActivity; performance: WalletPerformance }> {
  const activity = await readWalletActivity(reader, address, opts);
  return {
    activity,
    performance: walletPerformance(address, activity.balance, activity.txs, activity.escrows),
  };
}
