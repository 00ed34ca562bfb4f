import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { setSetting, unsetSetting } from '../../../src/cli/config-store.js';
import { resolveHomePath } from '../../../src/cli/home.js';
import { newPassword, readPasswordFile, unlockPassword } from '../../../src/cli/passwords.js';
import {
  assertProfileName,
  assertSettingKey,
  type ResolveInput,
  readConfigFile,
  resolveSetting,
  SETTINGS,
} from '../../../src/cli/settings.js';
import { AitbcError } from '../../../src/core/errors.js';
import { tempDir } from '../../helpers/cli.js';

const cleanups: Array<() => void> = [];
afterEach(() => {
  while (cleanups.length) cleanups.pop()!();
});
function tmp(): string {
  const t = tempDir('aitbc-unit-');
  cleanups.push(t.cleanup);
  return t.dir;
}
async function codeOf(fn: () => unknown): Promise<string | undefined> {
  try {
    await fn();
  } catch (e) {
    expect(e).toBeInstanceOf(AitbcError);
    return (e as AitbcError).code;
  }
  return undefined;
}

describe('resolveSetting', () => {
  const config = {
    profiles: {
      default: { node: 'http://profile:1', timeout: '12' },
      staging: { node: 'http://staging:1' },
    },
  };

  it('applies flag > env > profile > default, one level removed at a time', () => {
    const env = { AITBC_NODE: 'http://env:1' };
    const flags = { node: 'http://flag:1' };
    const at = (f: ResolveInput['flags'], e: ResolveInput['env'], c: ResolveInput['config']) =>
      resolveSetting('node', { flags: f, env: e, config: c, profile: 'default' });
    expect(at(flags, env, config)).toEqual({ key: 'node', value: 'http://flag:1', source: 'flag' });
    expect(at({}, env, config)).toEqual({ key: 'node', value: 'http://env:1', source: 'env' });
    expect(at({}, {}, config)).toEqual({ key: 'node', value: 'http://profile:1', source: 'profile' });
    expect(at({}, {}, {})).toEqual({ key: 'node', value: SETTINGS.node.default, source: 'default' });
  });

  it('reads the chosen profile, treats an empty env var as unset, and leaves settings without default unset', () => {
    expect(
      resolveSetting('node', { flags: {}, env: { AITBC_NODE: '' }, config, profile: 'staging' }),
    ).toMatchObject({ value: 'http://staging:1', source: 'profile' });
    expect(resolveSetting('timeout', { flags: {}, env: {}, config, profile: 'staging' })).toMatchObject({
      value: '30',
      source: 'default',
    });
    expect(resolveSetting('chain', { flags: {}, env: {}, config, profile: 'default' })).toEqual({
      key: 'chain',
      value: undefined,
      source: undefined,
    });
  });

  it('validates the winning value', async () => {
    expect(
      await codeOf(() =>
        resolveSetting('node', { flags: { node: 'ftp://x' }, env: {}, config: {}, profile: 'default' }),
      ),
    ).toBe('INVALID_INPUT');
    expect(
      await codeOf(() =>
        resolveSetting('timeout', {
          flags: {},
          env: { AITBC_TIMEOUT: '-1' },
          config: {},
          profile: 'default',
        }),
      ),
    ).toBe('INVALID_INPUT');
  });

  it('checks setting keys and profile names', async () => {
    expect(await codeOf(() => assertSettingKey('nodes'))).toBe('USAGE');
    expect(await codeOf(() => assertProfileName('a/b'))).toBe('INVALID_INPUT');
    expect(await codeOf(() => assertProfileName(''))).toBe('INVALID_INPUT');
    expect(() => assertProfileName('staging-2_b')).not.toThrow();
  });
});

describe('the config file', () => {
  it('is empty when missing, and CONFIG when broken', async () => {
    const dir = tmp();
    const file = path.join(dir, 'config.json');
    expect(readConfigFile(file)).toEqual({});
    for (const text of ['{', '[]', '"x"', '{"profiles": 3}']) {
      fs.writeFileSync(file, text);
      expect(await codeOf(() => readConfigFile(file))).toBe('CONFIG');
    }
  });

  it('is written through conf with mode 0600 in a 0700 directory, whatever the umask', async () => {
    const dir = path.join(tmp(), 'home');
    const file = path.join(dir, 'config.json');
    const old = process.umask(0);
    try {
      await setSetting(file, 'default', 'node', 'http://a:1');
      await setSetting(file, 'staging', 'timeout', '5');
    } finally {
      process.umask(old);
    }
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(fs.statSync(dir).mode & 0o777).toBe(0o700);
    expect(readConfigFile(file)).toEqual({
      profiles: { default: { node: 'http://a:1' }, staging: { timeout: '5' } },
    });
    expect(await unsetSetting(file, 'default', 'node')).toBe(true);
    expect(await unsetSetting(file, 'default', 'node')).toBe(false);
    expect(readConfigFile(file).profiles?.default).toEqual({});
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
  });

  it('refuses invalid values and profile names before writing', async () => {
    const file = path.join(tmp(), 'config.json');
    expect(await codeOf(() => setSetting(file, 'default', 'node', 'not a url'))).toBe('INVALID_INPUT');
    expect(await codeOf(() => setSetting(file, '../x', 'node', 'http://a:1'))).toBe('INVALID_INPUT');
    expect(fs.existsSync(file)).toBe(false);
  });
});

describe('the home path', () => {
  it('takes --home over AITBC_HOME over ~/.aitbc, resolved to an absolute path', () => {
    expect(resolveHomePath('/x/flag', { AITBC_HOME: '/x/env' })).toBe('/x/flag');
    expect(resolveHomePath(undefined, { AITBC_HOME: '/x/env' })).toBe('/x/env');
    expect(resolveHomePath(undefined, {}).endsWith(`${path.sep}.aitbc`)).toBe(true);
    expect(path.isAbsolute(resolveHomePath('rel', {}))).toBe(true);
  });
});

describe('passwords', () => {
  it('reads the first line of a password file', () => {
    const file = path.join(tmp(), 'pw');
    fs.writeFileSync(file, 'sec ret \r\nsecond line\n');
    expect(readPasswordFile(file)).toBe('sec ret ');
  });

  it('names a password file it cannot read', async () => {
    const missing = path.join(tmp(), 'nope');
    expect(await codeOf(() => readPasswordFile(missing))).toBe('INVALID_INPUT');
  });

  it('takes --password-file over AITBC_PASSWORD over AITBC_PASSWORD_FILE', async () => {
    const dir = tmp();
    const flagFile = path.join(dir, 'a');
    const envFile = path.join(dir, 'b');
    fs.writeFileSync(flagFile, 'from-flag\n');
    fs.writeFileSync(envFile, 'from-env-file\n');
    const env = { AITBC_PASSWORD: 'from-env', AITBC_PASSWORD_FILE: envFile };
    expect(await unlockPassword({ file: flagFile, env, interactive: false }, 'p')).toBe('from-flag');
    expect(await unlockPassword({ env, interactive: false }, 'p')).toBe('from-env');
    expect(await unlockPassword({ env: { AITBC_PASSWORD_FILE: envFile }, interactive: false }, 'p')).toBe(
      'from-env-file',
    );
  });

  it('never prompts without a TTY: MISSING_INPUT naming the sources', async () => {
    try {
      await unlockPassword({ env: {}, interactive: false }, 'p');
      expect.unreachable();
    } catch (e) {
      expect((e as AitbcError).code).toBe('MISSING_INPUT');
      expect((e as AitbcError).message).toContain('--password-file');
      expect((e as AitbcError).message).toContain('AITBC_PASSWORD_FILE');
    }
    await expect(
      newPassword(
        {
          env: {},
          interactive: false,
          fileFlag: '--new-password-file',
          envName: 'AITBC_NEW_PASSWORD',
          envFileName: 'AITBC_NEW_PASSWORD_FILE',
        },
        'p',
      ),
    ).rejects.toMatchObject({
      code: 'MISSING_INPUT',
      message: expect.stringContaining('--new-password-file'),
    });
  });

  it('refuses an empty new password', async () => {
    await expect(newPassword({ env: { AITBC_PASSWORD: '' }, interactive: false }, 'p')).rejects.toMatchObject(
      {
        code: 'INVALID_INPUT',
      },
    );
  });
});
