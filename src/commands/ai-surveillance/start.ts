import { AitbcCommand } from '../../cli/base-command.js';
import { nodeFlags } from '../../cli/flags.js';
import { Flags } from '../../cli/oclif.js';
import { AitbcError } from '../../core/errors.js';
import type { WatchSummary } from '../../surveillance/watcher.js';

interface Result {
  type?: 'result';
  id: string;
  source: string;
  status: string;
  detached: boolean;
  pid?: number;
  log?: string;
  events?: number;
  alerts?: number;
  rejected?: number;
  lastEventTime?: string | null;
}

export default class AiSurveillanceStart extends AitbcCommand<typeof AiSurveillanceStart, Result> {
  static override summary = 'Watch a growing event file or the chain, storing alerts under the home';
  static override description =
    'Follows --feed FILE (CSV or NDJSON; new lines are read as they are appended) or, with --source chain, the node’s committed blocks (backfilled with get_blocks, then the WebSocket subscription; an unreachable node is retried with backoff and reported). The detectors re-run over a sliding window; each settled alert is committed to <home>/surveillance/alerts.db before it is reported, so it survives even a SIGKILL. Runs in the foreground until Ctrl-C (or the end of the file with --no-follow); --detach starts a background process recording <home>/surveillance/<id>/pid. `status`, `alerts`, `patterns`, `risk-profile` and `stop` work from any other invocation. With --json, prints NDJSON: ready, then alert and warning events, then the result.';
  static override examples = [
    '<%= config.bin %> ai-surveillance start --feed events.csv',
    '<%= config.bin %> ai-surveillance start --feed events.ndjson --detach',
    '<%= config.bin %> ai-surveillance start --source chain --node http://127.0.0.1:26657 --detach',
  ];
  static override flags = {
    ...nodeFlags,
    feed: Flags.string({ description: 'market event file to follow (CSV or NDJSON)' }),
    source: Flags.string({
      description: 'what to watch: feed (default with --feed) or chain',
      options: ['feed', 'chain'],
    }),
    follow: Flags.boolean({
      description: 'keep reading lines appended to --feed (--no-follow: stop at its end)',
      allowNo: true,
      default: true,
    }),
    'from-height': Flags.integer({
      description: 'first block to read with --source chain (default 1)',
      min: 1,
    }),
    detach: Flags.boolean({ description: 'run in a detached background process and return at once' }),
    id: Flags.string({ description: 'watcher id (default: generated from the time)' }),
    'detached-child': Flags.boolean({ hidden: true }),
  };

  async run(): Promise<Result> {
    const [proc, { randomBytes }, fs, pathMod] = await Promise.all([
      import('../../surveillance/processes.js'),
      import('node:crypto'),
      import('node:fs'),
      import('node:path'),
    ]);
    const f = this.flags;
    const kind = f.source ?? (f.feed ? 'feed' : undefined);
    if (kind === undefined) this.missing('what to watch', '--feed FILE or --source chain');
    if (kind === 'feed' && !f.feed) this.missing('feed file', '--feed FILE');
    if (kind === 'chain' && f.feed)
      throw new AitbcError('USAGE', 'give --feed or --source chain, not both', {});
    if (f.id !== undefined && !proc.RUN_ID.test(f.id)) {
      throw new AitbcError(
        'INVALID_INPUT',
        `--id must be letters, digits, "-" or "_" (≤ 64), got "${f.id}"`,
        {},
      );
    }
    const root = this.home.dir('surveillance');
    const id = f.id ?? proc.newRunId('watch', Date.now(), randomBytes(2));
    const paths = proc.watcherPaths(root, id);
    const feed = f.feed ? pathMod.resolve(f.feed) : undefined;
    if (feed && !fs.existsSync(feed)) {
      throw new AitbcError('MISSING_INPUT', `cannot read ${f.feed}: no such file`, { file: f.feed });
    }
    if (!f['detached-child'] && fs.existsSync(paths.dir)) {
      throw new AitbcError('INVALID_INPUT', `a watcher "${id}" already exists; choose another --id`, { id });
    }
    if (f.detach) return this.detach(id, paths, feed);
    return this.foreground(id, root, paths, kind as 'feed' | 'chain', feed);
  }

  private async foreground(
    id: string,
    root: string,
    paths: { dir: string; pid: string },
    kind: 'feed' | 'chain',
    feed: string | undefined,
  ): Promise<Result> {
    const [{ AlertStore }, src, { Watcher }, { DEFAULT_CALIBRATION }, proc, secure, fs] = await Promise.all([
      import('../../surveillance/store.js'),
      import('../../surveillance/sources.js'),
      import('../../surveillance/watcher.js'),
      import('../../surveillance/default-calibration.js'),
      import('../../surveillance/processes.js'),
      import('../../cli/secure-fs.js'),
      import('node:fs'),
    ]);
    const f = this.flags;
    const timeoutSeconds = Number(this.setting('timeout', f.timeout).value ?? 30);
    const source =
      kind === 'feed'
        ? new src.FileFeedSource(feed!, { follow: f.follow })
        : new src.ChainSource(this.setting('node', f.node).value!, {
            fromHeight: f['from-height'],
            chainId: this.setting('chain', f.chain).value,
            timeoutMs: timeoutSeconds * 1000,
          });
    secure.ensureSecureDir(paths.dir);
    secure.writeFileAtomic(paths.pid, `${process.pid}\n`);
    const store = await AlertStore.open(proc.storeFile(root));
    const ndjson = this.jsonEnabled();
    const emit = (o: Record<string, unknown>) => process.stdout.write(`${JSON.stringify(o)}\n`);
    // The final result ends the NDJSON stream as one line, like every other event.
    if (ndjson) this.out = { ...this.out, json: (v) => emit(v as Record<string, unknown>) };
    store.createRun({
      id,
      kind: 'watch',
      source: source.description,
      pid: process.pid,
      now: new Date().toISOString(),
    });
    const controller = new AbortController();
    const onSignal = () => controller.abort();
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
    if (ndjson) emit({ type: 'ready', id, source: source.description, pid: process.pid, store: store.file });
    else this.out.info(`watcher ${id}: ${source.description} (Ctrl-C to stop); alerts in ${store.file}`);
    let summary: WatchSummary;
    try {
      const watcher = new Watcher({
        runId: id,
        source,
        store,
        calibration: DEFAULT_CALIBRATION,
        onAlert: (a) => {
          if (ndjson) emit({ type: 'alert', alert: a });
          else if (!this.out.quiet) {
            this.out.line(
              `${a.detectedAt}  ${a.type.padEnd(18)} score ${a.score.toFixed(3)} ${a.riskLevel.padEnd(6)} ${a.accounts.join(',')}`,
            );
          }
        },
        onReport: (r) => {
          if (ndjson) emit({ type: r.level === 'warn' ? 'warning' : 'info', message: r.message });
          else if (r.level === 'warn') this.out.warn(r.message);
          else this.out.info(r.message);
        },
      });
      summary = await watcher.run(controller.signal);
    } finally {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      store.close();
      fs.rmSync(paths.pid, { force: true });
    }
    return {
      ...(ndjson ? { type: 'result' as const } : {}),
      id,
      source: source.description,
      status: controller.signal.aborted ? 'stopped' : 'finished',
      detached: Boolean(f['detached-child']),
      events: summary.events,
      alerts: summary.alerts,
      rejected: summary.rejected,
      lastEventTime: summary.lastEventTime,
    };
  }

  /** Starts this command again as a detached process and waits until its run is recorded. */
  private async detach(
    id: string,
    paths: { dir: string; pid: string; log: string },
    feed?: string,
  ): Promise<Result> {
    const [fs, { AlertStore }, proc, { startDetached }] = await Promise.all([
      import('node:fs'),
      import('../../surveillance/store.js'),
      import('../../surveillance/processes.js'),
      import('../../cli/detach.js'),
    ]);
    const argv = process.argv.slice(2).filter((a) => a !== '--detach' && a !== '--json');
    if (this.flags.id === undefined) argv.push('--id', id);
    if (feed) {
      const i = argv.findIndex((a) => a === '--feed' || a.startsWith('--feed='));
      if (i >= 0 && argv[i] === '--feed') argv[i + 1] = feed;
      else if (i >= 0) argv[i] = `--feed=${feed}`;
    }
    const root = this.home.dir('surveillance');
    const { pid, value: run } = await startDetached({
      argv,
      dir: paths.dir,
      logFile: paths.log,
      pidFile: paths.pid,
      homeRoot: this.home.root,
      what: `watcher ${id}`,
      id,
      ready: async () => {
        if (!fs.existsSync(proc.storeFile(root))) return undefined;
        const store = await AlertStore.open(proc.storeFile(root));
        try {
          return store.run(id) ?? undefined;
        } finally {
          store.close();
        }
      },
    });
    return { id, source: run.source, status: run.status, detached: true, pid, log: paths.log };
  }

  protected override renderHuman(r: Result): void {
    if (this.out.quiet) return this.out.line(r.id);
    if (r.detached && r.pid !== undefined) {
      this.out.line(`watcher ${r.id} ${r.status} in the background (pid ${r.pid})`);
      this.out.line(
        this.out.dim(
          `status: aitbc ai-surveillance status ${r.id}   stop: aitbc ai-surveillance stop ${r.id}   log: ${r.log}`,
        ),
      );
      return;
    }
    this.out.keyValues({
      watcher: r.id,
      status: r.status,
      source: r.source,
      events: r.events,
      alerts: r.alerts,
      rejected: r.rejected,
      'last event': r.lastEventTime,
    });
  }
}
