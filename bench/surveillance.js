// Surveillance benchmark (issue 6), every figure measured in this run:
// 1. calibration recomputed on the fixed calibration seeds (and compared with the shipped file);
// 2. detection quality on test seeds (default base from today's UTC date, printed) at medium, easy and
//    hard: per-pattern precision / recall / F1 and macro-F1, ours beside the naive baseline, false
//    alerts per simulated benign day, all with the thresholds from step 1;
// 3. `scan` throughput on a ~1M-event file: in-process parse-only pass vs full scan over the same file
//    (best of several runs, wall and CPU time), and the CLI end to end as a separate process.
// Generating scenarios and writing the throughput file are not timed. Run after a build:
// `node bench/surveillance.js` (or through bench/run-all.js, which calls run()).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { printTable, timeProcess } from './lib.js';

const ROOT = fileURLToPath(new URL('../', import.meta.url));

/** Best wall and CPU time (ms) of `runs` calls, and the last result. */
function best(fn, runs) {
  let ms = Number.POSITIVE_INFINITY;
  let cpuMs = Number.POSITIVE_INFINITY;
  let out;
  for (let i = 0; i < runs; i++) {
    const c = process.cpuUsage();
    const t = performance.now();
    out = fn();
    ms = Math.min(ms, performance.now() - t);
    const used = process.cpuUsage(c);
    cpuMs = Math.min(cpuMs, (used.user + used.system) / 1000);
  }
  return { ms, cpuMs, out };
}

const round = (x, d = 3) => (x === null || x === undefined ? null : Math.round(x * 10 ** d) / 10 ** d);

/**
 * Runs the benchmark and returns its figures (printed unless `print` is false).
 * @returns {Promise<object>} {calibration, quality: {medium, easy, hard}, throughput, goals}
 */
export async function run({
  seeds = 10,
  seedBase,
  difficulties = ['medium', 'easy', 'hard'],
  throughputDays = 8,
  runs = 3,
  print = true,
} = {}) {
  const { calibrate, CALIBRATION_SEEDS } = await import('../dist/surveillance/calibration.js');
  const { DEFAULT_CALIBRATION } = await import('../dist/surveillance/default-calibration.js');
  const bench = await import('../dist/surveillance/bench.js');
  const { canonicalJson } = await import('../dist/core/canonical-json.js');
  const { generateScenario } = await import('../dist/surveillance/generator.js');
  const parse = await import('../dist/surveillance/parse.js');
  const { scanFile } = await import('../dist/surveillance/scan.js');
  const log = (s) => print && process.stderr.write(`${s}\n`);

  // 1. Calibration, recomputed here.
  const c0 = performance.now();
  const cal = calibrate();
  const calibration = {
    seeds: CALIBRATION_SEEDS,
    seconds: round((performance.now() - c0) / 1000, 1),
    matchesShipped: canonicalJson(cal.calibration) === canonicalJson(DEFAULT_CALIBRATION),
    thresholds: cal.calibration.thresholds,
    riskCutoffs: cal.calibration.riskCutoffs,
  };
  log(`calibration: ${calibration.seconds} s, equals shipped: ${calibration.matchesShipped}`);

  // 2. Quality on test seeds.
  const base = seedBase ?? bench.defaultSeedBase(new Date());
  const quality = {};
  for (const difficulty of difficulties) {
    const t = performance.now();
    const r = bench.runBenchmark({ seeds, seedBase: base, difficulty, calibration: cal.calibration });
    quality[difficulty] = {
      seedBase: base,
      seeds,
      labels: r.labels,
      macroF1: round(r.macroF1),
      baselineMacroF1: round(r.baseline.macroF1),
      falseAlertsPerDay: round(r.falseAlertsPerDay.ours, 2),
      baselineFalseAlertsPerDay: round(r.falseAlertsPerDay.baseline, 2),
      benignDays: r.falseAlertsPerDay.benignDays,
      perPattern: r.perPattern.map((p) => ({
        type: p.type,
        labels: p.labels,
        alerts: p.alerts,
        precision: round(p.precision),
        recall: round(p.recall),
        f1: round(p.f1),
        latencyMedianS: round(p.latencyMedianS, 0),
        baselinePrecision: round(p.baseline.precision),
        baselineRecall: round(p.baseline.recall),
        baselineF1: round(p.baseline.f1),
      })),
      anomalies: r.anomalies.map((a) => ({
        type: a.type,
        against: a.truthKind,
        precision: round(a.precision),
        recall: round(a.recall),
        f1: round(a.f1),
        benignAlertsPerDay: round(a.benignAlertsPerDay, 2),
      })),
      risk: {
        highPrecision: round(r.risk.highPrecision),
        manipulatorsAtMediumOrHigh: round(r.risk.manipulatorsAtMediumOrHigh),
      },
      seconds: round((performance.now() - t) / 1000, 1),
    };
    log(
      `${difficulty}: macro-F1 ${quality[difficulty].macroF1} (baseline ${quality[difficulty].baselineMacroF1})`,
    );
  }

  // 3. Throughput.
  const dir = mkdtempSync(path.join(tmpdir(), 'aitbc-bench-surv-'));
  let throughput;
  try {
    const file = path.join(dir, 'events.csv');
    const sc = generateScenario({ seed: 777, difficulty: 'medium', durationMs: throughputDays * 86_400_000 });
    writeFileSync(file, `${parse.CSV_HEADER}\n${sc.events.map(parse.eventToCsv).join('\n')}\n`);
    const events = sc.events.length;
    const parseOnly = best(() => parse.parseEventsFile(file), runs);
    const scan = best(() => scanFile(file), runs);
    const home = path.join(dir, 'home');
    let cliMs = Number.POSITIVE_INFINITY;
    for (let i = 0; i < runs; i++) {
      const ms = timeProcess(
        process.execPath,
        [path.join(ROOT, 'bin/run.js'), 'ai-surveillance', 'scan', '--data', file, '--no-save', '--json'],
        {
          env: { ...process.env, AITBC_HOME: home, NO_COLOR: '1' },
          maxBuffer: 1 << 28,
        },
      );
      cliMs = Math.min(cliMs, ms);
    }
    const perSec = (ms) => Math.round((events / ms) * 1000);
    throughput = {
      events,
      bytes: parseOnly.out.bytes,
      parseOnly: {
        ms: round(parseOnly.ms, 0),
        cpuMs: round(parseOnly.cpuMs, 0),
        eventsPerSecond: perSec(parseOnly.ms),
      },
      scan: {
        ms: round(scan.ms, 0),
        cpuMs: round(scan.cpuMs, 0),
        eventsPerSecond: perSec(scan.ms),
        eventsPerCpuSecond: perSec(scan.cpuMs),
        alerts: scan.out.alerts.length,
      },
      scanToParseRatio: round(parseOnly.ms / scan.ms),
      cli: { ms: round(cliMs, 0), eventsPerSecond: perSec(cliMs) },
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }

  const medium = quality.medium;
  const goals = {
    mediumMacroF1AtLeast09: medium ? medium.macroF1 >= 0.9 : null,
    falseAlertsPerDayAtMost1: medium ? medium.falseAlertsPerDay <= 1 : null,
    scanAtLeast500kPerSecond: throughput.scan.eventsPerSecond >= 500_000,
  };
  const result = { calibration, quality, throughput, goals };

  if (print) {
    console.log('\n## Surveillance');
    console.log(
      `calibration seeds ${CALIBRATION_SEEDS.base}..${CALIBRATION_SEEDS.base + CALIBRATION_SEEDS.count - 1} (recomputed in ${calibration.seconds} s; equals shipped: ${calibration.matchesShipped})`,
    );
    for (const [difficulty, q] of Object.entries(quality)) {
      console.log(
        `\n${difficulty}: test seeds ${q.seedBase}..${q.seedBase + q.seeds - 1}, ${q.labels} labels, ${q.seconds} s`,
      );
      printTable(
        q.perPattern.map((p) => ({
          type: p.type,
          labels: p.labels,
          alerts: p.alerts,
          P: p.precision,
          R: p.recall,
          F1: p.f1,
          'latency s': p.latencyMedianS ?? '–',
          'base P': p.baselinePrecision,
          'base R': p.baselineRecall,
          'base F1': p.baselineF1,
        })),
        ['type', 'labels', 'alerts', 'P', 'R', 'F1', 'latency s', 'base P', 'base R', 'base F1'],
      );
      console.log(
        `macro-F1 ${q.macroF1} (baseline ${q.baselineMacroF1}); false alerts per benign day ${q.falseAlertsPerDay} (baseline ${q.baselineFalseAlertsPerDay}) over ${q.benignDays} days`,
      );
    }
    const t = throughput;
    console.log(
      `\nscan throughput on ${t.events} events (${(t.bytes / 1e6).toFixed(1)} MB CSV): parse-only ${t.parseOnly.eventsPerSecond} ev/s (${t.parseOnly.ms} ms, ${t.parseOnly.cpuMs} ms CPU); scan ${t.scan.eventsPerSecond} ev/s (${t.scan.ms} ms, ${t.scan.cpuMs} ms CPU = ${t.scan.eventsPerCpuSecond} ev per CPU-s); scan / parse-only time ratio ${t.scanToParseRatio}; CLI end to end ${t.cli.eventsPerSecond} ev/s (${t.cli.ms} ms)`,
    );
    console.log(`goals: ${JSON.stringify(goals)}`);
  }
  return result;
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const arg = (name) => {
    const i = process.argv.indexOf(name);
    return i > 0 ? Number(process.argv[i + 1]) : undefined;
  };
  await run({ seeds: arg('--seeds'), seedBase: arg('--seed-base') });
}
