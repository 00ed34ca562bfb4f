/**
 * Strategy parameters: `--param k=v` strings resolved against a strategy's declared parameters, with
 * every refusal naming the valid choices.
 */
import { AitbcError } from '../../core/errors.js';
import type { Params, Strategy } from './types.js';

/**
 * Parses `k=v` pairs (each item may hold several, comma-separated).
 * @throws AitbcError INVALID_INPUT for an item without `=`.
 * @example parseParamPairs(['fast=10,slow=30']) // {fast: '10', slow: '30'}
 */
export function parseParamPairs(items: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const item of items) {
    for (const part of item.split(',')) {
      const p = part.trim();
      if (p === '') continue;
      const eq = p.indexOf('=');
      if (eq <= 0) {
        throw new AitbcError('INVALID_INPUT', `parameter "${p}" is not of the form name=value`, { param: p });
      }
      out[p.slice(0, eq).trim()] = p.slice(eq + 1).trim();
    }
  }
  return out;
}

function describeParams(strategy: Strategy): string {
  const names = Object.keys(strategy.params);
  return names.length ? names.join(', ') : '(none)';
}

/**
 * Checks one numeric value against its spec.
 * @throws AitbcError INVALID_INPUT saying which bound or rule it breaks.
 */
export function checkParam(strategy: Strategy, name: string, value: number): void {
  const spec = strategy.params[name];
  if (!spec) {
    throw new AitbcError(
      'INVALID_INPUT',
      `unknown parameter "${name}" for strategy ${strategy.name}; valid parameters: ${describeParams(strategy)}`,
      { strategy: strategy.name, param: name, valid: Object.keys(strategy.params) },
    );
  }
  const fail = (why: string) => {
    throw new AitbcError('INVALID_INPUT', `${strategy.name}: ${name} ${why}, got ${value}`, {
      strategy: strategy.name,
      param: name,
      value,
    });
  };
  if (!Number.isFinite(value)) fail('must be a number');
  if (spec.integer && !Number.isInteger(value)) fail('must be an integer');
  if (spec.min !== undefined && value < spec.min) fail(`must be ≥ ${spec.min}`);
  if (spec.max !== undefined && value > spec.max) fail(`must be ≤ ${spec.max}`);
}

/**
 * The strategy's defaults overridden by `given` (strings or numbers), every value checked, then the
 * strategy's own cross-parameter rules.
 * @throws AitbcError INVALID_INPUT for an unknown name (listing the valid ones) or a bad value.
 */
export function resolveParams(strategy: Strategy, given: Record<string, string | number> = {}): Params {
  const params: Params = {};
  for (const [k, spec] of Object.entries(strategy.params)) params[k] = spec.default;
  for (const [k, raw] of Object.entries(given)) {
    const v = typeof raw === 'number' ? raw : raw.trim() === '' ? Number.NaN : Number(raw);
    checkParam(strategy, k, v);
    params[k] = v;
  }
  strategy.validate?.(params);
  return params;
}

/**
 * Fails unless `bars` leaves at least two bars after the warm-up (one to decide, one to fill on).
 * @throws AitbcError INVALID_INPUT with the bars needed and why.
 */
export function assertEnoughBars(strategy: Strategy, params: Params, bars: number): void {
  const warmup = strategy.warmup(params);
  const needed = warmup + 2;
  if (bars < needed) {
    const shown = Object.entries(params)
      .map(([k, v]) => `${k}=${v}`)
      .join(', ');
    throw new AitbcError(
      'INVALID_INPUT',
      `series too short: ${strategy.name} (${shown}) needs at least ${needed} bars ` +
        `(${warmup} of warm-up, one to signal, one to fill), got ${bars}`,
      { strategy: strategy.name, params, bars, needed, warmup },
    );
  }
}
