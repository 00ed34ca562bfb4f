/**
 * Settings and their precedence (DESIGN §4): flag > env > profile in the config file > default.
 * Reading is a plain JSON read of `<home>/config.json` (cheap at startup); writing goes through `conf`
 * (src/cli/config-store.ts).
 */
import * as fs from 'node:fs';
import { AitbcError } from '../core/errors.js';

export interface SettingSpec {
  /** Environment variable that overrides the profile. */
  env: string;
  /** Built-in default, when there is one. */
  default?: string;
  description: string;
  /** Throws AitbcError CONFIG/INVALID_INPUT when the value is unusable. */
  validate?: (value: string) => void;
}

const url = (name: string) => (v: string) => {
  try {
    const u = new URL(v);
    if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error('not http');
  } catch {
    throw new AitbcError('INVALID_INPUT', `${name} must be an http(s) URL, got "${v}"`, { setting: name });
  }
};

export const SETTINGS = {
  node: {
    env: 'AITBC_NODE',
    default: 'http://127.0.0.1:26657',
    description: 'chain node RPC URL',
    validate: url('node'),
  },
  coordinator: {
    env: 'AITBC_COORDINATOR',
    default: 'http://127.0.0.1:18000',
    description: 'coordinator API URL',
    validate: url('coordinator'),
  },
  chain: { env: 'AITBC_CHAIN', description: 'chain id (default: ask the node)' },
  wallet: { env: 'AITBC_WALLET', description: 'default wallet name' },
  timeout: {
    env: 'AITBC_TIMEOUT',
    default: '30',
    description: 'seconds to wait for a service',
    validate: (v: string) => {
      if (!/^[0-9]+(\.[0-9]+)?$/.test(v) || Number(v) <= 0) {
        throw new AitbcError('INVALID_INPUT', `timeout must be a positive number of seconds, got "${v}"`, {
          setting: 'timeout',
        });
      }
    },
  },
  'api-key': { env: 'AITBC_API_KEY', description: 'coordinator API key (X-Api-Key)' },
} as const satisfies Record<string, SettingSpec>;

export type SettingKey = keyof typeof SETTINGS;
export const SETTING_KEYS = Object.keys(SETTINGS) as SettingKey[];

export type SettingSource = 'flag' | 'env' | 'profile' | 'default';

export interface ResolvedSetting {
  key: SettingKey;
  value: string | undefined;
  source: SettingSource | undefined;
}

/** The config file's shape. */
export interface ConfigFile {
  profiles?: Record<string, Partial<Record<SettingKey, string>>>;
}

export const DEFAULT_PROFILE = 'default';
const PROFILE_NAME = /^[A-Za-z0-9_-]{1,64}$/;

/** @throws AitbcError INVALID_INPUT for a profile name that is not [A-Za-z0-9_-]{1,64}. */
export function assertProfileName(name: string): void {
  if (!PROFILE_NAME.test(name)) {
    throw new AitbcError(
      'INVALID_INPUT',
      `invalid profile name "${name}": use letters, digits, "_" and "-"`,
      { profile: name },
    );
  }
}

/** @throws AitbcError USAGE listing the keys when `key` is unknown. */
export function assertSettingKey(key: string): asserts key is SettingKey {
  if (!(SETTING_KEYS as string[]).includes(key)) {
    throw new AitbcError('USAGE', `unknown setting "${key}"; settings: ${SETTING_KEYS.join(', ')}`, {
      key,
      keys: SETTING_KEYS,
    });
  }
}

/**
 * Reads the config file; a missing file is an empty config.
 * @throws AitbcError CONFIG when the file is not a JSON object of the expected shape.
 */
export function readConfigFile(file: string): ConfigFile {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw new AitbcError('CONFIG', `cannot read ${file}: ${(e as Error).message}`, { file });
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new AitbcError(
      'CONFIG',
      `config file ${file} is not valid JSON`,
      { file },
      { hint: `fix or remove ${file}` },
    );
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new AitbcError('CONFIG', `config file ${file} must hold a JSON object`, { file });
  }
  const profiles = (value as ConfigFile).profiles;
  if (profiles !== undefined && (typeof profiles !== 'object' || profiles === null)) {
    throw new AitbcError('CONFIG', `config file ${file}: "profiles" must be an object`, { file });
  }
  return value as ConfigFile;
}

export interface ResolveInput {
  flags: Partial<Record<SettingKey, string | undefined>>;
  env: NodeJS.ProcessEnv;
  config: ConfigFile;
  profile: string;
}

/** Resolves one setting by precedence; validates the winning value. */
export function resolveSetting(key: SettingKey, input: ResolveInput): ResolvedSetting {
  const spec: SettingSpec = SETTINGS[key];
  const candidates: Array<[SettingSource, string | undefined]> = [
    ['flag', input.flags[key]],
    ['env', input.env[spec.env] === '' ? undefined : input.env[spec.env]],
    ['profile', input.config.profiles?.[input.profile]?.[key]],
    ['default', spec.default],
  ];
  for (const [source, value] of candidates) {
    if (value !== undefined) {
      spec.validate?.(value);
      return { key, value, source };
    }
  }
  return { key, value: undefined, source: undefined };
}
