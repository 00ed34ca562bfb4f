/**
 * Out-of-sample scores of binary probability forecasts, with the accuracy a forecast independent of the
 * outcome would get ("chance") and its binomial σ, so a reader can tell skill from luck.
 */

export interface BinaryScores {
  /** Scored rows. */
  rows: number;
  /** Share of predictions (p > 0.5) that matched the label. */
  accuracy: number | null;
  /** Fraction of labels that are 1 (the price went up over the horizon). */
  upRate: number | null;
  /** Fraction of predictions that are 1. */
  predictedUpRate: number | null;
  /**
   * Expected accuracy of predictions independent of the labels with the same rates:
   * q·p + (1 − q)(1 − p) for predicted-up rate q and up rate p.
   */
  chanceAccuracy: number | null;
  /** Binomial σ of accuracy around chance: √(c(1 − c)/rows). Understated when labels overlap (horizon > 1). */
  sigma: number | null;
  /** (accuracy − chance) / σ. */
  zScore: number | null;
  /** Mean negative log-likelihood (natural log), probabilities clipped to [1e-15, 1 − 1e-15]. */
  logLoss: number | null;
  /** Mean squared error of the probability. */
  brier: number | null;
}

/**
 * Scores probabilities `p[i]` against labels `y[i]` for the listed row indices.
 * @example scoreBinary(Float64Array.of(0.9, 0.2), Uint8Array.of(1, 0), [0, 1]).accuracy // 1
 */
export function scoreBinary(p: Float64Array, y: Uint8Array, rows: ArrayLike<number>): BinaryScores {
  const m = rows.length;
  if (m === 0) {
    return {
      rows: 0,
      accuracy: null,
      upRate: null,
      predictedUpRate: null,
      chanceAccuracy: null,
      sigma: null,
      zScore: null,
      logLoss: null,
      brier: null,
    };
  }
  let hits = 0;
  let ups = 0;
  let predUps = 0;
  let ll = 0;
  let brier = 0;
  for (let k = 0; k < m; k++) {
    const i = rows[k];
    const prob = p[i];
    const label = y[i];
    const pred = prob > 0.5 ? 1 : 0;
    if (pred === label) hits++;
    ups += label;
    predUps += pred;
    const c = Math.min(1 - 1e-15, Math.max(1e-15, prob));
    ll -= label ? Math.log(c) : Math.log(1 - c);
    brier += (prob - label) ** 2;
  }
  const acc = hits / m;
  const up = ups / m;
  const q = predUps / m;
  const chance = q * up + (1 - q) * (1 - up);
  const sigma = Math.sqrt((chance * (1 - chance)) / m);
  return {
    rows: m,
    accuracy: acc,
    upRate: up,
    predictedUpRate: q,
    chanceAccuracy: chance,
    sigma,
    zScore: sigma > 0 ? (acc - chance) / sigma : null,
    logLoss: ll / m,
    brier: brier / m,
  };
}
