import { AitbcCommand } from '../../cli/base-command.js';
import { Flags } from '../../cli/oclif.js';
import { AitbcError } from '../../core/errors.js';
import type { StoredAlert } from '../../surveillance/store.js';
import { ALERT_TYPES, RISK_LEVELS } from '../../surveillance/types.js';

interface Result {
  items: StoredAlert[];
  exported?: { format: string; file: string; alerts: number };
}

export default class AiSurveillanceAlerts extends AitbcCommand<typeof AiSurveillanceAlerts, Result> {
  static override summary = 'List stored alerts (from scans and watchers), newest first';
  static override description =
    'Reads <home>/surveillance/alerts.db, which `scan` and `start` write. Filter by --type, --risk-level, --run or --account; --export csv|ndjson writes the matching alerts to --out (or stdout, without --json).';
  static override examples = [
    '<%= config.bin %> ai-surveillance alerts --type spoofing --limit 10',
    '<%= config.bin %> ai-surveillance alerts --risk-level high --export csv --out high.csv',
    '<%= config.bin %> ai-surveillance alerts --export ndjson > alerts.ndjson',
  ];
  static override flags = {
    type: Flags.string({ description: 'alert type', options: [...ALERT_TYPES] }),
    'risk-level': Flags.string({
      description: 'risk level of the alert’s calibrated score',
      options: [...RISK_LEVELS],
    }),
    run: Flags.string({ description: 'only this scan or watcher' }),
    account: Flags.string({ description: 'only alerts naming this account' }),
    limit: Flags.integer({ description: 'most alerts to list (default 50; 0 = all)', min: 0 }),
    export: Flags.string({ description: 'write the alerts as csv or ndjson', options: ['csv', 'ndjson'] }),
    out: Flags.string({ char: 'o', description: 'file for --export (default stdout)' }),
  };

  async run(): Promise<Result> {
    const [{ AlertStore }, proc, fs, secure] = await Promise.all([
      import('../../surveillance/store.js'),
      import('../../surveillance/processes.js'),
      import('node:fs'),
      import('../../cli/secure-fs.js'),
    ]);
    const f = this.flags;
    if (f.out && !f.export) throw new AitbcError('USAGE', '--out needs --export csv|ndjson', {});
    if (f.export && !f.out && this.jsonEnabled()) {
      throw new AitbcError('USAGE', '--export to stdout cannot be combined with --json; give --out FILE', {});
    }
    const file = proc.storeFile(this.home.dir('surveillance'));
    let items: StoredAlert[] = [];
    if (fs.existsSync(file)) {
      const store = await AlertStore.open(file);
      try {
        const limit = f.limit ?? (f.export ? 0 : 50);
        items = store.alerts({
          type: f.type as StoredAlert['type'] | undefined,
          riskLevel: f['risk-level'] as StoredAlert['riskLevel'] | undefined,
          runId: f.run,
          account: f.account,
          limit: limit === 0 ? undefined : limit,
        });
      } finally {
        store.close();
      }
    }
    if (!f.export) return { items };
    const { alertsCsv } = await import('../../surveillance/present.js');
    const text =
      f.export === 'csv'
        ? alertsCsv(items)
        : items.map((a) => JSON.stringify(a)).join('\n') + (items.length ? '\n' : '');
    if (f.out) secure.writeFileAtomic(f.out, text);
    else process.stdout.write(text);
    return { items, exported: { format: f.export, file: f.out ?? '-', alerts: items.length } };
  }

  protected override async renderHuman(r: Result): Promise<void> {
    if (r.exported) {
      if (r.exported.file !== '-')
        this.out.info(`${r.exported.alerts} alert(s) written to ${r.exported.file}`);
      return;
    }
    if (r.items.length === 0)
      return this.out.info('No alerts stored. Run `aitbc ai-surveillance scan` or `start`.');
    const { ALERT_COLUMNS, alertRows } = await import('../../surveillance/present.js');
    await this.out.table(alertRows(r.items), ALERT_COLUMNS);
  }
}
