/**
 * Where trading state lives under the home (DESIGN §4, §9): `<home>/trading/<id>/` per paper-trading
 * session (`session.json` its configuration, `state.json` its latest state, `pid` while a process runs
 * it, `session.log` the output of a detached one) and `<home>/trading/backtests/<id>.json` per recorded
 * backtest. Writing goes through an injected `SecureFiles` (atomic, 0600 files, 0700 directories — the
 * CLI's secure-fs), so this module stays free of policy about modes; reading is plain fs.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { AitbcError } from '../../core/errors.js';

/** Atomic writes of private files. */
export interface SecureFiles {
  /** Writes `file` atomically, mode 0600, creating its directory 0700. */
  write(file: string, text: string): void;
  /** Creates `dir` (and parents) 0700. */
  mkdir(dir: string): void;
}

/** Session ids and backtest ids: what a user types, and safe as a directory name. */
const ID = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,79}$/;

/** @throws AitbcError INVALID_INPUT for an id that is not [A-Za-z0-9_.-]{1,80}. */
export function assertId(kind: string, id: string): void {
  if (!ID.test(id) || id === 'backtests') {
    throw new AitbcError(
      'INVALID_INPUT',
      `invalid ${kind} id "${id}": use letters, digits, "_", "-" and "."`,
      {
        id,
      },
    );
  }
}

/** A new id: `<prefix>-<yyyymmddThhmmss>-<4 hex>` from the given clock and random bytes. */
export function newId(prefix: string, nowMs: number, random: Uint8Array): string {
  const stamp = new Date(nowMs).toISOString().replace(/[-:]/g, '').slice(0, 15);
  const hex = Array.from(random.subarray(0, 2), (b) => b.toString(16).padStart(2, '0')).join('');
  return `${prefix.replace(/[^A-Za-z0-9_-]/g, '_')}-${stamp}-${hex}`;
}

/** Reads and parses a JSON file; undefined when it does not exist. */
export function readJson<T>(file: string): T | undefined {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new AitbcError('CONFIG', `cannot read ${file}: ${(e as Error).message}`, { file });
  }
  try {
    return JSON.parse(text) as T;
  } catch {
    throw new AitbcError('CONFIG', `${file} is not valid JSON`, { file }, { hint: `remove ${file}` });
  }
}

export interface TradingPaths {
  root: string;
  backtests: string;
  session(id: string): {
    dir: string;
    config: string;
    state: string;
    pid: string;
    log: string;
  };
}

/** Paths under `<home>/trading`. */
export function tradingPaths(tradingDir: string): TradingPaths {
  return {
    root: tradingDir,
    backtests: path.join(tradingDir, 'backtests'),
    session(id: string) {
      assertId('session', id);
      const dir = path.join(tradingDir, id);
      return {
        dir,
        config: path.join(dir, 'session.json'),
        state: path.join(dir, 'state.json'),
        pid: path.join(dir, 'pid'),
        log: path.join(dir, 'session.log'),
      };
    },
  };
}

/** Ids of the session directories (those holding a session.json), sorted. */
export function listSessionIds(paths: TradingPaths): string[] {
  let names: string[];
  try {
    names = fs.readdirSync(paths.root);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw e;
  }
  return names
    .filter((n) => ID.test(n) && n !== 'backtests' && fs.existsSync(path.join(paths.root, n, 'session.json')))
    .sort();
}
