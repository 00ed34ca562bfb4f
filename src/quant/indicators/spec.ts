/**
 * Indicator ids as users type them (`rsi:14`, `macd:12:26:9`, `bbands:20:2`, `vwap:day`): parsing with
 * errors that list the valid ids, the bars each needs, and computing one on OHLCV data.
 */
import { AitbcError } from '../../core/errors.js';
import type { Ohlcv } from '../types.js';
import { assertConvention, assertPeriod, type Convention } from './common.js';
import { macd, rsi, stoch } from './momentum.js';
import { ema, sma, wma } from './moving-averages.js';
import { atr, bbands } from './volatility.js';
import { obv, vwap } from './volume.js';

/** The indicator names, in the order docs and errors list them. */
export const INDICATOR_IDS = [
  'sma',
  'ema',
  'wma',
  'rsi',
  'macd',
  'bbands',
  'atr',
  'stoch',
  'obv',
  'vwap',
] as const;

export type IndicatorName = (typeof INDICATOR_IDS)[number];

/** How each id is written. */
export const INDICATOR_SYNTAX: Readonly<Record<IndicatorName, string>> = {
  sma: 'sma:N',
  ema: 'ema:N',
  wma: 'wma:N',
  rsi: 'rsi:N',
  macd: 'macd:fast:slow:signal',
  bbands: 'bbands:N:k',
  atr: 'atr:N',
  stoch: 'stoch:k:kSlow:d',
  obv: 'obv',
  vwap: 'vwap[:none|day]',
};

/** The output names of the indicators with several outputs. */
export const INDICATOR_OUTPUTS: Readonly<Partial<Record<IndicatorName, readonly string[]>>> = {
  macd: ['macd', 'signal', 'hist'],
  bbands: ['upper', 'middle', 'lower'],
  stoch: ['k', 'd'],
};

/** A parsed indicator id; `id` is its canonical spelling (lower case, numbers normalised). */
export type IndicatorSpec =
  | { kind: 'sma' | 'ema' | 'wma' | 'rsi' | 'atr'; id: string; period: number }
  | { kind: 'macd'; id: string; fast: number; slow: number; signal: number }
  | { kind: 'bbands'; id: string; period: number; k: number }
  | { kind: 'stoch'; id: string; k: number; kSlow: number; d: number }
  | { kind: 'obv'; id: string }
  | { kind: 'vwap'; id: string; anchor: 'none' | 'day' };

export type IndicatorOutput = Float64Array | Record<string, Float64Array>;

/** An indicator with its computed output. */
export interface ComputedSeries {
  spec: IndicatorSpec;
  output: IndicatorOutput;
}

function invalid(id: string, why: string): AitbcError {
  const valid = INDICATOR_IDS.map((n) => INDICATOR_SYNTAX[n]);
  return new AitbcError(
    'INVALID_INPUT',
    `invalid indicator "${id}": ${why}; valid ids: ${valid.join(', ')}`,
    { indicator: id, valid },
    { hint: 'example: --indicator rsi:14,macd:12:26:9,bbands:20:2' },
  );
}

/**
 * Parses one id such as `rsi:14`.
 * @throws AitbcError INVALID_INPUT for an unknown name, a wrong number of parameters or a bad value,
 *   listing the valid ids.
 * @example parseIndicatorSpec('macd:12:26:9') // {kind: 'macd', id: 'macd:12:26:9', fast: 12, slow: 26, signal: 9}
 */
export function parseIndicatorSpec(id: string): IndicatorSpec {
  const raw = String(id).trim();
  const [name, ...params] = raw.toLowerCase().split(':');
  if (!(INDICATOR_IDS as readonly string[]).includes(name)) throw invalid(raw, `unknown indicator "${name}"`);
  const kind = name as IndicatorName;
  const expected: Record<IndicatorName, number[]> = {
    sma: [1],
    ema: [1],
    wma: [1],
    rsi: [1],
    atr: [1],
    macd: [3],
    bbands: [2],
    stoch: [3],
    obv: [0],
    vwap: [0, 1],
  };
  if (!expected[kind].includes(params.length)) {
    throw invalid(raw, `expected ${INDICATOR_SYNTAX[kind]}`);
  }
  const int = (s: string, what: string, min = 1): number => {
    if (!/^[0-9]+$/.test(s)) throw invalid(raw, `${what} must be a whole number, got "${s}"`);
    const v = Number(s);
    try {
      assertPeriod(kind, what, v, min);
    } catch (e) {
      throw invalid(raw, (e as Error).message.replace(`${kind}: `, ''));
    }
    return v;
  };
  switch (kind) {
    case 'sma':
    case 'ema':
    case 'wma':
    case 'rsi':
    case 'atr': {
      const period = int(params[0], 'period');
      return { kind, id: `${kind}:${period}`, period };
    }
    case 'macd': {
      const fast = int(params[0], 'fast');
      const slow = int(params[1], 'slow', 2);
      const signal = int(params[2], 'signal');
      if (fast >= slow) throw invalid(raw, `fast (${fast}) must be shorter than slow (${slow})`);
      return { kind, id: `macd:${fast}:${slow}:${signal}`, fast, slow, signal };
    }
    case 'bbands': {
      const period = int(params[0], 'period');
      if (!/^[0-9]+(\.[0-9]+)?$/.test(params[1]))
        throw invalid(raw, `k must be a number ≥ 0, got "${params[1]}"`);
      const k = Number(params[1]);
      return { kind, id: `bbands:${period}:${k}`, period, k };
    }
    case 'stoch': {
      const k = int(params[0], 'k');
      const kSlow = int(params[1], 'kSlow');
      const d = int(params[2], 'd');
      return { kind, id: `stoch:${k}:${kSlow}:${d}`, k, kSlow, d };
    }
    case 'obv':
      return { kind, id: 'obv' };
    case 'vwap': {
      if (params.length === 0) return { kind, id: 'vwap', anchor: 'none' };
      const anchor = params[0];
      if (anchor !== 'none' && anchor !== 'day')
        throw invalid(raw, `anchor must be none or day, got "${anchor}"`);
      return { kind, id: `vwap:${anchor}`, anchor };
    }
  }
}

/**
 * Parses a comma-separated list (`rsi:14,macd:12:26:9`), dropping repeats of the same canonical id.
 * @throws AitbcError INVALID_INPUT for an empty list or any invalid id.
 */
export function parseIndicatorList(list: string | readonly string[]): IndicatorSpec[] {
  const ids = (typeof list === 'string' ? [list] : list)
    .flatMap((s) => s.split(','))
    .map((s) => s.trim())
    .filter((s) => s !== '');
  if (ids.length === 0) throw invalid('', 'no indicator given');
  const seen = new Set<string>();
  const specs: IndicatorSpec[] = [];
  for (const id of ids) {
    const spec = parseIndicatorSpec(id);
    if (!seen.has(spec.id)) {
      seen.add(spec.id);
      specs.push(spec);
    }
  }
  return specs;
}

/**
 * The 0-based index of the first output (the warm-up length) under a convention; with fewer bars than
 * warmup + 1 the indicator is NaN throughout.
 * @example warmupBars(parseIndicatorSpec('rsi:14')) // 14
 */
export function warmupBars(spec: IndicatorSpec, conv: Convention = 'talib'): number {
  switch (spec.kind) {
    case 'sma':
    case 'wma':
    case 'bbands':
      return spec.period - 1;
    case 'ema':
      return conv === 'talib' ? spec.period - 1 : 0;
    case 'rsi':
      return spec.period;
    case 'atr':
      return conv === 'talib' ? spec.period : spec.period - 1;
    case 'macd':
      return conv === 'talib' ? spec.slow + spec.signal - 2 : spec.slow - 1;
    case 'stoch':
      return spec.k + spec.kSlow + spec.d - 3;
    case 'obv':
    case 'vwap':
      return 0;
  }
}

/**
 * @throws AitbcError INVALID_INPUT naming the first indicator that `bars` bars cannot produce a single
 *   value of, and the bars it needs.
 */
export function assertEnoughBars(
  specs: readonly IndicatorSpec[],
  bars: number,
  conv: Convention = 'talib',
): void {
  const short = specs
    .map((s) => ({ id: s.id, needed: warmupBars(s, conv) + 1 }))
    .filter((s) => s.needed > bars);
  if (short.length > 0) {
    const list = short.map((s) => `${s.id} needs ${s.needed}`).join(', ');
    throw new AitbcError(
      'INVALID_INPUT',
      `series too short: ${bars} bar${bars === 1 ? '' : 's'}, but ${list}`,
      { bars, indicators: short, convention: conv },
      { hint: 'load more data (widen --from/--to, drop --resample) or use shorter periods' },
    );
  }
}

/**
 * Computes one indicator on OHLCV data (close-based ones use `data.close`); takes a parsed spec or an id.
 * @throws AitbcError INVALID_INPUT for an invalid id or convention.
 * @example computeIndicator('bbands:20:2', data) // {upper, middle, lower}
 */
export function computeIndicator(
  specOrId: IndicatorSpec | string,
  data: Ohlcv,
  conv: Convention = 'talib',
): IndicatorOutput {
  assertConvention(conv);
  const spec = typeof specOrId === 'string' ? parseIndicatorSpec(specOrId) : specOrId;
  const { high, low, close, volume } = data;
  switch (spec.kind) {
    case 'sma':
      return sma(close, spec.period);
    case 'ema':
      return ema(close, spec.period, conv);
    case 'wma':
      return wma(close, spec.period);
    case 'rsi':
      return rsi(close, spec.period, conv);
    case 'atr':
      return atr(high, low, close, spec.period, conv);
    case 'macd':
      return { ...macd(close, spec.fast, spec.slow, spec.signal, conv) };
    case 'bbands':
      return { ...bbands(close, spec.period, spec.k) };
    case 'stoch':
      return { ...stoch(high, low, close, spec.k, spec.kSlow, spec.d, conv) };
    case 'obv':
      return obv(close, volume, conv);
    case 'vwap':
      return vwap(data, spec.anchor);
  }
}

/**
 * Computes several indicators after checking that the series is long enough for every one of them.
 * @throws AitbcError INVALID_INPUT naming each indicator that needs more bars (see assertEnoughBars).
 * @example computeIndicators(parseIndicatorList('rsi:14,macd:12:26:9'), data)
 */
export function computeIndicators(
  specs: readonly IndicatorSpec[],
  data: Ohlcv,
  conv: Convention = 'talib',
): ComputedSeries[] {
  assertEnoughBars(specs, data.time.length, conv);
  return specs.map((spec) => ({ spec, output: computeIndicator(spec, data, conv) }));
}
