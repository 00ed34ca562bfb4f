/**
 * Wallet files under `<home>/wallets/<name>.json`: one keystore per wallet (DESIGN §5). Creation never
 * overwrites (hard-link publish), replacement is atomic, and a damaged file is reported by name.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseStrictJson } from '../core/canonical-json.js';
import { AitbcError, isAitbcError } from '../core/errors.js';
import { type Keystore, validateKeystore } from '../crypto/keystore.js';
import type { Home } from './home.js';
import { createFileAtomic, writeFileAtomic } from './secure-fs.js';

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/**
 * @throws AitbcError INVALID_INPUT for names that are not [A-Za-z0-9][A-Za-z0-9._-]{0,63} or that start
 *   with `ait1` (they would read as addresses).
 */
export function assertWalletName(name: string): void {
  if (!NAME.test(name)) {
    throw new AitbcError(
      'INVALID_INPUT',
      `invalid wallet name "${name}": use letters, digits, ".", "_" and "-" (max 64)`,
      {
        name,
      },
    );
  }
  if (name.toLowerCase().startsWith('ait1')) {
    throw new AitbcError('INVALID_INPUT', `invalid wallet name "${name}": names may not start with ait1`, {
      name,
    });
  }
}

export interface WalletEntry {
  name: string;
  file: string;
  keystore?: Keystore;
  /** Set when the file is unreadable or corrupt. */
  error?: string;
}

export class WalletStore {
  readonly dir: string;

  constructor(private readonly home: Home) {
    this.dir = path.join(home.root, 'wallets');
  }

  fileOf(name: string): string {
    return path.join(this.dir, `${name}.json`);
  }

  exists(name: string): boolean {
    return fs.existsSync(this.fileOf(name));
  }

  /** Every wallet file, sorted by name; corrupt files are listed with `error`. */
  list(): WalletEntry[] {
    let names: string[];
    try {
      names = fs.readdirSync(this.dir).filter((f) => f.endsWith('.json') && !f.startsWith('.'));
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw e;
    }
    return names.sort().map((f) => {
      const name = f.slice(0, -5);
      try {
        return { name, file: this.fileOf(name), keystore: this.read(name) };
      } catch (e) {
        return { name, file: this.fileOf(name), error: (e as Error).message };
      }
    });
  }

  /**
   * Reads and validates a wallet's keystore.
   * @throws AitbcError WALLET_NOT_FOUND, or KEYSTORE_CORRUPT naming the file.
   */
  read(name: string): Keystore {
    assertWalletName(name);
    const file = this.fileOf(name);
    let text: string;
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') {
        throw new AitbcError(
          'WALLET_NOT_FOUND',
          `no wallet named "${name}"`,
          { name },
          { hint: 'see aitbc wallet list' },
        );
      }
      throw e;
    }
    return parseKeystoreText(text, file, name);
  }

  /**
   * Writes a new wallet; never overwrites.
   * @throws AitbcError WALLET_EXISTS when the name is taken (the existing file is untouched).
   */
  create(ks: Keystore): string {
    assertWalletName(ks.name);
    const file = this.fileOf(ks.name);
    this.home.dir('wallets');
    if (!createFileAtomic(file, `${JSON.stringify(ks, null, 2)}\n`)) {
      throw new AitbcError('WALLET_EXISTS', `a wallet named "${ks.name}" already exists`, {
        name: ks.name,
        file,
      });
    }
    return file;
  }

  /** Replaces an existing wallet's file atomically. */
  replace(ks: Keystore): string {
    const file = this.fileOf(ks.name);
    writeFileAtomic(file, `${JSON.stringify(ks, null, 2)}\n`);
    return file;
  }

  /** Removes a wallet file. */
  remove(name: string): string {
    const file = this.fileOf(name);
    this.read(name);
    fs.rmSync(file);
    return file;
  }
}

/**
 * Parses keystore text (a wallet file or an exported keystore).
 * @throws AitbcError KEYSTORE_CORRUPT naming the file.
 */
export function parseKeystoreText(text: string, file: string, name?: string): Keystore {
  try {
    const ks = validateKeystore(parseStrictJson(text));
    if (name !== undefined && ks.name !== name) {
      throw new AitbcError(
        'KEYSTORE_CORRUPT',
        `keystore is corrupt: its name "${ks.name}" differs from the file name`,
      );
    }
    return ks;
  } catch (e) {
    const reason = isAitbcError(e) ? e.message.replace(/^keystore is corrupt: /, '') : String(e);
    throw new AitbcError('KEYSTORE_CORRUPT', `keystore ${file} is corrupt: ${reason}`, { file, reason });
  }
}
