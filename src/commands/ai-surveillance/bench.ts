import { AitbcCommand } from '../../cli/base-command.js';
import { Flags } from '../../cli/oclif.js';
import { AitbcError } from '../../core/errors.js';
import type { BenchResult } from '../../surveillance/bench.js';

interface Result extends BenchResult {
  /** where the thresholds came from: the shipped calibration, or recomputed in this run */
  calibrationSource: 'shipped' | 'recomputed';
  /** how the seed base was chosen */
  seedBaseSource: 'flag' | 'date';
  elapsedSeconds: number;
}

export default class AiSurveillanceBench extends AitbcCommand<typeof AiSurveillanceBench, Result> {
  static override summary = 'Benchmark the detectors and the naive baseline on seeded test days';
  static override description =
    'Generates --seeds labelled days at --difficulty from --seed-base (default: the UTC date as YYYYMMDD × 1000, printed), each with its benign-only twin, runs our detectors at the calibrated thresholds and the naive rules (one account over 80 % of volume = wash trading, cancel rate over 0.9 = spoofing, 3× volume, a 15 % move) verbatim, and scores both by the same rule as `score`. Reports per-pattern precision, recall, F1 and detection latency, macro-F1, false alerts per simulated benign day, the anomaly detectors and the risk levels. Test seeds must not overlap the calibration seeds. Everything printed is computed in this run.';
  static override examples = [
    '<%= config.bin %> ai-surveillance bench --seeds 10',
    '<%= config.bin %> ai-surveillance bench --seeds 5 --seed-base 9000 --difficulty hard --json',
  ];
  static override flags = {
    seeds: Flags.integer({ description: 'test seeds (default 5)', min: 1, max: 1000 }),
    'seed-base': Flags.integer({ description: 'first test seed (default: from today’s UTC date)', min: 0 }),
    difficulty: Flags.string({
      description: 'easy, medium or hard (default medium)',
      options: ['easy', 'medium', 'hard'],
    }),
    recalibrate: Flags.boolean({
      description:
        'derive the thresholds on the calibration seeds in this run instead of using the shipped ones',
    }),
    hours: Flags.integer({
      description: 'simulated hours per day (default 24; a quick check uses fewer)',
      min: 2,
      max: 168,
    }),
  };

  async run(): Promise<Result> {
    const [bench, { DEFAULT_CALIBRATION }, { calibrate }] = await Promise.all([
      import('../../surveillance/bench.js'),
      import('../../surveillance/default-calibration.js'),
      import('../../surveillance/calibration.js'),
    ]);
    const f = this.flags;
    const started = Date.now();
    const seedBase = f['seed-base'] ?? bench.defaultSeedBase(new Date());
    const seeds = f.seeds ?? 5;
    this.out.info(
      `test seeds ${seedBase}..${seedBase + seeds - 1} (${f['seed-base'] === undefined ? 'from the date' : '--seed-base'})`,
    );
    bench.assertDisjoint(seedBase, seeds, DEFAULT_CALIBRATION.seeds);
    if (f.hours !== undefined && f.recalibrate) {
      throw new AitbcError('USAGE', '--hours shortens only the test days; drop it with --recalibrate', {});
    }
    let calibration = DEFAULT_CALIBRATION;
    if (f.recalibrate) {
      this.out.info('recomputing the calibration on its seeds …');
      calibration = calibrate({
        onProgress: (p) =>
          this.out.info(`  calibration ${p.done + 1}/${p.total}: seed ${p.seed} ${p.difficulty}`),
      }).calibration;
    }
    const res = bench.runBenchmark({
      seeds,
      seedBase,
      difficulty: (f.difficulty ?? 'medium') as 'easy' | 'medium' | 'hard',
      calibration,
      durationMs: f.hours === undefined ? undefined : f.hours * 3_600_000,
      onProgress: (p) => this.out.info(`  ${p.done + 1}/${p.total}: seed ${p.seed} ${p.kind}`),
    });
    return {
      ...res,
      calibrationSource: f.recalibrate ? 'recomputed' : 'shipped',
      seedBaseSource: f['seed-base'] === undefined ? 'date' : 'flag',
      elapsedSeconds: Math.round((Date.now() - started) / 100) / 10,
    };
  }

  protected override async renderHuman(r: Result): Promise<void> {
    const { patternRows, PATTERN_COLUMNS, formatFigure: fmt } = await import('../../surveillance/present.js');
    this.out.line(
      `${r.difficulty}: seeds ${r.seeds[0]}..${r.seeds[r.seeds.length - 1]} (${r.seedBaseSource}), ${r.labels} labels, ${r.events} events over ${r.scenarioDays} simulated days; calibration ${r.calibrationSource} (seeds ${r.calibrationSeeds.base}..${r.calibrationSeeds.base + r.calibrationSeeds.count - 1})`,
    );
    this.out.line();
    this.out.line(this.out.bold('ours'));
    await this.out.table(patternRows(r.perPattern), PATTERN_COLUMNS);
    this.out.line(this.out.bold('baseline (naive rules)'));
    await this.out.table(
      r.perPattern.map((p) => ({
        type: p.type,
        alerts: p.baseline.alerts,
        tp: p.baseline.truePositives,
        precision: fmt(p.baseline.precision),
        recall: fmt(p.baseline.recall),
        f1: fmt(p.baseline.f1),
      })),
      [
        { key: 'type' },
        { key: 'alerts' },
        { key: 'tp', header: 'TP' },
        { key: 'precision' },
        { key: 'recall' },
        { key: 'f1', header: 'F1' },
      ],
    );
    this.out.keyValues({
      'macro-F1': `${fmt(r.macroF1)} (baseline ${fmt(r.baseline.macroF1)})`,
      'false alerts / benign day': `${fmt(r.falseAlertsPerDay.ours, 2)} (baseline ${fmt(r.falseAlertsPerDay.baseline, 2)}) over ${r.falseAlertsPerDay.benignDays} days`,
      'high-risk accounts that are manipulators': fmt(r.risk.highPrecision),
      'manipulators rated medium or high': fmt(r.risk.manipulatorsAtMediumOrHigh),
      'median order size': r.medianOrderQty,
      elapsed: `${r.elapsedSeconds} s`,
    });
    this.out.line(this.out.bold('anomaly detectors (reported separately)'));
    await this.out.table(
      r.anomalies.map((a) => ({
        type: a.type,
        against: a.truthKind,
        alerts: a.alerts,
        precision: fmt(a.precision),
        recall: fmt(a.recall),
        f1: fmt(a.f1),
        perDay: fmt(a.benignAlertsPerDay, 2),
        baseline: a.baseline ? `F1 ${fmt(a.baseline.f1)} (${a.baseline.alerts} alerts)` : '–',
      })),
      [
        { key: 'type' },
        { key: 'against' },
        { key: 'alerts' },
        { key: 'precision' },
        { key: 'recall' },
        { key: 'f1', header: 'F1' },
        { key: 'perDay', header: 'per benign day' },
        { key: 'baseline' },
      ],
    );
  }
}
