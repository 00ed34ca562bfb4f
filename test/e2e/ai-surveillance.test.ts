import { readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, tempDir } from '../helpers/cli.js';

const tmp = tempDir('aitbc-surv-e2e-');
const home = path.join(tmp.dir, 'home');
const events = path.join(tmp.dir, 'events.csv');
const labels = path.join(tmp.dir, 'labels.json');
const cli = (args: string[], timeoutMs = 120_000) =>
  runCli(['ai-surveillance', ...args], { home, timeoutMs });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const started: number[] = [];

afterAll(() => {
  for (const pid of started) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  tmp.cleanup();
});

beforeAll(async () => {
  const r = await cli([
    'generate',
    '--seed',
    '31',
    '--difficulty',
    'easy',
    '--hours',
    '8',
    '--out',
    events,
    '--labels',
    labels,
    '--json',
  ]);
  expect(r.code).toBe(0);
  expect(r.json()).toMatchObject({ seed: 31, difficulty: 'easy', out: events });
}, 120_000);

describe('ai-surveillance scan and score', () => {
  it('scans a file, saves the alerts and scores them against the labels', async () => {
    const out = path.join(tmp.dir, 'alerts.json');
    const r = await cli(['scan', '--data', events, '--out', out, '--json']);
    expect(r.code).toBe(0);
    const res = r.json();
    expect(res.events).toBeGreaterThan(10_000);
    expect(res.alerts.length).toBeGreaterThan(0);
    expect(res.alerts[0]).toHaveProperty('evidence');
    expect(res.timing.eventsPerSecond).toBeGreaterThan(0);
    expect(res.runId).toMatch(/^scan-/);
    expect(JSON.parse(readFileSync(out, 'utf8'))).toHaveLength(res.alerts.length);
    const s = await cli(['score', '--alerts', out, '--labels', labels, '--json']);
    expect(s.code).toBe(0);
    const score = s.json();
    expect(score.perPattern.map((p: { type: string }) => p.type).slice(0, 4)).toEqual([
      'wash_trading',
      'spoofing',
      'layering',
      'pump_and_dump',
    ]);
    expect(score.macroF1).toBeGreaterThan(0.5);
    const human = await cli(['score', '--alerts', out, '--labels', labels]);
    expect(human.stdout).toMatch(/macro-F1/);
  });

  it('reports malformed rows by line number with exit 2, and a missing file', async () => {
    const bad = path.join(tmp.dir, 'bad.csv');
    writeFileSync(
      bad,
      'time,type,id,account,side,price,qty,order_id,counterparty\n2024-01-01T00:00:00Z,order,1,a,buy,1,1,,\n2024-01-01T00:00:01Z,trade,2,b,buy,1,1,,\n',
    );
    const r = await cli(['scan', '--data', bad, '--json']);
    expect(r.code).toBe(2);
    expect(r.json().error).toMatchObject({
      code: 'INVALID_INPUT',
      details: { errorCount: 1, errors: [{ line: 3 }] },
    });
    const human = await cli(['scan', '--data', bad]);
    expect(human.code).toBe(2);
    expect(human.stderr).toMatch(/line 3: a trade needs counterparty/);
    const skipped = await cli(['scan', '--data', bad, '--skip-invalid', '--no-save', '--json']);
    expect(skipped.code).toBe(0);
    expect(skipped.json()).toMatchObject({ events: 1, skipped: 1 });
    const missing = await cli(['scan', '--data', path.join(tmp.dir, 'nope.csv'), '--json']);
    expect(missing.code).toBe(2);
    expect(missing.json().error.code).toBe('MISSING_INPUT');
  });

  it('lists patterns with calibrated thresholds and stored counts, and exports alerts', async () => {
    const p = await cli(['patterns', '--json']);
    expect(p.code).toBe(0);
    const items = p.json().items;
    expect(items).toHaveLength(9);
    expect(items.find((i: { type: string }) => i.type === 'spoofing').threshold).toBeGreaterThan(0);
    expect(items.find((i: { type: string }) => i.type === 'circular_transfer')).toMatchObject({
      scope: 'chain',
      threshold: null,
    });
    const csv = path.join(tmp.dir, 'alerts.csv');
    const e = await cli(['alerts', '--export', 'csv', '--out', csv, '--json']);
    expect(e.code).toBe(0);
    expect(readFileSync(csv, 'utf8').split('\n')[0]).toBe(
      'id,type,accounts,start,end,score,riskLevel,detectedAt,eventIds,evidence',
    );
    const clash = await cli(['alerts', '--export', 'ndjson', '--json']);
    expect(clash.code).toBe(2);
    const nd = await cli(['alerts', '--export', 'ndjson', '--type', 'pump_and_dump']);
    expect(nd.code).toBe(0);
    const first = JSON.parse(nd.stdout.split('\n')[0]);
    expect(first.type).toBe('pump_and_dump');
    const risk = await cli(['risk-profile', '--user', first.accounts[0], '--json']);
    expect(risk.json()).toMatchObject({ seen: true, account: first.accounts[0] });
    expect(['low', 'medium', 'high']).toContain(risk.json().level);
    const unknown = await cli(['risk-profile', '--user', 'nobody', '--json']);
    expect(unknown.json()).toMatchObject({ seen: false, score: null });
  });
});

describe('ai-surveillance bench', () => {
  it('prints macro-F1 and the per-pattern table beside the baseline, computed in the run', async () => {
    const r = await cli(['bench', '--seeds', '1', '--seed-base', '7000', '--hours', '6', '--json']);
    expect(r.code).toBe(0);
    const b = r.json();
    expect(typeof b.macroF1).toBe('number');
    expect(b.perPattern).toHaveLength(4);
    expect(b.perPattern[0]).toHaveProperty('baseline');
    expect(b).toMatchObject({
      seedBase: 7000,
      seedBaseSource: 'flag',
      calibrationSource: 'shipped',
      difficulty: 'medium',
    });
    const overlap = await cli(['bench', '--seeds', '3', '--seed-base', '10', '--json']);
    expect(overlap.code).toBe(2);
    expect(overlap.json().error.message).toMatch(/overlap the calibration seeds/);
  });
});

describe('ai-surveillance start (live watch)', () => {
  it('streams NDJSON in the foreground: ready, alerts, result', async () => {
    const r = await cli(['start', '--feed', events, '--no-follow', '--json', '--id', 'fg1']);
    expect(r.code).toBe(0);
    const lines = r.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines[0]).toMatchObject({ type: 'ready', id: 'fg1' });
    expect(lines.filter((l) => l.type === 'alert').length).toBeGreaterThan(0);
    expect(lines[lines.length - 1]).toMatchObject({ type: 'result', id: 'fg1', status: 'finished' });
  });

  it('keeps committed alerts when a detached watcher is SIGKILLed; status and stop see it from outside', async () => {
    const r = await cli(['start', '--feed', events, '--detach', '--id', 'bg1', '--json']);
    expect(r.code).toBe(0);
    const { pid } = r.json();
    started.push(pid);
    expect(readFileSync(path.join(home, 'surveillance', 'bg1', 'pid'), 'utf8').trim()).toBe(String(pid));
    let before: Array<{ id: string }> = [];
    for (let i = 0; i < 120 && before.length < 3; i++) {
      await sleep(500);
      before = (await cli(['alerts', '--run', 'bg1', '--limit', '0', '--json'])).json().items;
    }
    expect(before.length).toBeGreaterThanOrEqual(3);
    expect((await cli(['status', 'bg1', '--json'])).json().items[0]).toMatchObject({
      id: 'bg1',
      status: 'running',
    });
    process.kill(pid, 'SIGKILL');
    await sleep(300);
    const after = (await cli(['alerts', '--run', 'bg1', '--limit', '0', '--json'])).json().items;
    expect(after.map((a: { id: string }) => a.id)).toEqual(expect.arrayContaining(before.map((a) => a.id)));
    expect((await cli(['status', 'bg1', '--json'])).json().items[0].status).toBe('dead');
    const stop = await cli(['stop', 'bg1', '--json']);
    expect(stop.json()).toMatchObject({ id: 'bg1', previous: 'dead', status: 'stopped' });
  });

  it('keeps retrying an unreachable node, reporting it, until stopped', async () => {
    const probe = createServer();
    await new Promise<void>((res) => probe.listen(0, '127.0.0.1', res));
    const port = (probe.address() as { port: number }).port;
    await new Promise<void>((res) => probe.close(() => res()));
    const r = await cli([
      'start',
      '--source',
      'chain',
      '--node',
      `http://127.0.0.1:${port}`,
      '--detach',
      '--id',
      'ch1',
      '--json',
    ]);
    expect(r.code).toBe(0);
    started.push(r.json().pid);
    let status = (await cli(['status', 'ch1', '--json'])).json().items[0];
    for (let i = 0; i < 40 && status.problems.length === 0; i++) {
      await sleep(250);
      status = (await cli(['status', 'ch1', '--json'])).json().items[0];
    }
    expect(status.status).toBe('running');
    expect(status.problems[0]).toMatch(/unreachable.*retrying/);
    const stop = await cli(['stop', '--json', '--wait', '5']);
    expect(stop.json()).toMatchObject({
      id: 'ch1',
      previous: 'running',
      status: 'stopped',
      signal: 'SIGTERM',
    });
    expect((await cli(['status', 'ch1', '--json'])).json().items[0].status).toBe('stopped');
  });

  it('refuses to start without a source', async () => {
    const r = await cli(['start', '--json']);
    expect(r.code).toBe(2);
    expect(r.json().error.code).toBe('MISSING_INPUT');
  });
});
