import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DEFAULT_CALIBRATION } from '../../../src/surveillance/default-calibration.js';
import { generateScenario } from '../../../src/surveillance/generator.js';
import { CSV_HEADER, eventToCsv } from '../../../src/surveillance/parse.js';
import { FileFeedSource, type SourceBatch } from '../../../src/surveillance/sources.js';
import { AlertStore } from '../../../src/surveillance/store.js';
import type { Alert } from '../../../src/surveillance/types.js';
import { Watcher } from '../../../src/surveillance/watcher.js';

const dir = mkdtempSync(path.join(tmpdir(), 'aitbc-surv-watch-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function collect(src: FileFeedSource, signal: AbortSignal): Promise<SourceBatch[]> {
  const out: SourceBatch[] = [];
  for await (const b of src.batches(signal, () => {})) out.push(b);
  return out;
}

describe('file feed', () => {
  it('reads a file to its end, reporting malformed lines by number', async () => {
    const file = path.join(dir, 'feed.csv');
    writeFileSync(
      file,
      `${CSV_HEADER}\n2024-01-01T00:00:00Z,order,1,a,buy,1,1,,\nnonsense\n2024-01-01T00:00:01Z,order,2,a,buy,1,1,,`,
    );
    const batches = await collect(new FileFeedSource(file, { follow: false }), new AbortController().signal);
    const events = batches.flatMap((b) => (b.kind === 'market' ? b.events : []));
    const rejected = batches.flatMap((b) => (b.kind === 'market' ? b.rejected : []));
    expect(events.map((e) => [e.event.id, e.line])).toEqual([
      ['1', 2],
      ['2', 4],
    ]);
    expect(rejected).toEqual([{ line: 3, message: 'expected 9 fields, got 1' }]);
  });

  it('follows lines appended later, until aborted', async () => {
    const file = path.join(dir, 'grow.ndjson');
    writeFileSync(file, '');
    const ac = new AbortController();
    const src = new FileFeedSource(file, { follow: true, pollMs: 20 });
    const seen: string[] = [];
    const done = (async () => {
      for await (const b of src.batches(ac.signal, () => {})) {
        if (b.kind === 'market') for (const e of b.events) seen.push(e.event.id);
        if (seen.length >= 3) ac.abort();
      }
    })();
    const line = (id: number) =>
      `${JSON.stringify({ time: 1_700_000_000_000 + id, type: 'order', id: String(id), account: 'a', side: 'sell', price: 2, qty: 1 })}\n`;
    appendFileSync(file, line(1));
    await new Promise((r) => setTimeout(r, 80));
    appendFileSync(file, line(2) + line(3).slice(0, 20));
    await new Promise((r) => setTimeout(r, 80));
    appendFileSync(file, line(3).slice(20));
    await done;
    expect(seen).toEqual(['1', '2', '3']);
  });
});

describe('watcher', () => {
  it('stores the settled alerts of a feed, rejects out-of-order and repeated events, and keeps counts', async () => {
    const sc = generateScenario({ seed: 21, difficulty: 'easy', durationMs: 8 * 3_600_000 });
    const file = path.join(dir, 'day.csv');
    const lines = sc.events.map(eventToCsv);
    // Two bad rows in the middle: one out of time order, one repeating an id.
    const mid = Math.floor(lines.length / 2);
    const stale = eventToCsv({ ...sc.events[0], id: 'late-1' });
    const repeat = eventToCsv({ ...sc.events[mid - 1] });
    writeFileSync(file, [CSV_HEADER, ...lines.slice(0, mid), stale, repeat, ...lines.slice(mid)].join('\n'));
    const store = await AlertStore.open(path.join(dir, 'alerts.db'));
    store.createRun({ id: 'w', kind: 'watch', source: 'test', pid: null, now: new Date(0).toISOString() });
    const live: Alert[] = [];
    const summary = await new Watcher({
      runId: 'w',
      source: new FileFeedSource(file, { follow: false }),
      store,
      calibration: DEFAULT_CALIBRATION,
      evaluateEvery: 20_000,
      onAlert: (a) => live.push(a),
    }).run(new AbortController().signal);
    expect(summary).toMatchObject({ events: sc.events.length, rejected: 2 });
    const run = store.run('w')!;
    expect(run.status).toBe('finished');
    expect(run.problems[0]).toMatch(new RegExp(`^line ${mid + 2}: out of time order`));
    expect(run.problems[1]).toMatch(new RegExp(`^line ${mid + 3}: duplicate id`));
    const stored = store.alerts({ runId: 'w' });
    expect(stored.map((a) => a.id).sort()).toEqual(live.map((a) => a.id).sort());
    const found = new Set(stored.map((a) => a.type));
    for (const l of sc.labels) expect(found.has(l.type)).toBe(true);
    expect(store.risksOf(stored.find((a) => a.type === 'pump_and_dump')!.accounts[0]).length).toBe(1);
    store.close();
  });
});
