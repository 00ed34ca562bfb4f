import { AitbcCommand } from '../../cli/base-command.js';
import { Flags } from '../../cli/oclif.js';
import type { AccountRisk } from '../../surveillance/risk.js';
import type { StoredAlert } from '../../surveillance/store.js';

interface Result {
  account: string;
  /** false when no stored scan or watcher has an alert naming the account */
  seen: boolean;
  score: number | null;
  level: string | null;
  /** the run the figures come from (the latest that rated the account, or --run) */
  runId: string | null;
  byType: AccountRisk['byType'];
  /** each run that rated the account */
  runs: Array<{ runId: string; score: number; level: string; alerts: number; updatedAt: string }>;
  alerts: StoredAlert[];
  riskCutoffs: { medium: number; high: number };
}

export default class AiSurveillanceRiskProfile extends AitbcCommand<
  typeof AiSurveillanceRiskProfile,
  Result
> {
  static override summary = 'An account’s risk: its score, level and the alerts behind them';
  static override description =
    'Risk = 1 − Π(1 − score) over the alerts naming the account in one scan or watcher, each score the calibrated probability that its alert is a real manipulation; low, medium and high are cut at the calibrated cut-offs (docs/surveillance.md). Shows the latest run that rated the account (or --run) and every run that did.';
  static override examples = [
    '<%= config.bin %> ai-surveillance risk-profile --user u7f3a9c21',
    '<%= config.bin %> ai-surveillance risk-profile --user u7f3a9c21 --run scan-20250101T120000-ab12 --json',
  ];
  static override flags = {
    user: Flags.string({ char: 'u', description: 'account name', required: true }),
    run: Flags.string({ description: 'use this scan or watcher instead of the latest' }),
    limit: Flags.integer({ description: 'alerts to list (default 20)', min: 1 }),
  };

  async run(): Promise<Result> {
    const [{ AlertStore }, proc, fs, { DEFAULT_CALIBRATION }] = await Promise.all([
      import('../../surveillance/store.js'),
      import('../../surveillance/processes.js'),
      import('node:fs'),
      import('../../surveillance/default-calibration.js'),
    ]);
    const account = this.flags.user;
    const file = proc.storeFile(this.home.dir('surveillance'));
    const empty: Result = {
      account,
      seen: false,
      score: null,
      level: null,
      runId: null,
      byType: {},
      runs: [],
      alerts: [],
      riskCutoffs: DEFAULT_CALIBRATION.riskCutoffs,
    };
    if (!fs.existsSync(file)) return empty;
    const store = await AlertStore.open(file);
    try {
      const risks = store.risksOf(account);
      const chosen = this.flags.run ? risks.find((r) => r.runId === this.flags.run) : risks[0];
      if (!chosen) return { ...empty, runs: risks.map(runRow) };
      return {
        account,
        seen: true,
        score: chosen.score,
        level: chosen.level,
        runId: chosen.runId,
        byType: chosen.byType,
        runs: risks.map(runRow),
        alerts: store.alerts({ account, runId: chosen.runId, limit: this.flags.limit ?? 20 }),
        riskCutoffs: DEFAULT_CALIBRATION.riskCutoffs,
      };
    } finally {
      store.close();
    }
  }

  protected override async renderHuman(r: Result): Promise<void> {
    if (!r.seen) {
      this.out.line(`${r.account}: no stored alert names this account${r.runs.length ? ' in that run' : ''}`);
      return;
    }
    this.out.keyValues({
      account: r.account,
      risk: `${r.score?.toFixed(3)} (${r.level}; medium ≥ ${r.riskCutoffs.medium}, high ≥ ${r.riskCutoffs.high})`,
      run: r.runId,
      'by type': Object.entries(r.byType)
        .map(([t, x]) => `${t} ×${x?.alerts} (max ${x?.maxScore.toFixed(3)})`)
        .join(', '),
      runs: r.runs.length,
    });
    if (r.alerts.length > 0) {
      const { ALERT_COLUMNS, alertRows } = await import('../../surveillance/present.js');
      this.out.line();
      await this.out.table(alertRows(r.alerts), ALERT_COLUMNS);
    }
  }
}

function runRow(r: AccountRisk & { runId: string; updatedAt: string }) {
  return { runId: r.runId, score: r.score, level: r.level, alerts: r.alerts, updatedAt: r.updatedAt };
}
