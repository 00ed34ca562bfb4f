/**
 * The market-data flags shared by analytics commands (`advanced-analytics …`, `ai-trading …`):
 * `--data FILE|URL|-` or `--synthetic [--seed --bars --interval]`, then `--symbol`, `--from`, `--to`,
 * `--resample`. This file stays light (flags only); the loaders are imported when data is loaded.
 */

import { AitbcError } from '../core/errors.js';
import type { LoadedData } from '../quant/data/index.js';
import { formatIntervalMs, rfc3339 } from '../quant/data/time.js';
import { Flags } from './oclif.js';

/** Spread into a command's flags: `static flags = { ...dataFlags, … }`. */
export const dataFlags = {
  data: Flags.string({
    description: 'OHLCV data: a CSV or JSON file, an http(s) URL, or - for stdin',
    helpGroup: 'DATA',
  }),
  synthetic: Flags.boolean({
    description: 'use the seeded synthetic market instead of --data (see docs/indicators.md)',
    helpGroup: 'DATA',
  }),
  seed: Flags.integer({ description: 'seed of the synthetic market (default 1)', helpGroup: 'DATA' }),
  bars: Flags.integer({ description: 'bars of synthetic data (default 2000)', min: 1, helpGroup: 'DATA' }),
  interval: Flags.string({
    description: 'bar interval of synthetic data: 1m, 15m, 1h, 4h, 1d… (default 1h)',
    helpGroup: 'DATA',
  }),
  symbol: Flags.string({
    description: 'rows of this symbol when the data has a symbol column (otherwise a label)',
    helpGroup: 'DATA',
  }),
  from: Flags.string({ description: 'first time to keep: ISO date/time (UTC) or epoch', helpGroup: 'DATA' }),
  to: Flags.string({
    description: 'last time to keep (inclusive): ISO date/time (UTC) or epoch',
    helpGroup: 'DATA',
  }),
  resample: Flags.string({ description: 'aggregate bars to a coarser interval: 4h, 1d…', helpGroup: 'DATA' }),
  timeout: Flags.string({
    description: 'seconds to wait for a --data URL [env: AITBC_TIMEOUT] (default 30)',
    helpGroup: 'DATA',
  }),
};

/** The parsed values of dataFlags (a command's flags object satisfies it). */
export interface DataFlagValues {
  data?: string;
  synthetic?: boolean;
  seed?: number;
  bars?: number;
  interval?: string;
  symbol?: string;
  from?: string;
  to?: string;
  resample?: string;
  timeout?: string;
}

export interface DataLoadIo {
  /** Seconds for a URL (the resolved --timeout / AITBC_TIMEOUT setting); default 30. */
  timeoutSeconds?: number | string;
  /** Where `--data -` reads from (default process.stdin). */
  stdin?: NodeJS.ReadableStream;
}

/**
 * Loads the data the flags name.
 * @throws AitbcError MISSING_INPUT when neither --data nor --synthetic is given; USAGE when both are;
 *   INVALID_INPUT for synthetic-only flags without --synthetic, bad times or intervals, and anything
 *   loadOhlcv refuses.
 * @example const loaded = await loadDataFromFlags(this.flags)
 */
export async function loadDataFromFlags(flags: DataFlagValues, io: DataLoadIo = {}): Promise<LoadedData> {
  const data = await import('../quant/data/index.js');
  if (flags.data === undefined && !flags.synthetic) {
    throw new AitbcError(
      'MISSING_INPUT',
      'missing market data: give --data FILE|URL|- or --synthetic',
      {
        missing: 'data',
      },
      { hint: 'try --synthetic --seed 1, or --data examples/data/synthetic-1h-seed7.csv' },
    );
  }
  if (flags.data !== undefined && flags.synthetic) {
    throw new AitbcError('USAGE', '--data and --synthetic cannot be used together', {});
  }
  const opts = {
    ...(flags.symbol !== undefined ? { symbol: flags.symbol } : {}),
    ...(flags.from !== undefined ? { fromMs: data.parseTimeFlag('--from', flags.from) } : {}),
    ...(flags.to !== undefined ? { toMs: data.parseTimeFlag('--to', flags.to) } : {}),
    ...(flags.resample !== undefined
      ? { resampleMs: data.parseIntervalMs(flags.resample, '--resample') }
      : {}),
  };
  if (flags.synthetic) {
    const seed = flags.seed ?? 1;
    const bars = flags.bars ?? 2000;
    const intervalMs =
      flags.interval === undefined
        ? data.SYNTHETIC_DEFAULT_INTERVAL_MS
        : data.parseIntervalMs(flags.interval, '--interval');
    const series = data.syntheticOhlcv({
      seed,
      bars,
      intervalMs,
      ...(flags.symbol !== undefined ? { symbol: flags.symbol } : {}),
    });
    return data.prepareLoaded(series, {
      ...opts,
      source: `synthetic(seed=${seed}, bars=${bars}, interval=${data.formatIntervalMs(intervalMs)})`,
      rows: bars,
    });
  }
  const synthOnly = (['seed', 'bars', 'interval'] as const).filter((k) => flags[k] !== undefined);
  if (synthOnly.length > 0) {
    throw new AitbcError(
      'INVALID_INPUT',
      `${synthOnly.map((k) => `--${k}`).join(', ')} only apply to --synthetic; --data files carry their own bars`,
      { flags: synthOnly },
    );
  }
  const target = flags.data as string;
  if (target === '-') {
    if (io.stdin === undefined && process.stdin.isTTY) {
      throw new AitbcError(
        'MISSING_INPUT',
        '--data - reads OHLCV from stdin, but stdin is a terminal',
        {
          missing: 'stdin',
        },
        { hint: 'pipe a file in: aitbc … --data - < bars.csv' },
      );
    }
    const text = await readAll(io.stdin ?? process.stdin);
    return data.loadOhlcv({ text, format: data.sniffFormat(text), name: 'stdin' }, opts);
  }
  if (/^https?:\/\//i.test(target)) {
    const seconds = Number(io.timeoutSeconds ?? flags.timeout ?? 30);
    if (!Number.isFinite(seconds) || seconds <= 0) {
      throw new AitbcError(
        'INVALID_INPUT',
        `timeout must be a positive number of seconds, got "${io.timeoutSeconds ?? flags.timeout}"`,
        {
          setting: 'timeout',
        },
      );
    }
    return data.loadOhlcv({ url: target }, { ...opts, timeoutMs: seconds * 1000 });
  }
  return data.loadOhlcv({ path: target }, opts);
}

async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream)
    chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
  return Buffer.concat(chunks).toString('utf8');
}

/** The JSON-ready description of loaded data that analytics commands put in their results. */
export interface DataSummary {
  source: string;
  symbol?: string;
  bars: number;
  interval: string;
  intervalMs: number;
  from: string;
  to: string;
  gaps: {
    count: number;
    missingBars: number;
    first: Array<{ from: string; to: string; missingBars: number }>;
  };
  warnings: string[];
}

/**
 * Summarises loaded data: source, symbol, bar count and interval, time span, gaps (count, bars missing,
 * the first ten) and warnings.
 */
export function dataSummary(loaded: LoadedData): DataSummary {
  const { data } = loaded;
  const n = data.time.length;
  const iso = rfc3339;
  return {
    source: loaded.source,
    ...(data.symbol !== undefined ? { symbol: data.symbol } : {}),
    bars: n,
    interval: loaded.intervalMs > 0 ? formatIntervalMs(loaded.intervalMs) : 'n/a',
    intervalMs: loaded.intervalMs,
    from: iso(data.time[0]),
    to: iso(data.time[n - 1]),
    gaps: {
      count: loaded.gaps.length,
      missingBars: loaded.gaps.reduce((s, g) => s + g.missingBars, 0),
      first: loaded.gaps
        .slice(0, 10)
        .map((g) => ({ from: iso(g.fromMs), to: iso(g.toMs), missingBars: g.missingBars })),
    },
    warnings: loaded.warnings,
  };
}

/** Lines for stderr about gaps and warnings in human output. */
export function dataWarnings(summary: DataSummary): string[] {
  const lines = [...summary.warnings];
  const g = summary.gaps;
  if (g.count > 0) {
    const first = g.first[0];
    lines.push(
      `${g.count} gap${g.count === 1 ? '' : 's'} in the data (${g.missingBars} missing ${summary.interval} bars), first ${first.from} → ${first.to}`,
    );
  }
  return lines;
}
