import { AitbcCommand } from '../../cli/base-command.js';
import { Args, Flags } from '../../cli/oclif.js';
import { AitbcError } from '../../core/errors.js';

interface Stopped {
  id: string;
  /** what was found: running, or already ended (stopped, finished, failed) or dead (killed) */
  previous: string;
  status: string;
  pid?: number;
  signal?: 'SIGTERM' | 'SIGKILL';
}
type Result = Stopped | { items: Stopped[] };

export default class AiSurveillanceStop extends AitbcCommand<typeof AiSurveillanceStop, Result> {
  static override summary = 'Stop a watcher (from any invocation)';
  static override description =
    'Sends SIGTERM to the watcher’s process, which stores what it has, records its run as stopped and exits; after --wait seconds it is killed (its committed alerts stay). Without an id, stops the only running watcher.';
  static override examples = [
    '<%= config.bin %> ai-surveillance stop watch-20250101T120000-ab12',
    '<%= config.bin %> ai-surveillance stop --all --json',
  ];
  static override args = { id: Args.string({ description: 'watcher id' }) };
  static override flags = {
    all: Flags.boolean({ description: 'stop every running watcher' }),
    wait: Flags.integer({
      description: 'seconds to wait for a clean exit before SIGKILL (default 10)',
      min: 1,
    }),
  };

  async run(): Promise<Result> {
    const [{ AlertStore }, proc, fs] = await Promise.all([
      import('../../surveillance/store.js'),
      import('../../surveillance/processes.js'),
      import('node:fs'),
    ]);
    if (this.flags.all && this.args.id)
      throw new AitbcError('USAGE', 'give a watcher id or --all, not both', {});
    const root = this.home.dir('surveillance');
    const file = proc.storeFile(root);
    if (!fs.existsSync(file)) {
      if (this.flags.all) return { items: [] };
      throw new AitbcError('SESSION_NOT_FOUND', `no watchers under ${this.home.root}`, {});
    }
    const store = await AlertStore.open(file);
    try {
      const pidOf = (id: string, recorded: number | null) =>
        proc.readPid(proc.watcherPaths(root, id).pid) ?? recorded;
      const running = store
        .runs('watch')
        .filter(
          (r) =>
            r.status === 'running' &&
            (pidOf(r.id, r.pid) ?? 0) > 0 &&
            proc.isWatcherProcess(pidOf(r.id, r.pid)!),
        );
      let targets: string[];
      if (this.args.id) targets = [this.args.id];
      else if (this.flags.all) targets = running.map((r) => r.id);
      else if (running.length === 1) targets = [running[0].id];
      else if (running.length === 0) throw new AitbcError('SESSION_NOT_FOUND', 'no running watcher', {});
      else {
        throw new AitbcError('USAGE', `${running.length} watchers are running; give an id or --all`, {
          running: running.map((r) => r.id),
        });
      }
      const out: Stopped[] = [];
      for (const id of targets) {
        const run = store.run(id);
        if (run?.kind !== 'watch') throw new AitbcError('SESSION_NOT_FOUND', `no watcher "${id}"`, { id });
        const pid = pidOf(id, run.pid) ?? undefined;
        const alive = pid !== undefined && proc.isWatcherProcess(pid);
        if (!alive) {
          const previous = run.status === 'running' ? 'dead' : run.status;
          if (run.status === 'running')
            store.updateRun(id, { status: 'stopped', now: new Date().toISOString() });
          out.push({
            id,
            previous,
            status: run.status === 'running' ? 'stopped' : run.status,
            ...(pid ? { pid } : {}),
          });
          continue;
        }
        const signal = await proc.stopProcess(pid, (this.flags.wait ?? 10) * 1000);
        // A watcher killed before it could record its end is marked stopped here.
        const after = store.run(id);
        if (after?.status === 'running')
          store.updateRun(id, { status: 'stopped', now: new Date().toISOString() });
        fs.rmSync(proc.watcherPaths(root, id).pid, { force: true });
        out.push({ id, previous: 'running', status: 'stopped', pid, ...(signal ? { signal } : {}) });
      }
      return this.args.id || (!this.flags.all && out.length === 1) ? out[0] : { items: out };
    } finally {
      store.close();
    }
  }

  protected override renderHuman(r: Result): void {
    const line = (s: Stopped) =>
      this.out.line(
        s.previous === 'running'
          ? `watcher ${s.id} stopped${s.signal === 'SIGKILL' ? ' (killed: it did not exit in time)' : ''}`
          : `watcher ${s.id} was not running (${s.previous}); now ${s.status}`,
      );
    if ('items' in r) {
      if (r.items.length === 0) this.out.info('No running watchers.');
      r.items.forEach(line);
    } else line(r);
  }
}
