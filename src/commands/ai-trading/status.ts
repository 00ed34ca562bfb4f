import { AitbcCommand } from '../../cli/base-command.js';
import { Args } from '../../cli/oclif.js';
import { AitbcError } from '../../core/errors.js';
import type { SessionSummary } from '../../quant/sessions/analytics.js';
import type { SessionConfigFile, SessionState } from '../../quant/sessions/runner.js';

type Row = Omit<SessionSummary, 'curve'>;
type Detail = Row & {
  config: SessionConfigFile;
  pendingTarget: number;
  indicators: Record<string, number | null>;
  lastTrades: unknown[];
  dir: string;
};
type Result = { items: Row[] } | Detail;

export default class AiTradingStatus extends AitbcCommand<typeof AiTradingStatus, Result> {
  static override summary = 'Show paper-trading sessions (all, or one in detail)';
  static override description =
    'Reads <home>/trading/: works from any invocation, whether the session runs in the foreground elsewhere or detached. A session whose process died without recording its end shows as "dead".';
  static override examples = [
    '<%= config.bin %> ai-trading status',
    '<%= config.bin %> ai-trading status s-sma_cross-20250101T120000-ab12 --json',
  ];
  static override args = { id: Args.string({ description: 'session id (omit to list every session)' }) };

  private charts: string[] = [];

  async run(): Promise<Result> {
    const ss = await import('../../quant/sessions/index.js');
    const fs = await import('node:fs');
    const paths = ss.tradingPaths(this.home.dir('trading'));
    const strip = (s: SessionSummary): Row => {
      const { curve: _curve, ...rest } = s;
      return rest;
    };
    if (this.args.id === undefined) {
      return { items: ss.listSessionIds(paths).map((id) => strip(ss.summarizeSession(paths, id))) };
    }
    const p = paths.session(this.args.id);
    const config = ss.readJson<SessionConfigFile>(p.config);
    if (!config || !fs.existsSync(p.dir)) {
      throw new AitbcError(
        'SESSION_NOT_FOUND',
        `no trading session "${this.args.id}"`,
        { id: this.args.id },
        {
          hint: 'aitbc ai-trading status lists the sessions',
        },
      );
    }
    const state = ss.readJson<SessionState>(p.state);
    if (state && !this.jsonEnabled() && !this.out.quiet) {
      const width = Math.min(100, Math.max(60, process.stdout.columns ?? 90));
      this.charts = ss.curveCharts(state.curve, { width, color: this.out.color });
    }
    return {
      ...strip(ss.summarizeSession(paths, this.args.id)),
      config,
      pendingTarget: state?.pendingTarget ?? 0,
      indicators: state?.indicators ?? {},
      lastTrades: (state?.trades ?? []).slice(-10).map((t) => ({
        ...t,
        entryTime: new Date(t.entryTime).toISOString(),
        exitTime: new Date(t.exitTime).toISOString(),
      })),
      dir: p.dir,
    };
  }

  protected override async renderHuman(r: Result): Promise<void> {
    const { fmtNum, fmtPct } = await import('../../quant/backtest/format.js');
    const pos = (x: number) => (x === 1 ? 'long' : x === -1 ? 'short' : 'flat');
    if ('items' in r) {
      if (r.items.length === 0)
        return this.out.info('No trading sessions: aitbc ai-trading start --strategy NAME …');
      if (this.out.quiet) {
        for (const s of r.items) this.out.line(`${s.id} ${s.status}`);
        return;
      }
      await this.out.table(
        r.items.map((s) => ({
          id: s.id,
          status: s.status,
          strategy: s.strategy,
          bars: s.tradedBars,
          equity: fmtNum(s.equity),
          ret: fmtPct(s.capital > 0 ? s.equity / s.capital - 1 : null),
          position: pos(s.position),
          last: s.lastBarTime ?? '',
        })),
        [
          { key: 'id' },
          { key: 'status' },
          { key: 'strategy' },
          { key: 'bars' },
          { key: 'equity' },
          { key: 'ret', header: 'return' },
          { key: 'position' },
          { key: 'last', header: 'last bar' },
        ],
      );
      return;
    }
    this.out.keyValues({
      session: r.id,
      status: r.status,
      strategy: `${r.strategy} ${Object.entries(r.params)
        .map(([k, v]) => `${k}=${v}`)
        .join(' ')}`,
      feed: r.feed,
      started: r.startedAt,
      updated: r.updatedAt,
      'last bar': r.lastBarTime,
      bars: r.tradedBars,
      equity: fmtNum(r.equity),
      return: fmtPct(r.metrics?.totalReturn ?? (r.capital > 0 ? r.equity / r.capital - 1 : null)),
      'max drawdown': fmtPct(r.metrics?.maxDrawdown),
      trades: r.metrics?.trades ?? 0,
      position: pos(r.position),
      'next open': pos(r.pendingTarget),
      costs: `fee ${r.config.config.feeBps} bps, slippage ${r.config.config.slippageBps} bps`,
      indicators: Object.entries(r.indicators)
        .map(([k, v]) => `${k}=${v === null ? '—' : +v.toPrecision(6)}`)
        .join(' '),
      error: r.error,
      dir: r.dir,
    });
    for (const c of this.charts) this.out.line(`\n${c}`);
  }
}
