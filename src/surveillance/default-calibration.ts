/**
 * The shipped calibration (src/surveillance/calibration.json), derived on CALIBRATION_SEEDS by
 * `aitbc ai-surveillance calibrate --write` and checked by the benchmark, which recomputes it.
 */
import shipped from './calibration.json' with { type: 'json' };
import type { Calibration } from './calibration-types.js';

export const DEFAULT_CALIBRATION = shipped as Calibration;
