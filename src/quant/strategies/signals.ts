/**
 * The latest signal of strategies on given bars: the target each would hold after the last close
 * (filled at the next open), since when it has held it, and the indicator values behind it.
 */
import { isAitbcError } from '../../core/errors.js';
import type { Ohlcv } from '../types.js';
import { assertEnoughBars } from './params.js';
import { createContext, type Params, type Strategy } from './types.js';

export type SignalName = 'long' | 'short' | 'flat';

export interface LatestSignal {
  strategy: string;
  params: Params;
  signal?: SignalName;
  target?: -1 | 0 | 1;
  /** Time of the bar whose close decided the signal (the last bar). */
  time?: string;
  close?: number;
  /** First bar of the current run of this target, and how many bars it has lasted. */
  since?: string;
  bars?: number;
  /** Indicator values at the last bar (null during warm-up). */
  indicators?: Record<string, number | null>;
  /** Why no signal could be computed (series too short, …). */
  error?: { code: string; message: string };
}

const NAMES: Record<string, SignalName> = { '1': 'long', '-1': 'short', '0': 'flat' };

/**
 * Evaluates each strategy on `data`; a strategy that refuses the data gets `error` instead of a
 * signal, so one short series does not hide the others.
 */
export function latestSignals(
  data: Ohlcv,
  list: ReadonlyArray<{ strategy: Strategy; params: Params }>,
): LatestSignal[] {
  const n = data.close.length;
  const ctx = createContext();
  return list.map(({ strategy, params }) => {
    try {
      assertEnoughBars(strategy, params, n);
      const out = strategy.run(data, params, ctx);
      const last = n - 1;
      const t = out.target[last] as -1 | 0 | 1;
      let from = last;
      while (from > 0 && out.target[from - 1] === t) from--;
      const indicators: Record<string, number | null> = {};
      for (const [k, v] of Object.entries(out.indicators))
        indicators[k] = Number.isFinite(v[last]) ? v[last] : null;
      return {
        strategy: strategy.name,
        params,
        signal: NAMES[String(t)],
        target: t,
        time: new Date(data.time[last]).toISOString(),
        close: data.close[last],
        since: new Date(data.time[from]).toISOString(),
        bars: last - from + 1,
        indicators,
      };
    } catch (e) {
      if (!isAitbcError(e)) throw e;
      return { strategy: strategy.name, params, error: { code: e.code, message: e.message } };
    }
  });
}
