/**
 * Shared by the coordinator's unit and net tests: fixed test keys, a signed HTTP client for the API, an
 * in-memory chain that keeps nonces, escrows and transactions the way the node does (for unit tests
 * that must not need a node), and a miner that follows docs/marketplace.md.
 */

import type {
  BroadcastOutcome,
  ChainAccount,
  ChainClient,
  TxLookup,
} from '../../../src/coordinator/chain/chain-client.js';
import type { EscrowView } from '../../../src/coordinator/jobs/submission.js';
import { AitbcError } from '../../../src/core/errors.js';
import { sha256 } from '../../../src/core/hash.js';
import { toHex } from '../../../src/core/hex.js';
import { addressFromPublicKey } from '../../../src/crypto/address.js';
import { type Signer, signerFromSecret } from '../../../src/crypto/ed25519.js';
import { escrowMinAmount, maxTokensInFor } from '../../../src/protocol/escrow.js';
import {
  computeInputHash,
  computeOutputHash,
  computePrice,
  receiptSignBytes,
} from '../../../src/protocol/receipt.js';
import { signRequest } from '../../../src/protocol/signed-request.js';
import { signTx, txHash } from '../../../src/protocol/tx.js';
import type { EscrowTerms, GenerationParams, ReceiptBody, SignedTx } from '../../../src/protocol/types.js';

export interface Key {
  name: string;
  signer: Signer;
  address: string;
  pub: string;
}

/** A key from the seed "aitbc/test-vectors/<name>" (the protocol tests' convention). */
export function key(name: string): Key {
  const signer = signerFromSecret(sha256(`aitbc/test-vectors/${name}`));
  return { name, signer, address: addressFromPublicKey(signer.publicKey), pub: toHex(signer.publicKey) };
}

export interface ApiReply<T = any> {
  status: number;
  body: T;
  headers: Headers;
}

/** Signed calls to a coordinator at `url` whose address is `audience`. */
export function apiClient(url: string, audience: string, apiKey?: string) {
  return {
    async call<T = any>(
      k: Key | undefined,
      method: string,
      path: string,
      body?: unknown,
      opts: { timestamp?: number; nonce?: string; rawBody?: string; headers?: Record<string, string> } = {},
    ): Promise<ApiReply<T>> {
      const text = opts.rawBody ?? (body === undefined ? undefined : JSON.stringify(body));
      const headers: Record<string, string> = { ...(opts.headers ?? {}) };
      if (text !== undefined) headers['content-type'] = 'application/json';
      if (apiKey !== undefined) headers['x-api-key'] = apiKey;
      if (k !== undefined)
        Object.assign(
          headers,
          signRequest({
            signer: k.signer,
            audience,
            method,
            path,
            body: text,
            ...(opts.timestamp !== undefined ? { timestamp: opts.timestamp } : {}),
            ...(opts.nonce !== undefined ? { nonce: opts.nonce } : {}),
          }),
        );
      const r = await fetch(url + path, { method, headers, body: text });
      const raw = await r.text();
      let parsed: unknown = raw;
      try {
        parsed = JSON.parse(raw);
      } catch {
        // text (metrics)
      }
      return { status: r.status, body: parsed as T, headers: r.headers };
    },
    /** Reads an NDJSON stream to its end (or until `stop` returns true for a line). */
    async stream(k: Key, path: string, stop?: (line: any) => boolean): Promise<any[]> {
      const headers = signRequest({ signer: k.signer, audience, method: 'GET', path });
      const r = await fetch(url + path, {
        headers: { ...headers, ...(apiKey ? { 'x-api-key': apiKey } : {}) },
      });
      if (r.status !== 200) throw new Error(`stream ${r.status}: ${await r.text()}`);
      const lines: any[] = [];
      const reader = (r.body as ReadableStream<Uint8Array>).getReader();
      const dec = new TextDecoder();
      let buf = '';
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buf += dec.decode(value, { stream: true });
        let i: number;
        while ((i = buf.indexOf('\n')) >= 0) {
          const line = JSON.parse(buf.slice(0, i));
          buf = buf.slice(i + 1);
          lines.push(line);
          if (stop?.(line)) {
            await reader.cancel();
            return lines;
          }
        }
      }
      return lines;
    },
  };
}

/** The terms, amount and signed escrow_lock for a job. */
export function makeLock(opts: {
  client: Key;
  coordinator: string;
  chainId: string;
  nonce: number;
  jobId: string;
  prompt: string;
  model?: string;
  params?: GenerationParams;
  maxTokens?: number;
  maxUnitPrice?: bigint;
  settlementFee?: bigint;
  expiresAt: number;
  fee?: bigint;
}): { tx: SignedTx<'escrow_lock'>; hash: string; terms: EscrowTerms; amount: bigint } {
  const model = opts.model ?? 'echo';
  const params = opts.params ?? { maxTokens: opts.maxTokens ?? 8 };
  const terms: EscrowTerms = {
    model,
    inputHash: computeInputHash({ model, prompt: opts.prompt, params }),
    maxTokensIn: maxTokensInFor(opts.prompt),
    maxTokens: params.maxTokens ?? opts.maxTokens ?? 8,
    maxUnitPrice: (opts.maxUnitPrice ?? 2000n).toString(),
    settlementFee: (opts.settlementFee ?? 1000n).toString(),
  };
  const amount = escrowMinAmount(terms);
  const tx = signTx(
    {
      chainId: opts.chainId,
      type: 'escrow_lock',
      from: opts.client.address,
      pubkey: opts.client.pub,
      nonce: opts.nonce,
      fee: (opts.fee ?? 1000n).toString(),
      body: {
        jobId: opts.jobId,
        amount: amount.toString(),
        coordinator: opts.coordinator,
        expiresAt: opts.expiresAt,
        terms,
      },
    },
    opts.client.signer,
  );
  return { tx, hash: txHash(tx), terms, amount };
}

/** An echo miner's output for `prompt`: "[echo] " + prompt cut to `maxTokens` words, as word tokens. */
export function echoTokens(prompt: string, maxTokens: number): string[] {
  const words = `[echo] ${prompt}`
    .split(/\s+/)
    .filter((w) => w !== '')
    .slice(0, maxTokens);
  return words.map((w, i) => (i === 0 ? w : ` ${w}`));
}

/** The miner's half of a receipt for an assignment (as returned by GET /v1/miners/jobs). */
export function minerReceipt(
  miner: Key,
  a: any,
  output: string,
  tokens: { tokensIn: number; tokensOut: number },
  overrides: Partial<ReceiptBody> = {},
): { receipt: ReceiptBody; minerSig: string } {
  const now = Date.now();
  const receipt: ReceiptBody = {
    version: 1,
    chainId: a.chainId,
    jobId: a.jobId,
    client: a.client,
    coordinator: a.coordinator,
    miner: miner.address,
    payTo: miner.address,
    model: a.model,
    backend: 'echo',
    inputHash: a.inputHash,
    outputHash: computeOutputHash(output),
    tokensIn: tokens.tokensIn,
    tokensOut: tokens.tokensOut,
    unitPrice: a.unitPrice,
    price: computePrice(BigInt(a.unitPrice), tokens.tokensIn, tokens.tokensOut).toString(),
    startedAt: now - 5,
    completedAt: now,
    minerPubkey: miner.pub,
    coordinatorPubkey: a.coordinatorPubkey,
    ...overrides,
  };
  return { receipt, minerSig: toHex(miner.signer.sign(receiptSignBytes(receipt))) };
}

/**
 * A chain in memory with the node's admission rules that matter to the coordinator: per-sender
 * consecutive nonces (a gap is BAD_NONCE `gap`, a pending duplicate DUPLICATE_NONCE `already_pending`, a
 * committed one BAD_NONCE `replayed`), escrows locked once and settled once, balances. `commit()` applies
 * the pending transactions as one block.
 */
export class MemoryChain implements ChainClient {
  readonly chainId = 'aitbc-test';
  readonly minFee = 1000n;
  height = 1;
  time = Date.now();
  readonly balances = new Map<string, bigint>();
  readonly nonces = new Map<string, number>();
  readonly pending: Array<{ tx: SignedTx; hash: string }> = [];
  readonly committed = new Map<string, { tx: SignedTx; height: number; code: number; log: string }>();
  readonly escrows = new Map<string, EscrowView & { settledBy?: string; receiptId?: string }>();
  /** every broadcast batch, in order (for assertions) */
  readonly batches: string[][] = [];
  /** throw UNREACHABLE from every call while true */
  down = false;
  /** refuse the next broadcast of this hash with this error */
  refuseNext = new Map<string, AitbcError>();

  fund(address: string, amount: bigint): void {
    this.balances.set(address, (this.balances.get(address) ?? 0n) + amount);
  }

  private check(): void {
    if (this.down) throw new AitbcError('UNREACHABLE', 'memory chain is down');
  }

  private pendingNonce(address: string): number {
    return (this.nonces.get(address) ?? 0) + this.pending.filter((p) => p.tx.from === address).length;
  }

  async describe(chainId?: string) {
    this.check();
    if (chainId !== undefined && chainId !== this.chainId)
      throw new AitbcError('CHAIN_NOT_FOUND', 'no such chain');
    return { chainId: this.chainId, minFee: this.minFee };
  }

  async tipHeight() {
    this.check();
    return this.height;
  }

  /** locks looked up so far (each item of each lookupLocks call) */
  lockLookups = 0;

  async lookupLocks(items: ReadonlyArray<{ lockTx: string; client: string; jobId: string }>) {
    this.check();
    this.lockLookups += items.length;
    return items.map((i) => {
      const tx = this.lookup(i.lockTx);
      const escrow = this.escrows.get(`${i.client}/${i.jobId}`);
      return { ...(tx ? { tx } : {}), ...(escrow ? { escrow: structuredClone(escrow) } : {}) };
    });
  }

  private lookup(hash: string): TxLookup | undefined {
    const c = this.committed.get(hash);
    if (c) return { tx: c.tx, hash, height: c.height, code: c.code, log: c.log };
    const p = this.pending.find((x) => x.hash === hash);
    return p ? { tx: p.tx, hash } : undefined;
  }

  async getTxs(hashes: readonly string[]) {
    this.check();
    return hashes.map((h) => this.lookup(h));
  }

  async getEscrow(client: string, jobId: string) {
    this.check();
    const e = this.escrows.get(`${client}/${jobId}`);
    return e === undefined ? undefined : structuredClone(e);
  }

  async getAccount(address: string): Promise<ChainAccount> {
    this.check();
    return {
      balance: this.balances.get(address) ?? 0n,
      nonce: this.nonces.get(address) ?? 0,
      pendingNonce: this.pendingNonce(address),
    };
  }

  async broadcast(txs: readonly SignedTx[]): Promise<BroadcastOutcome[]> {
    this.check();
    this.batches.push(txs.map((t) => txHash(t)));
    return txs.map((tx) => {
      try {
        this.admit(tx);
        return { ok: true } as const;
      } catch (e) {
        return { ok: false, error: e as AitbcError } as const;
      }
    });
  }

  /** Admits one transaction (the mempool's nonce and escrow rules). */
  admit(tx: SignedTx): string {
    const hash = txHash(tx);
    const refusal = this.refuseNext.get(hash);
    if (refusal) {
      this.refuseNext.delete(hash);
      throw refusal;
    }
    if (this.committed.has(hash))
      throw new AitbcError('BAD_NONCE', 'already committed', { reason: 'replayed' });
    if (this.pending.some((p) => p.hash === hash))
      throw new AitbcError('DUPLICATE_NONCE', 'already pending', { reason: 'already_pending' });
    const expected = this.pendingNonce(tx.from);
    if (tx.nonce < expected) throw new AitbcError('BAD_NONCE', `nonce ${tx.nonce} used`, { expected });
    if (tx.nonce > expected)
      throw new AitbcError('BAD_NONCE', `nonce ${tx.nonce} gap`, { expected, reason: 'gap' });
    if (tx.type === 'escrow_release' || tx.type === 'escrow_refund') {
      const e = this.escrows.get(`${tx.body.client}/${tx.body.jobId}`);
      if (e === undefined) throw new AitbcError('ESCROW_NOT_FOUND', 'no escrow');
      const settling = this.pending.some(
        (p) =>
          (p.tx.type === 'escrow_release' || p.tx.type === 'escrow_refund') &&
          p.tx.body.client === tx.body.client &&
          p.tx.body.jobId === tx.body.jobId,
      );
      if (e.status !== 'locked' || settling) throw new AitbcError('ESCROW_SETTLED', 'already settled');
    }
    this.pending.push({ tx, hash });
    return hash;
  }

  /** Applies every pending transaction as block `height + 1`. */
  commit(): number {
    this.height++;
    const n = this.pending.length;
    for (const { tx, hash } of this.pending.splice(0)) {
      this.nonces.set(tx.from, (this.nonces.get(tx.from) ?? 0) + 1);
      const fee = BigInt(tx.fee);
      this.balances.set(tx.from, (this.balances.get(tx.from) ?? 0n) - fee);
      let code = 0;
      let log = '';
      if (tx.type === 'escrow_lock') {
        const b = tx.body;
        this.balances.set(tx.from, (this.balances.get(tx.from) ?? 0n) - BigInt(b.amount));
        this.escrows.set(`${tx.from}/${b.jobId}`, {
          client: tx.from,
          jobId: b.jobId,
          amount: b.amount,
          coordinator: b.coordinator,
          expiresAt: b.expiresAt,
          status: 'locked',
          terms: b.terms,
        });
      } else if (tx.type === 'escrow_release' || tx.type === 'escrow_refund') {
        const e = this.escrows.get(`${tx.body.client}/${tx.body.jobId}`);
        if (e === undefined || e.status !== 'locked') {
          code = 13;
          log = 'escrow settled';
        } else {
          const fee2 = BigInt(e.terms.settlementFee);
          this.fund(tx.from, fee2);
          if (tx.type === 'escrow_release') {
            const price = BigInt(tx.body.receipt.price);
            this.fund(tx.body.receipt.payTo, price);
            this.fund(e.client, BigInt(e.amount) - fee2 - price);
            e.status = 'released';
            e.receiptId = tx.body.receipt.receiptId;
          } else {
            this.fund(e.client, BigInt(e.amount) - fee2);
            e.status = 'refunded';
          }
          e.settledBy = tx.from;
        }
      } else if (tx.type === 'transfer') {
        this.balances.set(tx.from, (this.balances.get(tx.from) ?? 0n) - BigInt(tx.body.amount));
        this.fund(tx.body.to, BigInt(tx.body.amount));
      }
      this.committed.set(hash, { tx, height: this.height, code, log });
    }
    return n;
  }

  /** Forgets the mempool (a node restart). */
  dropPending(): void {
    this.pending.length = 0;
  }

  async close(): Promise<void> {}
}

/** Polls `fn` until it returns a truthy value (or fails after `timeoutMs`). */
export async function until<T>(
  fn: () => T | Promise<T>,
  timeoutMs = 10_000,
  stepMs = 20,
): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v as NonNullable<T>;
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, stepMs));
  }
}
