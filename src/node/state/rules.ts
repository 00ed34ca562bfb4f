/**
 * The state transition rules of DESIGN §7 as pure functions over a StateReader: admission (may this
 * transaction enter the mempool, given the sender's pending transactions?) and execution (what does it
 * write?). Both run the same body rules, so a transaction refused at admission would also fail at
 * execution, and one admitted fails at execution only when another transaction got there first or a
 * time rule checked against the admission clock no longer holds at the header's time. Signatures are the caller's: the mempool verifies them at admission, block validation before
 * execution.
 */
import { AitbcError, type ErrorCode, isAitbcError } from '../../core/errors.js';
import { escrowMinAmount } from '../../protocol/escrow.js';
import { computePrice, verifyReceipt } from '../../protocol/receipt.js';
import type { ChainParams, Receipt, SignedTx, TxResult, VerifyFn } from '../../protocol/types.js';
import { accountKey, escrowKey, SUPPLY_KEY } from './keys.js';
import {
  type Account,
  type EscrowRecord,
  encodeAccount,
  encodeEscrow,
  encodeSupply,
  type Supply,
} from './records.js';
import { failureResult, OK_RESULT } from './result-codes.js';

/** Read access to the state the rules need. */
export interface StateReader {
  getAccount(address: string): Account;
  getEscrow(client: string, jobId: string): EscrowRecord | undefined;
  getParams(): ChainParams;
  getSupply(): Supply;
}

/** What a transaction is checked against: the chain and the time (header time, or now at admission). */
export interface RuleContext {
  chainId: string;
  /** unix ms */
  time: number;
}

/** Execution context: the block being built or replayed. */
export interface ExecContext extends RuleContext {
  height: number;
  /** the block's proposer; no rule uses it while fees are burned */
  proposer?: string;
}

/**
 * The sender's transactions already pending ahead of (or beside, for a replacement) the one admitted.
 */
export interface PendingView {
  /** the nonce the transaction must carry */
  nonce: number;
  /** Σ txDebit of the sender's other pending transactions */
  spent: bigint;
  /** jobIds the sender's other pending transactions lock */
  locks: { has(jobId: string): boolean };
  /** escrow keys (`escrowKey(client, jobId)`) the sender's other pending transactions settle */
  settlements: { has(key: string): boolean };
}

/** The outcome of executing one includable transaction. */
export interface Execution {
  result: TxResult;
  /** state key → new canonical value */
  writes: Map<string, string>;
}

/** The most a transaction can take from its sender's balance: fee, plus the amount of a transfer or lock. */
export function txDebit(tx: SignedTx): bigint {
  const fee = BigInt(tx.fee);
  return tx.type === 'transfer' || tx.type === 'escrow_lock' ? fee + BigInt(tx.body.amount) : fee;
}

function refuse(code: ErrorCode, message: string, details: Record<string, unknown> = {}): never {
  throw new AitbcError(code, message, details);
}

/** Rules every transaction meets before it may be included at all: chain, nonce, fee, funds for the fee. */
function checkIncludable(
  tx: SignedTx,
  ctx: RuleContext,
  params: ChainParams,
  nonce: number,
  spendable: bigint,
): void {
  if (tx.chainId !== ctx.chainId)
    refuse('WRONG_CHAIN', `transaction is for chain ${tx.chainId}, not ${ctx.chainId}`, {
      chainId: tx.chainId,
      expected: ctx.chainId,
    });
  if (tx.nonce < nonce)
    refuse('BAD_NONCE', `nonce ${tx.nonce} is already used; next is ${nonce}`, {
      nonce: tx.nonce,
      expected: nonce,
    });
  if (tx.nonce > nonce)
    refuse('BAD_NONCE', `nonce ${tx.nonce} is ahead; next is ${nonce}`, { nonce: tx.nonce, expected: nonce });
  const fee = BigInt(tx.fee);
  if (fee < BigInt(params.minFee))
    refuse('FEE_TOO_LOW', `fee ${tx.fee} is below the minimum ${params.minFee}`, {
      fee: tx.fee,
      minFee: params.minFee,
    });
  if (spendable < fee)
    refuse('INSUFFICIENT_FUNDS', `balance ${spendable} cannot pay the fee ${tx.fee}`, {
      available: spendable.toString(),
      needed: tx.fee,
    });
}

/**
 * The type-specific rules (DESIGN §7), given what the sender can still spend after the fee.
 * @throws AitbcError with the broken rule's code.
 */
function checkBody(
  tx: SignedTx,
  ctx: RuleContext,
  read: StateReader,
  verify: VerifyFn,
  spendable: bigint,
  pending?: PendingView,
): void {
  const params = read.getParams();
  switch (tx.type) {
    case 'transfer': {
      const amount = BigInt(tx.body.amount);
      if (spendable < amount)
        refuse('INSUFFICIENT_FUNDS', `balance after fee ${spendable} is below the amount ${amount}`, {
          available: spendable.toString(),
          needed: amount.toString(),
        });
      return;
    }
    case 'escrow_lock': {
      const b = tx.body;
      if (read.getEscrow(tx.from, b.jobId) !== undefined || pending?.locks.has(b.jobId))
        refuse('ESCROW_EXISTS', `escrow ${b.jobId} of ${tx.from} already exists`, { jobId: b.jobId });
      if (BigInt(b.terms.settlementFee) < BigInt(params.minFee))
        refuse(
          'FEE_TOO_LOW',
          `settlementFee ${b.terms.settlementFee} is below the minimum fee ${params.minFee}`,
          {
            field: 'body.terms.settlementFee',
          },
        );
      const lo = ctx.time + params.minEscrowMs;
      const hi = ctx.time + params.maxEscrowMs;
      if (b.expiresAt < lo || b.expiresAt > hi)
        refuse(
          'INVALID_INPUT',
          `expiresAt must lie in [${lo}, ${hi}] (time + minEscrowMs … time + maxEscrowMs)`,
          {
            field: 'body.expiresAt',
          },
        );
      const least = escrowMinAmount(b.terms);
      if (BigInt(b.amount) < least)
        refuse('INVALID_AMOUNT', `amount ${b.amount} does not cover the terms: at least ${least}`, {
          field: 'body.amount',
          least: least.toString(),
        });
      if (spendable < BigInt(b.amount))
        refuse('INSUFFICIENT_FUNDS', `balance after fee ${spendable} is below the amount ${b.amount}`, {
          available: spendable.toString(),
          needed: b.amount,
        });
      return;
    }
    case 'escrow_release': {
      const b = tx.body;
      const e = lockedEscrow(read, b.client, b.jobId, pending);
      const r = b.receipt;
      if (tx.from !== e.coordinator && tx.from !== r.miner)
        refuse('FORBIDDEN', `${tx.from} is neither the escrow's coordinator nor the receipt's miner`, {
          from: tx.from,
        });
      if (ctx.time >= e.expiresAt)
        refuse('ESCROW_EXPIRED', `escrow expired at ${e.expiresAt}`, {
          expiresAt: e.expiresAt,
          time: ctx.time,
        });
      const mismatch = receiptMismatch(r, e, ctx.chainId);
      if (mismatch) refuse('RECEIPT_INVALID', `receipt ${mismatch}`, { problem: mismatch });
      const problems = verifyReceipt(r, verify);
      if (problems.length > 0) refuse('RECEIPT_INVALID', `receipt: ${problems.join('; ')}`, { problems });
      return;
    }
    case 'escrow_refund': {
      const b = tx.body;
      const e = lockedEscrow(read, b.client, b.jobId, pending);
      if (tx.from === e.coordinator) return;
      if (tx.from !== e.client)
        refuse('FORBIDDEN', `${tx.from} is neither the escrow's coordinator nor its client`, {
          from: tx.from,
        });
      if (ctx.time < e.expiresAt)
        refuse('ESCROW_NOT_EXPIRED', `the client may refund only from ${e.expiresAt}`, {
          expiresAt: e.expiresAt,
          time: ctx.time,
        });
      return;
    }
  }
}

function lockedEscrow(read: StateReader, client: string, jobId: string, pending?: PendingView): EscrowRecord {
  const e = read.getEscrow(client, jobId);
  if (e === undefined) refuse('ESCROW_NOT_FOUND', `no escrow ${jobId} of ${client}`, { client, jobId });
  if (e.status !== 'locked' || pending?.settlements.has(escrowKey(client, jobId)))
    refuse(
      'ESCROW_SETTLED',
      `escrow ${jobId} of ${client} is already ${e.status === 'locked' ? 'being settled' : e.status}`,
      {
        client,
        jobId,
        status: e.status,
      },
    );
  return e;
}

/** The first way a receipt disagrees with the escrow's parties and terms, or undefined. */
function receiptMismatch(r: Receipt, e: EscrowRecord, chainId: string): string | undefined {
  if (r.chainId !== chainId) return `is for chain ${r.chainId}`;
  if (r.jobId !== e.jobId) return `is for job ${r.jobId}, not ${e.jobId}`;
  if (r.client !== e.client) return `names client ${r.client}, not ${e.client}`;
  if (r.coordinator !== e.coordinator) return `names coordinator ${r.coordinator}, not ${e.coordinator}`;
  if (r.model !== e.terms.model) return `is for model ${r.model}, not ${e.terms.model}`;
  if (r.inputHash !== e.terms.inputHash) return 'inputHash differs from the terms';
  if (r.tokensIn > e.terms.maxTokensIn)
    return `tokensIn ${r.tokensIn} exceeds maxTokensIn ${e.terms.maxTokensIn}`;
  if (r.tokensOut > e.terms.maxTokens)
    return `tokensOut ${r.tokensOut} exceeds maxTokens ${e.terms.maxTokens}`;
  if (BigInt(r.unitPrice) > BigInt(e.terms.maxUnitPrice))
    return `unitPrice ${r.unitPrice} exceeds maxUnitPrice ${e.terms.maxUnitPrice}`;
  const price = computePrice(BigInt(r.unitPrice), r.tokensIn, r.tokensOut);
  const cap = BigInt(e.amount) - BigInt(e.terms.settlementFee);
  if (price > cap) return `price ${price} exceeds amount − settlementFee ${cap}`;
  return undefined;
}

/**
 * Admission: would `tx` be valid after the sender's pending transactions (or, without `pending`, right
 * now on the committed state)? Checks chain, nonce, minimum fee, funds against committed balance minus
 * pending spending, and the body rules. Changes nothing.
 * @throws AitbcError WRONG_CHAIN | BAD_NONCE | FEE_TOO_LOW | INSUFFICIENT_FUNDS | ESCROW_* | RECEIPT_INVALID | FORBIDDEN | INVALID_*
 */
export function admitTx(
  tx: SignedTx,
  ctx: RuleContext,
  read: StateReader,
  verify: VerifyFn,
  pending?: PendingView,
): void {
  const params = read.getParams();
  const account = read.getAccount(tx.from);
  const spendable = account.balance - (pending?.spent ?? 0n);
  checkIncludable(tx, ctx, params, pending?.nonce ?? account.nonce, spendable);
  checkBody(tx, ctx, read, verify, spendable - BigInt(tx.fee), pending);
}

/**
 * Execution of one transaction in a block. A transaction that cannot be included (wrong chain, nonce
 * not the account's, fee below minimum or unpayable) throws and writes nothing. Otherwise the fee is
 * burned and the nonce bumped; if a body rule fails the result carries its code and nothing else
 * changes, else the effects are written.
 * @throws AitbcError WRONG_CHAIN | BAD_NONCE | FEE_TOO_LOW | INSUFFICIENT_FUNDS
 */
export function executeTx(tx: SignedTx, ctx: ExecContext, read: StateReader, verify: VerifyFn): Execution {
  const params = read.getParams();
  const sender = read.getAccount(tx.from);
  checkIncludable(tx, ctx, params, sender.nonce, sender.balance);
  const fee = BigInt(tx.fee);
  const accounts = new Map<string, Account>();
  const account = (address: string): Account => {
    let a = accounts.get(address);
    if (a === undefined) {
      a = { ...read.getAccount(address) };
      accounts.set(address, a);
    }
    return a;
  };
  const supply = read.getSupply();
  const payer = account(tx.from);
  payer.balance -= fee;
  payer.nonce += 1;
  const writes = new Map<string, string>();
  writes.set(SUPPLY_KEY, encodeSupply({ total: supply.total, burned: supply.burned + fee }));
  let result: TxResult = OK_RESULT;
  try {
    checkBody(tx, ctx, read, verify, payer.balance);
    applyBody(tx, ctx, read, account, writes);
  } catch (e) {
    if (!isAitbcError(e)) throw e;
    result = failureResult(e);
    for (const key of [...writes.keys()]) if (key !== SUPPLY_KEY) writes.delete(key);
    accounts.clear();
    accounts.set(tx.from, { balance: sender.balance - fee, nonce: sender.nonce + 1 });
  }
  for (const [address, a] of accounts) writes.set(accountKey(address), encodeAccount(a));
  return { result, writes };
}

/** The effects of a transaction whose rules passed; credits of zero touch no account. */
function applyBody(
  tx: SignedTx,
  ctx: ExecContext,
  read: StateReader,
  account: (address: string) => Account,
  writes: Map<string, string>,
): void {
  const credit = (address: string, amount: bigint): void => {
    if (amount > 0n) account(address).balance += amount;
  };
  switch (tx.type) {
    case 'transfer': {
      const amount = BigInt(tx.body.amount);
      account(tx.from).balance -= amount;
      credit(tx.body.to, amount);
      return;
    }
    case 'escrow_lock': {
      const b = tx.body;
      account(tx.from).balance -= BigInt(b.amount);
      const record: EscrowRecord = {
        client: tx.from,
        jobId: b.jobId,
        amount: b.amount,
        coordinator: b.coordinator,
        expiresAt: b.expiresAt,
        terms: b.terms,
        status: 'locked',
        lockedAt: ctx.height,
      };
      writes.set(escrowKey(tx.from, b.jobId), encodeEscrow(record));
      return;
    }
    case 'escrow_release': {
      const b = tx.body;
      const e = read.getEscrow(b.client, b.jobId) as EscrowRecord;
      const r = b.receipt;
      const price = computePrice(BigInt(r.unitPrice), r.tokensIn, r.tokensOut);
      const settlementFee = BigInt(e.terms.settlementFee);
      credit(r.payTo, price);
      credit(tx.from, settlementFee);
      credit(e.client, BigInt(e.amount) - price - settlementFee);
      writes.set(
        escrowKey(b.client, b.jobId),
        encodeEscrow({
          ...e,
          status: 'released',
          settledAt: ctx.height,
          settledBy: tx.from,
          receiptId: r.receiptId,
          price: price.toString(),
        }),
      );
      return;
    }
    case 'escrow_refund': {
      const b = tx.body;
      const e = read.getEscrow(b.client, b.jobId) as EscrowRecord;
      const settlementFee = BigInt(e.terms.settlementFee);
      credit(e.client, BigInt(e.amount) - settlementFee);
      credit(tx.from, settlementFee);
      writes.set(
        escrowKey(b.client, b.jobId),
        encodeEscrow({ ...e, status: 'refunded', settledAt: ctx.height, settledBy: tx.from }),
      );
      return;
    }
  }
}
