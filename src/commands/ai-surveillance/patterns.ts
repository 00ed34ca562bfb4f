import { AitbcCommand } from '../../cli/base-command.js';

interface Item {
  type: string;
  scope: 'market' | 'chain';
  kind: 'manipulation' | 'anomaly';
  description: string;
  /** the calibrated threshold on the detector's raw score (market types) */
  threshold: number | null;
  /** alerts of this type stored under the home */
  stored: number;
}
interface Result {
  items: Item[];
  calibrationSeeds: { base: number; count: number };
  riskCutoffs: { medium: number; high: number };
}

export default class AiSurveillancePatterns extends AitbcCommand<typeof AiSurveillancePatterns, Result> {
  static override summary =
    'List the patterns the detectors look for, their thresholds and stored alert counts';
  static override description =
    'Each alert type with what fires it, whether it runs on market data or on the chain, the calibrated threshold (derived on the calibration seeds; method in docs/surveillance.md) and how many alerts of it are stored under the home.';
  static override examples = [
    '<%= config.bin %> ai-surveillance patterns',
    '<%= config.bin %> ai-surveillance patterns --json',
  ];

  async run(): Promise<Result> {
    const [{ PATTERN_INFO }, { DEFAULT_CALIBRATION: cal }, { AlertStore }, proc, fs, types] =
      await Promise.all([
        import('../../surveillance/patterns.js'),
        import('../../surveillance/default-calibration.js'),
        import('../../surveillance/store.js'),
        import('../../surveillance/processes.js'),
        import('node:fs'),
        import('../../surveillance/types.js'),
      ]);
    const file = proc.storeFile(this.home.dir('surveillance'));
    let counts: Partial<Record<string, number>> = {};
    if (fs.existsSync(file)) {
      const store = await AlertStore.open(file);
      try {
        counts = store.countsByType();
      } finally {
        store.close();
      }
    }
    return {
      items: types.ALERT_TYPES.map((type) => ({
        type,
        ...PATTERN_INFO[type],
        threshold: type in cal.thresholds ? cal.thresholds[type as keyof typeof cal.thresholds] : null,
        stored: counts[type] ?? 0,
      })),
      calibrationSeeds: cal.seeds,
      riskCutoffs: cal.riskCutoffs,
    };
  }

  protected override async renderHuman(r: Result): Promise<void> {
    await this.out.table(
      r.items.map((i) => ({ ...i, threshold: i.threshold ?? '–' })),
      [
        { key: 'type' },
        { key: 'scope' },
        { key: 'kind' },
        { key: 'threshold' },
        { key: 'stored' },
        { key: 'description' },
      ],
    );
    this.out.info(
      `thresholds calibrated on seeds ${r.calibrationSeeds.base}..${r.calibrationSeeds.base + r.calibrationSeeds.count - 1}; risk medium ≥ ${r.riskCutoffs.medium}, high ≥ ${r.riskCutoffs.high}`,
    );
  }
}
