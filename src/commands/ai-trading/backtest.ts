import { AitbcCommand } from '../../cli/base-command.js';
import { dataFlags } from '../../cli/data-flags.js';
import { Flags } from '../../cli/oclif.js';
import { accountFlags, strategyFlags } from '../../cli/strategy-flags.js';
import { AitbcError } from '../../core/errors.js';
import type { RunMetrics } from '../../quant/backtest/run.js';

interface Result {
  id?: string;
  record?: string;
  strategy: { name: string; source: string; params: Record<string, number> };
  data: { source: string; bars: number; from: string; to: string; intervalMs: number; gaps: number };
  assumptions: Record<string, unknown> & { feeBps: number; slippageBps: number; fill: string };
  metrics: RunMetrics;
  buyAndHold: RunMetrics;
  trades: unknown[];
  model?: Record<string, unknown>;
  sweep?: {
    objective: string;
    combinations: number;
    evaluated: number;
    results: Array<{ params: Record<string, number>; metrics: RunMetrics }>;
  };
  walkForward?: {
    objective: string;
    inSampleMean: number | null;
    outOfSampleMean: number | null;
    efficiency: number | null;
    outOfSample: { totalReturn: number; sharpe: number | null; maxDrawdown: number };
    perFold: Array<{
      fold: number;
      outOfSample: { from: string; to: string };
      params: Record<string, number>;
      inSampleMetrics: RunMetrics;
      outOfSampleMetrics: RunMetrics;
    }>;
  };
  exports?: Record<string, string>;
  warnings: string[];
}

export default class AiTradingBacktest extends AitbcCommand<typeof AiTradingBacktest, Result> {
  static override summary =
    'Backtest a strategy on OHLCV data: metrics, trades, buy-and-hold, sweeps, walk-forward';
  static override description =
    'Signals are decided on each bar’s close and filled at the next bar’s open (`--fill close` is optimistic and labelled so). Fees and slippage apply to every fill and are always printed. Equity is marked to market every bar; a position open at the end is closed at the last close. Metric formulas: docs/quant.md. The run is recorded under <home>/trading/backtests/ (for `ai-trading analytics` and `advanced-analytics report`) unless --no-record.';
  static override examples = [
    '<%= config.bin %> ai-trading backtest --strategy sma_cross --synthetic --seed 7 --param fast=10 --param slow=40',
    '<%= config.bin %> ai-trading backtest -s rsi_reversion --data examples/data/synthetic-1h-seed7.csv --fee-bps 5 --json',
    '<%= config.bin %> ai-trading backtest -s sma_cross --synthetic --sweep fast=5:50:5,slow=20:200:20',
    '<%= config.bin %> ai-trading backtest -s macd --synthetic --bars 5000 --walk-forward folds=5,train=0.7 --plot bt.html',
    '<%= config.bin %> ai-trading backtest -s ./examples/strategies/donchian-volume.js --synthetic',
  ];
  static override flags = {
    ...strategyFlags,
    ...dataFlags,
    ...accountFlags,
    sweep: Flags.string({
      description:
        'parameter grid name=start:stop:step[,…] (or name=a|b|c); the best combination is reported',
    }),
    'walk-forward': Flags.string({
      description:
        'walk-forward validation folds=N,train=F: in-sample vs out-of-sample per fold (optimised when --sweep is given)',
    }),
    objective: Flags.string({
      description:
        'what sweeps and walk-forward optimise: sharpe (default), sortino, calmar, total_return, cagr, profit_factor, win_rate, expectancy, max_drawdown',
    }),
    plot: Flags.string({ description: 'write price/indicators/equity/drawdown to FILE (.svg or .html)' }),
    'trades-csv': Flags.string({ description: 'write the trades to FILE as CSV' }),
    'equity-csv': Flags.string({ description: 'write the per-bar equity to FILE as CSV' }),
    record: Flags.boolean({
      description: 'record the run under <home>/trading/backtests/ (--no-record to skip)',
      default: true,
      allowNo: true,
    }),
  };

  private charts?: string[];

  async run(): Promise<Result> {
    const [{ loadDataFromFlags }, bt, st, ss, { writeFileSync }, secure, { randomBytes }] = await Promise.all(
      [
        import('../../cli/data-flags.js'),
        import('../../quant/backtest/index.js'),
        import('../../quant/strategies/index.js'),
        import('../../quant/sessions/index.js'),
        import('node:fs'),
        import('../../cli/secure-fs.js'),
        import('node:crypto'),
      ],
    );
    const { makeConfig, describeAssumptions, parseNumberOption } = await import(
      '../../quant/backtest/config.js'
    );
    const summary = await import('../../quant/backtest/summary.js');
    const f = this.flags;
    const objective = bt.parseObjective(f.objective ?? 'sharpe');
    const strategy = await st.resolveStrategy(f.strategy, process.cwd());
    const baseParams = st.resolveParams(strategy, st.parseParamPairs(f.param ?? []));
    const axes = f.sweep ? bt.parseSweepSpec(f.sweep, strategy) : [];
    const wfSpec = f['walk-forward'] ? bt.parseWalkForwardSpec(f['walk-forward']) : undefined;
    const loaded = await loadDataFromFlags(f, { timeoutSeconds: this.setting('timeout', f.timeout).value });
    const data = loaded.data;
    const bars = data.close.length;
    st.assertEnoughBars(strategy, baseParams, bars);
    const { config, periodsPerYearSource } = makeConfig({
      capital: parseNumberOption('--capital', f.capital),
      feeBps: parseNumberOption('--fee-bps', f['fee-bps']),
      slippageBps: parseNumberOption('--slippage-bps', f['slippage-bps']),
      fill: f.fill,
      size: f.size,
      allowShort: f.short,
      periodsPerYear: parseNumberOption('--periods-per-year', f['periods-per-year']),
      intervalMs: loaded.intervalMs,
    });
    const warnings: string[] = [];
    if (config.fill === 'close')
      warnings.push('--fill close is optimistic: it trades at the close that produced the signal');
    if (loaded.gaps.length)
      warnings.push(`the data has ${loaded.gaps.length} gap(s); bars are simulated as given`);

    const ctx = st.createContext();
    let params = baseParams;
    let sweep: ReturnType<typeof summary.sweepJson> | undefined;
    if (axes.length && !wfSpec) {
      for (const a of axes)
        st.assertEnoughBars(strategy, { ...baseParams, [a.name]: Math.max(...a.values) }, bars);
      const s = bt.runSweep(data, strategy, baseParams, axes, config, objective, { ctx });
      sweep = summary.sweepJson(s);
      params = s.results[0].params;
    }
    const run = bt.runBacktest(data, strategy, params, config, { ctx });
    const walkForward = wfSpec
      ? summary.walkForwardJson(
          bt.runWalkForward(data, strategy, baseParams, axes, config, wfSpec, objective),
        )
      : undefined;

    const iso = (ms: number) => new Date(ms).toISOString();
    const exports: Record<string, string> = {};
    const writeUserFile = (flag: string, file: string, text: string) => {
      try {
        writeFileSync(file, text);
      } catch (e) {
        throw new AitbcError('INVALID_INPUT', `${flag} ${file}: ${(e as Error).message}`, { file });
      }
      exports[flag.replace(/^--/, '')] = file;
    };
    const dataInfo = summary.dataSummary(data, loaded.source, loaded.intervalMs, loaded.gaps.length);
    const trades = run.trades.toArray();
    if (f['trades-csv']) writeUserFile('--trades-csv', f['trades-csv'], bt.tradesCsv(trades));
    if (f['equity-csv']) {
      writeUserFile(
        '--equity-csv',
        f['equity-csv'],
        bt.equityCsv({
          time: data.time,
          close: data.close,
          start: run.start,
          equity: run.equity,
          position: run.position,
          buyAndHold: run.buyAndHoldEquity,
        }),
      );
    }
    const title = `${strategy.name} ${Object.entries(params)
      .map(([k, v]) => `${k}=${v}`)
      .join(' ')} on ${loaded.source}`;
    if (f.plot) {
      const { writePlot } = await import('../../quant/charts/index.js');
      exports.plot = writePlot(summary.backtestPlotSpec(data, run, title), f.plot).file;
    }

    let id: string | undefined;
    let recordFile: string | undefined;
    if (f.record) {
      id = ss.newId(`bt-${strategy.name}`, Date.now(), randomBytes(2));
      const record = ss.makeBacktestRecord({
        id,
        createdAt: new Date().toISOString(),
        data,
        summary: dataInfo,
        run,
        ...(walkForward ? { walkForward } : {}),
        ...(sweep ? { sweep } : {}),
      });
      const files = { write: secure.writeFileAtomic, mkdir: secure.ensureSecureDir };
      recordFile = ss.saveBacktestRecord(ss.tradingPaths(this.home.dir('trading')), files, record);
    }

    if (!this.jsonEnabled() && !this.flags.quiet) {
      const { terminalChart } = await import('../../quant/charts/index.js');
      const { drawdownSeries } = await import('../../quant/metrics/index.js');
      const width = Math.min(100, Math.max(60, process.stdout.columns ?? 90));
      const color = this.out.color;
      const xl: [string, string] = [
        iso(data.time[run.start]).slice(0, 16),
        iso(data.time[run.end - 1]).slice(0, 16),
      ];
      this.charts = [
        terminalChart(
          [
            { name: strategy.name, values: run.equity },
            { name: 'buy & hold', values: run.buyAndHoldEquity },
          ],
          { title: 'equity', width, height: 12, color, xLabels: xl },
        ),
        terminalChart([{ name: 'drawdown', values: drawdownSeries(run.equity) }], {
          title: 'drawdown',
          width,
          height: 6,
          color,
          xLabels: xl,
        }),
      ];
    }

    return {
      ...(id ? { id, record: recordFile } : {}),
      strategy: { name: strategy.name, source: strategy.source, params },
      data: dataInfo,
      assumptions: describeAssumptions(config, periodsPerYearSource),
      metrics: run.metrics,
      buyAndHold: run.buyAndHold,
      trades: trades.map(summary.tradeJson),
      ...(run.report ? { model: run.report } : {}),
      ...(sweep ? { sweep } : {}),
      ...(walkForward ? { walkForward } : {}),
      ...(Object.keys(exports).length ? { exports } : {}),
      warnings,
    };
  }

  protected override async renderHuman(r: Result): Promise<void> {
    const { fmtNum, fmtPct, metricRows } = await import('../../quant/backtest/format.js');
    const o = this.out;
    const params = Object.entries(r.strategy.params)
      .map(([k, v]) => `${k}=${v}`)
      .join(' ');
    if (o.quiet) {
      o.line(
        `${r.strategy.name} ${params}: total return ${fmtPct(r.metrics.totalReturn)}, Sharpe ${fmtNum(r.metrics.sharpe)}`,
      );
      return;
    }
    const a = r.assumptions;
    o.line(o.bold(`${r.strategy.name} ${params}`));
    o.line(`data      ${r.data.source}: ${r.data.bars} bars, ${r.data.from} → ${r.data.to}`);
    o.line(`costs     fee ${a.feeBps} bps + slippage ${a.slippageBps} bps per fill; fill: ${a.fill}`);
    o.line(`account   capital ${a.capital}; ${a.sizing}; shorts ${a.shorts}`);
    o.line(
      o.dim(
        `annualised with ${fmtNum(a.periodsPerYear as number, 1)} periods/year (${a.periodsPerYearSource}), risk-free 0`,
      ),
    );
    await o.table(metricRows({ [r.strategy.name]: r.metrics, 'buy & hold': r.buyAndHold }), [
      { key: 'metric' },
      { key: r.strategy.name },
      { key: 'buy & hold' },
    ]);
    if (r.model) {
      const oos = r.model.outOfSample as {
        accuracy: number | null;
        chanceAccuracy: number | null;
        sigma: number | null;
        rows: number;
      };
      o.line(
        `model     out-of-sample accuracy ${fmtPct(oos.accuracy)} vs chance ${fmtPct(oos.chanceAccuracy)} ± ${fmtPct(oos.sigma)} (1σ) over ${oos.rows} bars`,
      );
    }
    if (r.sweep) {
      o.line(
        o.bold(
          `\nsweep: ${r.sweep.evaluated} of ${r.sweep.combinations} combinations, by ${r.sweep.objective} (top 10)`,
        ),
      );
      await o.table(
        r.sweep.results.slice(0, 10).map((x) => ({
          params: Object.entries(x.params)
            .map(([k, v]) => `${k}=${v}`)
            .join(' '),
          return: fmtPct(x.metrics.totalReturn),
          sharpe: fmtNum(x.metrics.sharpe),
          maxdd: fmtPct(x.metrics.maxDrawdown),
          trades: x.metrics.trades,
        })),
        [
          { key: 'params' },
          { key: 'return' },
          { key: 'sharpe', header: 'Sharpe' },
          { key: 'maxdd', header: 'max DD' },
          { key: 'trades' },
        ],
      );
    }
    if (r.walkForward) {
      const w = r.walkForward;
      o.line(
        o.bold(
          `\nwalk-forward by ${w.objective}: in-sample mean ${fmtNum(w.inSampleMean)}, out-of-sample mean ${fmtNum(w.outOfSampleMean)}, efficiency ${fmtNum(w.efficiency)}`,
        ),
      );
      await o.table(
        w.perFold.map((x) => ({
          fold: x.fold,
          oos: `${x.outOfSample.from.slice(0, 10)} → ${x.outOfSample.to.slice(0, 10)}`,
          params: Object.entries(x.params)
            .map(([k, v]) => `${k}=${v}`)
            .join(' '),
          is: fmtPct(x.inSampleMetrics.totalReturn),
          os: fmtPct(x.outOfSampleMetrics.totalReturn),
          iss: fmtNum(x.inSampleMetrics.sharpe),
          oss: fmtNum(x.outOfSampleMetrics.sharpe),
        })),
        [
          { key: 'fold' },
          { key: 'oos', header: 'out-of-sample' },
          { key: 'params' },
          { key: 'is', header: 'IS return' },
          { key: 'os', header: 'OOS return' },
          { key: 'iss', header: 'IS Sharpe' },
          { key: 'oss', header: 'OOS Sharpe' },
        ],
      );
      o.line(
        `stitched out-of-sample: return ${fmtPct(w.outOfSample.totalReturn)}, Sharpe ${fmtNum(w.outOfSample.sharpe)}, max DD ${fmtPct(w.outOfSample.maxDrawdown)}`,
      );
    }
    for (const c of this.charts ?? []) o.line(`\n${c}`);
    for (const [k, v] of Object.entries(r.exports ?? {})) o.line(`${k.padEnd(10)}${v}`);
    if (r.id) o.line(o.dim(`recorded as ${r.id}`));
    for (const x of r.warnings) o.warn(x);
  }
}
