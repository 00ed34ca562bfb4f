import { describe, expect, it } from 'vitest';
import { assertDisjoint, defaultSeedBase, runBenchmark } from '../../../src/surveillance/bench.js';
import { CALIBRATION_SEEDS, calibrate, THRESHOLD_GRID } from '../../../src/surveillance/calibration.js';
import { DEFAULT_CALIBRATION } from '../../../src/surveillance/default-calibration.js';
import { ANOMALY_TYPES, MANIPULATION_TYPES } from '../../../src/surveillance/types.js';

const SIX_HOURS = 6 * 3_600_000;

describe('calibration', () => {
  it('picks thresholds from the grid, fits monotone score maps and ordered cut-offs, deterministically', () => {
    const a = calibrate({ base: 1, count: 1, durationMs: SIX_HOURS });
    const b = calibrate({ base: 1, count: 1, durationMs: SIX_HOURS });
    expect(a.calibration).toEqual(b.calibration);
    expect(a.scenarios).toBe(2);
    const cal = a.calibration;
    for (const type of [...MANIPULATION_TYPES, ...ANOMALY_TYPES]) {
      expect(THRESHOLD_GRID[type]).toContain(cal.thresholds[type]);
      const m = cal.scoreMaps[type];
      for (let i = 1; i < m.y.length; i++) expect(m.y[i]).toBeGreaterThanOrEqual(m.y[i - 1]);
    }
    expect(cal.riskCutoffs.medium).toBeLessThanOrEqual(cal.riskCutoffs.high);
    expect(a.chosen.wash_trading.falseAlertsPerDay).not.toBeNull();
  });

  it('ships a calibration of the fixed range, with every threshold on its grid', () => {
    expect(DEFAULT_CALIBRATION.seeds).toEqual(CALIBRATION_SEEDS);
    for (const type of [...MANIPULATION_TYPES, ...ANOMALY_TYPES]) {
      expect(THRESHOLD_GRID[type]).toContain(DEFAULT_CALIBRATION.thresholds[type]);
    }
  });
});

describe('benchmark harness', () => {
  it('scores ours and the baseline on test seeds, with false alerts per benign day', () => {
    const r = runBenchmark({
      seeds: 1,
      seedBase: 5000,
      difficulty: 'easy',
      calibration: DEFAULT_CALIBRATION,
      durationMs: SIX_HOURS,
    });
    expect(r.seeds).toEqual([5000]);
    expect(r.scenarioDays).toBe(0.5);
    expect(r.perPattern.map((p) => p.type)).toEqual([...MANIPULATION_TYPES]);
    for (const p of r.perPattern) {
      expect(p.truePositives + p.duplicates + p.falsePositives).toBe(p.alerts);
      expect(p.baseline.f1).toBeGreaterThanOrEqual(0);
    }
    const layering = r.perPattern.find((p) => p.type === 'layering')!;
    expect(layering.baseline.alerts).toBe(0);
    expect(r.macroF1).toBeCloseTo(r.perPattern.reduce((s, p) => s + p.f1, 0) / 4, 12);
    expect(r.falseAlertsPerDay.benignDays).toBe(0.25);
    expect(r.falseAlertsPerDay.baseline).toBeGreaterThan(r.falseAlertsPerDay.ours);
    expect(r.anomalies.map((a) => a.type)).toEqual([...ANOMALY_TYPES]);
  });

  it('refuses test seeds that overlap the calibration range, and derives the default base from the date', () => {
    expect(() => assertDisjoint(10, 5, CALIBRATION_SEEDS)).toThrow(/overlap the calibration seeds 1..12/);
    expect(() => assertDisjoint(13, 5, CALIBRATION_SEEDS)).not.toThrow();
    expect(defaultSeedBase(new Date('2025-06-01T23:00:00Z'))).toBe(20_250_601_000);
    expect(() =>
      runBenchmark({ seeds: 2, seedBase: 0, difficulty: 'medium', calibration: DEFAULT_CALIBRATION }),
    ).toThrow(/overlap/);
  });
});
