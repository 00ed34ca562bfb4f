/**
 * Named-parameter schemas for RPC methods: one place checks every call's params (unknown, missing and
 * mistyped ones are refused with INVALID_INPUT and a −32602), and turns `GET /<method>?a=1&b=x` query
 * strings into the same typed params as a JSON-RPC call.
 */
import { isWireAmount } from '../../core/amount.js';
import { parseStrictJson } from '../../core/canonical-json.js';
import { AitbcError } from '../../core/errors.js';
import { isLowerHex } from '../../core/hex.js';
import { isAddress } from '../../crypto/address.js';

export type ParamSpec =
  | { kind: 'int'; required?: boolean; min?: number; max?: number }
  | { kind: 'string'; required?: boolean; maxLength?: number }
  | { kind: 'address'; required?: boolean }
  | { kind: 'hex'; bytes: number; required?: boolean }
  | { kind: 'amount'; required?: boolean }
  | { kind: 'enum'; values: readonly string[]; required?: boolean }
  | { kind: 'bool'; required?: boolean }
  | { kind: 'json'; required?: boolean };

export type ParamSchema = Record<string, ParamSpec>;

/** Every method accepts an optional chainId. */
const CHAIN_ID_SPEC: ParamSpec = { kind: 'string', maxLength: 64 };

function bad(
  message: string,
  details: Record<string, unknown>,
  code: 'INVALID_INPUT' | 'INVALID_ADDRESS' | 'INVALID_AMOUNT' = 'INVALID_INPUT',
): never {
  throw new AitbcError(code, message, details);
}

function checkOne(name: string, spec: ParamSpec, v: unknown): void {
  switch (spec.kind) {
    case 'int':
      if (
        !Number.isSafeInteger(v) ||
        (v as number) < (spec.min ?? 0) ||
        (v as number) > (spec.max ?? Number.MAX_SAFE_INTEGER)
      )
        bad(
          `param ${name} must be an integer from ${spec.min ?? 0}${spec.max === undefined ? '' : ` to ${spec.max}`}`,
          {
            param: name,
          },
        );
      return;
    case 'string':
      if (typeof v !== 'string' || v.length > (spec.maxLength ?? 4096))
        bad(`param ${name} must be a string`, { param: name });
      return;
    case 'address':
      if (!isAddress(v))
        bad(`param ${name} must be a lowercase ait1… address`, { param: name }, 'INVALID_ADDRESS');
      return;
    case 'hex':
      if (!isLowerHex(v, spec.bytes))
        bad(`param ${name} must be ${spec.bytes * 2} lowercase hex characters`, { param: name });
      return;
    case 'amount':
      if (!isWireAmount(v))
        bad(`param ${name} must be a decimal string of uait`, { param: name }, 'INVALID_AMOUNT');
      return;
    case 'enum':
      if (typeof v !== 'string' || !spec.values.includes(v))
        bad(`param ${name} must be one of ${spec.values.join(', ')}`, { param: name, allowed: spec.values });
      return;
    case 'bool':
      if (typeof v !== 'boolean') bad(`param ${name} must be true or false`, { param: name });
      return;
    case 'json':
      return;
  }
}

/**
 * Checks params against a schema (plus the optional chainId).
 * @throws AitbcError INVALID_INPUT / INVALID_ADDRESS / INVALID_AMOUNT naming the param.
 */
export function checkParams(schema: ParamSchema, params: Record<string, unknown>): void {
  for (const name of Object.keys(params)) {
    if (name !== 'chainId' && !(name in schema))
      bad(`unknown param ${name}`, { param: name, allowed: Object.keys(schema) });
  }
  if (params.chainId !== undefined) checkOne('chainId', CHAIN_ID_SPEC, params.chainId);
  for (const [name, spec] of Object.entries(schema)) {
    const v = params[name];
    if (v === undefined) {
      if (spec.required) bad(`missing param ${name}`, { param: name });
      continue;
    }
    checkOne(name, spec, v);
  }
}

/**
 * Params from a GET query string: integers and booleans are parsed by the schema, `json` params are
 * strict JSON, everything else stays a string. A repeated key is refused.
 * @throws AitbcError INVALID_INPUT
 */
export function paramsFromQuery(schema: ParamSchema, query: URLSearchParams): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, raw] of query) {
    if (name in out) bad(`param ${name} is repeated`, { param: name });
    const spec = name === 'chainId' ? CHAIN_ID_SPEC : schema[name];
    if (spec === undefined) {
      out[name] = raw;
      continue;
    }
    if (spec.kind === 'int') {
      if (!/^(0|[1-9][0-9]{0,15})$/.test(raw)) bad(`param ${name} must be an integer`, { param: name });
      out[name] = Number(raw);
    } else if (spec.kind === 'bool') {
      if (raw !== 'true' && raw !== 'false') bad(`param ${name} must be true or false`, { param: name });
      out[name] = raw === 'true';
    } else if (spec.kind === 'json') {
      out[name] = parseStrictJson(raw);
    } else out[name] = raw;
  }
  return out;
}
