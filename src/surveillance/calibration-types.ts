/**
 * The shape of a calibration: everything `scan` needs that was derived on the calibration seeds.
 * The shipped one is src/surveillance/calibration.json, written by `aitbc ai-surveillance calibrate
 * --write` and checked by a test that recomputes it.
 */
import type { Thresholds } from './detect.js';
import type { StepMap } from './isotonic.js';
import type { MarketAlertType } from './types.js';

export interface Calibration {
  version: 1;
  /**
   * Scenario i (0 ≤ i < count) is seed base + i at difficulty easy, medium, hard in turn, each with
   * its benign-only twin.
   */
  seeds: { base: number; count: number };
  /** raw-score thresholds of the market detectors */
  thresholds: Thresholds;
  /** isotonic maps from raw score to the probability that an alert is a real manipulation */
  scoreMaps: Record<MarketAlertType, StepMap>;
  /**
   * Lowest probability at which accounts at or above it were at least 50 % (medium) and 90 % (high)
   * manipulators on the calibration seeds.
   */
  riskCutoffs: { medium: number; high: number };
}
