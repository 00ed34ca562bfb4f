import { AitbcCommand } from '../../cli/base-command.js';
import type { PerformanceMetrics } from '../../quant/metrics/performance.js';

interface SessionRow {
  id: string;
  status: string;
  strategy: string;
  params: Record<string, number>;
  tradedBars: number;
  capital: number;
  equity: number;
  metrics: PerformanceMetrics | null;
}
interface BacktestRow {
  id: string;
  createdAt: string;
  strategy: string;
  params: Record<string, number>;
  data: string;
  bars: number;
  feeBps: number;
  slippageBps: number;
  metrics: PerformanceMetrics;
  buyAndHoldReturn: number;
  walkForward?: unknown;
  model?: unknown;
}
interface Result {
  portfolio: { sessions: number; capital: number; equity: number; totalReturn: number | null };
  sessions: SessionRow[];
  backtests: BacktestRow[];
  problems: Array<{ file: string; error: string }>;
}

export default class AiTradingAnalytics extends AitbcCommand<typeof AiTradingAnalytics, Result> {
  static override summary = 'Performance of paper-trading sessions and recorded backtests';
  static override description =
    'Reads <home>/trading/: every metric is recomputed from the stored equity curves and trades (formulas in docs/quant.md). Sessions together form the portfolio: Σ equity / Σ capital − 1.';
  static override examples = [
    '<%= config.bin %> ai-trading analytics',
    '<%= config.bin %> ai-trading analytics --json',
  ];

  async run(): Promise<Result> {
    const ss = await import('../../quant/sessions/index.js');
    const a = ss.tradingAnalytics(ss.tradingPaths(this.home.dir('trading')));
    return {
      portfolio: a.portfolio,
      sessions: a.sessions.map((s) => ({
        id: s.id,
        status: s.status,
        strategy: s.strategy,
        params: s.params,
        tradedBars: s.tradedBars,
        capital: s.capital,
        equity: s.equity,
        metrics: s.metrics,
      })),
      backtests: a.backtests.map((r) => ({
        id: r.id,
        createdAt: r.createdAt,
        strategy: r.strategy.name,
        params: r.strategy.params,
        data: r.data.source,
        bars: r.data.bars,
        feeBps: r.config.feeBps,
        slippageBps: r.config.slippageBps,
        metrics: r.metrics,
        buyAndHoldReturn: r.buyAndHold.totalReturn,
        ...(r.walkForward ? { walkForward: r.walkForward } : {}),
        ...(r.model ? { model: r.model } : {}),
      })),
      problems: a.problems,
    };
  }

  protected override async renderHuman(r: Result): Promise<void> {
    const { fmtNum, fmtPct } = await import('../../quant/backtest/format.js');
    const ps = (p: Record<string, number>) =>
      Object.entries(p)
        .map(([k, v]) => `${k}=${v}`)
        .join(' ');
    this.out.line(this.out.bold(`Paper trading: ${r.sessions.length} session(s)`));
    if (r.sessions.length) {
      await this.out.table(
        r.sessions.map((s) => ({
          id: s.id,
          status: s.status,
          strategy: `${s.strategy} ${ps(s.params)}`,
          bars: s.tradedBars,
          ret: fmtPct(s.metrics?.totalReturn ?? (s.capital > 0 ? s.equity / s.capital - 1 : null)),
          sharpe: fmtNum(s.metrics?.sharpe),
          dd: fmtPct(s.metrics?.maxDrawdown),
          trades: s.metrics?.trades ?? 0,
        })),
        [
          { key: 'id' },
          { key: 'status' },
          { key: 'strategy' },
          { key: 'bars' },
          { key: 'ret', header: 'return' },
          { key: 'sharpe', header: 'Sharpe' },
          { key: 'dd', header: 'max DD' },
          { key: 'trades' },
        ],
      );
      this.out.line(
        `portfolio: capital ${fmtNum(r.portfolio.capital)}, equity ${fmtNum(r.portfolio.equity)}, return ${fmtPct(r.portfolio.totalReturn)}`,
      );
    }
    this.out.line(this.out.bold(`\nRecorded backtests: ${r.backtests.length}`));
    if (r.backtests.length) {
      await this.out.table(
        r.backtests.map((b) => ({
          id: b.id,
          strategy: `${b.strategy} ${ps(b.params)}`,
          data: `${b.data} (${b.bars})`,
          ret: fmtPct(b.metrics.totalReturn),
          bh: fmtPct(b.buyAndHoldReturn),
          sharpe: fmtNum(b.metrics.sharpe),
          dd: fmtPct(b.metrics.maxDrawdown),
          trades: b.metrics.trades,
        })),
        [
          { key: 'id' },
          { key: 'strategy' },
          { key: 'data' },
          { key: 'ret', header: 'return' },
          { key: 'bh', header: 'buy & hold' },
          { key: 'sharpe', header: 'Sharpe' },
          { key: 'dd', header: 'max DD' },
          { key: 'trades' },
        ],
      );
    }
    for (const p of r.problems) this.out.warn(`${p.file}: ${p.error}`);
  }
}
