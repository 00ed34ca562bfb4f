import { AitbcCommand } from '../../cli/base-command.js';
import { Flags } from '../../cli/oclif.js';
import { AitbcError } from '../../core/errors.js';
import type { PatternScore } from '../../surveillance/scoring.js';

interface Result {
  alerts: number;
  labels: number;
  macroF1: number;
  perPattern: PatternScore[];
}

export default class AiSurveillanceScore extends AitbcCommand<typeof AiSurveillanceScore, Result> {
  static override summary = 'Score an alert file against a labels file';
  static override description =
    'The benchmark’s rule: an alert matches a label of the same type when they share an event id or their windows overlap within ±60 s, the alert’s window is at most 4× the label’s plus 2 minutes, and at least half the alert’s accounts are in the label; each label credits at most one alert (others matching it are duplicates). Prints precision, recall and F1 per pattern (the four manipulation types, plus any other type the files hold) and the macro-F1 over wash_trading, spoofing, layering and pump_and_dump — all computed now, from these files.';
  static override examples = [
    '<%= config.bin %> ai-surveillance score --alerts alerts.json --labels labels.json',
    '<%= config.bin %> ai-surveillance score --alerts alerts.ndjson --labels labels.json --json',
  ];
  static override flags = {
    alerts: Flags.string({
      description: 'alerts: a JSON array, `scan --json` output, or NDJSON',
      required: true,
    }),
    labels: Flags.string({
      description: 'labels: a JSON array of {type, accounts, start, end, eventIds}',
      required: true,
    }),
  };

  async run(): Promise<Result> {
    const [fs, { parseScorables }, scoring, types] = await Promise.all([
      import('node:fs'),
      import('../../surveillance/score-input.js'),
      import('../../surveillance/scoring.js'),
      import('../../surveillance/types.js'),
    ]);
    const read = (file: string) => {
      try {
        return fs.readFileSync(file, 'utf8');
      } catch (e) {
        throw new AitbcError(
          'MISSING_INPUT',
          `cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? e}`,
          { file },
        );
      }
    };
    const alerts = parseScorables(read(this.flags.alerts), 'alerts');
    const labels = parseScorables(read(this.flags.labels), 'labels');
    const extra = [...new Set([...alerts, ...labels].map((x) => x.type))].filter(
      (t) => !(types.MANIPULATION_TYPES as readonly string[]).includes(t),
    );
    const report = scoring.scoreAlerts(alerts, labels, [...types.MANIPULATION_TYPES, ...extra.sort()]);
    return { alerts: alerts.length, labels: labels.length, ...report };
  }

  protected override async renderHuman(r: Result): Promise<void> {
    const { patternRows, PATTERN_COLUMNS } = await import('../../surveillance/present.js');
    await this.out.table(patternRows(r.perPattern), PATTERN_COLUMNS);
    this.out.line(`macro-F1 (wash_trading, spoofing, layering, pump_and_dump): ${r.macroF1.toFixed(3)}`);
  }
}
