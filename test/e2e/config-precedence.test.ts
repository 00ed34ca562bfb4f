/**
 * Settings precedence end to end (DESIGN §4): flag > env > profile in the config file > default, shown by
 * `config get KEY --json` ({key, value, source, profile}) as each level is removed in turn; and profile
 * selection by --profile / AITBC_PROFILE.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, tempDir } from '../helpers/cli.js';
import { ok } from '../helpers/expect-cli.js';

let cleanup: () => void;
let home: string;

const get = async (args: string[] = [], env: Record<string, string> = {}) =>
  ok(await runCli(['config', 'get', 'node', ...args, '--json'], { home, env }));

beforeAll(() => {
  const t = tempDir('aitbc-e2e-config-');
  cleanup = t.cleanup;
  home = path.join(t.dir, 'home');
});
afterAll(() => cleanup());

describe('settings precedence', () => {
  it('flag > env > profile > default, removing one level at a time', async () => {
    const set = ok(await runCli(['config', 'set', 'node', 'http://profile.test:1', '--json'], { home }));
    expect(set).toEqual({
      profile: 'default',
      key: 'node',
      value: 'http://profile.test:1',
      file: path.join(home, 'config.json'),
    });
    const env = { AITBC_NODE: 'http://env.test:2' };

    expect(await get(['--node', 'http://flag.test:3'], env)).toEqual({
      key: 'node',
      value: 'http://flag.test:3',
      source: 'flag',
      profile: 'default',
    });
    expect(await get([], env)).toEqual({
      key: 'node',
      value: 'http://env.test:2',
      source: 'env',
      profile: 'default',
    });
    expect(await get()).toEqual({
      key: 'node',
      value: 'http://profile.test:1',
      source: 'profile',
      profile: 'default',
    });

    const unset = ok(await runCli(['config', 'unset', 'node', '--json'], { home }));
    expect(unset).toEqual({ profile: 'default', key: 'node', removed: true });
    expect(await get()).toEqual({
      key: 'node',
      value: 'http://127.0.0.1:26657',
      source: 'default',
      profile: 'default',
    });
  });

  it('--profile and AITBC_PROFILE select another profile; the flag wins over the env var', async () => {
    ok(await runCli(['config', 'set', 'node', 'http://default.test:1', '--json'], { home }));
    ok(
      await runCli(['config', 'set', 'node', 'http://staging.test:2', '--profile', 'staging', '--json'], {
        home,
      }),
    );
    const staging = { key: 'node', value: 'http://staging.test:2', source: 'profile', profile: 'staging' };
    expect(await get(['--profile', 'staging'])).toEqual(staging);
    expect(await get([], { AITBC_PROFILE: 'staging' })).toEqual(staging);
    expect(await get(['--profile', 'default'], { AITBC_PROFILE: 'staging' })).toEqual({
      key: 'node',
      value: 'http://default.test:1',
      source: 'profile',
      profile: 'default',
    });
    // A profile that sets nothing falls back to the default, not to another profile.
    expect(await get(['--profile', 'empty'])).toMatchObject({ source: 'default', profile: 'empty' });
    // Env still beats the selected profile.
    expect(await get(['--profile', 'staging'], { AITBC_NODE: 'http://env.test:9' })).toMatchObject({
      value: 'http://env.test:9',
      source: 'env',
      profile: 'staging',
    });

    const list = ok(await runCli(['config', 'list', '--profile', 'staging', '--json'], { home }));
    expect(list.profile).toBe('staging');
    expect(list.profiles.sort()).toEqual(['default', 'staging']);
    expect(list.items.find((i: any) => i.key === 'node')).toEqual({
      key: 'node',
      value: 'http://staging.test:2',
      source: 'profile',
      env: 'AITBC_NODE',
    });
  });

  it('resolves settings without a default to nothing, and validates values (exit 2)', async () => {
    const chain = ok(await runCli(['config', 'get', 'chain', '--json'], { home }));
    expect(chain).toEqual({ key: 'chain', profile: 'default' });
    const bad = await runCli(['config', 'set', 'node', 'not-a-url', '--json'], { home });
    expect(bad.code).toBe(2);
    expect(bad.json().error.code).toBe('INVALID_INPUT');
    const badEnv = await runCli(['config', 'get', 'timeout', '--json'], {
      home,
      env: { AITBC_TIMEOUT: 'soon' },
    });
    expect(badEnv.code).toBe(2);
    const unknown = await runCli(['config', 'get', 'nodes', '--json'], { home });
    expect(unknown.code).toBe(2);
    expect(unknown.json().error.code).toBe('USAGE');
    const badProfile = await runCli(['config', 'get', 'node', '--profile', 'a/b', '--json'], { home });
    expect(badProfile.code).toBe(2);
  });

  it('reports a broken config file as exit 3 CONFIG naming the file', async () => {
    const h = path.join(path.dirname(home), 'broken');
    fs.mkdirSync(h, { mode: 0o700 });
    fs.writeFileSync(path.join(h, 'config.json'), '{"profiles": {');
    const r = await runCli(['config', 'get', 'node', '--json'], { home: h });
    expect(r.code).toBe(3);
    expect(r.json().error).toMatchObject({ code: 'CONFIG', details: { file: path.join(h, 'config.json') } });
  });

  it('prints where the config file and home are', async () => {
    expect(ok(await runCli(['config', 'path', '--json'], { home }))).toEqual({
      file: path.join(home, 'config.json'),
      home,
    });
    const other = path.join(path.dirname(home), 'flag-home');
    expect(ok(await runCli(['config', 'path', '--home', other, '--json'], { home })).home).toBe(other);
  });
});
