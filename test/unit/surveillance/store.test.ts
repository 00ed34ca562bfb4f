import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { AlertStore } from '../../../src/surveillance/store.js';
import type { Alert } from '../../../src/surveillance/types.js';

const alert = (id: string, over: Partial<Alert> = {}): Alert => ({
  id,
  type: 'spoofing',
  accounts: ['a'],
  start: '2024-01-01T00:00:00.000Z',
  end: '2024-01-01T00:05:00.000Z',
  eventIds: ['1', '2'],
  evidence: { cycles: 2 },
  score: 0.9,
  riskLevel: 'medium',
  detectedAt: '2024-01-01T00:05:00.000Z',
  ...over,
});

describe('alert store', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'aitbc-surv-store-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const file = path.join(dir, 'surveillance', 'alerts.db');
  const now = '2025-01-01T00:00:00.000Z';

  it('is a private SQLite file in WAL mode with full sync', async () => {
    const store = await AlertStore.open(file);
    store.close();
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const db = new Database(file, { readonly: true });
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    db.close();
  });

  it('stores runs and alerts once per run and id, and finds them by type, level, run and account', async () => {
    const store = await AlertStore.open(file);
    store.createRun({ id: 'w1', kind: 'watch', source: 'test', pid: 123, now });
    expect(
      store.addAlerts(
        'w1',
        [alert('x'), alert('y', { type: 'layering', accounts: ['b', 'c'], riskLevel: 'high' })],
        now,
      ),
    ).toHaveLength(2);
    expect(
      store.addAlerts('w1', [alert('x'), alert('z', { accounts: ['c'] })], now).map((a) => a.id),
    ).toEqual(['z']);
    store.createRun({ id: 's1', kind: 'scan', source: 'f.csv', pid: null, now });
    store.addAlerts('s1', [alert('x')], now);
    store.updateRun('w1', { events: 42, rejected: 1, problems: ['line 3: bad'], lastEventTime: now, now });
    const w1 = store.run('w1')!;
    expect(w1).toMatchObject({
      kind: 'watch',
      status: 'running',
      pid: 123,
      events: 42,
      alerts: 3,
      rejected: 1,
      problems: ['line 3: bad'],
    });
    expect(store.runs('watch').map((r) => r.id)).toEqual(['w1']);
    expect(store.alerts().map((a) => a.id)).toEqual(['x', 'z', 'y', 'x']);
    expect(store.alerts({ type: 'layering' }).map((a) => a.id)).toEqual(['y']);
    expect(store.alerts({ riskLevel: 'high' })).toHaveLength(1);
    expect(store.alerts({ account: 'c' }).map((a) => a.id)).toEqual(['z', 'y']);
    expect(store.alerts({ runId: 's1', limit: 5 })).toHaveLength(1);
    expect(store.alerts({ limit: 1 })[0]).toMatchObject({
      runId: 's1',
      evidence: { cycles: 2 },
      eventIds: ['1', '2'],
    });
    expect(store.countsByType()).toEqual({ spoofing: 3, layering: 1 });
    store.setRisks(
      'w1',
      [
        {
          account: 'c',
          score: 0.97,
          level: 'high',
          alerts: 2,
          byType: { layering: { alerts: 1, maxScore: 0.9 } },
        },
      ],
      now,
    );
    expect(store.risksOf('c')).toMatchObject([{ runId: 'w1', score: 0.97, level: 'high' }]);
    expect(store.risksOf('nobody')).toEqual([]);
    store.close();
  });
});
