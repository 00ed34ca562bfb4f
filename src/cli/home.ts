/**
 * The home directory (DESIGN §4): one directory holds everything, `--home` > `AITBC_HOME` > ~/.aitbc.
 */
import * as os from 'node:os';
import * as path from 'node:path';
import { ensureSecureDir } from './secure-fs.js';

export const HOME_SUBDIRS = ['wallets', 'node', 'coordinator', 'miner', 'trading', 'surveillance'] as const;
export type HomeArea = (typeof HOME_SUBDIRS)[number];

export interface Home {
  root: string;
  /** `<home>/<area>`, created 0700 on first use. */
  dir(area: HomeArea, ...rest: string[]): string;
  configFile: string;
}

/** Resolves the home directory from a flag value and the environment. */
export function resolveHomePath(flag: string | undefined, env: NodeJS.ProcessEnv): string {
  const raw = flag ?? env.AITBC_HOME ?? path.join(os.homedir(), '.aitbc');
  return path.resolve(raw.startsWith('~/') ? path.join(os.homedir(), raw.slice(2)) : raw);
}

/** A Home rooted at `root`. Nothing is created until a directory is asked for. */
export function openHome(root: string): Home {
  return {
    root,
    configFile: path.join(root, 'config.json'),
    dir(area, ...rest) {
      const d = path.join(root, area, ...rest);
      ensureSecureDir(d);
      return d;
    },
  };
}
