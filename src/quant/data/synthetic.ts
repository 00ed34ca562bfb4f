/**
 * A seeded synthetic market (`--synthetic --seed N`): reproducible OHLCV with the features indicator
 * and strategy tests need — trends, regime changes, volatility clustering, jumps and volume that rises
 * with the size of moves. The model is documented in docs/indicators.md ("Synthetic data").
 */
import { AitbcError } from '../../core/errors.js';
import { createPrng } from '../../core/prng.js';
import type { Ohlcv } from '../types.js';

/** 2024-01-01T00:00:00Z: a fixed default start, so a seed alone fixes every timestamp. */
export const SYNTHETIC_START_MS = Date.UTC(2024, 0, 1);
export const SYNTHETIC_DEFAULT_INTERVAL_MS = 3_600_000;
const YEAR_MS = 365.25 * 86_400_000;

/** The market regimes: annualised drift and a multiplier on the base annualised volatility. */
export const SYNTHETIC_REGIMES = [
  { name: 'bull', drift: 0.8, volScale: 0.8 },
  { name: 'bear', drift: -0.9, volScale: 1.4 },
  { name: 'sideways', drift: 0, volScale: 0.6 },
] as const;

/** The model's constants, documented with it. */
export const SYNTHETIC_MODEL = {
  startPrice: 100,
  /** Annualised volatility before the regime's multiplier. */
  baseVol: 0.6,
  /** Mean regime length in bars (geometric). */
  meanRegimeBars: 400,
  /** GARCH(1,1) reaction to the last shock and persistence of variance. */
  garchAlpha: 0.08,
  garchBeta: 0.9,
  /** Per-bar probability and size (in current σ) of a jump. */
  jumpProbability: 0.002,
  jumpScale: 6,
  /** Per-bar pull of log price towards the start price; keeps 10^6-bar series within a sane range. */
  meanReversion: 2e-4,
  baseVolume: 1000,
} as const;

export interface SyntheticOptions {
  seed: number | string;
  bars: number;
  intervalMs?: number;
  startMs?: number;
  symbol?: string;
}

/**
 * Generates `bars` bars. Log returns follow r = μ·dt − h/2 + √h·z (+ a rare jump) − κ·(log p − log p₀),
 * with the variance h from GARCH(1,1) around the regime's level and the regime a Markov chain; each bar
 * opens near the previous close, and high/low extend beyond open and close by half-normal amounts.
 * Every random draw comes from createPrng(seed).
 * @throws AitbcError INVALID_INPUT for a bar count or interval that is not a positive whole number.
 * @example syntheticOhlcv({ seed: 7, bars: 1000 }) // hourly bars from 2024-01-01
 */
export function syntheticOhlcv(opts: SyntheticOptions): Ohlcv {
  const { seed, bars } = opts;
  const intervalMs = opts.intervalMs ?? SYNTHETIC_DEFAULT_INTERVAL_MS;
  const startMs = opts.startMs ?? SYNTHETIC_START_MS;
  if (!Number.isSafeInteger(bars) || bars < 1) {
    throw new AitbcError('INVALID_INPUT', `synthetic data: bars must be a whole number ≥ 1, got ${bars}`, {
      bars,
    });
  }
  if (!Number.isSafeInteger(intervalMs) || intervalMs <= 0) {
    throw new AitbcError('INVALID_INPUT', `synthetic data: interval must be a positive whole number of ms`, {
      intervalMs,
    });
  }
  if (!Number.isFinite(startMs) || startMs < 0) {
    throw new AitbcError('INVALID_INPUT', 'synthetic data: start must be a time at or after 1970', {
      startMs,
    });
  }
  const m = SYNTHETIC_MODEL;
  const rng = createPrng(seed);
  const dt = intervalMs / YEAR_MS;
  const logStart = Math.log(m.startPrice);
  const switchP = 1 / m.meanRegimeBars;
  const omegaScale = 1 - m.garchAlpha - m.garchBeta;

  const data: Ohlcv = {
    time: new Float64Array(bars),
    open: new Float64Array(bars),
    high: new Float64Array(bars),
    low: new Float64Array(bars),
    close: new Float64Array(bars),
    volume: new Float64Array(bars),
    ...(opts.symbol !== undefined ? { symbol: opts.symbol } : {}),
  };
  let regime = rng.int(SYNTHETIC_REGIMES.length);
  let level = regimeVariance(regime, dt);
  let h = level;
  let shock = 0;
  let logPrice = logStart;
  for (let i = 0; i < bars; i++) {
    if (rng.chance(switchP)) {
      regime = (regime + 1 + rng.int(SYNTHETIC_REGIMES.length - 1)) % SYNTHETIC_REGIMES.length;
      level = regimeVariance(regime, dt);
    }
    h = level * omegaScale + m.garchAlpha * shock * shock + m.garchBeta * h;
    const sigma = Math.sqrt(h);
    shock = sigma * rng.normal();
    if (rng.chance(m.jumpProbability)) shock += sigma * m.jumpScale * rng.normal();
    const prevClose = Math.exp(logPrice);
    const r = SYNTHETIC_REGIMES[regime].drift * dt - h / 2 + shock - m.meanReversion * (logPrice - logStart);
    logPrice += r;
    const open = prevClose * Math.exp(0.1 * sigma * rng.normal());
    const close = Math.exp(logPrice);
    const top = Math.max(open, close);
    const bottom = Math.min(open, close);
    data.time[i] = startMs + i * intervalMs;
    data.open[i] = open;
    data.close[i] = close;
    data.high[i] = top * Math.exp(Math.abs(0.5 * sigma * rng.normal()));
    data.low[i] = bottom * Math.exp(-Math.abs(0.5 * sigma * rng.normal()));
    const surprise = Math.abs(shock) / Math.sqrt(level);
    data.volume[i] = m.baseVolume * Math.exp(0.3 * rng.normal()) * (0.5 + surprise);
  }
  return data;
}

function regimeVariance(regime: number, dt: number): number {
  const vol = SYNTHETIC_MODEL.baseVol * SYNTHETIC_REGIMES[regime].volScale;
  return vol * vol * dt;
}
