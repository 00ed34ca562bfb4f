/**
 * RFC 8785 JSON Canonicalization Scheme over I-JSON input (DESIGN §6), in one pass that serialises and
 * checks together: members sorted by key as UTF-16 code units, strings and numbers as ECMAScript's
 * JSON.stringify writes them (which is what RFC 8785 §3.2.2 specifies), no whitespace. Every signature
 * and hash in the protocol runs through here — the node canonicalises each transaction and result — so it
 * walks the value once; the `canonicalize` package (by the RFC's author) is the oracle it is tested
 * against (test/unit/core/canonical-json.test.ts) along with the RFC's vectors.
 */
import { AitbcError } from './errors.js';

/**
 * JCS text of `value`.
 * @throws AitbcError INVALID_INPUT for lone surrogates, non-finite numbers, undefined, functions, bigint.
 * @example canonicalJson({b: 1, a: 'x'}) === '{"a":"x","b":1}'
 */
export function canonicalJson(value: unknown): string {
  const text = jcs(value);
  if (text !== undefined) return text;
  // Not I-JSON: walk again, this time naming where (kept off the fast path).
  assertIJson(value, '$');
  throw new AitbcError('INVALID_INPUT', 'value cannot be canonicalised');
}

/** JCS text of `v`, or undefined when it is not I-JSON. */
function jcs(v: unknown): string | undefined {
  switch (typeof v) {
    case 'string':
      return v.isWellFormed() ? JSON.stringify(v) : undefined;
    case 'number':
      return Number.isFinite(v) ? JSON.stringify(v) : undefined;
    case 'boolean':
      return v ? 'true' : 'false';
    case 'object': {
      if (v === null) return 'null';
      if (Array.isArray(v)) {
        let out = '[';
        for (let i = 0; i < v.length; i++) {
          const item = jcs(v[i]);
          if (item === undefined) return undefined;
          out += i === 0 ? item : `,${item}`;
        }
        return `${out}]`;
      }
      const o = v as Record<string, unknown>;
      if (typeof o.toJSON === 'function') return jcs(o.toJSON());
      const keys = Object.keys(o).sort();
      let out = '{';
      for (let i = 0; i < keys.length; i++) {
        const k = keys[i];
        const member = jcs(o[k]);
        if (member === undefined || !k.isWellFormed()) return undefined;
        out += `${i === 0 ? '' : ','}${JSON.stringify(k)}:${member}`;
      }
      return `${out}}`;
    }
    default:
      return undefined;
  }
}

function assertIJson(value: unknown, where: string): void {
  switch (typeof value) {
    case 'string':
      if (!value.isWellFormed())
        throw new AitbcError('INVALID_INPUT', `lone surrogate in string at ${where}`, { where });
      return;
    case 'number':
      if (!Number.isFinite(value))
        throw new AitbcError('INVALID_INPUT', `non-finite number at ${where}`, { where });
      return;
    case 'boolean':
      return;
    case 'object':
      if (value === null) return;
      if (Array.isArray(value)) {
        for (let i = 0; i < value.length; i++) assertIJson(value[i], `${where}[${i}]`);
        return;
      }
      for (const [k, v] of Object.entries(value)) {
        if (!k.isWellFormed())
          throw new AitbcError('INVALID_INPUT', `lone surrogate in key at ${where}`, { where });
        assertIJson(v, `${where}.${k}`);
      }
      return;
    default:
      throw new AitbcError('INVALID_INPUT', `${typeof value} is not JSON at ${where}`, { where });
  }
}

/**
 * JSON.parse that refuses what I-JSON forbids and JSON.parse accepts: duplicate keys in one object, lone
 * surrogates (raw or escaped) and numbers too large for a double. Used wherever signed objects or files enter.
 * @throws AitbcError INVALID_INPUT naming the problem.
 */
export function parseStrictJson(text: string): unknown {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new AitbcError('INVALID_INPUT', `malformed JSON: ${(e as Error).message}`);
  }
  if (!text.isWellFormed()) throw new AitbcError('INVALID_INPUT', 'malformed JSON: lone surrogate');
  // Escaped lone surrogates ("\ud800") and numbers beyond a double (1e400 → Infinity) are well-formed
  // text, so the parsed value is checked too.
  assertIJson(value, '$');
  const dup = findDuplicateKey(text);
  if (dup !== undefined)
    throw new AitbcError('INVALID_INPUT', `duplicate key "${dup}" in JSON object`, { key: dup });
  return value;
}

/**
 * Scans already-valid JSON text for an object with a repeated key; returns the first such key.
 * Keys are compared after unescaping, as JSON.parse would.
 */
function findDuplicateKey(text: string): string | undefined {
  const stack: Array<Set<string> | null> = [];
  let i = 0;
  const n = text.length;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === 0x7b /* { */) {
      stack.push(new Set());
      i++;
    } else if (c === 0x5b /* [ */) {
      stack.push(null);
      i++;
    } else if (c === 0x7d /* } */ || c === 0x5d /* ] */) {
      stack.pop();
      i++;
    } else if (c === 0x22 /* " */) {
      const start = i;
      i++;
      let escaped = false;
      while (i < n) {
        const d = text.charCodeAt(i);
        if (d === 0x5c /* \ */) {
          escaped = true;
          i += 2;
        } else if (d === 0x22) break;
        else i++;
      }
      const end = ++i;
      const keys = stack[stack.length - 1];
      if (keys) {
        let j = i;
        while (j < n && (text[j] === ' ' || text[j] === '\n' || text[j] === '\r' || text[j] === '\t')) j++;
        if (text[j] === ':') {
          const raw = text.slice(start, end);
          const key = escaped ? (JSON.parse(raw) as string) : raw.slice(1, -1);
          if (keys.has(key)) return key;
          keys.add(key);
        }
      }
    } else i++;
  }
  return undefined;
}
