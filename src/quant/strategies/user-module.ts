/**
 * User strategies from a JavaScript module (`--strategy ./my-strategy.js`). The interface, documented
 * in docs/quant.md and shown in examples/strategies/:
 *
 *   export default {
 *     name: 'my_strategy',                        // optional, default: the file name
 *     description: 'what it does',                // optional
 *     params: { period: { default: 20, min: 2, integer: true, description: '…' } },
 *     warmup: (params) => params.period - 1,      // optional, default 0
 *     signals(data, params, lib) { … }            // → targets, or { target, indicators }
 *   };
 *
 * `data` is the columnar OHLCV (Float64Arrays), `lib` holds the built-in indicators and helpers.
 * Targets are one number (or boolean) per bar: > 0 long, < 0 short, 0 / NaN / false flat. Every run
 * passes the look-ahead guard, since we cannot read the module's code.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { AitbcError } from '../../core/errors.js';
import { assertCausal } from '../backtest/causality.js';
import * as indicators from '../indicators/index.js';
import type { Ohlcv } from '../types.js';
import { priorHighest, priorLowest, rateOfChange, rollingReturnSd } from './series.js';
import type { ParamSpec, Params, Strategy, StrategyOutput } from './types.js';

/** What a user module's `signals` receives as its third argument. */
export const STRATEGY_LIB = {
  sma: indicators.sma,
  ema: indicators.ema,
  wma: indicators.wma,
  rsi: indicators.rsi,
  macd: indicators.macd,
  bbands: indicators.bbands,
  atr: indicators.atr,
  stoch: indicators.stoch,
  obv: indicators.obv,
  vwap: indicators.vwap,
  rateOfChange,
  rollingReturnSd,
  priorHighest,
  priorLowest,
};

type SignalsFn = (
  data: Ohlcv,
  params: Params,
  lib: typeof STRATEGY_LIB,
) =>
  | ArrayLike<number | boolean>
  | { target: ArrayLike<number | boolean>; indicators?: Record<string, ArrayLike<number>> };

interface UserModule {
  name?: unknown;
  description?: unknown;
  params?: unknown;
  warmup?: unknown;
  signals?: unknown;
}

/** True when the `--strategy` value names a file rather than a built-in. */
export function looksLikeModulePath(spec: string): boolean {
  return /[/\\]/.test(spec) || /\.(m?js|cjs)$/.test(spec);
}

function invalid(file: string, why: string): never {
  throw new AitbcError('INVALID_INPUT', `strategy module ${file}: ${why}`, { module: file });
}

function toTarget(raw: unknown, bars: number, file: string): Int8Array {
  const arr = raw as ArrayLike<number | boolean> | undefined;
  if (!arr || typeof arr !== 'object' || typeof arr.length !== 'number') {
    invalid(file, 'signals() must return an array of targets or {target, indicators}');
  }
  if (arr.length !== bars) invalid(file, `signals() returned ${arr.length} targets for ${bars} bars`);
  const out = new Int8Array(bars);
  for (let t = 0; t < bars; t++) {
    const v = Number(arr[t]);
    out[t] = v > 0 ? 1 : v < 0 ? -1 : 0;
  }
  return out;
}

function checkParamSpecs(raw: unknown, file: string): Record<string, ParamSpec> {
  if (raw === undefined) return {};
  if (typeof raw !== 'object' || raw === null) invalid(file, '`params` must be an object');
  const out: Record<string, ParamSpec> = {};
  for (const [k, v] of Object.entries(raw as Record<string, unknown>)) {
    const s = v as Partial<ParamSpec> | null;
    if (!s || typeof s !== 'object' || typeof s.default !== 'number' || !Number.isFinite(s.default)) {
      invalid(file, `parameter "${k}" needs a numeric default`);
    }
    out[k] = {
      default: s.default,
      description: typeof s.description === 'string' ? s.description : '',
      ...(typeof s.min === 'number' ? { min: s.min } : {}),
      ...(typeof s.max === 'number' ? { max: s.max } : {}),
      ...(s.integer === true ? { integer: true } : {}),
    };
  }
  return out;
}

/**
 * Imports and wraps a user strategy module.
 * @throws AitbcError INVALID_INPUT when the file is missing, fails to load, or lacks `signals`.
 */
export async function loadStrategyModule(spec: string, cwd: string): Promise<Strategy> {
  const file = path.resolve(cwd, spec);
  if (!fs.existsSync(file)) invalid(file, 'file not found');
  let mod: { default?: UserModule } & UserModule;
  try {
    mod = await import(pathToFileURL(file).href);
  } catch (e) {
    invalid(file, `cannot load: ${(e as Error).message}`);
  }
  const def: UserModule = mod.default && typeof mod.default === 'object' ? mod.default : mod;
  if (typeof def.signals !== 'function') invalid(file, 'must export a signals(data, params, lib) function');
  const signals = def.signals as SignalsFn;
  const warmup = typeof def.warmup === 'function' ? (def.warmup as (p: Params) => number) : () => 0;
  const name =
    typeof def.name === 'string' && def.name ? def.name : path.basename(file).replace(/\.[^.]+$/, '');
  const params = checkParamSpecs(def.params, file);

  const evaluate = (data: Ohlcv, p: Params): StrategyOutput => {
    let raw: ReturnType<SignalsFn>;
    try {
      raw = signals(data, { ...p }, STRATEGY_LIB);
    } catch (e) {
      if (e instanceof AitbcError) throw e;
      invalid(file, `signals() threw: ${(e as Error).message}`);
    }
    const n = data.close.length;
    const wrapped = raw && !('length' in raw) && 'target' in raw ? raw : { target: raw as ArrayLike<number> };
    const target = toTarget(wrapped.target, n, file);
    const ind: Record<string, Float64Array> = {};
    for (const [k, v] of Object.entries(
      (wrapped as { indicators?: Record<string, ArrayLike<number>> }).indicators ?? {},
    )) {
      if (!v || v.length !== n) invalid(file, `indicator "${k}" must have one value per bar`);
      ind[k] = Float64Array.from(v);
    }
    return { target, indicators: ind };
  };

  return {
    name,
    summary: typeof def.description === 'string' ? def.description : `user strategy from ${file}`,
    description: typeof def.description === 'string' ? def.description : `user strategy from ${file}`,
    params,
    warmup: (p) => {
      const w = Number(warmup(p));
      return Number.isFinite(w) && w > 0 ? Math.ceil(w) : 0;
    },
    run(data, p) {
      const out = evaluate(data, p);
      assertCausal(`${name} signals`, (d) => evaluate(d, p).target, data, { full: out.target, probes: 2 });
      return out;
    },
    source: file,
  };
}
