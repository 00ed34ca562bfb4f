/**
 * The strategy interface. A strategy turns bars into a target position per bar (+1 long, -1 short, 0
 * flat), decided on that bar's close and using only bars up to it; the engine decides fills, costs
 * and whether shorts are allowed. It also returns the indicator series behind its decisions, which
 * `signals` shows and `--plot` draws.
 */
import type { Ohlcv } from '../types.js';

export interface ParamSpec {
  default: number;
  min?: number;
  max?: number;
  integer?: boolean;
  description: string;
}

export type Params = Record<string, number>;

/** Shared across runs on the same bars, so a sweep computes each indicator once. */
export interface StrategyContext {
  memo<T>(key: string, compute: () => T): T;
}

export interface StrategyOutput {
  /** One entry per bar: -1, 0 or 1. */
  target: Int8Array;
  /** Indicator series aligned with the bars (NaN during warm-up). */
  indicators: Record<string, Float64Array>;
  /** Extra model diagnostics (the ml strategy's walk-forward report). */
  report?: Record<string, unknown>;
}

export interface Strategy {
  name: string;
  /** One line for `strategies`. */
  summary: string;
  /** The rule in words, with its parameters. */
  description: string;
  params: Record<string, ParamSpec>;
  /** Bars consumed before the first possible signal with these parameters. */
  warmup(params: Params): number;
  /** Cross-parameter rules (fast < slow …); throws AitbcError INVALID_INPUT. */
  validate?(params: Params): void;
  run(data: Ohlcv, params: Params, ctx: StrategyContext): StrategyOutput;
  /** `builtin`, or the path of the user module it came from. */
  source: string;
}

/** A context whose memo lives as long as the returned object. */
export function createContext(): StrategyContext {
  const cache = new Map<string, unknown>();
  return {
    memo<T>(key: string, compute: () => T): T {
      if (cache.has(key)) return cache.get(key) as T;
      const v = compute();
      cache.set(key, v);
      return v;
    },
  };
}
