/**
 * Sanity checks on OHLCV series (DESIGN §9): times finite and strictly increasing (so sorted and free
 * of duplicates), every price finite with high ≥ max(open, close) ≥ min(open, close) ≥ low > 0, and
 * volume finite and ≥ 0.
 */
import { AitbcError } from '../../core/errors.js';
import type { Ohlcv } from '../types.js';
import { rfc3339 } from './time.js';

export interface ValidationIssue {
  /** 0-based bar index. */
  bar: number;
  /** Where the bar came from (`line 12`), or `bar 11`. */
  where: string;
  problem: string;
}

const MAX_REPORTED = 1000;

/**
 * Lists every problem in a series (up to 1000), without throwing.
 * @param where names bar i for messages; defaults to `bar i`.
 */
export function findIssues(data: Ohlcv, where: (i: number) => string = (i) => `bar ${i}`): ValidationIssue[] {
  const { time, open, high, low, close, volume } = data;
  const n = time.length;
  const issues: ValidationIssue[] = [];
  for (const [name, arr] of Object.entries({ open, high, low, close, volume })) {
    if (arr.length !== n) {
      issues.push({
        bar: -1,
        where: 'series',
        problem: `${name} has ${arr.length} values but time has ${n}`,
      });
    }
  }
  if (issues.length > 0) return issues;
  const add = (i: number, problem: string) => {
    if (issues.length < MAX_REPORTED) issues.push({ bar: i, where: where(i), problem });
  };
  for (let i = 0; i < n; i++) {
    const t = time[i];
    if (!Number.isFinite(t)) add(i, 'time is not a finite number');
    else if (i > 0 && Number.isFinite(time[i - 1]) && t <= time[i - 1]) {
      add(
        i,
        t === time[i - 1]
          ? `duplicate time ${rfc3339(t)} (also at ${where(i - 1)})`
          : `time ${rfc3339(t)} is before ${rfc3339(time[i - 1])} at ${where(i - 1)} (rows must be sorted by time)`,
      );
    }
    const o = open[i];
    const h = high[i];
    const l = low[i];
    const c = close[i];
    const v = volume[i];
    if (![o, h, l, c].every(Number.isFinite)) {
      add(i, 'open, high, low and close must be finite numbers');
      continue;
    }
    if (l <= 0) add(i, `low ${l} must be > 0`);
    if (h < l) add(i, `high ${h} is below low ${l}`);
    else {
      if (h < Math.max(o, c)) add(i, `high ${h} is below max(open ${o}, close ${c})`);
      if (l > Math.min(o, c)) add(i, `low ${l} is above min(open ${o}, close ${c})`);
    }
    if (!Number.isFinite(v) || v < 0) add(i, `volume ${v} must be a finite number ≥ 0`);
  }
  return issues;
}

/**
 * Checks a series.
 * @throws AitbcError INVALID_INPUT listing the first problems in the message and up to 1000 in
 *   `details.issues`; an empty series is invalid too.
 * @example validateOhlcv(data) // throws on high < low, unsorted or duplicate times, prices ≤ 0, NaN
 */
export function validateOhlcv(
  data: Ohlcv,
  opts: { where?: (i: number) => string; source?: string } = {},
): void {
  const prefix = opts.source ? `${opts.source}: ` : '';
  if (data.time.length === 0)
    throw new AitbcError('INVALID_INPUT', `${prefix}no bars`, { source: opts.source });
  const issues = findIssues(data, opts.where);
  if (issues.length === 0) return;
  const shown = issues
    .slice(0, 5)
    .map((x) => `${x.where}: ${x.problem}`)
    .join('; ');
  const more = issues.length > 5 ? ` (and ${issues.length - 5} more)` : '';
  throw new AitbcError('INVALID_INPUT', `${prefix}invalid OHLCV data: ${shown}${more}`, {
    source: opts.source,
    issues,
  });
}
