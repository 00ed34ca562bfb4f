/**
 * The coordinator's database: group commit (savepoints isolate failures, one transaction per turn,
 * answers only after COMMIT), the replay window surviving a restart, the exclusive lock, and the
 * identity check that keeps one coordinator's database from another key.
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { admitNonce } from '../../../src/coordinator/core.js';
import { openCoordinatorDb } from '../../../src/coordinator/store/db.js';
import { GroupCommit } from '../../../src/coordinator/store/group-commit.js';
import { CoordinatorRepo } from '../../../src/coordinator/store/repo.js';
import type { AitbcError } from '../../../src/core/errors.js';
import { REQUEST_REPLAY_WINDOW_MS } from '../../../src/protocol/signed-request.js';
import { key } from './helpers.js';

const carol = key('carol');
const alice = key('alice');
const identity = { coordinator: carol.address, chainId: 'aitbc-test' };
const dirs: string[] = [];

function tempDb(): string {
  const d = mkdtempSync(path.join(tmpdir(), 'coord-db-'));
  dirs.push(d);
  return path.join(d, 'coordinator', 'aitbc-test', 'coordinator.db');
}

afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('coordinator database', () => {
  it('is created 0600 in a 0700 directory, in WAL mode with synchronous=FULL', () => {
    const file = tempDb();
    const db = openCoordinatorDb(file, identity);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(statSync(path.dirname(file)).mode & 0o777).toBe(0o700);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('synchronous', { simple: true })).toBe(2);
    db.close();
  });

  it('refuses to open under another coordinator key or chain', () => {
    const file = tempDb();
    openCoordinatorDb(file, identity).close();
    const other = (id: typeof identity) => {
      try {
        openCoordinatorDb(file, id).close();
      } catch (e) {
        return (e as AitbcError).code;
      }
      return 'opened';
    };
    expect(other({ ...identity, coordinator: alice.address })).toBe('CONFIG');
    expect(other({ ...identity, chainId: 'elsewhere' })).toBe('CONFIG');
    expect(other(identity)).toBe('opened');
  });

  it('keeps a second connection off the database while the first holds it (the net test does it across processes)', () => {
    const file = tempDb();
    const db = openCoordinatorDb(file, identity);
    let code = 'opened';
    try {
      openCoordinatorDb(file, identity).close();
    } catch (e) {
      code = (e as AitbcError).code;
    }
    expect(code).toBe('HOME_LOCKED');
    db.close();
    openCoordinatorDb(file, identity).close();
  });
});

describe('group commit', () => {
  it('commits a turn of operations in one transaction; a failing one rolls back alone', async () => {
    const db = openCoordinatorDb(tempDb(), identity);
    const gc = new GroupCommit(db);
    const repo = new CoordinatorRepo(db);
    const before = gc.commits;
    const results = await Promise.allSettled([
      gc.run(() => repo.rememberNonce('aa', '01', 1)),
      gc.run(() => {
        repo.rememberNonce('aa', '02', 1);
        throw new Error('boom');
      }),
      gc.run(() => {
        repo.rememberNonce('aa', '03', 1);
        return 'three';
      }),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect((results[2] as PromiseFulfilledResult<string>).value).toBe('three');
    expect(gc.commits - before).toBe(1);
    expect(repo.nonceSeenAt('aa', '01')).toBe(1);
    expect(repo.nonceSeenAt('aa', '02')).toBeUndefined();
    expect(repo.nonceSeenAt('aa', '03')).toBe(1);
    gc.close();
    await expect(gc.run(() => 1)).rejects.toThrow(/closed/);
    db.close();
  });

  it('operations see each other’s writes in order, so read-decide-write is atomic', async () => {
    const db = openCoordinatorDb(tempDb(), identity);
    const gc = new GroupCommit(db);
    const repo = new CoordinatorRepo(db);
    const caller = { pubkey: alice.pub, address: alice.address, timestamp: 0, nonce: 'ab'.repeat(16) };
    const both = await Promise.allSettled([
      gc.run(() => admitNonce(repo, caller, 1_000)),
      gc.run(() => admitNonce(repo, caller, 1_000)),
    ]);
    expect(both[0].status).toBe('fulfilled');
    expect(both[1].status).toBe('rejected');
    expect(((both[1] as PromiseRejectedResult).reason as AitbcError).code).toBe('REPLAYED_REQUEST');
    db.close();
  });
});

describe('replay window', () => {
  it('survives a restart and closes after 60 s', () => {
    const file = tempDb();
    const caller = { pubkey: alice.pub, address: alice.address, timestamp: 0, nonce: 'cd'.repeat(16) };
    let db = openCoordinatorDb(file, identity);
    admitNonce(new CoordinatorRepo(db), caller, 10_000);
    db.close();
    db = openCoordinatorDb(file, identity);
    const repo = new CoordinatorRepo(db);
    const replay = (now: number) => {
      try {
        admitNonce(repo, caller, now);
        return 'accepted';
      } catch (e) {
        return (e as AitbcError).code;
      }
    };
    expect(replay(10_000 + REQUEST_REPLAY_WINDOW_MS - 1)).toBe('REPLAYED_REQUEST');
    // Another key may use the same nonce.
    expect(() => admitNonce(repo, { ...caller, pubkey: carol.pub }, 20_000)).not.toThrow();
    expect(repo.pruneNonces(10_001)).toBe(1);
    expect(replay(10_000 + REQUEST_REPLAY_WINDOW_MS + 1)).toBe('accepted');
    db.close();
  });
});
