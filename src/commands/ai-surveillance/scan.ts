import { AitbcCommand } from '../../cli/base-command.js';
import { Flags } from '../../cli/oclif.js';
import type { AccountRisk } from '../../surveillance/risk.js';
import type { ScanResult } from '../../surveillance/scan.js';

interface Result extends Omit<ScanResult, 'risks'> {
  /** accounts named by an alert, riskiest first */
  risks: AccountRisk[];
  runId?: string;
  out?: string;
}

export default class AiSurveillanceScan extends AitbcCommand<typeof AiSurveillanceScan, Result> {
  static override summary = 'Scan a market event file for manipulation and anomalies';
  static override description =
    'Reads events (CSV with a header, NDJSON, or a JSON array: time, type order|cancel|trade, id, account, side, price, qty, order_id, counterparty), runs every market detector at the calibrated thresholds and prints the alerts with their calibrated scores and the riskiest accounts. Malformed rows are reported with their line numbers (the scan fails unless --skip-invalid); rows out of time order are sorted and counted. Alerts are saved under the home (unless --no-save) so `alerts`, `patterns` and `risk-profile` see them. On-chain detectors never run on files.';
  static override examples = [
    '<%= config.bin %> ai-surveillance scan --data examples/surveillance/events-medium-seed7.csv',
    '<%= config.bin %> ai-surveillance scan --data events.ndjson --out alerts.json --json',
  ];
  static override flags = {
    data: Flags.string({ char: 'd', description: 'event file (CSV, NDJSON or JSON array)', required: true }),
    out: Flags.string({ char: 'o', description: 'also write the alerts, as a JSON array, to this file' }),
    'skip-invalid': Flags.boolean({ description: 'drop malformed rows (reported) instead of failing' }),
    save: Flags.boolean({
      description: 'save the alerts under the home (--no-save: do not)',
      allowNo: true,
      default: true,
    }),
    limit: Flags.integer({ description: 'alerts shown in the human table (default 20)', min: 1 }),
  };

  async run(): Promise<Result> {
    const [{ scanFile }, secure] = await Promise.all([
      import('../../surveillance/scan.js'),
      import('../../cli/secure-fs.js'),
    ]);
    const f = this.flags;
    const res = scanFile(f.data, { onInvalid: f['skip-invalid'] ? 'skip' : 'fail' });
    if (res.skipped > 0)
      this.out.warn(`${res.skipped} malformed row(s) dropped; first at line ${res.errors[0]?.line}`);
    if (res.outOfOrder > 0)
      this.out.warn(`${res.outOfOrder} row(s) were out of time order and have been sorted`);
    let runId: string | undefined;
    if (f.save) runId = await this.save(res);
    if (f.out) secure.writeFileAtomic(f.out, `${JSON.stringify(res.alerts, null, 2)}\n`);
    return { ...res, ...(runId ? { runId } : {}), ...(f.out ? { out: f.out } : {}) };
  }

  private async save(res: ScanResult): Promise<string> {
    const [{ AlertStore }, proc, { randomBytes }] = await Promise.all([
      import('../../surveillance/store.js'),
      import('../../surveillance/processes.js'),
      import('node:crypto'),
    ]);
    const root = this.home.dir('surveillance');
    const store = await AlertStore.open(proc.storeFile(root));
    try {
      const id = proc.newRunId('scan', Date.now(), randomBytes(2));
      const now = () => new Date().toISOString();
      store.createRun({ id, kind: 'scan', source: res.source, pid: null, now: now() });
      store.addAlerts(id, res.alerts, now());
      store.setRisks(id, res.risks, now());
      store.updateRun(id, {
        status: 'finished',
        events: res.events,
        lastEventTime: res.to,
        rejected: res.skipped,
        problems: res.errors.slice(0, 20).map((e) => `line ${e.line}: ${e.message}`),
        now: now(),
      });
      return id;
    } finally {
      store.close();
    }
  }

  protected override async renderHuman(r: Result): Promise<void> {
    if (this.out.quiet) {
      for (const a of r.alerts) this.out.line(`${a.id} ${a.type} ${a.accounts.join(',')}`);
      return;
    }
    this.out.keyValues({
      source: r.source,
      events: r.events,
      accounts: r.accounts,
      span: r.from && r.to ? `${r.from} → ${r.to}` : '(empty)',
      alerts: r.alerts.length,
      'by type': Object.entries(r.byType)
        .map(([t, n]) => `${t} ${n}`)
        .join(', '),
      throughput: `${r.timing.eventsPerSecond} events/s (parse ${r.timing.parseMs} ms, detect ${r.timing.detectMs} ms)`,
      saved: r.runId,
      written: r.out,
    });
    const limit = this.flags.limit ?? 20;
    if (r.alerts.length > 0) {
      const { ALERT_COLUMNS, alertRows } = await import('../../surveillance/present.js');
      this.out.line();
      await this.out.table(alertRows(r.alerts.slice(0, limit)), ALERT_COLUMNS);
      if (r.alerts.length > limit)
        this.out.info(`… ${r.alerts.length - limit} more (--limit, --json or --out)`);
    }
    const risky = r.risks.filter((x) => x.level !== 'low').slice(0, 10);
    if (risky.length > 0) {
      this.out.line();
      await this.out.table(
        risky.map((x) => ({
          account: x.account,
          risk: x.score.toFixed(3),
          level: x.level,
          alerts: x.alerts,
        })),
        [{ key: 'account' }, { key: 'risk' }, { key: 'level' }, { key: 'alerts' }],
      );
    }
  }
}
