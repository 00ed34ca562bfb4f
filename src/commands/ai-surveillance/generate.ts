import { AitbcCommand } from '../../cli/base-command.js';
import { Flags } from '../../cli/oclif.js';
import { AitbcError } from '../../core/errors.js';

interface Result {
  seed: number;
  difficulty: string | null;
  benignOnly: boolean;
  from: string;
  to: string;
  events: number;
  accounts: number;
  labels: number;
  news: Array<{ time: string; logMove: number }>;
  out: string;
  labelsFile?: string;
}

export default class AiSurveillanceGenerate extends AitbcCommand<typeof AiSurveillanceGenerate, Result> {
  static override summary = 'Generate a seeded market day with labelled manipulations (the benchmark’s data)';
  static override description =
    'Simulates one instrument: honest traders, market makers cancelling nearly every quote, arbitrageurs doing quick round trips, news jumps; then injects wash trading, spoofing, layering and a pump and dump at --difficulty (parameters in docs/surveillance.md). Events go to --out (CSV, or NDJSON when the name ends in .ndjson/.jsonl); the labels go to a separate --labels file that `scan` never reads. Account names and ids say nothing about roles.';
  static override examples = [
    '<%= config.bin %> ai-surveillance generate --seed 7 --out events.csv --labels labels.json',
    '<%= config.bin %> ai-surveillance generate --seed 7 --benign --hours 6 --out quiet.ndjson --json',
  ];
  static override flags = {
    seed: Flags.integer({ description: 'seed (non-negative integer)', required: true, min: 0 }),
    difficulty: Flags.string({
      description: 'easy, medium or hard (default medium)',
      options: ['easy', 'medium', 'hard'],
    }),
    benign: Flags.boolean({ description: 'no manipulation at all (a benign-only day)' }),
    hours: Flags.integer({
      description: 'simulated hours (default 24; manipulation counts scale with it)',
      min: 1,
      max: 720,
    }),
    out: Flags.string({ char: 'o', description: 'events file to write', required: true }),
    labels: Flags.string({
      description: 'labels file to write (JSON array of {type, accounts, start, end, eventIds})',
    }),
  };

  async run(): Promise<Result> {
    const [{ generateScenario }, parse, secure] = await Promise.all([
      import('../../surveillance/generator.js'),
      import('../../surveillance/parse.js'),
      import('../../cli/secure-fs.js'),
    ]);
    const f = this.flags;
    if (f.benign && f.labels)
      throw new AitbcError('USAGE', '--benign days have no labels; drop --labels', {});
    const sc = generateScenario({
      seed: f.seed,
      difficulty: (f.difficulty ?? 'medium') as 'easy' | 'medium' | 'hard',
      benignOnly: f.benign,
      durationMs: f.hours === undefined ? undefined : f.hours * 3_600_000,
    });
    const ndjson = /\.(ndjson|jsonl)$/i.test(f.out);
    const body = ndjson
      ? sc.events.map((e) => JSON.stringify(parse.eventToJson(e))).join('\n')
      : [parse.CSV_HEADER, ...sc.events.map(parse.eventToCsv)].join('\n');
    secure.writeFileAtomic(f.out, `${body}\n`);
    if (f.labels) secure.writeFileAtomic(f.labels, `${JSON.stringify(sc.labels, null, 2)}\n`);
    return {
      seed: sc.seed,
      difficulty: sc.difficulty,
      benignOnly: sc.benignOnly,
      from: new Date(sc.startMs).toISOString(),
      to: new Date(sc.endMs).toISOString(),
      events: sc.events.length,
      accounts: sc.accounts,
      labels: sc.labels.length,
      news: sc.news,
      out: f.out,
      ...(f.labels ? { labelsFile: f.labels } : {}),
    };
  }
}
