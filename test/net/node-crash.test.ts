/**
 * Crash safety (issue 3): a stream of transfers and escrow operations against a real node process,
 * SIGKILLed at seeded random moments and restarted each time. After every kill: every transaction the
 * node reported committed is in the chain at the height it reported, the stored state is exactly the
 * state its latest block commits to (no half-applied block), and the supply is conserved; after every
 * restart the node commits new blocks. At the end every stored block is replayed from genesis into an
 * empty state, checking each block's roots and commit, and `PRAGMA integrity_check` is ok.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseStrictJson } from '../../src/core/canonical-json.js';
import { createPrng, type Prng } from '../../src/core/prng.js';
import { createFastVerifier } from '../../src/crypto/ed25519.js';
import { replayChain } from '../../src/node/chain/replay.js';
import { nodeLayout } from '../../src/node/layout.js';
import { ChainState } from '../../src/node/state/chain-state.js';
import { SparseMerkleTree } from '../../src/node/state/smt.js';
import { openChainDb } from '../../src/node/store/chain-db.js';
import { SqliteNodeStore, SqliteStateStore } from '../../src/node/store/state-backend.js';
import { assembleReceipt, computePrice, signReceiptAs } from '../../src/protocol/receipt.js';
import { signTx } from '../../src/protocol/tx.js';
import type { BlockHeader, Genesis, ReceiptBody, SignedTx, UnsignedTx } from '../../src/protocol/types.js';
import { runCli, tempDir } from '../helpers/cli.js';
import { type TestKey, testKey } from '../unit/node/helpers.js';
import { killSpawned, type RunningNode, spawnNode } from '../unit/node/spawn-node.js';

const SEED = 20_251_126;
const KILLS = 12;

type Rpc = RunningNode['rpc'];

interface Lock {
  client: TestKey;
  jobId: string;
  amount: bigint;
  inputHash: string;
}

/** Everything the node reported committed: tx hash → height. */
const committed = new Map<string, number>();

/** Sends a signed transaction and records it when the node says it is committed. */
async function send(
  rpc: Rpc,
  tx: SignedTx,
  wait: 'accepted' | 'committed',
): Promise<{ code?: number } | undefined> {
  const r = await rpc('broadcast_tx', { tx, wait });
  if (r.result?.status === 'committed') committed.set(r.result.hash, r.result.height);
  return r.result;
}

async function nonceOf(rpc: Rpc, who: TestKey): Promise<number> {
  return (await rpc('get_account', { address: who.address })).result.pendingNonce;
}

function sign(
  key: TestKey,
  chainId: string,
  nonce: number,
  rest: Pick<UnsignedTx, 'type' | 'body'>,
): SignedTx {
  return signTx(
    { chainId, from: key.address, pubkey: key.publicKeyHex, nonce, fee: '1000', ...rest } as UnsignedTx,
    key.signer,
  );
}

/**
 * One account's stream of work until the node goes away: transfers, escrow locks (clients), and
 * releases with signed receipts or refunds (the coordinator). Connection errors end the loop.
 */
async function workLoop(
  rpc: Rpc,
  chainId: string,
  rng: Prng,
  role: { kind: 'payer' | 'client' | 'coordinator'; key: TestKey },
  ctx: { accounts: TestKey[]; locks: Lock[]; coordinator: TestKey; miner: TestKey; stop: () => boolean },
): Promise<void> {
  try {
    while (!ctx.stop()) {
      const nonce = await nonceOf(rpc, role.key);
      const wait = rng.chance(0.8) ? 'committed' : 'accepted';
      if (role.kind === 'payer') {
        const to = rng.pick(ctx.accounts.filter((a) => a !== role.key)).address;
        await send(
          rpc,
          sign(role.key, chainId, nonce, {
            type: 'transfer',
            body: { to, amount: String(1 + rng.int(5000)) },
          }),
          wait,
        );
      } else if (role.kind === 'client') {
        const jobId = Array.from({ length: 16 }, () => rng.int(256).toString(16).padStart(2, '0')).join('');
        const terms = {
          model: 'echo',
          inputHash: jobId.repeat(2),
          maxTokensIn: 40,
          maxTokens: 20,
          maxUnitPrice: '5000',
          settlementFee: '1000',
        };
        const amount = computePrice(5000n, 40, 20) + 1000n + BigInt(rng.int(1000));
        const status = (await rpc('status')).result;
        const tx = sign(role.key, chainId, nonce, {
          type: 'escrow_lock',
          body: {
            jobId,
            amount: amount.toString(),
            coordinator: ctx.coordinator.address,
            expiresAt: status.latestBlockTime + 3_600_000,
            terms,
          },
        });
        const r = await send(rpc, tx, 'committed');
        if (r?.code === 0) ctx.locks.push({ client: role.key, jobId, amount, inputHash: terms.inputHash });
      } else {
        const lock = ctx.locks.shift();
        if (lock === undefined) {
          await new Promise((r) => setTimeout(r, 20));
          continue;
        }
        let tx: SignedTx;
        if (rng.chance(0.5)) {
          tx = sign(role.key, chainId, nonce, {
            type: 'escrow_refund',
            body: { client: lock.client.address, jobId: lock.jobId },
          });
        } else {
          const tokensIn = 1 + rng.int(40);
          const tokensOut = 1 + rng.int(20);
          const now = Date.now();
          const body: ReceiptBody = {
            version: 1,
            chainId,
            jobId: lock.jobId,
            client: lock.client.address,
            coordinator: ctx.coordinator.address,
            miner: ctx.miner.address,
            payTo: ctx.miner.address,
            model: 'echo',
            backend: 'echo',
            inputHash: lock.inputHash,
            outputHash: 'ee'.repeat(32),
            tokensIn,
            tokensOut,
            unitPrice: '5000',
            price: computePrice(5000n, tokensIn, tokensOut).toString(),
            startedAt: now - 1000,
            completedAt: now,
            minerPubkey: ctx.miner.publicKeyHex,
            coordinatorPubkey: ctx.coordinator.publicKeyHex,
          };
          const receipt = assembleReceipt(body, {
            minerSig: signReceiptAs(body, 'miner', ctx.miner.signer),
            coordinatorSig: signReceiptAs(body, 'coordinator', ctx.coordinator.signer),
          });
          tx = sign(role.key, chainId, nonce, {
            type: 'escrow_release',
            body: { client: lock.client.address, jobId: lock.jobId, receipt },
          });
        }
        await send(rpc, tx, 'committed');
      }
    }
  } catch {
    // The node was killed under us: whatever was in flight has an unknown fate and is not counted.
  }
}

/** The database checks made while the node is down. */
function checkStoredChain(file: string, genesis: Genesis): { height: number } {
  const db = openChainDb(file);
  try {
    for (const [hash, height] of committed) {
      const row = db.txByHash(hash);
      expect(row?.height, `committed tx ${hash}`).toBe(height);
    }
    const height = db.latestHeight();
    const header = JSON.parse(db.blockByHeight(height)?.header ?? 'null') as BlockHeader | null;
    const root = new SparseMerkleTree(new SqliteNodeStore(db)).root();
    // The stored state is exactly the state the latest block commits to: no block half-applied.
    if (header !== null) expect(root).toBe(header.stateRoot);
    const verify = createFastVerifier().verify;
    const state = new ChainState({ state: new SqliteStateStore(db), nodes: new SqliteNodeStore(db), verify });
    expect(state.recomputeRoot()).toBe(root);
    const report = state.checkConservation();
    expect(report.ok).toBe(true);
    expect(report.total).toBe(BigInt(genesis.allocations.reduce((s, a) => s + BigInt(a.amount), 0n)));
    return { height };
  } finally {
    db.close();
  }
}

describe('node crash safety', () => {
  const t = tempDir('aitbc-crash-');
  afterAll(() => {
    killSpawned();
    t.cleanup();
  });

  it(`survives ${KILLS} SIGKILLs mid-stream with every committed tx kept and every block whole`, async () => {
    const rng = createPrng(SEED);
    const home = path.join(t.dir, 'home');
    const layout = nodeLayout(home);
    const payers = [testKey(60), testKey(61), testKey(62)];
    const clients = [testKey(70), testKey(71)];
    const coordinator = testKey(80);
    const miner = testKey(81);
    const accounts = [...payers, ...clients, coordinator, miner];
    const locks: Lock[] = [];
    let lastHeight = 0;
    let kills = 0;

    const init = await runCli(
      [
        'node',
        'init',
        '--chain-id',
        'crash-chain',
        '--unencrypted',
        '--faucet',
        '1000000',
        '--block-time',
        '100ms',
        '--json',
      ],
      { home },
    );
    expect(init.code).toBe(0);
    const genesis = parseStrictJson(fs.readFileSync(layout.genesis('crash-chain'), 'utf8')) as Genesis;
    const dbFile = layout.database('crash-chain');
    for (let round = 0; round <= KILLS; round++) {
      const node = await spawnNode(['node', 'start', '--home', home, '--rpc-port', '0', '--ws-port', '0']);
      if (round === 0) {
        for (const a of accounts) {
          const r = await node.rpc('faucet', { address: a.address, wait: 'committed' });
          expect(r.result?.code).toBe(0);
        }
      }
      const chainId = node.ready.chainId;
      expect((await node.rpc('status')).result.height).toBeGreaterThanOrEqual(lastHeight);
      // Locks a previous run left unsettled go back to the coordinator's queue.
      for (const l of [...locks]) {
        const e = await node.rpc('get_escrow', { client: l.client.address, jobId: l.jobId });
        if (e.result?.status !== 'locked') locks.splice(locks.indexOf(l), 1);
      }
      let stopped = false;
      const ctx = { accounts, locks, coordinator, miner, stop: () => stopped };
      const last = round === KILLS;
      const loops = [
        ...payers.map((k) => workLoop(node.rpc, chainId, rng.fork(), { kind: 'payer', key: k }, ctx)),
        ...(last
          ? []
          : clients.map((k) => workLoop(node.rpc, chainId, rng.fork(), { kind: 'client', key: k }, ctx))),
        ...(last
          ? []
          : [workLoop(node.rpc, chainId, rng.fork(), { kind: 'coordinator', key: coordinator }, ctx)]),
      ];
      // The node keeps producing blocks after every restart.
      const before = committed.size;
      for (let i = 0; i < 400 && (await node.rpc('status')).result.height <= lastHeight; i++)
        await new Promise((r) => setTimeout(r, 25));
      expect((await node.rpc('status')).result.height).toBeGreaterThan(lastHeight);
      if (last) {
        await new Promise((r) => setTimeout(r, 1000));
        stopped = true;
        await Promise.all(loops);
        expect(committed.size).toBeGreaterThan(before);
        expect((await node.kill('SIGTERM')).code).toBe(0);
        break;
      }
      // Kill at a seeded random moment inside the stream.
      await new Promise((r) => setTimeout(r, 200 + rng.int(1500)));
      const exit = await node.kill('SIGKILL');
      expect(exit.signal).toBe('SIGKILL');
      kills++;
      stopped = true;
      await Promise.all(loops);
      lastHeight = checkStoredChain(dbFile, genesis).height;
    }

    expect(kills).toBe(KILLS);
    expect(committed.size).toBeGreaterThan(50);
    const final = checkStoredChain(dbFile, genesis);
    const db = openChainDb(dbFile);
    try {
      const report = replayChain(db, genesis, { conservationEveryBlock: true });
      expect(report.height).toBe(final.height);
      expect(report.txs).toBeGreaterThanOrEqual(committed.size);
      expect(db.integrityCheck()).toBe('ok');
      const kinds = new Set(
        db.db
          .prepare('SELECT tx FROM txs')
          .all()
          .map((r) => (JSON.parse((r as { tx: string }).tx) as SignedTx).type),
      );
      expect([...kinds].sort()).toEqual(['escrow_lock', 'escrow_refund', 'escrow_release', 'transfer']);
    } finally {
      db.close();
    }
  });
});
