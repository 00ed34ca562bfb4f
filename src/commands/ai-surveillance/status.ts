import { AitbcCommand } from '../../cli/base-command.js';
import { Args, Flags } from '../../cli/oclif.js';
import { AitbcError } from '../../core/errors.js';
import type { RunRecord } from '../../surveillance/store.js';

type Item = Omit<RunRecord, 'status'> & { status: RunRecord['status'] | 'dead' };
interface Result {
  items: Item[];
}

export default class AiSurveillanceStatus extends AitbcCommand<typeof AiSurveillanceStatus, Result> {
  static override summary = 'Show watchers (and, with --all, saved scans): state, events, alerts';
  static override description =
    'Reads <home>/surveillance/alerts.db. A watcher recorded as running whose process is gone (killed) is shown as dead; its stored alerts are intact.';
  static override examples = [
    '<%= config.bin %> ai-surveillance status',
    '<%= config.bin %> ai-surveillance status watch-20250101T120000-ab12 --json',
  ];
  static override args = { id: Args.string({ description: 'watcher (or scan) id' }) };
  static override flags = { all: Flags.boolean({ description: 'include saved scans' }) };

  async run(): Promise<Result> {
    const [{ AlertStore }, proc, fs] = await Promise.all([
      import('../../surveillance/store.js'),
      import('../../surveillance/processes.js'),
      import('node:fs'),
    ]);
    const root = this.home.dir('surveillance');
    const file = proc.storeFile(root);
    if (!fs.existsSync(file)) {
      if (this.args.id) this.notFound(this.args.id);
      return { items: [] };
    }
    const store = await AlertStore.open(file);
    try {
      let runs = this.args.id
        ? [store.run(this.args.id)].filter((r) => r !== undefined)
        : store.runs(this.flags.all ? undefined : 'watch');
      if (this.args.id && runs.length === 0) this.notFound(this.args.id);
      runs = runs.filter((r): r is RunRecord => r !== undefined);
      return {
        items: runs.map((r) => {
          if (r.status !== 'running' || r.kind !== 'watch') return r;
          const pid = proc.readPid(proc.watcherPaths(root, r.id).pid) ?? r.pid;
          return pid !== null && proc.isWatcherProcess(pid) ? r : { ...r, status: 'dead' as const };
        }),
      };
    } finally {
      store.close();
    }
  }

  private notFound(id: string): never {
    throw new AitbcError('SESSION_NOT_FOUND', `no watcher or scan "${id}" under ${this.home.root}`, { id });
  }

  protected override async renderHuman(r: Result): Promise<void> {
    if (r.items.length === 0)
      return this.out.info('No watchers. Start one with `aitbc ai-surveillance start --feed FILE`.');
    await this.out.table(
      r.items.map((x) => ({
        id: x.id,
        status: x.status,
        source: x.source,
        events: x.events,
        alerts: x.alerts,
        rejected: x.rejected,
        last: x.lastEventTime ?? '',
        updated: x.updatedAt,
      })),
      [
        { key: 'id' },
        { key: 'status' },
        { key: 'source' },
        { key: 'events' },
        { key: 'alerts' },
        { key: 'rejected' },
        { key: 'last', header: 'last event' },
        { key: 'updated' },
      ],
    );
    for (const x of r.items)
      if (x.problems.length > 0) this.out.info(`${x.id}: ${x.problems.slice(0, 3).join('; ')}`);
  }
}
