/**
 * `X-Api-Key` access control (DESIGN §8). When the operator configures keys, every request but
 * `/health` and `/metrics` needs one; its role decides which endpoints it opens: `client` the job and
 * receipt endpoints, `miner` the miner endpoints, `admin` everything (and every client's jobs). A key
 * may be bound to one address, so a leaked key is useless with another signing key.
 *
 * The keys file is JSON: `{"keys": [{"key": "…", "role": "client", "name"?: "…", "address"?: "ait1…"}]}`;
 * `keySha256` (hex SHA-256 of the key) may replace `key`, so the file need not hold the secret itself.
 */
import { parseStrictJson } from '../../core/canonical-json.js';
import { AitbcError } from '../../core/errors.js';
import { sha256Hex } from '../../core/hash.js';
import { readAddress, readHex, readObject, readString } from '../../protocol/fields.js';

export const API_ROLES = ['client', 'miner', 'admin'] as const;
export type ApiRole = (typeof API_ROLES)[number];

export interface ApiKeyEntry {
  /** hex SHA-256 of the key */
  keySha256: string;
  role: ApiRole;
  name?: string;
  /** when set, only requests signed by this address may use the key */
  address?: string;
}

/**
 * Parses the keys file's text.
 * @throws AitbcError CONFIG naming the entry that is wrong.
 */
export function parseApiKeys(text: string, file = 'api keys file'): ApiKeyEntry[] {
  try {
    const root = readObject(parseStrictJson(text), '$', ['keys']);
    if (!Array.isArray(root.keys))
      throw new AitbcError('INVALID_INPUT', 'keys must be a list', { field: 'keys' });
    const seen = new Set<string>();
    return root.keys.map((k, i) => {
      const o = readObject(k, `keys[${i}]`, ['role'], ['key', 'keySha256', 'name', 'address']);
      if ((o.key === undefined) === (o.keySha256 === undefined))
        throw new AitbcError('INVALID_INPUT', `keys[${i}] needs exactly one of key and keySha256`, {
          field: `keys[${i}]`,
        });
      if (!API_ROLES.includes(o.role as ApiRole))
        throw new AitbcError('INVALID_INPUT', `keys[${i}].role must be one of ${API_ROLES.join(', ')}`, {
          field: `keys[${i}].role`,
        });
      const keySha256 =
        o.key !== undefined
          ? sha256Hex(readString(o.key, `keys[${i}].key`, 1024))
          : readHex(o.keySha256, `keys[${i}].keySha256`, 32);
      if (seen.has(keySha256))
        throw new AitbcError('INVALID_INPUT', `keys[${i}] repeats a key`, { field: `keys[${i}]` });
      seen.add(keySha256);
      const entry: ApiKeyEntry = { keySha256, role: o.role as ApiRole };
      if (o.name !== undefined) entry.name = readString(o.name, `keys[${i}].name`, 128);
      if (o.address !== undefined) entry.address = readAddress(o.address, `keys[${i}].address`);
      return entry;
    });
  } catch (e) {
    throw new AitbcError('CONFIG', `${file}: ${(e as Error).message}`, { file });
  }
}

/**
 * Which roles an endpoint admits: `open` needs no key at all (/health, /metrics), `public` any valid key
 * when keys are configured, `client` / `miner` that role (or admin).
 */
export type Access = 'open' | 'public' | 'client' | 'miner';

/** Looks up API keys by their hash. */
export class ApiKeyTable {
  private readonly byHash: Map<string, ApiKeyEntry>;

  constructor(entries: readonly ApiKeyEntry[] = []) {
    this.byHash = new Map(entries.map((e) => [e.keySha256, e]));
  }

  /** True when keys are configured, so requests must carry one. */
  get enabled(): boolean {
    return this.byHash.size > 0;
  }

  /**
   * The key's entry, checked against the endpoint's access; `undefined` when keys are off.
   * @throws AitbcError UNAUTHORIZED (missing or unknown key), FORBIDDEN (role does not open the endpoint)
   */
  authorize(key: string | string[] | undefined, access: Access): ApiKeyEntry | undefined {
    if (!this.enabled || access === 'open') return undefined;
    if (typeof key !== 'string' || key === '')
      throw new AitbcError('UNAUTHORIZED', 'this coordinator requires an X-Api-Key header', {
        reason: 'missing_api_key',
      });
    const entry = this.byHash.get(sha256Hex(key));
    if (entry === undefined)
      throw new AitbcError('UNAUTHORIZED', 'unknown API key', { reason: 'unknown_api_key' });
    if (access !== 'public' && entry.role !== 'admin' && entry.role !== access)
      throw new AitbcError(
        'FORBIDDEN',
        `an API key with role ${entry.role} cannot call ${access} endpoints`,
        {
          role: entry.role,
          needs: access,
        },
      );
    return entry;
  }

  /**
   * Checks that a key bound to an address is used by that address.
   * @throws AitbcError FORBIDDEN
   */
  checkBinding(entry: ApiKeyEntry | undefined, address: string): void {
    if (entry?.address !== undefined && entry.address !== address)
      throw new AitbcError('FORBIDDEN', 'this API key belongs to another address', { address });
  }
}
