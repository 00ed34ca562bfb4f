import { AitbcCommand } from '../../cli/base-command.js';
import { Flags } from '../../cli/oclif.js';
import type { ThresholdFigures } from '../../surveillance/calibration.js';
import type { Calibration } from '../../surveillance/calibration-types.js';

interface Result {
  calibration: Calibration;
  /** the chosen thresholds' figures on the calibration scenarios themselves (in-sample) */
  inSample: Record<string, ThresholdFigures>;
  /** true when the result equals the shipped calibration */
  matchesShipped: boolean;
  scenarios: number;
  events: number;
  out?: string;
}

export default class AiSurveillanceCalibrate extends AitbcCommand<typeof AiSurveillanceCalibrate, Result> {
  static override summary =
    'Derive the detector thresholds, score maps and risk cut-offs on the calibration seeds';
  static override description =
    'Generates the fixed calibration range (seeds and method in docs/surveillance.md), picks each detector’s threshold, fits the isotonic score maps and the risk-level cut-offs, and says whether the result equals the shipped calibration (src/surveillance/calibration.json). --out writes it (to regenerate the shipped file: --out src/surveillance/calibration.json). Takes about a minute.';
  static override examples = [
    '<%= config.bin %> ai-surveillance calibrate',
    '<%= config.bin %> ai-surveillance calibrate --out src/surveillance/calibration.json --json',
  ];
  static override flags = {
    out: Flags.string({ char: 'o', description: 'write the calibration (JSON) to this file' }),
  };

  async run(): Promise<Result> {
    const [{ calibrate }, { DEFAULT_CALIBRATION }, secure, { canonicalJson }] = await Promise.all([
      import('../../surveillance/calibration.js'),
      import('../../surveillance/default-calibration.js'),
      import('../../cli/secure-fs.js'),
      import('../../core/canonical-json.js'),
    ]);
    const r = calibrate({
      onProgress: (p) => this.out.info(`scenario ${p.done + 1}/${p.total}: seed ${p.seed} ${p.difficulty}`),
    });
    if (this.flags.out) secure.writeFileAtomic(this.flags.out, `${JSON.stringify(r.calibration, null, 2)}\n`);
    return {
      calibration: r.calibration,
      inSample: r.chosen,
      matchesShipped: canonicalJson(r.calibration) === canonicalJson(DEFAULT_CALIBRATION),
      scenarios: r.scenarios,
      events: r.events,
      ...(this.flags.out ? { out: this.flags.out } : {}),
    };
  }

  protected override async renderHuman(r: Result): Promise<void> {
    const { formatFigure: fmt } = await import('../../surveillance/present.js');
    await this.out.table(
      Object.entries(r.inSample).map(([type, x]) => ({
        type,
        threshold: x.threshold,
        f1: fmt(x.f1),
        precision: fmt(x.precision),
        recall: fmt(x.recall),
        perDay: fmt(x.falseAlertsPerDay, 2),
      })),
      [
        { key: 'type' },
        { key: 'threshold' },
        { key: 'f1', header: 'F1 (in-sample)' },
        { key: 'precision' },
        { key: 'recall' },
        { key: 'perDay', header: 'alerts / benign day' },
      ],
    );
    this.out.keyValues({
      'risk cut-offs': `medium ≥ ${r.calibration.riskCutoffs.medium}, high ≥ ${r.calibration.riskCutoffs.high}`,
      scenarios: r.scenarios,
      events: r.events,
      'equals shipped': r.matchesShipped,
      written: r.out,
    });
  }
}
