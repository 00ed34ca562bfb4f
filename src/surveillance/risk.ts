/**
 * Per-account risk: the accounts' alerts combined as independent evidence,
 * risk = 1 − Π (1 − score) over every alert naming the account, where each score is already the
 * calibrated probability that its alert is a real manipulation. The levels cut that number at the
 * calibrated cut-offs (src/surveillance/calibration.ts).
 */
import type { Calibration } from './calibration-types.js';
import { riskLevelOf } from './finalize.js';
import type { Alert, AlertType, RiskLevel } from './types.js';

export interface AccountRisk {
  account: string;
  score: number;
  level: RiskLevel;
  alerts: number;
  /** per alert type: how many alerts and the largest score among them */
  byType: Partial<Record<AlertType, { alerts: number; maxScore: number }>>;
}

/** Risk of every account named in `alerts`, highest first. */
export function accountRisks(alerts: readonly Alert[], cutoffs: Calibration['riskCutoffs']): AccountRisk[] {
  const keep = new Map<string, { survive: number; alerts: number; byType: AccountRisk['byType'] }>();
  for (const a of alerts) {
    for (const acc of new Set(a.accounts)) {
      let r = keep.get(acc);
      if (r === undefined) {
        r = { survive: 1, alerts: 0, byType: {} };
        keep.set(acc, r);
      }
      r.survive *= 1 - a.score;
      r.alerts++;
      const t = r.byType[a.type] ?? { alerts: 0, maxScore: 0 };
      t.alerts++;
      t.maxScore = Math.max(t.maxScore, a.score);
      r.byType[a.type] = t;
    }
  }
  return [...keep.entries()]
    .map(([account, r]) => {
      const score = Math.round((1 - r.survive) * 1e6) / 1e6;
      return { account, score, level: riskLevelOf(score, cutoffs), alerts: r.alerts, byType: r.byType };
    })
    .sort((x, y) => y.score - x.score || x.account.localeCompare(y.account));
}
