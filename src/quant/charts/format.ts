/**
 * Number and tick formatting shared by the terminal and SVG charts.
 */

/**
 * "Nice" tick values (steps of 1, 2 or 5 × 10^k) covering [min, max], about `count` of them.
 * @example niceTicks(0, 97, 5) // [0, 20, 40, 60, 80]
 */
export function niceTicks(min: number, max: number, count = 5): number[] {
  if (!(max > min)) return [min];
  const raw = (max - min) / Math.max(1, count);
  const mag = 10 ** Math.floor(Math.log10(raw));
  const norm = raw / mag;
  const step = (norm >= 5 ? 10 : norm >= 2 ? 5 : norm >= 1 ? 2 : 1) * mag;
  const ticks: number[] = [];
  // Multiples of the step, rounded to 12 digits so 3 × 0.1 is 0.3 and not 0.30000000000000004.
  for (let k = Math.ceil(min / step); k <= Math.floor(max / step + 1e-9); k++)
    ticks.push(Number((k * step).toPrecision(12)));
  return ticks;
}

/**
 * A compact label for a value on an axis whose ticks are `step` apart: enough decimals to tell ticks
 * apart, thousands as k/M/B for large magnitudes.
 * @example formatTick(1234567, 500000) // '1.23M'
 */
export function formatTick(v: number, step: number): string {
  const a = Math.abs(v);
  if (a >= 1e9) return `${trim((v / 1e9).toFixed(2))}B`;
  if (a >= 1e6) return `${trim((v / 1e6).toFixed(2))}M`;
  if (a >= 1e5) return `${trim((v / 1e3).toFixed(1))}k`;
  const s = Math.abs(step) > 0 && Number.isFinite(step) ? step : a || 1;
  const decimals = Math.min(8, Math.max(0, 1 - Math.floor(Math.log10(s))));
  return trim(v.toFixed(decimals));
}

function trim(s: string): string {
  return s.includes('.') ? s.replace(/0+$/, '').replace(/\.$/, '') : s;
}

/** Finite min and max over several series; undefined when none has a finite value. */
export function finiteRange(
  series: ReadonlyArray<ArrayLike<number>>,
): { min: number; max: number } | undefined {
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (const s of series) {
    for (let i = 0; i < s.length; i++) {
      const v = s[i];
      if (v < min) min = v;
      if (v > max) max = v;
    }
  }
  return Number.isFinite(min) && Number.isFinite(max) ? { min, max } : undefined;
}

/**
 * A value for tables: up to 7 significant digits, '–' for NaN/null.
 * @example formatValue(70.46413502109705) // '70.46414'
 */
export function formatValue(v: number | null | undefined): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return '–';
  return Math.abs(v) >= 1e7 ? v.toFixed(0) : String(Number(v.toPrecision(7)));
}
