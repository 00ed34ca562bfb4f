/** Query-string readers that refuse malformed values with INVALID_INPUT naming the parameter. */
import { AitbcError } from '../../core/errors.js';

/** `?name`, `?name=true|1` → true; absent, `false`, `0` → false. */
export function flag(q: URLSearchParams, name: string): boolean {
  const v = q.get(name);
  if (v === null || v === 'false' || v === '0') return false;
  if (v === '' || v === 'true' || v === '1') return true;
  throw new AitbcError('INVALID_INPUT', `${name} must be true or false`, { field: name });
}

/** A decimal integer in [min, max], or undefined when absent. */
export function intQuery(q: URLSearchParams, name: string, min: number, max: number): number | undefined {
  const v = q.get(name);
  if (v === null) return undefined;
  const n = Number(v);
  if (!/^[0-9]{1,16}$/.test(v) || n < min || n > max)
    throw new AitbcError('INVALID_INPUT', `${name} must be an integer from ${min} to ${max}`, {
      field: name,
    });
  return n;
}

/** `limit` (1–100, default 20) and an opaque `cursor` from a previous page. */
export function pageQuery(q: URLSearchParams): { limit: number; cursor?: string } {
  const limit = intQuery(q, 'limit', 1, 100) ?? 20;
  const cursor = q.get('cursor') ?? undefined;
  if (cursor !== undefined && !/^[1-9][0-9]{0,15}$/.test(cursor))
    throw new AitbcError('INVALID_INPUT', 'cursor must come from a previous page', { field: 'cursor' });
  return { limit, ...(cursor !== undefined ? { cursor } : {}) };
}
