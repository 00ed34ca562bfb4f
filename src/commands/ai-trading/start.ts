import { AitbcCommand } from '../../cli/base-command.js';
import { dataFlags } from '../../cli/data-flags.js';
import { Flags } from '../../cli/oclif.js';
import { accountFlags, strategyFlags } from '../../cli/strategy-flags.js';
import { AitbcError } from '../../core/errors.js';
import type { SessionState } from '../../quant/sessions/runner.js';

interface Result {
  id: string;
  status: string;
  dir: string;
  pid?: number;
  detached: boolean;
  log?: string;
  strategy?: string;
  feed?: string;
  tradedBars?: number;
  equity?: number;
  totalReturn?: number;
  trades?: number;
  position?: number;
  error?: { code: string; message: string };
}

export default class AiTradingStart extends AitbcCommand<typeof AiTradingStart, Result> {
  static override summary = 'Start a paper-trading session on a feed (a file replayed, or a URL polled)';
  static override description =
    'A file (or --synthetic) is replayed bar by bar at --speed bars per second; an http(s) --data URL is polled every --poll seconds and its bars up to the newest (which may still be forming) are traded. Each bar fills the previous close’s signal at its open, exactly as a backtest does. Runs in the foreground (Ctrl-C stops it cleanly) unless --detach, which starts a detached process and records its pid in <home>/trading/<id>/pid. State lives in <home>/trading/<id>/; see `status`, `stop` and `analytics`.';
  static override examples = [
    '<%= config.bin %> ai-trading start --strategy sma_cross --synthetic --seed 3 --speed 20',
    '<%= config.bin %> ai-trading start -s rsi_reversion --data examples/data/synthetic-1h-seed7.csv --speed 0 --json',
    '<%= config.bin %> ai-trading start -s macd --data https://example.org/bars.csv --poll 60 --detach',
  ];
  static override flags = {
    ...strategyFlags,
    ...dataFlags,
    ...accountFlags,
    speed: Flags.string({
      description: 'replay speed in bars per second; 0 = as fast as possible (default 10)',
    }),
    poll: Flags.string({ description: 'seconds between polls of a --data URL (default 60)' }),
    window: Flags.integer({
      description: 'most recent bars the strategy sees at each decision (default 2000)',
      min: 10,
    }),
    detach: Flags.boolean({ description: 'run in a detached background process and return at once' }),
    id: Flags.string({ description: 'session id (default: generated from the strategy and the time)' }),
    'detached-child': Flags.boolean({ hidden: true }),
  };

  private charts: string[] = [];

  async run(): Promise<Result> {
    const [{ loadDataFromFlags }, st, ss, secure, cfgMod, { randomBytes }, fs] = await Promise.all([
      import('../../cli/data-flags.js'),
      import('../../quant/strategies/index.js'),
      import('../../quant/sessions/index.js'),
      import('../../cli/secure-fs.js'),
      import('../../quant/backtest/config.js'),
      import('node:crypto'),
      import('node:fs'),
    ]);
    const f = this.flags;
    const files = { write: secure.writeFileAtomic, mkdir: secure.ensureSecureDir };
    const paths = ss.tradingPaths(this.home.dir('trading'));
    const strategy = await st.resolveStrategy(f.strategy, process.cwd());
    const params = st.resolveParams(strategy, st.parseParamPairs(f.param ?? []));
    const isUrl = f.data !== undefined && /^https?:\/\//i.test(f.data);
    if (f.data === '-' && f.detach) {
      throw new AitbcError('USAGE', '--detach cannot replay stdin; give --data FILE', {});
    }
    const speed = cfgMod.parseNumberOption('--speed', f.speed) ?? 10;
    const pollSeconds = cfgMod.parseNumberOption('--poll', f.poll) ?? 60;
    if (speed < 0) throw new AitbcError('INVALID_INPUT', `--speed must be ≥ 0, got ${speed}`, { speed });
    if (!(pollSeconds > 0))
      throw new AitbcError('INVALID_INPUT', `--poll must be > 0 seconds, got ${pollSeconds}`, {
        poll: pollSeconds,
      });
    const timeoutSeconds = this.setting('timeout', f.timeout).value;
    const loaded = await loadDataFromFlags(f, { timeoutSeconds });
    const { config } = cfgMod.makeConfig({
      capital: cfgMod.parseNumberOption('--capital', f.capital),
      feeBps: cfgMod.parseNumberOption('--fee-bps', f['fee-bps']),
      slippageBps: cfgMod.parseNumberOption('--slippage-bps', f['slippage-bps']),
      fill: f.fill,
      size: f.size,
      allowShort: f.short,
      periodsPerYear: cfgMod.parseNumberOption('--periods-per-year', f['periods-per-year']),
      intervalMs: loaded.intervalMs,
    });
    const id = f.id ?? ss.newId(`s-${strategy.name}`, Date.now(), randomBytes(2));
    const p = paths.session(id);
    if (!f['detached-child'] && fs.existsSync(p.config)) {
      throw new AitbcError('INVALID_INPUT', `a session "${id}" already exists; choose another --id`, { id });
    }
    const session: import('../../quant/sessions/runner.js').SessionConfigFile = {
      version: 1,
      id,
      createdAt: new Date().toISOString(),
      strategy: { name: strategy.name, source: strategy.source, params },
      feed: isUrl
        ? { kind: 'poll', source: loaded.source, pollSeconds }
        : { kind: 'replay', source: loaded.source, barsPerSecond: speed },
      config,
      window: f.window ?? 2000,
      detached: Boolean(f.detach || f['detached-child']),
    };
    files.write(p.config, `${JSON.stringify(session, null, 2)}\n`);

    if (f.detach) return this.detach(id, p);

    files.write(p.pid, `${process.pid}\n`);
    const controller = new AbortController();
    const onSignal = () => controller.abort();
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
    const trader = new ss.PaperTrader({ strategy, params, config, window: session.window });
    const feed = isUrl
      ? ss.pollFeed(async () => (await loadDataFromFlags(f, { timeoutSeconds })).data, pollSeconds * 1000)
      : ss.replayFeed(loaded.data, speed);
    this.out.info(
      isUrl
        ? `session ${id}: polling ${loaded.source} every ${pollSeconds}s (Ctrl-C to stop)`
        : `session ${id}: replaying ${loaded.data.close.length} bars at ${speed || 'full'} bars/s (Ctrl-C to stop)`,
    );
    let state: SessionState;
    try {
      state = await ss.runSession({
        paths,
        files,
        session,
        trader,
        feed,
        signal: controller.signal,
        pid: process.pid,
        now: Date.now,
        persistMs: 250,
        onBar: (_s, trades) => {
          for (const t of trades) {
            this.out.info(
              `${new Date(t.exitTime).toISOString()}  ${t.side.padEnd(5)} ${t.entryPrice.toFixed(4)} → ${t.exitPrice.toFixed(4)}  pnl ${t.pnl.toFixed(2)}`,
            );
          }
        },
      });
    } finally {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      fs.rmSync(p.pid, { force: true });
    }
    if (!this.jsonEnabled() && !this.out.quiet) {
      const width = Math.min(100, Math.max(60, process.stdout.columns ?? 90));
      this.charts = ss.curveCharts(state.curve, { width, color: this.out.color });
    }
    return {
      id,
      status: state.status,
      dir: p.dir,
      detached: session.detached,
      strategy: strategy.name,
      feed: `${session.feed.kind} ${session.feed.source}`,
      tradedBars: state.tradedBars,
      equity: state.equity,
      totalReturn: state.equity / config.capital - 1,
      trades: state.trades.length,
      position: state.position,
    };
  }

  /** Starts this command again as a detached process and waits until it reports running (or fails). */
  private async detach(
    id: string,
    p: { dir: string; pid: string; state: string; log: string },
  ): Promise<Result> {
    const [ss, { startDetached }] = await Promise.all([
      import('../../quant/sessions/index.js'),
      import('../../cli/detach.js'),
    ]);
    const argv = process.argv.slice(2).filter((a) => a !== '--detach');
    if (this.flags.id === undefined) argv.push('--id', id);
    const { pid, value: state } = await startDetached({
      argv,
      dir: p.dir,
      logFile: p.log,
      pidFile: p.pid,
      homeRoot: this.home.root,
      what: `session ${id}`,
      id,
      ready: (childPid) => {
        const s = ss.readJson<SessionState>(p.state);
        return s && s.pid === childPid ? s : undefined;
      },
    });
    if (state.status === 'failed' && state.error) {
      throw new AitbcError('INTERNAL', `session ${id} failed: ${state.error.message}`, { id, log: p.log });
    }
    return { id, status: state.status, dir: p.dir, pid, detached: true, log: p.log };
  }

  protected override async renderHuman(r: Result): Promise<void> {
    if (this.out.quiet) return this.out.line(r.id);
    if (r.detached && r.pid !== undefined && r.tradedBars === undefined) {
      this.out.line(`session ${r.id} ${r.status} in the background (pid ${r.pid})`);
      this.out.line(
        this.out.dim(
          `status: aitbc ai-trading status ${r.id}   stop: aitbc ai-trading stop ${r.id}   log: ${r.log}`,
        ),
      );
      return;
    }
    const { fmtNum, fmtPct } = await import('../../quant/backtest/format.js');
    this.out.keyValues({
      session: r.id,
      status: r.status,
      strategy: r.strategy,
      feed: r.feed,
      bars: r.tradedBars,
      equity: fmtNum(r.equity),
      return: fmtPct(r.totalReturn),
      trades: r.trades,
      position: r.position === 1 ? 'long' : r.position === -1 ? 'short' : 'flat',
      state: r.dir,
    });
    for (const c of this.charts) this.out.line(`\n${c}`);
  }
}
