/**
 * The market detection pipeline: build the shared indexes once, compute every detector's candidates
 * (which do not depend on thresholds), then cut them at thresholds. Calibration reuses the candidates
 * for every threshold it tries; `scan` and the watcher cut them once at the calibrated thresholds.
 */
import { anomalyCandidates } from './detect-anomalies.js';
import { type AccountWindows, isolationDetections, isolationScores } from './detect-isolation.js';
import { pumpCandidates } from './detect-pump.js';
import { type SpoofCycle, spoofCycles, spoofDetections } from './detect-spoofing.js';
import { washCandidates } from './detect-wash.js';
import type { EventTable } from './events.js';
import { buildMarketIndex, type MarketIndex } from './market-index.js';
import type { Detection, MarketAlertType } from './types.js';

/** A threshold on the raw score of each market alert type. */
export type Thresholds = Record<MarketAlertType, number>;

export interface MarketCandidates {
  index: MarketIndex;
  wash: Detection[];
  cycles: SpoofCycle[];
  pump: Detection[];
  anomalies: Detection[];
  isolation: { windows: AccountWindows; scores: Float64Array };
}

/** Runs every market detector up to its threshold-free candidates. */
export function marketCandidates(
  table: EventTable,
  opts: { medianOrderQty?: number } = {},
): MarketCandidates {
  const index = buildMarketIndex(table, opts);
  return {
    index,
    wash: washCandidates(index),
    cycles: spoofCycles(index),
    pump: pumpCandidates(index),
    anomalies: anomalyCandidates(index),
    isolation: isolationScores(index),
  };
}

/** Detections at the given thresholds, sorted by start time. */
export function detectionsAt(c: MarketCandidates, th: Thresholds): Detection[] {
  const keep = (d: Detection) => d.raw >= th[d.type as MarketAlertType];
  return [
    ...c.wash.filter(keep),
    ...spoofDetections(c.index, c.cycles, { spoofing: th.spoofing, layering: th.layering }),
    ...c.pump.filter(keep),
    ...c.anomalies.filter(keep),
    ...isolationDetections(c.index, c.isolation, th.isolation_outlier),
  ].sort((x, y) => x.startMs - y.startMs || x.type.localeCompare(y.type));
}
