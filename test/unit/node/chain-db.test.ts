import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type ChainDb, openChainDb } from '../../../src/node/store/chain-db.js';
import { tempDir } from '../../helpers/cli.js';

describe('chain database', () => {
  let dir: { dir: string; cleanup: () => void };
  let file: string;
  let db: ChainDb;
  beforeEach(() => {
    dir = tempDir();
    file = path.join(dir.dir, 'chain.db');
    db = openChainDb(file);
  });
  afterEach(() => {
    db.close();
    dir.cleanup();
  });

  const block = (height: number, txs: number) => ({
    height,
    hash: `${height}`.padStart(64, '0'),
    time: 1000 + height,
    header: `{"height":${height}}`,
    lastCommit: height === 1 ? null : '{}',
    commit: `{"height":${height}}`,
    txs: Array.from({ length: txs }, (_, i) => ({
      hash: `${height}-${i}`.padStart(64, 'a'),
      tx: `{"i":${i}}`,
      code: i % 2,
      log: i % 2 ? 'failed' : '',
      addresses: i === 0 ? ['alice', 'bob'] : ['alice'],
    })),
  });

  it('opens in WAL mode with synchronous=FULL and 0600 files', () => {
    expect(db.db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.db.pragma('synchronous', { simple: true })).toBe(2);
    db.transaction(() => db.putBlock(block(1, 1)));
    for (const f of [file, `${file}-wal`, `${file}-shm`]) expect(fs.statSync(f).mode & 0o777).toBe(0o600);
  });

  it('stores blocks by height and hash with their transactions, results and address index', () => {
    db.transaction(() => {
      db.putBlock(block(1, 3));
      db.putBlock(block(2, 2));
    });
    expect(db.latestHeight()).toBe(2);
    expect(db.blockByHash(block(1, 0).hash)?.height).toBe(1);
    expect(db.blockByHeight(2)?.tx_count).toBe(2);
    expect(db.blockTxs(1).map((t) => [t.idx, t.code, t.log])).toEqual([
      [0, 0, ''],
      [1, 1, 'failed'],
      [2, 0, ''],
    ]);
    expect(db.txByHash(block(2, 2).txs[1].hash)).toMatchObject({ height: 2, idx: 1 });
    const alice = db.txsByAddress('alice', 10);
    expect(alice.map((t) => [t.height, t.idx])).toEqual([
      [2, 1],
      [2, 0],
      [1, 2],
      [1, 1],
      [1, 0],
    ]);
    expect(db.txsByAddress('alice', 2, { height: 2, idx: 0 }).map((t) => [t.height, t.idx])).toEqual([
      [1, 2],
      [1, 1],
    ]);
    expect(db.txsByAddress('bob', 10)).toHaveLength(2);
    expect(db.blocks(2, 10, 'desc').map((b) => b.height)).toEqual([2, 1]);
    expect(db.blocks(1, 1, 'asc').map((b) => b.height)).toEqual([1]);
  });

  it('writes a block and its state changes all or nothing', () => {
    expect(() =>
      db.transaction(() => {
        db.statePut('acct/x', '{"balance":"5"}');
        db.putBlock(block(1, 1));
        throw new Error('crash in the middle');
      }),
    ).toThrowError(/crash/);
    expect(db.latestHeight()).toBe(0);
    expect(db.stateGet('acct/x')).toBeUndefined();
    db.transaction(() => {
      db.statePut('acct/x', '1');
      db.nodePut('n1', 'abc');
    });
    db.transaction(() => {
      db.statePut('acct/x', '2');
      db.stateDelete('gone');
      db.nodeDelete('n1');
    });
    expect(db.stateGet('acct/x')).toBe('2');
    expect(db.nodeGet('n1')).toBeUndefined();
    expect(db.stateEntries()).toEqual([{ key: 'acct/x', value: '2' }]);
  });

  it('refuses a duplicate height or transaction hash', () => {
    db.transaction(() => db.putBlock(block(1, 1)));
    expect(() => db.transaction(() => db.putBlock(block(1, 1)))).toThrow();
    expect(db.latestHeight()).toBe(1);
  });

  it('keeps meta values and passes the integrity check across a reopen', () => {
    db.setMeta('genesisHash', 'abc');
    db.close();
    db = openChainDb(file);
    expect(db.getMeta('genesisHash')).toBe('abc');
    expect(db.integrityCheck()).toBe('ok');
    const ro = openChainDb(file, { readonly: true });
    expect(ro.getMeta('genesisHash')).toBe('abc');
    ro.close();
  });

  it('refuses a read-only open of a missing database', () => {
    expect(() => openChainDb(path.join(dir.dir, 'nope.db'), { readonly: true })).toThrowError(
      /no chain database/,
    );
  });
});
