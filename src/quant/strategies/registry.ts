/** The built-in strategies by name, and resolution of a `--strategy` value (name or module path). */
import { AitbcError } from '../../core/errors.js';
import { breakout } from './builtin/breakout.js';
import { macd } from './builtin/macd.js';
import { meanReversion } from './builtin/mean-reversion.js';
import { ml } from './builtin/ml.js';
import { momentum } from './builtin/momentum.js';
import { rsiReversion } from './builtin/rsi-reversion.js';
import { smaCross } from './builtin/sma-cross.js';
import type { Strategy } from './types.js';
import { loadStrategyModule, looksLikeModulePath } from './user-module.js';

export const BUILTIN_STRATEGIES: readonly Strategy[] = [
  momentum,
  meanReversion,
  smaCross,
  rsiReversion,
  macd,
  breakout,
  ml,
];

export const STRATEGY_NAMES: readonly string[] = BUILTIN_STRATEGIES.map((s) => s.name);

/**
 * A built-in strategy by name.
 * @throws AitbcError INVALID_INPUT listing the valid names.
 */
export function getStrategy(name: string): Strategy {
  const s = BUILTIN_STRATEGIES.find((x) => x.name === name);
  if (!s) {
    throw new AitbcError(
      'INVALID_INPUT',
      `unknown strategy "${name}"; valid strategies: ${STRATEGY_NAMES.join(', ')}, or a path to a .js module`,
      { strategy: name, valid: STRATEGY_NAMES },
    );
  }
  return s;
}

/** A built-in by name, or a user module when the value is a path. */
export async function resolveStrategy(spec: string, cwd: string): Promise<Strategy> {
  return looksLikeModulePath(spec) ? loadStrategyModule(spec, cwd) : getStrategy(spec);
}
