import * as path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createFastVerifier } from '../../../src/crypto/ed25519.js';
import { replayChain } from '../../../src/node/chain/replay.js';
import { PrivValidator } from '../../../src/node/consensus/priv-validator.js';
import { SignState } from '../../../src/node/consensus/sign-state.js';
import { SoloEngine } from '../../../src/node/consensus/solo-engine.js';
import { FaucetRateLimiter } from '../../../src/node/faucet.js';
import { blockHash, validatorsHash } from '../../../src/protocol/block.js';
import { commitHash, commitIsValid } from '../../../src/protocol/commit.js';
import { genesisHash } from '../../../src/protocol/genesis.js';
import type { Block, Commit, SignedTx } from '../../../src/protocol/types.js';
import { tempDir } from '../../helpers/cli.js';
import {
  AIT,
  alice,
  bob,
  CHAIN,
  codeOf,
  faucetKey,
  harness,
  T0,
  testGenesis,
  transfer,
  validator,
} from './helpers.js';

const verify = createFastVerifier().verify;

interface BlockInfo {
  hash: string;
  height: number;
  txCount: number;
  block: Block;
  commit: Commit;
  results: Array<{ code: number; log: string }>;
}

describe('ChainNode with the solo engine', () => {
  let dir: { dir: string; cleanup: () => void };
  beforeEach(() => {
    dir = tempDir();
  });
  afterEach(() => dir.cleanup());

  it('produces linked, committed blocks whose roots and commits check out, and replays them', async () => {
    const genesis = testGenesis();
    const h = harness(dir.dir, genesis);
    const { node, engine } = h;
    const accepted = node.broadcast(transfer(alice, bob.address, 5n * AIT, 0), 'accepted') as {
      hash: string;
      status: string;
    };
    expect(accepted.status).toBe('accepted');
    const waiting = node.broadcast(transfer(alice, bob.address, 7n * AIT, 1), 'committed') as Promise<
      Record<string, unknown>
    >;
    expect(node.hasPendingTxs()).toBe(true);
    engine.produceBlock();
    const committed = await waiting;
    expect(committed).toMatchObject({ status: 'committed', height: 1, index: 1, code: 0 });
    engine.produceBlock();
    const b1 = JSON.parse(node.blockText({ height: 1 })) as BlockInfo;
    const b2 = JSON.parse(node.blockText({ hash: node.tip().hash })) as BlockInfo;
    expect(b1.block.header).toMatchObject({
      version: 1,
      chainId: CHAIN,
      height: 1,
      prevHash: genesisHash(genesis),
      lastCommitHash: '',
    });
    expect(b1.block.header.proposer).toBe(validator.address);
    expect(b1.block.header.validatorsHash).toBe(validatorsHash(genesis.validators));
    expect(b1.block.header.time).toBeGreaterThan(genesis.time);
    expect(blockHash(b1.block.header)).toBe(b1.hash);
    expect(b1.txCount).toBe(2);
    expect(b1.results).toEqual([
      { code: 0, log: '' },
      { code: 0, log: '' },
    ]);
    expect(commitIsValid(b1.commit, genesis.validators, CHAIN, verify)).toBe(true);
    expect(b2.block.header.prevHash).toBe(b1.hash);
    expect(b2.block.header.time).toBeGreaterThan(b1.block.header.time);
    expect(b2.block.lastCommit).toEqual(b1.commit);
    expect(b2.block.header.lastCommitHash).toBe(commitHash(b1.commit));
    expect(b2.txCount).toBe(0);
    expect(node.account(bob.address)).toMatchObject({ balance: (12n * AIT).toString(), nonce: 0 });
    expect(node.account(alice.address)).toMatchObject({ nonce: 2, pendingNonce: 2 });
    const tx = JSON.parse(node.txText(accepted.hash));
    expect(tx).toMatchObject({ hash: accepted.hash, height: 1, index: 0, code: 0, status: 'committed' });
    const page = JSON.parse(node.txsText(bob.address, 1));
    expect(page.items).toHaveLength(1);
    expect(page.items[0].index).toBe(1);
    const next = JSON.parse(node.txsText(bob.address, 1, page.nextCursor));
    expect(next.items[0].index).toBe(0);
    expect(node.conservation().ok).toBe(true);
    expect(replayChain(node.db, genesis, { conservationEveryBlock: true })).toMatchObject({
      height: 2,
      txs: 2,
    });
    node.close();
  });

  it('refuses another chain’s transaction before the mempool, and a replay with its used nonce', () => {
    const { node, engine } = harness(dir.dir, testGenesis());
    expect(
      codeOf(() =>
        node.broadcast(transfer(alice, bob.address, 1n, 0, { chainId: 'other-chain' }), 'accepted'),
      ),
    ).toBe('WRONG_CHAIN');
    expect(node.stats().mempoolTxs).toBe(0);
    const tx = transfer(alice, bob.address, 1n, 0);
    node.broadcast(tx, 'accepted');
    expect(codeOf(() => node.broadcast(tx, 'accepted'))).toBe('DUPLICATE_NONCE');
    engine.produceBlock();
    let err: { code?: string; details?: { reason?: string } } = {};
    try {
      node.broadcast(tx, 'accepted');
    } catch (e) {
      err = e as typeof err;
    }
    expect(err.code).toBe('BAD_NONCE');
    expect(err.details?.reason).toBe('replayed');
    const forged = { ...transfer(alice, bob.address, 2n, 1) } as SignedTx;
    forged.sig = transfer(alice, bob.address, 3n, 1).sig;
    expect(codeOf(() => node.broadcast(forged, 'accepted'))).toBe('BAD_SIGNATURE');
    expect(codeOf(() => node.broadcast({ ...tx, extra: 1 }, 'accepted'))).toBe('INVALID_INPUT');
    node.close();
  });

  it('keeps blocks within maxBlockTxs', () => {
    const { node, engine } = harness(dir.dir, testGenesis({ maxBlockTxs: 3 }));
    for (let n = 0; n < 5; n++) node.broadcast(transfer(alice, bob.address, 1n, n), 'accepted');
    engine.produceBlock();
    engine.produceBlock();
    expect((JSON.parse(node.blockText({ height: 1 })) as BlockInfo).txCount).toBe(3);
    expect((JSON.parse(node.blockText({ height: 2 })) as BlockInfo).txCount).toBe(2);
    node.close();
  });

  it('after a crash between signing and storing, signs the rebuilt block in the next round', () => {
    const genesis = testGenesis();
    const h = harness(dir.dir, genesis);
    h.engine.produceBlock();
    // Sign a block at height 2 but never store it (the process dies before the SQLite commit).
    const candidate = h.node.buildCandidate(2, T0 + 5000, validator.address);
    h.signState.sign({
      chainId: CHAIN,
      height: 2,
      round: 0,
      step: 'precommit',
      blockHash: candidate.hash,
      time: T0 + 5000,
      sign: () => 'ab'.repeat(64),
    });
    h.node.discardCandidate(candidate);
    const restarted = h.restartEngine();
    h.node.broadcast(transfer(alice, bob.address, 1n, 0), 'accepted');
    restarted.produceBlock();
    const b2 = JSON.parse(h.node.blockText({ height: 2 })) as BlockInfo;
    expect(b2.commit.round).toBe(1);
    expect(b2.hash).not.toBe(candidate.hash);
    expect(commitIsValid(b2.commit, genesis.validators, CHAIN, verify)).toBe(true);
    expect(replayChain(h.node.db, genesis).height).toBe(2);
    h.node.close();
  });

  it('reopens a stored chain where it left off, and refuses a database of another genesis', () => {
    const genesis = testGenesis();
    const h = harness(dir.dir, genesis);
    h.node.broadcast(transfer(alice, bob.address, 3n, 0), 'accepted');
    h.engine.produceBlock();
    const tip = h.node.tip();
    h.node.close();
    const again = harness(dir.dir, genesis);
    expect(again.node.tip()).toEqual(tip);
    expect(again.node.account(bob.address).balance).toBe('3');
    again.node.close();
    expect(codeOf(() => harness(dir.dir, testGenesis({ blockTimeMs: 2000 })))).toBe('CONFIG');
  });

  it('runs the faucet: capped, rate-limited, refused when off or absent', async () => {
    const genesis = testGenesis({}, CHAIN, true);
    const limiter = new FaucetRateLimiter({ perAddress: 2, windowMs: 60_000 });
    const h = harness(dir.dir, genesis, { faucet: { key: faucetKey, maxPerRequest: 10n * AIT, limiter } });
    const paid = h.node.requestFaucet(bob.address, undefined, 'committed') as Promise<
      Record<string, unknown>
    >;
    h.engine.produceBlock();
    expect(await paid).toMatchObject({
      status: 'committed',
      amount: (10n * AIT).toString(),
      from: faucetKey.address,
    });
    expect(codeOf(() => h.node.requestFaucet(bob.address, 11n * AIT, 'accepted'))).toBe('INVALID_AMOUNT');
    h.node.requestFaucet(bob.address, 1n, 'accepted');
    expect(codeOf(() => h.node.requestFaucet(bob.address, 1n, 'accepted'))).toBe('RATE_LIMITED');
    expect(h.node.account(faucetKey.address).pendingNonce).toBe(2);
    h.node.close();
    const off = tempDir();
    const o = harness(off.dir, genesis, {
      faucet: { key: faucetKey, maxPerRequest: 10n * AIT, limiter, refusal: 'public RPC' },
    });
    expect(codeOf(() => o.node.requestFaucet(bob.address, 1n, 'accepted'))).toBe('FORBIDDEN');
    o.node.close();
    off.cleanup();
    const none = tempDir();
    const n = harness(none.dir, testGenesis());
    expect(codeOf(() => n.node.requestFaucet(bob.address, 1n, 'accepted'))).toBe('NO_FAUCET');
    n.node.close();
    none.cleanup();
  });

  it('answers not-found questions with typed errors', () => {
    const { node } = harness(dir.dir, testGenesis());
    expect(codeOf(() => node.blockText({ height: 1 }))).toBe('BLOCK_NOT_FOUND');
    expect(codeOf(() => node.txText('00'.repeat(32)))).toBe('TX_NOT_FOUND');
    expect(codeOf(() => node.escrow(alice.address, '00'.repeat(16)))).toBe('ESCROW_NOT_FOUND');
    expect(codeOf(() => node.txsText(alice.address, 5, 'bad'))).toBe('INVALID_INPUT');
    expect(JSON.parse(node.blocksText({ limit: 5, order: 'desc' }))).toEqual({ items: [] });
    node.close();
  });
});

describe('SoloEngine timing', () => {
  let dir: { dir: string; cleanup: () => void };
  beforeEach(() => {
    dir = tempDir();
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'], now: T0 + 10_000 });
  });
  afterEach(() => {
    vi.useRealTimers();
    dir.cleanup();
  });

  it('makes an empty block only at the heartbeat, and a block one block time after the last when txs wait', async () => {
    const genesis = testGenesis({ blockTimeMs: 100, heartbeatMs: 1000 });
    const h = harness(dir.dir, genesis, {}, () => Date.now());
    const heights: number[] = [];
    h.node.onCommit((b) => heights.push(b.height));
    h.engine.start();
    // The tip (genesis) is older than the heartbeat: the first block comes at once.
    await vi.advanceTimersByTimeAsync(1);
    expect(heights).toEqual([1]);
    await vi.advanceTimersByTimeAsync(998);
    expect(heights).toEqual([1]);
    await vi.advanceTimersByTimeAsync(2);
    expect(heights).toEqual([1, 2]);
    // A transaction 50 ms after block 2 waits for block time (100 ms after it), not for the heartbeat.
    await vi.advanceTimersByTimeAsync(50);
    h.node.broadcast(transfer(alice, bob.address, 1n, 0), 'accepted');
    await vi.advanceTimersByTimeAsync(48);
    expect(heights).toEqual([1, 2]);
    await vi.advanceTimersByTimeAsync(2);
    expect(heights).toEqual([1, 2, 3]);
    const b3 = JSON.parse(h.node.blockText({ height: 3 })) as BlockInfo;
    expect(b3.txCount).toBe(1);
    // Idle again: nothing until the heartbeat.
    await vi.advanceTimersByTimeAsync(900);
    expect(heights).toEqual([1, 2, 3]);
    await vi.advanceTimersByTimeAsync(150);
    expect(heights).toEqual([1, 2, 3, 4]);
    await h.engine.stop();
    await vi.advanceTimersByTimeAsync(5000);
    expect(heights).toEqual([1, 2, 3, 4]);
    h.node.close();
  });

  it('refuses to drive a chain whose sole validator is not its key', () => {
    const { node } = harness(dir.dir, testGenesis());
    const stranger = new PrivValidator(alice, new SignState(path.join(dir.dir, 'other_sign_state.json')));
    expect(codeOf(() => new SoloEngine({ app: node, privVal: stranger }))).toBe('CONFIG');
    node.close();
  });
});
