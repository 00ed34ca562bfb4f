/** Building a BacktestConfig from user-facing options (`--size`, `--fill`, …), with the defaults. */
import { AitbcError } from '../../core/errors.js';
import { resolvePeriodsPerYear } from '../metrics/periods.js';
import { validateConfig } from './engine.js';
import type { BacktestConfig, FillMode, Sizing } from './types.js';

export const DEFAULTS = {
  capital: 10_000,
  feeBps: 10,
  slippageBps: 5,
  fill: 'open' as FillMode,
  size: 'all-in',
};

/**
 * Parses `--size`: `all-in`, a percentage of equity (`50%`), or a fixed quote amount per entry (`1000`).
 * @throws AitbcError INVALID_INPUT for anything else.
 * @example parseSizing('25%') // {mode: 'fraction', fraction: 0.25}
 */
export function parseSizing(text: string): Sizing {
  const s = text.trim().toLowerCase();
  if (s === 'all-in' || s === 'all' || s === '100%') return { mode: 'all-in' };
  const pctMatch = /^([0-9]+(?:\.[0-9]+)?)%$/.exec(s);
  if (pctMatch) {
    const f = Number(pctMatch[1]) / 100;
    if (f > 0 && f <= 1) return { mode: 'fraction', fraction: f };
  } else if (/^[0-9]+(?:\.[0-9]+)?$/.test(s) && Number(s) > 0) {
    return { mode: 'fixed', quote: Number(s) };
  }
  throw new AitbcError(
    'INVALID_INPUT',
    `--size "${text}": use all-in, a percentage of equity in (0, 100]% such as 50%, or a fixed quote amount such as 1000`,
    { size: text },
  );
}

/**
 * A number given as text (`--capital 2500.5`).
 * @throws AitbcError INVALID_INPUT naming the option.
 */
export function parseNumberOption(name: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const v = text.trim() === '' ? Number.NaN : Number(text);
  if (!Number.isFinite(v)) {
    throw new AitbcError('INVALID_INPUT', `${name} must be a number, got "${text}"`, {
      option: name,
      value: text,
    });
  }
  return v;
}

/** How a sizing is described in output. */
export function describeSizing(s: Sizing): string {
  if (s.mode === 'all-in') return 'all-in (100 % of equity per entry)';
  if (s.mode === 'fraction') return `${+(s.fraction * 100).toFixed(6)} % of equity per entry`;
  return `fixed ${s.quote} quote per entry (capped by equity)`;
}

export interface ConfigInput {
  capital?: number;
  feeBps?: number;
  slippageBps?: number;
  fill?: string;
  size?: string;
  allowShort?: boolean;
  periodsPerYear?: number;
  /** Bar spacing of the data, for periods per year. */
  intervalMs: number;
}

/**
 * The engine configuration with defaults filled in, validated.
 * @throws AitbcError INVALID_INPUT naming the bad option.
 */
export function makeConfig(input: ConfigInput): { config: BacktestConfig; periodsPerYearSource: string } {
  const fill = input.fill ?? DEFAULTS.fill;
  if (fill !== 'open' && fill !== 'close') {
    throw new AitbcError('INVALID_INPUT', `--fill must be open or close, got "${fill}"`, { fill });
  }
  const ppy = resolvePeriodsPerYear(input.intervalMs, input.periodsPerYear);
  const config: BacktestConfig = {
    capital: input.capital ?? DEFAULTS.capital,
    feeBps: input.feeBps ?? DEFAULTS.feeBps,
    slippageBps: input.slippageBps ?? DEFAULTS.slippageBps,
    fill,
    sizing: parseSizing(input.size ?? DEFAULTS.size),
    allowShort: input.allowShort ?? false,
    periodsPerYear: ppy.periodsPerYear,
  };
  validateConfig(config);
  return { config, periodsPerYearSource: ppy.source };
}

/** The assumptions every backtest prints, fees and slippage always among them. */
export function describeAssumptions(config: BacktestConfig, periodsPerYearSource: string) {
  return {
    capital: config.capital,
    feeBps: config.feeBps,
    slippageBps: config.slippageBps,
    fill:
      config.fill === 'open'
        ? 'next bar open (signal on the close, filled at the next open)'
        : 'same bar close (OPTIMISTIC: assumes trading at the price that produced the signal)',
    sizing: describeSizing(config.sizing),
    shorts: config.allowShort ? 'allowed' : 'not allowed (short signals mean flat)',
    periodsPerYear: config.periodsPerYear,
    periodsPerYearSource,
    riskFreeRate: 0,
  };
}
