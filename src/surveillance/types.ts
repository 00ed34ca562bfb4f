/**
 * Shapes shared by the surveillance modules: alert and label types, the alert and label wire objects,
 * and the raw detections detectors return before scoring and naming. Times on the wire are RFC 3339
 * UTC with milliseconds; inside the library they are unix milliseconds.
 */

/** The four manipulation patterns the benchmark's macro-F1 averages over. */
export const MANIPULATION_TYPES = ['wash_trading', 'spoofing', 'layering', 'pump_and_dump'] as const;
/** Statistical anomalies: reported separately, never counted as manipulation. */
export const ANOMALY_TYPES = ['volume_anomaly', 'price_anomaly', 'isolation_outlier'] as const;
/** Detectors that run only on chain transfers, never on market files. */
export const CHAIN_TYPES = ['circular_transfer', 'fan_out_funding'] as const;
/** Every alert type, in the order `patterns` lists them. */
export const ALERT_TYPES = [...MANIPULATION_TYPES, ...ANOMALY_TYPES, ...CHAIN_TYPES] as const;

export type ManipulationType = (typeof MANIPULATION_TYPES)[number];
export type AnomalyType = (typeof ANOMALY_TYPES)[number];
export type ChainAlertType = (typeof CHAIN_TYPES)[number];
export type AlertType = (typeof ALERT_TYPES)[number];
/** Types detected on market event data (everything except the chain-only ones). */
export type MarketAlertType = ManipulationType | AnomalyType;

export const RISK_LEVELS = ['low', 'medium', 'high'] as const;
export type RiskLevel = (typeof RISK_LEVELS)[number];

/** Evidence values: the numbers and names that fired a detector. */
export type EvidenceValue = number | string | boolean | null | number[] | string[];

/** An alert as written to files, printed under `--json` and stored under the home. */
export interface Alert {
  id: string;
  type: AlertType;
  accounts: string[];
  /** RFC 3339 UTC, first event of the evidence */
  start: string;
  /** RFC 3339 UTC, last event of the evidence */
  end: string;
  eventIds: string[];
  evidence: Record<string, EvidenceValue>;
  /**
   * Calibrated probability (from the calibration seeds) that the alert is a real manipulation:
   * isotonic regression of the detector's raw score, docs/surveillance.md.
   */
  score: number;
  /** Risk level of `score` under the calibrated cut-offs. */
  riskLevel: RiskLevel;
  /** RFC 3339 UTC: the time of the event that completed the evidence (for detection latency). */
  detectedAt: string;
}

/** A ground-truth label written by the generator (`[{type, accounts, start, end, eventIds}]`). */
export interface Label {
  type: ManipulationType;
  accounts: string[];
  start: string;
  end: string;
  eventIds: string[];
}

/**
 * What a detector returns: times in ms, events by id; scoring and naming happen afterwards
 * (src/surveillance/finalize.ts).
 */
export interface Detection {
  type: AlertType;
  accounts: string[];
  startMs: number;
  endMs: number;
  eventIds: string[];
  evidence: Record<string, EvidenceValue>;
  /** The detector's raw score: larger means more suspicious; calibrated into Alert.score. */
  raw: number;
  detectedAtMs: number;
}

/** RFC 3339 UTC with milliseconds. */
export function isoTime(ms: number): string {
  return new Date(ms).toISOString();
}

/** Rounds evidence values to 4 decimals (they are for people; detectors compare unrounded values). */
export function round4(x: number): number {
  return Math.round(x * 10_000) / 10_000;
}
