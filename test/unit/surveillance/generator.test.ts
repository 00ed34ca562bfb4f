import { describe, expect, it } from 'vitest';
import { sha256Hex } from '../../../src/core/hash.js';
import { baselineDetections } from '../../../src/surveillance/baseline.js';
import { DEFAULT_CALIBRATION } from '../../../src/surveillance/default-calibration.js';
import { detectionsAt } from '../../../src/surveillance/detect.js';
import { generateScenario } from '../../../src/surveillance/generator.js';
import { prepareScenario } from '../../../src/surveillance/harness.js';
import { scoreAlerts } from '../../../src/surveillance/scoring.js';
import { MANIPULATION_TYPES } from '../../../src/surveillance/types.js';

const HOURS = 3_600_000;

describe('scenario generator', () => {
  const sc = generateScenario({ seed: 11, difficulty: 'medium', durationMs: 12 * HOURS });

  it('is deterministic in its seed', () => {
    const again = generateScenario({ seed: 11, difficulty: 'medium', durationMs: 12 * HOURS });
    const digest = (s: typeof sc) => sha256Hex(JSON.stringify([s.events, s.labels]));
    expect(digest(again)).toBe(digest(sc));
    expect(digest(generateScenario({ seed: 12, difficulty: 'medium', durationMs: 12 * HOURS }))).not.toBe(
      digest(sc),
    );
  });

  it('writes events in time order with ids that count up and names that say nothing about roles', () => {
    let disorder = 0;
    let gaps = 0;
    let oddNames = 0;
    for (let i = 0; i < sc.events.length; i++) {
      const e = sc.events[i];
      if (i > 0 && e.time < sc.events[i - 1].time) disorder++;
      if (i > 0 && Number(e.id) !== Number(sc.events[i - 1].id) + 1) gaps++;
      if (
        !/^u[0-9a-f]{8}$/.test(e.account) ||
        (e.counterparty !== '' && !/^u[0-9a-f]{8}$/.test(e.counterparty))
      ) {
        oddNames++;
      }
    }
    expect({ disorder, gaps, oddNames }).toEqual({ disorder: 0, gaps: 0, oddNames: 0 });
  });

  it('labels every manipulation type with events that exist, kept apart from the events', () => {
    expect(new Set(sc.labels.map((l) => l.type))).toEqual(new Set(MANIPULATION_TYPES));
    const ids = new Set(sc.events.map((e) => e.id));
    for (const l of sc.labels) {
      expect(l.eventIds.length).toBeGreaterThan(0);
      for (const id of l.eventIds) expect(ids.has(id)).toBe(true);
      expect(Date.parse(l.end)).toBeGreaterThanOrEqual(Date.parse(l.start));
    }
    expect(Object.keys(sc.events[0]).sort()).toEqual(
      ['account', 'counterparty', 'id', 'orderId', 'price', 'qty', 'side', 'time', 'type'].sort(),
    );
  });

  it('has market makers cancelling over 90 % of their quotes, so the naive spoofing rule fires on benign days', () => {
    const benign = generateScenario({ seed: 11, benignOnly: true, durationMs: 12 * HOURS });
    expect(benign.labels).toEqual([]);
    const placed = new Map<string, number>();
    const cancelled = new Map<string, number>();
    for (const e of benign.events) {
      if (e.type === 'order') placed.set(e.account, (placed.get(e.account) ?? 0) + 1);
      if (e.type === 'cancel') cancelled.set(e.account, (cancelled.get(e.account) ?? 0) + 1);
    }
    const makers = [...placed].filter(([a, n]) => n > 500 && (cancelled.get(a) ?? 0) / n > 0.9);
    expect(makers.length).toBeGreaterThanOrEqual(4);
    const prepared = prepareScenario(11, null, { durationMs: 12 * HOURS });
    expect(prepared.baseline.filter((d) => d.type === 'spoofing').length).toBeGreaterThan(10);
    expect(baselineDetections(prepared.candidates.index)).toHaveLength(prepared.baseline.length);
  });

  it('refuses a bad seed, difficulty or duration', () => {
    expect(() => generateScenario({ seed: -1 })).toThrow(/seed/);
    expect(() => generateScenario({ seed: 1, difficulty: 'extreme' as 'easy' })).toThrow(/difficulty/);
    expect(() => generateScenario({ seed: 1, durationMs: 1000 })).toThrow(/duration/);
  });
});

describe('detectors on generated days', () => {
  it('find the easy manipulations and raise no manipulation alert on the benign twin', () => {
    let f1 = 0;
    for (const seed of [101, 102]) {
      const mixed = prepareScenario(seed, 'easy', { durationMs: 12 * HOURS });
      f1 +=
        scoreAlerts(detectionsAt(mixed.candidates, DEFAULT_CALIBRATION.thresholds), mixed.labels).macroF1 / 2;
      const benign = prepareScenario(seed, null, { durationMs: 12 * HOURS });
      const manip = detectionsAt(benign.candidates, DEFAULT_CALIBRATION.thresholds).filter((d) =>
        (MANIPULATION_TYPES as readonly string[]).includes(d.type),
      );
      expect(manip).toEqual([]);
    }
    expect(f1).toBeGreaterThanOrEqual(0.9);
  });
});
