/**
 * The conservation identity of DESIGN §7 checked from outside the node, over its public RPC only:
 * Σ balances + Σ locked escrow amounts + burned fees = genesis supply. Every account any transaction or
 * genesis allocation touched is read; `burned` is the sum of the fees of every committed transaction
 * (each included transaction pays its fee, even one with a failing result code); locked escrows are
 * read back with `get_escrow`. The marketplace demo, its tests and the benchmark use it to show no
 * uait was created or lost.
 */
import { AitbcError } from '../core/errors.js';
import { txAddresses } from '../protocol/tx.js';
import type { NodeRpc } from './node-rpc.js';

export interface SupplyAudit {
  chainId: string;
  height: number;
  genesisSupply: string;
  balances: string;
  locked: string;
  burned: string;
  accounts: number;
  escrows: { locked: number; released: number; refunded: number };
  transactions: number;
  /** balances + locked + burned = genesisSupply */
  ok: boolean;
}

/**
 * Audits the chain at its tip; retries when a block commits during the walk, so all figures are of
 * one height.
 * @throws AitbcError UNREACHABLE / TIMEOUT, INTERNAL when the chain never stays still for a whole walk.
 */
export async function auditSupply(rpc: NodeRpc, attempts = 5): Promise<SupplyAudit> {
  for (let i = 0; i < attempts; i++) {
    const audit = await auditOnce(rpc);
    if (audit !== undefined) return audit;
  }
  throw new AitbcError(
    'INTERNAL',
    `the chain kept moving during ${attempts} audits; try again when it is idle`,
  );
}

async function auditOnce(rpc: NodeRpc): Promise<SupplyAudit | undefined> {
  const chainId = await rpc.resolveChainId();
  const start = await rpc.status();
  const genesis = (await rpc.getChains()).items.find((c) => c.chainId === chainId)?.genesis;
  if (genesis === undefined) throw new AitbcError('CHAIN_NOT_FOUND', `the node does not host ${chainId}`);
  let supply = 0n;
  const addresses = new Set<string>();
  for (const a of genesis.allocations) {
    supply += BigInt(a.amount);
    addresses.add(a.address);
  }
  let burned = 0n;
  let transactions = 0;
  const locks: Array<{ client: string; jobId: string }> = [];
  let last = 0;
  while (last < start.height) {
    const page = await rpc.getBlocks({ from: last + 1, order: 'asc', limit: 100 });
    if (page.items.length === 0) break;
    for (const b of page.items) {
      if (b.height > start.height) break;
      last = b.height;
      for (const tx of b.block.txs) {
        transactions++;
        burned += BigInt(tx.fee);
        for (const a of txAddresses(tx)) addresses.add(a);
        if (tx.type === 'escrow_lock') locks.push({ client: tx.from, jobId: tx.body.jobId });
      }
    }
  }
  let balances = 0n;
  for (const a of addresses) {
    const b = await rpc.getBalance(a);
    if (b.height !== start.height) return undefined;
    balances += BigInt(b.balance);
  }
  let locked = 0n;
  const escrows = { locked: 0, released: 0, refunded: 0 };
  for (const l of locks) {
    const e = await rpc.getEscrow(l.client, l.jobId);
    if (e.height !== start.height) return undefined;
    const status = e.status as keyof typeof escrows;
    escrows[status]++;
    if (status === 'locked') locked += BigInt(e.amount);
  }
  return {
    chainId,
    height: start.height,
    genesisSupply: supply.toString(),
    balances: balances.toString(),
    locked: locked.toString(),
    burned: burned.toString(),
    accounts: addresses.size,
    escrows,
    transactions,
    ok: balances + locked + burned === supply,
  };
}
