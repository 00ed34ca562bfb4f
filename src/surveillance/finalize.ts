/**
 * Turns raw detections into alerts: a stable id (the same evidence always gets the same id, so a live
 * watcher re-detecting an alert does not store it twice), the calibrated score and its risk level.
 */
import { sha256Hex } from '../core/hash.js';
import type { Calibration } from './calibration-types.js';
import { applyIsotonic } from './isotonic.js';
import {
  type Alert,
  CHAIN_TYPES,
  type Detection,
  isoTime,
  type MarketAlertType,
  type RiskLevel,
} from './types.js';

/** The risk level of a probability under the calibrated cut-offs. */
export function riskLevelOf(score: number, cutoffs: Calibration['riskCutoffs']): RiskLevel {
  if (score >= cutoffs.high) return 'high';
  if (score >= cutoffs.medium) return 'medium';
  return 'low';
}

/** A detection's id: 16 hex of SHA-256 over its type, accounts, start and first event. */
export function alertId(d: Detection): string {
  const accounts = [...d.accounts].sort().join(',');
  return sha256Hex(`${d.type}|${accounts}|${d.startMs}|${d.eventIds[0] ?? ''}`).slice(0, 16);
}

/**
 * Market alerts get score = the calibrated probability of their raw score; chain alerts (no benchmark
 * to calibrate against) keep their raw score, a share in [0, 1] defined by each chain detector.
 */
export function finalizeDetections(detections: readonly Detection[], cal: Calibration): Alert[] {
  return detections.map((d) => {
    const chain = (CHAIN_TYPES as readonly string[]).includes(d.type);
    const score = chain
      ? Math.max(0, Math.min(1, d.raw))
      : applyIsotonic(cal.scoreMaps[d.type as MarketAlertType], d.raw);
    return {
      id: alertId(d),
      type: d.type,
      accounts: d.accounts,
      start: isoTime(d.startMs),
      end: isoTime(d.endMs),
      eventIds: d.eventIds,
      evidence: d.evidence,
      score,
      riskLevel: riskLevelOf(score, cal.riskCutoffs),
      detectedAt: isoTime(d.detectedAtMs),
    };
  });
}
