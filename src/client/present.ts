/**
 * Small pure helpers that turn wire values into what people read (RFC 3339 times) and parse what they
 * type (block references, hashes). Kept out of the commands so the rules are unit-tested.
 */
import { AitbcError } from '../core/errors.js';

/** Unix ms → RFC 3339 UTC with milliseconds; undefined stays undefined. */
export function rfc3339(ms: number | undefined): string | undefined {
  return ms === undefined ? undefined : new Date(ms).toISOString();
}

/** Where `chain block` looks: a height, a hash, or the latest block. */
export type BlockRef = { height: number } | { hash: string } | { latest: true };

/**
 * Parses `HEIGHT | HASH | latest` (hash case-insensitive; the wire is lowercase).
 * @throws AitbcError INVALID_INPUT for anything else.
 * @example parseBlockRef('12') // {height: 12}
 */
export function parseBlockRef(input: string | undefined): BlockRef {
  if (input === undefined || input.toLowerCase() === 'latest') return { latest: true };
  const text = input.trim();
  if (/^[0-9]+$/.test(text)) {
    const height = Number(text);
    if (Number.isSafeInteger(height) && height >= 1) return { height };
  }
  if (/^[0-9a-fA-F]{64}$/.test(text)) return { hash: text.toLowerCase() };
  throw new AitbcError(
    'INVALID_INPUT',
    `invalid block "${input}": expected a height ≥ 1, a 64-hex hash or "latest"`,
    {
      input,
    },
  );
}

/**
 * Parses a transaction hash (64 hex, case-insensitive).
 * @throws AitbcError INVALID_INPUT
 */
export function parseTxHash(input: string): string {
  const text = input.trim();
  if (!/^[0-9a-fA-F]{64}$/.test(text)) {
    throw new AitbcError('INVALID_INPUT', `invalid transaction hash "${input}": expected 64 hex characters`, {
      input,
    });
  }
  return text.toLowerCase();
}

/**
 * A result with its unix-ms time fields `K` as RFC 3339 strings and the node's `…Iso` copies dropped.
 */
export type WithRfc3339<T, K extends string> = Omit<T, K | `${K}Iso`> & { [P in K]?: string };

/**
 * The CLI prints times as RFC 3339 UTC with milliseconds (DESIGN §4), while the RPC carries unix ms
 * plus an `…Iso` copy. Replaces each numeric field of `fields` at the top level of `obj` (never inside
 * the signed objects it holds) with its RFC 3339 form and drops the copy.
 * @example withRfc3339({time: 0, timeIso: '1970-01-01T00:00:00.000Z', height: 1}, ['time']) // {time: '1970-01-01T00:00:00.000Z', height: 1}
 */
export function withRfc3339<T extends object, K extends string>(
  obj: T,
  fields: readonly K[],
): WithRfc3339<T, K> {
  const out = { ...obj } as Record<string, unknown>;
  for (const f of fields) {
    delete out[`${f}Iso`];
    if (typeof out[f] === 'number') out[f] = rfc3339(out[f] as number);
  }
  return out as WithRfc3339<T, K>;
}
