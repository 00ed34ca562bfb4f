import { describe, expect, it } from 'vitest';
import { cutoffFor } from '../../../src/surveillance/calibration.js';
import { applyIsotonic, fitIsotonic } from '../../../src/surveillance/isotonic.js';
import {
  alertMatchesLabel,
  type ScorableAlert,
  scoreAlerts,
  scoreWindows,
} from '../../../src/surveillance/scoring.js';

const MIN = 60_000;
const label = (over: Partial<ScorableAlert> = {}): ScorableAlert => ({
  type: 'spoofing',
  accounts: ['a'],
  startMs: 100 * MIN,
  endMs: 110 * MIN,
  eventIds: ['e1', 'e2'],
  ...over,
});

describe('the scoring rule', () => {
  it('matches on a shared event id or an overlap within ±60 s', () => {
    expect(
      alertMatchesLabel(label({ startMs: 111 * MIN - 1000, endMs: 112 * MIN, eventIds: [] }), label()),
    ).toBe(true);
    expect(
      alertMatchesLabel(label({ startMs: 111 * MIN + 1000, endMs: 112 * MIN, eventIds: [] }), label()),
    ).toBe(false);
    expect(
      alertMatchesLabel(label({ startMs: 200 * MIN, endMs: 205 * MIN, eventIds: ['e2'] }), label()),
    ).toBe(true);
    expect(
      alertMatchesLabel(label({ startMs: 99 * MIN + 1000, endMs: 99 * MIN + 2000, eventIds: [] }), label()),
    ).toBe(true);
  });

  it('needs the same type, a window at most 4× the label’s plus 2 minutes, and half the accounts', () => {
    expect(alertMatchesLabel(label({ type: 'layering' }), label())).toBe(false);
    expect(alertMatchesLabel(label({ startMs: 100 * MIN, endMs: 142 * MIN }), label())).toBe(true);
    expect(alertMatchesLabel(label({ startMs: 100 * MIN, endMs: 142 * MIN + 1 }), label())).toBe(false);
    expect(alertMatchesLabel(label({ accounts: ['a', 'b'] }), label())).toBe(true);
    expect(alertMatchesLabel(label({ accounts: ['a', 'b', 'c'] }), label())).toBe(false);
    expect(alertMatchesLabel(label({ accounts: [] }), label())).toBe(false);
  });

  it('credits each label once (maximum matching) and counts the rest as duplicates or false', () => {
    const l1 = label({ accounts: ['a'], startMs: 100 * MIN, endMs: 110 * MIN, eventIds: ['x'] });
    const l2 = label({ accounts: ['a'], startMs: 115 * MIN, endMs: 125 * MIN, eventIds: ['y'] });
    // Alert 1 matches both labels, alert 2 only the first: a greedy pass in order would leave l2 unmatched.
    const a1 = label({ startMs: 105 * MIN, endMs: 120 * MIN, eventIds: [], detectedAtMs: 121 * MIN });
    const a2 = label({ startMs: 101 * MIN, endMs: 102 * MIN, eventIds: [], detectedAtMs: 102 * MIN });
    const dup = label({ startMs: 103 * MIN, endMs: 104 * MIN, eventIds: [] });
    const stray = label({ startMs: 300 * MIN, endMs: 301 * MIN, eventIds: [] });
    const r = scoreAlerts([a1, a2, dup, stray], [l1, l2], ['spoofing']);
    const p = r.perPattern[0];
    expect(p).toMatchObject({ labels: 2, alerts: 4, truePositives: 2, duplicates: 1, falsePositives: 1 });
    expect(p.precision).toBe(0.5);
    expect(p.recall).toBe(1);
    expect(p.f1).toBeCloseTo(2 / 3, 12);
    // a1 is credited to l2 (detected 6 min after it began), a2 to l1 (2 min).
    expect(p.latencyMedianS).toBeCloseTo((360 + 120) / 2, 6);
  });

  it('averages macro-F1 over the four manipulation types (0 for a type with no alerts)', () => {
    const r = scoreAlerts([label()], [label(), label({ type: 'wash_trading' })]);
    expect(r.perPattern.map((p) => p.type)).toEqual([
      'wash_trading',
      'spoofing',
      'layering',
      'pump_and_dump',
    ]);
    expect(r.macroF1).toBeCloseTo(1 / 4, 12);
  });

  it('scores anomaly windows with their own slack and optional account', () => {
    const w = scoreWindows(
      [label({ startMs: 0, endMs: MIN }), label({ startMs: 50 * MIN, endMs: 51 * MIN, accounts: ['z'] })],
      [
        { startMs: 3 * MIN, endMs: 4 * MIN },
        { startMs: 50 * MIN, endMs: 60 * MIN, account: 'a' },
      ],
      5 * MIN,
    );
    expect(w).toMatchObject({ alerts: 2, truth: 2, truePositives: 1 });
  });
});

describe('isotonic calibration', () => {
  it('fits a non-decreasing step map, smoothed toward ½', () => {
    const samples = [
      { raw: 1, hit: false },
      { raw: 2, hit: true },
      { raw: 3, hit: false },
      { raw: 4, hit: true },
      { raw: 5, hit: true },
      { raw: 6, hit: true },
    ];
    const m = fitIsotonic(samples);
    for (let i = 1; i < m.y.length; i++) expect(m.y[i]).toBeGreaterThanOrEqual(m.y[i - 1]);
    expect(applyIsotonic(m, 0)).toBe(m.y[0]);
    expect(applyIsotonic(m, 100)).toBe(m.y[m.y.length - 1]);
    expect(applyIsotonic(m, 6)).toBeCloseTo(3.5 / 4, 6);
    expect(applyIsotonic(m, 1)).toBeCloseTo(0.5 / 2, 6);
    expect(applyIsotonic({ x: [], y: [] }, 3, 0.5)).toBe(0.5);
  });

  it('puts a risk cut-off at the lowest score whose fitted probability reaches the level', () => {
    const map = { x: [0.1, 0.4, 0.9], y: [0.2, 0.6, 0.95] };
    expect(cutoffFor(map, 0.5)).toBe(0.4);
    expect(cutoffFor(map, 0.9)).toBe(0.9);
    expect(cutoffFor(map, 0.99)).toBe(1);
  });
});
