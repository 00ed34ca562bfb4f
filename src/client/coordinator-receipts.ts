/**
 * `aitbc receipts verify` (DESIGN §8): every check a client can make on a receipt without trusting the
 * coordinator — both signatures strictly, each key hashing to its party's address, `receiptId` and
 * `price` recomputing, the output against `outputHash` — and, given a node, that the chain settled the
 * escrow with exactly this receipt.
 */
import { AitbcError } from '../core/errors.js';
import { fromHex } from '../core/hex.js';
import { addressOfPublicKey } from '../protocol/pubkey.js';
import {
  computeOutputHash,
  computePrice,
  computeReceiptId,
  receiptBody,
  receiptSignBytes,
  validateReceipt,
} from '../protocol/receipt.js';
import type { Receipt, VerifyFn } from '../protocol/types.js';
import type { NodeRpc } from './node-rpc.js';
import type { EscrowInfo } from './rpc-types.js';

export interface ReceiptCheck {
  check: string;
  ok: boolean | null;
  detail: string;
}

export interface ReceiptVerification {
  valid: boolean;
  receiptId?: string;
  jobId?: string;
  checks: ReceiptCheck[];
  /** the escrow as the chain records it, when a node was asked */
  escrow?: EscrowInfo;
}

/**
 * Runs every check; `valid` is true when none failed (a check that could not run — no output given, no
 * node — is `ok: null` and does not fail the receipt).
 * @example const v = await verifyReceiptFully(receipt, {verify: verifyStrict, output, rpc});
 */
export async function verifyReceiptFully(
  value: unknown,
  opts: { verify: VerifyFn; output?: string; rpc?: NodeRpc },
): Promise<ReceiptVerification> {
  const checks: ReceiptCheck[] = [];
  const add = (check: string, ok: boolean | null, detail: string) => checks.push({ check, ok, detail });
  let r: Receipt;
  try {
    r = validateReceipt(value);
  } catch (e) {
    add('format', false, (e as Error).message);
    return { valid: false, checks };
  }
  add('format', true, 'fields and encodings as DESIGN §8');
  const msg = receiptSignBytes(receiptBody(r));
  for (const role of ['miner', 'coordinator'] as const) {
    const pubkey = role === 'miner' ? r.minerPubkey : r.coordinatorPubkey;
    const address = role === 'miner' ? r.miner : r.coordinator;
    const keyAddress = addressOfPublicKey(pubkey);
    add(
      `${role}Key`,
      keyAddress === address,
      keyAddress === null
        ? `${role}Pubkey is not a valid ed25519 key`
        : keyAddress === address
          ? `${role}Pubkey hashes to ${address}`
          : `${role}Pubkey hashes to ${keyAddress}, not ${address}`,
    );
    const sig = role === 'miner' ? r.minerSig : r.coordinatorSig;
    const ok = keyAddress !== null && opts.verify(fromHex(sig, 64), msg, fromHex(pubkey, 32));
    add(`${role}Sig`, ok, ok ? 'verifies strictly (aitbc/receipt/v1)' : 'does not verify');
  }
  const id = computeReceiptId(receiptBody(r));
  add('receiptId', id === r.receiptId, id === r.receiptId ? 'recomputes' : `recomputes to ${id}`);
  const price = computePrice(BigInt(r.unitPrice), r.tokensIn, r.tokensOut);
  add(
    'price',
    price.toString() === r.price,
    `ceil(${r.unitPrice} × (${r.tokensIn} + ${r.tokensOut}) / 1000) = ${price}`,
  );
  add('times', r.startedAt <= r.completedAt, 'startedAt ≤ completedAt');
  if (opts.output === undefined) add('output', null, 'no output given');
  else {
    const h = computeOutputHash(opts.output);
    add('output', h === r.outputHash, h === r.outputHash ? 'matches outputHash' : `hashes to ${h}`);
  }
  let escrow: EscrowInfo | undefined;
  if (opts.rpc === undefined) add('settlement', null, 'no node asked');
  else {
    try {
      const e = await opts.rpc.getEscrow(r.client, r.jobId);
      escrow = e;
      const settled = e.status === 'released' && e.receiptId === r.receiptId;
      add(
        'settlement',
        settled,
        settled
          ? `escrow released with this receipt at height ${e.settledAt}; ${e.price} uait paid`
          : e.status === 'locked'
            ? 'escrow still locked: the release is not committed yet'
            : `escrow ${e.status}${e.receiptId ? ` with receipt ${e.receiptId}` : ''}`,
      );
    } catch (e) {
      if (!(e instanceof AitbcError) || e.code !== 'ESCROW_NOT_FOUND') throw e;
      add('settlement', false, `no escrow ${r.jobId} of ${r.client} on chain ${r.chainId}`);
    }
  }
  return {
    valid: checks.every((c) => c.ok !== false),
    receiptId: r.receiptId,
    jobId: r.jobId,
    checks,
    ...(escrow === undefined ? {} : { escrow }),
  };
}
