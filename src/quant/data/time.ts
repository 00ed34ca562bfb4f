/**
 * Timestamps and intervals as they appear in data files and flags: epoch seconds, milliseconds,
 * microseconds or nanoseconds (told apart by magnitude), ISO 8601 / RFC 3339 strings (UTC unless an
 * offset is given), and interval strings such as `15m`, `1h`, `1d`.
 */
import { AitbcError } from '../../core/errors.js';

const ISO =
  /^(\d{4})-(\d{2})-(\d{2})(?:[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?\s*(Z|z|[+-]\d{2}(?::?\d{2})?)?$/;

/**
 * The epoch milliseconds of a numeric timestamp. The unit follows from the magnitude: below 10^11 it is
 * seconds (10^11 s is the year 5138), below 10^14 milliseconds, below 10^17 microseconds, else
 * nanoseconds. Returns NaN for negative or non-finite input.
 * @example epochToMs(1_700_000_000) // 1_700_000_000_000
 */
export function epochToMs(v: number): number {
  if (!Number.isFinite(v) || v < 0) return Number.NaN;
  if (v < 1e11) return Math.round(v * 1000);
  if (v < 1e14) return Math.round(v);
  if (v < 1e17) return Math.round(v / 1000);
  return Math.round(v / 1e6);
}

/**
 * Parses an ISO 8601 date or date-time (`2024-01-02`, `2024-01-02T03:04:05.678Z`, `2024-01-02 03:04`,
 * `…+02:00`). Without an offset the time is UTC (not the machine's zone, so results do not depend on
 * where they are computed). Returns NaN when the text is not such a date or names an impossible one.
 */
export function isoToMs(text: string): number {
  const m = ISO.exec(text.trim());
  if (!m) return Number.NaN;
  const [, y, mo, d, h = '0', mi = '0', s = '0', frac = '', zone] = m;
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  const hour = Number(h);
  const minute = Number(mi);
  const second = Number(s);
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return Number.NaN;
  if (hour > 23 || minute > 59 || second > 59) return Number.NaN;
  const ms = frac === '' ? 0 : Math.round(Number(`0.${frac}`) * 1000);
  let t = Date.UTC(year, month - 1, day, hour, minute, second, ms);
  if (zone && zone.toUpperCase() !== 'Z') {
    const sign = zone[0] === '-' ? -1 : 1;
    const digits = zone.slice(1).replace(':', '');
    const offH = Number(digits.slice(0, 2));
    const offM = digits.length > 2 ? Number(digits.slice(2)) : 0;
    if (offH > 23 || offM > 59) return Number.NaN;
    t -= sign * (offH * 60 + offM) * 60_000;
  }
  return t;
}

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/**
 * Parses a timestamp cell: a number (epoch in any of the units above, also as text) or an ISO string.
 * Returns NaN when it is neither.
 */
export function parseTimestamp(value: unknown): number {
  if (typeof value === 'number') return epochToMs(value);
  if (typeof value !== 'string') return Number.NaN;
  const t = value.trim();
  if (/^[0-9]+(\.[0-9]+)?([eE][+-]?[0-9]+)?$/.test(t)) return epochToMs(Number(t));
  return isoToMs(t);
}

/**
 * Parses a time given on the command line (`--from 2024-01-01`, `--to 1700000000`).
 * @throws AitbcError INVALID_INPUT naming the flag when the value is not a timestamp.
 */
export function parseTimeFlag(flag: string, value: string): number {
  const t = parseTimestamp(value);
  if (Number.isNaN(t)) {
    throw new AitbcError(
      'INVALID_INPUT',
      `${flag}: "${value}" is not a time; use an ISO date (2024-01-31, 2024-01-31T12:00:00Z) or epoch seconds/ms`,
      { flag, value },
    );
  }
  return t;
}

const UNIT_MS: Record<string, number> = {
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
};

/**
 * Parses an interval such as `500ms`, `30s`, `1m`, `4h`, `1d`, `1w` (`m` is minutes).
 * @throws AitbcError INVALID_INPUT naming `what` for anything else, including zero.
 * @example parseIntervalMs('4h') // 14_400_000
 */
export function parseIntervalMs(value: string, what = 'interval'): number {
  const m = /^\s*([0-9]+)\s*(ms|s|m|h|d|w)\s*$/.exec(value);
  const ms = m ? Number(m[1]) * UNIT_MS[m[2]] : Number.NaN;
  if (!Number.isSafeInteger(ms) || ms <= 0) {
    throw new AitbcError(
      'INVALID_INPUT',
      `${what}: "${value}" is not an interval; use a whole number with ms, s, m, h, d or w (15m, 1h, 1d)`,
      { [what.replace(/^--/, '')]: value },
    );
  }
  return ms;
}

/**
 * The shortest exact spelling of an interval (`3600000` → `1h`, `5400000` → `90m`).
 * @example formatIntervalMs(86_400_000) // '1d'
 */
export function formatIntervalMs(ms: number): string {
  if (!Number.isFinite(ms) || ms <= 0) return `${ms}ms`;
  for (const unit of ['w', 'd', 'h', 'm', 's'] as const) {
    if (ms % UNIT_MS[unit] === 0) return `${ms / UNIT_MS[unit]}${unit}`;
  }
  return `${ms}ms`;
}

/** RFC 3339 UTC with milliseconds (DESIGN §4). */
export function rfc3339(ms: number): string {
  return new Date(ms).toISOString();
}
