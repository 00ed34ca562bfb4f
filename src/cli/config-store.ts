/**
 * Writes to `<home>/config.json` through `conf` (atomic, mode 0600). Imported only by commands that
 * write settings, since `conf` costs ~100 ms at import.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ensureSecureDir, FILE_MODE } from './secure-fs.js';
import { assertProfileName, SETTINGS, type SettingKey } from './settings.js';

async function open(configFile: string) {
  const { default: Conf } = await import('conf');
  ensureSecureDir(path.dirname(configFile));
  return new Conf<Record<string, unknown>>({
    cwd: path.dirname(configFile),
    configName: path.basename(configFile, '.json'),
    projectName: 'aitbc',
    configFileMode: FILE_MODE,
    accessPropertiesByDotNotation: true,
    clearInvalidConfig: false,
  });
}

function secure(configFile: string): void {
  if (fs.existsSync(configFile)) fs.chmodSync(configFile, FILE_MODE);
}

/** Sets `key` in `profile`. Validates the value first. */
export async function setSetting(
  configFile: string,
  profile: string,
  key: SettingKey,
  value: string,
): Promise<void> {
  assertProfileName(profile);
  (SETTINGS[key] as { validate?: (v: string) => void }).validate?.(value);
  const conf = await open(configFile);
  conf.set(`profiles.${profile}.${key}`, value);
  secure(configFile);
}

/** Removes `key` from `profile`; returns whether it was set. */
export async function unsetSetting(configFile: string, profile: string, key: SettingKey): Promise<boolean> {
  assertProfileName(profile);
  const conf = await open(configFile);
  const k = `profiles.${profile}.${key}`;
  const had = conf.has(k);
  if (had) conf.delete(k);
  secure(configFile);
  return had;
}
