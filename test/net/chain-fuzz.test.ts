import { Pool } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NodeRpc } from '../../src/client/node-rpc.js';
import { toHex } from '../../src/core/hex.js';
import { createPrng, type Prng } from '../../src/core/prng.js';
import { addressFromPublicKey } from '../../src/crypto/address.js';
import { type Signer, signerFromSecret } from '../../src/crypto/ed25519.js';
import { escrowMinAmount } from '../../src/protocol/escrow.js';
import {
  assembleReceipt,
  computeOutputHash,
  computePrice,
  signReceiptAs,
} from '../../src/protocol/receipt.js';
import { signTx, txSignBytes } from '../../src/protocol/tx.js';
import type {
  EscrowLockBody,
  EscrowTerms,
  Receipt,
  ReceiptBody,
  SignedTx,
  UnsignedTx,
} from '../../src/protocol/types.js';
import { startDevnet as startDevnetProcess } from '../helpers/devnet.js';
import { loadFixture } from '../helpers/fixtures.js';

const SEED = 'chain-fuzz-2025';
const INPUTS = 10_000;
const CONCURRENCY = 8;

interface Ready {
  chainId: string;
  endpoints: { rpc: string };
  faucet: { address: string; maxPerRequest: string };
}

function startDevnet() {
  return startDevnetProcess<Ready>([]);
}

interface Key {
  signer: Signer;
  address: string;
  pubkey: string;
}

function keyFrom(rng: Prng): Key {
  const signer = signerFromSecret(Uint8Array.from({ length: 32 }, () => rng.int(256)));
  return { signer, address: addressFromPublicKey(signer.publicKey), pubkey: toHex(signer.publicKey) };
}

/** What the node must answer: its error code, and where it names them the JSON-RPC code, field, reason. */
interface Expect {
  code: string;
  rpc?: number;
  field?: string;
  reason?: string;
  message?: RegExp;
}

interface Case {
  kind: string;
  body: string;
  expect: Expect;
  /** A signed transaction with one rule broken (as opposed to a malformed request). */
  signedTx: boolean;
}

const REFUSED = -32000;
const PARAMS = -32602;

const rpcBody = (method: string, params: unknown, id: number) =>
  JSON.stringify({ jsonrpc: '2.0', id, method, params });

let devnet: Awaited<ReturnType<typeof startDevnet>>;
let rpc: NodeRpc;

describe('chain fuzz', () => {
  const rng = createPrng(SEED);
  const accounts = Array.from({ length: 6 }, () => keyFrom(rng));
  const coordinator = keyFrom(rng);
  const otherCoordinator = keyFrom(rng);
  const miner = keyFrom(rng);
  const third = keyFrom(rng);
  const unfunded = keyFrom(rng);
  const everyone = [...accounts, coordinator, otherCoordinator, miner, third, unfunded];
  const jobLocked = toHex(Uint8Array.from({ length: 16 }, () => rng.int(256)));
  const jobSettled = toHex(Uint8Array.from({ length: 16 }, () => rng.int(256)));
  const client = accounts[0];
  let chainId: string;
  let minFee: bigint;
  let maxPendingPerSender: number;
  let maxTxBytes: number;
  let terms: EscrowTerms;
  let replayable: SignedTx[] = [];
  const state = new Map<string, { balance: bigint; nonce: number }>();
  let rootBefore: string;

  const sign = <T extends SignedTx['type']>(u: UnsignedTx<T>, k: Key) => signTx(u, k.signer);
  const transfer = (k: Key, over: Record<string, unknown> = {}, body: Record<string, unknown> = {}) =>
    ({
      chainId,
      type: 'transfer',
      from: k.address,
      pubkey: k.pubkey,
      nonce: state.get(k.address)?.nonce ?? 0,
      fee: minFee.toString(),
      ...over,
      body: { to: third.address, amount: '1', ...body },
    }) as UnsignedTx<'transfer'>;

  async function snapshot(): Promise<Map<string, { balance: bigint; nonce: number; pendingNonce: number }>> {
    const out = new Map();
    for (const k of everyone) {
      const a = await rpc.getAccount(k.address);
      out.set(k.address, { balance: BigInt(a.balance), nonce: a.nonce, pendingNonce: a.pendingNonce });
    }
    return out;
  }

  function receiptFor(over: Partial<ReceiptBody> = {}, signers = { miner, coordinator }): Receipt {
    const tokensIn = 10;
    const tokensOut = 5;
    const unitPrice = BigInt(terms.maxUnitPrice);
    const body: ReceiptBody = {
      version: 1,
      chainId,
      jobId: jobLocked,
      client: client.address,
      coordinator: signers.coordinator.address,
      miner: signers.miner.address,
      payTo: signers.miner.address,
      model: terms.model,
      backend: 'echo',
      inputHash: terms.inputHash,
      outputHash: computeOutputHash('[echo] hello'),
      tokensIn,
      tokensOut,
      unitPrice: unitPrice.toString(),
      price: computePrice(unitPrice, tokensIn, tokensOut).toString(),
      startedAt: 1_700_000_000_000,
      completedAt: 1_700_000_001_000,
      minerPubkey: signers.miner.pubkey,
      coordinatorPubkey: signers.coordinator.pubkey,
      ...over,
    };
    return assembleReceipt(body, {
      minerSig: signReceiptAs(body, 'miner', signers.miner.signer),
      coordinatorSig: signReceiptAs(body, 'coordinator', signers.coordinator.signer),
    });
  }

  beforeAll(async () => {
    devnet = await startDevnet();
    rpc = new NodeRpc({ url: devnet.ready.endpoints.rpc, timeoutMs: 60_000 });
    const status = await rpc.status();
    chainId = status.chainId;
    minFee = BigInt(status.params?.minFee ?? Number.NaN);
    maxPendingPerSender = status.params?.maxPendingPerSender ?? Number.NaN;
    maxTxBytes = status.params?.maxTxBytes ?? Number.NaN;

    const funded = [...accounts, coordinator, third];
    const paid = await rpc.batch(
      funded.map((k) => ({
        method: 'faucet',
        params: { address: k.address, wait: 'committed' },
      })),
    );
    expect(paid.every((p) => p.ok)).toBe(true);

    terms = {
      model: 'echo',
      inputHash: 'ab'.repeat(32),
      maxTokensIn: 64,
      maxTokens: 64,
      maxUnitPrice: '1000',
      settlementFee: minFee.toString(),
    };
    const lock = (jobId: string, nonce: number) =>
      sign(
        {
          chainId,
          type: 'escrow_lock',
          from: client.address,
          pubkey: client.pubkey,
          nonce,
          fee: minFee.toString(),
          body: {
            jobId,
            amount: escrowMinAmount(terms).toString(),
            coordinator: coordinator.address,
            expiresAt: Date.now() + 30 * 60_000,
            terms,
          },
        },
        client,
      );
    const setup: SignedTx[] = [
      sign(transfer(client, { nonce: 0 }), client),
      lock(jobLocked, 1),
      lock(jobSettled, 2),
      ...accounts.slice(1).map((k) => sign(transfer(k, { nonce: 0 }), k)),
    ];
    const done = await rpc.batch(
      setup.map((tx) => ({ method: 'broadcast_tx', params: { tx, wait: 'committed' } })),
    );
    expect(done.map((d) => (d.ok ? 'ok' : d.error.code))).toEqual(setup.map(() => 'ok'));
    const refund = sign(
      {
        chainId,
        type: 'escrow_refund',
        from: coordinator.address,
        pubkey: coordinator.pubkey,
        nonce: 0,
        fee: minFee.toString(),
        body: { client: client.address, jobId: jobSettled },
      },
      coordinator,
    );
    await rpc.broadcastTx(refund, 'committed');
    replayable = [...setup, refund];
    for (const [address, a] of await snapshot()) state.set(address, { balance: a.balance, nonce: a.nonce });
    rootBefore = (await rpc.getBlock()).block.header.stateRoot;
  });

  afterAll(async () => {
    await rpc?.close();
    await devnet?.stop();
  });

  /** The seeded inputs: each kind makes one input that breaks exactly one rule. */
  function buildCases(): Case[] {
    const smallOrderKeys = [
      ...new Set(
        loadFixture<{ vectors: Array<{ why: string; publicKey: string }> }>('ed25519-edge.json')
          .vectors.filter((v) => /small-order public key/.test(v.why))
          .map((v) => v.publicKey),
      ),
    ];
    expect(smallOrderKeys.length).toBeGreaterThan(0);
    let id = 1;
    const funded = () => rng.pick(accounts);
    const amount = () => String(1 + rng.int(1_000_000));
    const randomJob = () => toHex(Uint8Array.from({ length: 16 }, () => rng.int(256)));
    const nonceOf = (k: Key) => state.get(k.address)?.nonce ?? 0;
    const refused = (code: string, extra: Omit<Expect, 'code'> = {}): Expect => ({
      code,
      rpc: REFUSED,
      ...extra,
    });
    const invalid = (code: string, field?: string): Expect => ({
      code,
      rpc: PARAMS,
      ...(field ? { field } : {}),
    });
    const upper = (s: string) => (/[a-f]/.test(s) ? s.toUpperCase() : `${s.slice(0, -1)}A`);
    /** Signs exactly these (rule-breaking) bytes, so the signature itself is not what is wrong. */
    const signRaw = (value: Record<string, unknown>, k: Key) => ({
      ...value,
      sig: toHex(k.signer.sign(txSignBytes(value as unknown as UnsignedTx))),
    });
    const escrowTx = <T extends 'escrow_lock' | 'escrow_release' | 'escrow_refund'>(
      k: Key,
      type: T,
      body: UnsignedTx<T>['body'],
    ) =>
      sign(
        {
          chainId,
          type,
          from: k.address,
          pubkey: k.pubkey,
          nonce: nonceOf(k),
          fee: minFee.toString(),
          body,
        } as UnsignedTx<T>,
        k,
      );
    const lockBody = (over: Record<string, unknown> = {}, termsOver: Partial<EscrowTerms> = {}) => {
      const t = { ...terms, ...termsOver };
      return {
        jobId: randomJob(),
        amount: escrowMinAmount(t).toString(),
        coordinator: coordinator.address,
        expiresAt: Date.now() + 10 * 60_000,
        terms: t,
        ...over,
      } as EscrowLockBody;
    };
    const release = (k: Key, jobId: string, receipt: Receipt) =>
      escrowTx(k, 'escrow_release', { client: client.address, jobId, receipt });

    /** Signed transactions, each with one rule broken: [the transaction, what the node must answer]. */
    const txKinds: Record<string, () => [unknown, Expect]> = {
      'bad signature': () => {
        const k = funded();
        const t = sign(transfer(k, {}, { amount: amount() }), k);
        const sig = Buffer.from(t.sig, 'hex');
        sig[rng.int(64)] ^= 1 << rng.int(8);
        return [{ ...t, sig: sig.toString('hex') }, refused('BAD_SIGNATURE', { reason: 'bad_signature' })];
      },
      'signature over other bytes': () => {
        const k = funded();
        const t = transfer(k, {}, { amount: amount() });
        const other = signRaw({ ...t, body: { ...t.body, amount: String(BigInt(t.body.amount) + 1n) } }, k);
        return [{ ...t, sig: other.sig }, refused('BAD_SIGNATURE', { reason: 'bad_signature' })];
      },
      'key not hashing to from': () => {
        const impostor = rng.pick([third, unfunded, miner]);
        return [
          sign(transfer(funded(), { pubkey: impostor.pubkey }), impostor),
          refused('BAD_SIGNATURE', { reason: 'pubkey_mismatch' }),
        ];
      },
      'small-order key': () => {
        const k = funded();
        return [
          signRaw(transfer(k, { pubkey: rng.pick(smallOrderKeys) }), k),
          refused('BAD_SIGNATURE', { reason: 'invalid_pubkey', field: 'pubkey' }),
        ];
      },
      'wrong chain': () => {
        const k = funded();
        return [sign(transfer(k, { chainId: `other-${rng.int(1000)}` }), k), refused('WRONG_CHAIN')];
      },
      replay: () => [rng.pick(replayable), refused('BAD_NONCE', { reason: 'replayed' })],
      'used nonce': () => {
        const k = funded();
        return [
          sign(transfer(k, { nonce: rng.int(nonceOf(k)) }, { amount: amount() }), k),
          refused('BAD_NONCE'),
        ];
      },
      'nonce beyond window': () => {
        const k = funded();
        const nonce = nonceOf(k) + maxPendingPerSender + rng.int(10_000);
        return [sign(transfer(k, { nonce }), k), refused('BAD_NONCE', { reason: 'beyond_window' })];
      },
      'nonce gap': () => {
        const k = funded();
        const nonce = nonceOf(k) + 1 + rng.int(maxPendingPerSender - 1);
        return [sign(transfer(k, { nonce }), k), refused('BAD_NONCE', { reason: 'gap' })];
      },
      'insufficient funds': () => {
        const k = funded();
        const spendable = (state.get(k.address)?.balance ?? 0n) - minFee;
        const over = (spendable + 1n + BigInt(rng.int(1e9))).toString();
        return [sign(transfer(k, {}, { amount: over }), k), refused('INSUFFICIENT_FUNDS')];
      },
      'unfunded sender': () => [
        sign(transfer(unfunded, { nonce: 0 }), unfunded),
        refused('INSUFFICIENT_FUNDS'),
      ],
      'zero amount': () => {
        const k = funded();
        return [signRaw(transfer(k, {}, { amount: '0' }), k), invalid('INVALID_AMOUNT', 'body.amount')];
      },
      'malformed amount': () => {
        const k = funded();
        const bad = rng.pick([
          '-5',
          '1.5',
          '0.000001',
          '9223372036854775808',
          '99999999999999999999',
          '01',
          '1e3',
          ' 1',
          '',
        ]);
        return [signRaw(transfer(k, {}, { amount: bad }), k), invalid('INVALID_AMOUNT', 'body.amount')];
      },
      'amount not a string': () => {
        const k = funded();
        const bad = rng.pick([5, -5, 1.5, true]);
        return [signRaw(transfer(k, {}, { amount: bad }), k), invalid('INVALID_AMOUNT', 'body.amount')];
      },
      'fee below minimum': () => {
        const k = funded();
        return [sign(transfer(k, { fee: String(rng.int(Number(minFee))) }), k), refused('FEE_TOO_LOW')];
      },
      'malformed fee': () => {
        const k = funded();
        const fee = rng.pick(['-1000', '1000.0', '01000', '1e4', '9223372036854775808']);
        return [signRaw(transfer(k, { fee }), k), invalid('INVALID_AMOUNT', 'fee')];
      },
      oversized: () => {
        const k = funded();
        const memo = 'x'.repeat(maxTxBytes + rng.int(20_000));
        return [signRaw(transfer(k, {}, { memo }), k), refused('TX_TOO_LARGE')];
      },
      'memo over 256 bytes': () => {
        const k = funded();
        const memo = 'é'.repeat(129 + rng.int(100));
        return [signRaw(transfer(k, {}, { memo }), k), invalid('INVALID_INPUT', 'body.memo')];
      },
      'uppercase pubkey': () => {
        const k = funded();
        return [signRaw(transfer(k, { pubkey: upper(k.pubkey) }), k), invalid('INVALID_INPUT', 'pubkey')];
      },
      'uppercase sig': () => {
        const k = funded();
        const t = sign(transfer(k), k);
        return [{ ...t, sig: upper(t.sig) }, invalid('INVALID_INPUT', 'sig')];
      },
      'uppercase from': () => {
        const k = funded();
        return [
          signRaw(transfer(k, { from: k.address.toUpperCase() }), k),
          invalid('INVALID_ADDRESS', 'from'),
        ];
      },
      'uppercase to': () => {
        const k = funded();
        const to = third.address.toUpperCase();
        return [signRaw(transfer(k, {}, { to }), k), invalid('INVALID_ADDRESS', 'body.to')];
      },
      'bad checksum': () => {
        const k = funded();
        const a = third.address;
        const i = 5 + rng.int(a.length - 5);
        const to = `${a.slice(0, i)}${a[i] === 'q' ? 'p' : 'q'}${a.slice(i + 1)}`;
        return [signRaw(transfer(k, {}, { to }), k), invalid('INVALID_ADDRESS', 'body.to')];
      },
      'extra field': () => {
        const k = funded();
        const name = rng.pick(['extra', 'memo', 'time', 'gas', 'signature']);
        return [signRaw({ ...transfer(k), [name]: 1 }, k), invalid('INVALID_INPUT', name)];
      },
      'extra body field': () => {
        const k = funded();
        return [signRaw(transfer(k, {}, { fee: '1' }), k), invalid('INVALID_INPUT', 'body.fee')];
      },
      'null field': () => {
        const k = funded();
        return [signRaw(transfer(k, {}, { memo: null }), k), invalid('INVALID_INPUT', 'body.memo')];
      },
      'missing field': () => {
        const k = funded();
        const name = rng.pick(['fee', 'nonce', 'pubkey', 'sig', 'body', 'chainId', 'type', 'from']);
        const { [name]: _dropped, ...rest } = sign(transfer(k), k) as unknown as Record<string, unknown>;
        return [rest, invalid('INVALID_INPUT', name)];
      },
      'bad nonce encoding': () => {
        const k = funded();
        return [
          signRaw(transfer(k, { nonce: rng.pick([-1, 1.5, 2 ** 53]) }), k),
          invalid('INVALID_INPUT', 'nonce'),
        ];
      },
      'unknown type': () => {
        const k = funded();
        const type = rng.pick(['mint', 'Transfer', 'burn']);
        return [signRaw({ ...transfer(k), type }, k), invalid('INVALID_INPUT', 'type')];
      },
      'malformed chain id': () => {
        const k = funded();
        const bad = rng.pick(['Not A Chain', '', '-x', 'a'.repeat(65)]);
        return [signRaw(transfer(k, { chainId: bad }), k), invalid('INVALID_INPUT', 'chainId')];
      },
      'escrow lock twice': () => [
        escrowTx(client, 'escrow_lock', lockBody({ jobId: jobLocked })),
        refused('ESCROW_EXISTS'),
      ],
      'escrow settlement fee below minimum': () => {
        const settlementFee = String(rng.int(Number(minFee)));
        return [escrowTx(funded(), 'escrow_lock', lockBody({}, { settlementFee })), refused('FEE_TOO_LOW')];
      },
      'escrow expiry out of range': () => {
        const expiresAt = rng.chance(0.5) ? Date.now() - rng.int(3_600_000) : Date.now() + 8 * 24 * 3_600_000;
        return [
          escrowTx(funded(), 'escrow_lock', lockBody({ expiresAt })),
          invalid('INVALID_INPUT', 'body.expiresAt'),
        ];
      },
      'escrow amount below terms': () => {
        const short = String(escrowMinAmount(terms) - 1n);
        return [
          escrowTx(funded(), 'escrow_lock', lockBody({ amount: short })),
          invalid('INVALID_AMOUNT', 'body.amount'),
        ];
      },
      'refund of unknown escrow': () => [
        escrowTx(coordinator, 'escrow_refund', { client: client.address, jobId: randomJob() }),
        refused('ESCROW_NOT_FOUND'),
      ],
      'client refund before expiry': () => [
        escrowTx(client, 'escrow_refund', { client: client.address, jobId: jobLocked }),
        refused('ESCROW_NOT_EXPIRED'),
      ],
      'refund by a third party': () => [
        escrowTx(third, 'escrow_refund', { client: client.address, jobId: jobLocked }),
        refused('FORBIDDEN'),
      ],
      'second settlement': () => [
        rng.chance(0.5)
          ? escrowTx(coordinator, 'escrow_refund', { client: client.address, jobId: jobSettled })
          : release(coordinator, jobSettled, receiptFor({ jobId: jobSettled })),
        refused('ESCROW_SETTLED'),
      ],
      'release by a third party': () => [release(third, jobLocked, receiptFor()), refused('FORBIDDEN')],
      'receipt names another party': () => {
        const receipt = rng.pick([
          () => receiptFor({}, { miner, coordinator: otherCoordinator }),
          () => receiptFor({ client: third.address }),
          () => receiptFor({ jobId: jobSettled }),
          () => receiptFor({ chainId: 'another-chain' }),
        ])();
        return [release(coordinator, jobLocked, receipt), refused('RECEIPT_INVALID')];
      },
    };

    /** Request bodies that are not a well-formed call: [the raw body, what the node must answer]. */
    const otherKinds: Record<string, () => [string, Expect]> = {
      'duplicate field': () => {
        const k = funded();
        const text = rpcBody('broadcast_tx', { tx: sign(transfer(k), k) }, id++);
        const at = text.indexOf(rng.pick(['"nonce":', '"fee":', '"amount":', '"to":']));
        const pair = /^"[a-z]+":("[^"]*"|[0-9]+)/.exec(text.slice(at))?.[0] ?? '';
        return [
          `${text.slice(0, at)}${pair},${text.slice(at)}`,
          { code: 'INVALID_INPUT', rpc: -32700, message: /duplicate key/ },
        ];
      },
      'malformed JSON': () => {
        const text = rpcBody('get_balance', { address: third.address }, id++);
        const body = rng.chance(0.5)
          ? text.slice(0, 1 + rng.int(text.length - 2))
          : rng.pick([
              '{',
              '[1,',
              '{"jsonrpc":"2.0",}',
              "{'a':1}",
              'nul',
              '{"a":"\\x"}',
              '\u0000',
              '{"jsonrpc":"2.0" "id":1}',
            ]);
        return [body, { code: 'INVALID_INPUT', rpc: -32700 }];
      },
      'unknown method': () => {
        const method = rng.pick([
          'get_balances',
          'mint',
          'admin_stop',
          'eth_call',
          'GET_BLOCK',
          `m${rng.int(1e6)}`,
        ]);
        return [rpcBody(method, {}, id++), { code: 'METHOD_NOT_FOUND', rpc: -32601 }];
      },
      'invalid request': () => {
        const body = rng.pick([
          JSON.stringify({ jsonrpc: '1.0', id: id++, method: 'status' }),
          JSON.stringify({ id: id++, method: 'status' }),
          JSON.stringify({ jsonrpc: '2.0', id: id++, method: 7 }),
          JSON.stringify({ jsonrpc: '2.0', id: id++, method: 'status', extra: true }),
          JSON.stringify({ jsonrpc: '2.0', id: { n: 1 }, method: 'status' }),
          '[]',
          '"status"',
        ]);
        return [body, { code: 'INVALID_INPUT', rpc: -32600 }];
      },
      'bad params': () => {
        const [method, params, code] = rng.pick<[string, unknown, string]>([
          ['get_balance', { address: third.address.toUpperCase() }, 'INVALID_ADDRESS'],
          ['get_balance', {}, 'INVALID_INPUT'],
          ['get_account', { address: 'ait1' }, 'INVALID_ADDRESS'],
          ['get_block', { height: 0 }, 'INVALID_INPUT'],
          ['get_block', { hash: 'AB'.repeat(32) }, 'INVALID_INPUT'],
          ['get_tx', { hash: 'xyz' }, 'INVALID_INPUT'],
          ['get_txs', { address: third.address, limit: 100_000 }, 'INVALID_INPUT'],
          ['broadcast_tx', {}, 'INVALID_INPUT'],
          ['broadcast_tx', { tx: 'not a tx' }, 'INVALID_INPUT'],
          ['broadcast_tx', { tx: [] }, 'INVALID_INPUT'],
          ['broadcast_tx', { tx: {}, wait: 'soon' }, 'INVALID_INPUT'],
          ['broadcast_tx', { tx: {}, gas: 1 }, 'INVALID_INPUT'],
          ['faucet', { address: third.address, amount: '0' }, 'INVALID_AMOUNT'],
          ['faucet', { address: third.address, amount: '-1' }, 'INVALID_AMOUNT'],
          ['faucet', { address: third.address.toUpperCase() }, 'INVALID_ADDRESS'],
          ['get_escrow', { client: client.address, jobId: 'AB'.repeat(16) }, 'INVALID_INPUT'],
          ['status', [1, 2], 'INVALID_INPUT'],
        ]);
        return [rpcBody(method, params, id++), { code, rpc: PARAMS }];
      },
    };

    const txNames = Object.keys(txKinds);
    const otherNames = Object.keys(otherKinds);
    const cases: Case[] = [];
    while (cases.length < INPUTS) {
      // Three in four inputs are signed transactions (the duplicate-field case is one too, sent raw).
      if (rng.chance(0.75)) {
        const kind = rng.pick(txNames);
        const [tx, expected] = txKinds[kind]();
        const wait = rng.pick(['none', 'accepted', 'committed']);
        cases.push({
          kind,
          body: rpcBody('broadcast_tx', { tx, wait }, id++),
          expect: expected,
          signedTx: true,
        });
      } else {
        const kind = rng.pick(otherNames);
        const [body, expected] = otherKinds[kind]();
        cases.push({ kind, body, expect: expected, signedTx: kind === 'duplicate field' });
      }
    }
    return cases;
  }

  it(`refuses ${INPUTS.toLocaleString('en-US')} bad inputs, each with the code of the broken rule, and changes nothing`, async () => {
    const cases = buildCases();
    expect(cases.length).toBeGreaterThanOrEqual(10_000);
    expect(cases.filter((c) => c.signedTx).length).toBeGreaterThan(cases.length / 2);

    const pool = new Pool(devnet.ready.endpoints.rpc, { connections: CONCURRENCY });
    const mismatches: Array<{ kind: string; expect: Expect; got: unknown }> = [];
    const seen = new Map<string, number>();
    let next = 0;
    const worker = async () => {
      while (next < cases.length) {
        const c = cases[next++];
        seen.set(c.kind, (seen.get(c.kind) ?? 0) + 1);
        const res = await pool.request({
          path: '/',
          method: 'POST',
          body: c.body,
          headers: { 'content-type': 'application/json' },
        });
        const text = await res.body.text();
        let reply: {
          error?: {
            code: number;
            message: string;
            data?: { code?: string; details?: Record<string, unknown> };
          };
        };
        try {
          reply = JSON.parse(text);
        } catch {
          mismatches.push({
            kind: c.kind,
            expect: c.expect,
            got: `HTTP ${res.statusCode}: ${text.slice(0, 200)}`,
          });
          continue;
        }
        const e = reply.error;
        const d = e?.data?.details ?? {};
        const ok =
          e !== undefined &&
          e.data?.code === c.expect.code &&
          (c.expect.rpc === undefined || e.code === c.expect.rpc) &&
          (c.expect.field === undefined || d.field === c.expect.field || d.param === c.expect.field) &&
          (c.expect.reason === undefined || d.reason === c.expect.reason) &&
          (c.expect.message === undefined || c.expect.message.test(e.message));
        if (!ok) mismatches.push({ kind: c.kind, expect: c.expect, got: reply });
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    await pool.close();

    const byKind = new Map<string, { count: number; first: (typeof mismatches)[number] }>();
    for (const m of mismatches) {
      const k = byKind.get(m.kind);
      if (k) k.count++;
      else byKind.set(m.kind, { count: 1, first: m });
    }
    expect([...byKind.values()]).toEqual([]);
    expect([...seen.keys()].length).toBeGreaterThanOrEqual(40);

    // Nothing changed: accounts, mempool, escrows and the state root.
    const after = await snapshot();
    for (const k of everyone) {
      const before = state.get(k.address);
      expect(after.get(k.address)).toEqual({
        balance: before?.balance,
        nonce: before?.nonce,
        pendingNonce: before?.nonce,
      });
    }
    expect((await rpc.getEscrow(client.address, jobLocked)).status).toBe('locked');
    expect((await rpc.getEscrow(client.address, jobSettled)).status).toBe('refunded');
    expect((await rpc.status()).mempoolTxs).toBe(0);
    expect((await rpc.getBlock()).block.header.stateRoot).toBe(rootBefore);
  });
});
