import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { openHome } from '../../../src/cli/home.js';
import { createFileAtomic, ensureSecureDir, writeFileAtomic } from '../../../src/cli/secure-fs.js';
import { assertWalletName, parseKeystoreText, WalletStore } from '../../../src/cli/wallet-store.js';
import { AitbcError } from '../../../src/core/errors.js';
import { encryptKeystore, type Keystore } from '../../../src/crypto/keystore.js';
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
function errorOf(fn: () => unknown): AitbcError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(AitbcError);
    return e as AitbcError;
  }
  throw new Error('expected an AitbcError, nothing was thrown');
}

let alice: Keystore;
beforeAll(async () => {
  alice = await encryptKeystore({
    name: 'alice',
    secret: { kind: 'raw', key: '11'.repeat(32) },
    password: 'pw',
    scryptN: 16384,
  });
});

describe('wallet names', () => {
  it.each(['a', 'alice', 'Alice-2', 'x.y_z', 'A'.repeat(64), 'ait', 'ait2x'])('accepts %j', (n) => {
    expect(() => assertWalletName(n)).not.toThrow();
  });

  it.each(['', '.hidden', '-dash', 'a/b', '../x', 'a b', 'A'.repeat(65), 'é', 'ait1', 'ait1abc', 'AIT1x'])(
    'refuses %j with INVALID_INPUT',
    (n) => {
      expect(errorOf(() => assertWalletName(n)).code).toBe('INVALID_INPUT');
    },
  );

  it('says why an ait1 name is refused', () => {
    expect(errorOf(() => assertWalletName('ait1foo')).message).toMatch(/may not start with ait1/);
  });
});

describe('WalletStore', () => {
  it('creates 0600 files in a 0700 directory whatever the umask, and reads them back', () => {
    const home = openHome(path.join(tmp(), 'home'));
    const store = new WalletStore(home);
    const old = process.umask(0);
    let file: string;
    try {
      file = store.create(alice);
    } finally {
      process.umask(old);
    }
    expect(file).toBe(path.join(home.root, 'wallets', 'alice.json'));
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(fs.statSync(path.dirname(file)).mode & 0o777).toBe(0o700);
    expect(fs.statSync(home.root).mode & 0o777).toBe(0o700);
    expect(store.read('alice')).toEqual(alice);
    expect(store.list()).toEqual([{ name: 'alice', file, keystore: alice }]);
    // No temp file is left behind.
    expect(fs.readdirSync(path.dirname(file))).toEqual(['alice.json']);
  });

  it('never overwrites: WALLET_EXISTS and the existing file untouched', async () => {
    const store = new WalletStore(openHome(path.join(tmp(), 'home')));
    const file = store.create(alice);
    const before = fs.readFileSync(file);
    const again = await encryptKeystore({
      name: 'alice',
      secret: { kind: 'raw', key: '22'.repeat(32) },
      password: 'pw',
      scryptN: 16384,
    });
    const e = errorOf(() => store.create(again));
    expect(e.code).toBe('WALLET_EXISTS');
    expect(e.details).toMatchObject({ name: 'alice', file });
    expect(fs.readFileSync(file).equals(before)).toBe(true);
    expect(fs.readdirSync(path.dirname(file))).toEqual(['alice.json']);
  });

  it('reports a missing wallet as WALLET_NOT_FOUND', () => {
    const store = new WalletStore(openHome(tmp()));
    expect(errorOf(() => store.read('nobody')).code).toBe('WALLET_NOT_FOUND');
  });

  it('reports a truncated file as KEYSTORE_CORRUPT naming the file, at every cut', () => {
    const store = new WalletStore(openHome(tmp()));
    const file = store.create(alice);
    const full = fs.readFileSync(file, 'utf8');
    for (const cut of [0, 1, 10, Math.floor(full.length / 2), full.length - 3]) {
      fs.writeFileSync(file, full.slice(0, cut));
      const e = errorOf(() => store.read('alice'));
      expect(e.code).toBe('KEYSTORE_CORRUPT');
      expect(e.message).toContain(file);
      expect(e.details).toMatchObject({ file });
    }
  });

  it.each([
    ['a name that differs from the file name', (t: string) => t.replace('"name": "alice"', '"name": "bob"')],
    ['a duplicated key', (t: string) => t.replace('"version": 1,', '"version": 1, "version": 1,')],
    ['an unknown field', (t: string) => t.replace('"version": 1,', '"version": 1, "extra": true,')],
    [
      'an edited address',
      (t: string) =>
        t.replace(alice.address, alice.address.slice(0, -1) + (alice.address.endsWith('q') ? 'p' : 'q')),
    ],
  ])('reports %s as KEYSTORE_CORRUPT naming the file', (_w, edit) => {
    const store = new WalletStore(openHome(tmp()));
    const file = store.create(alice);
    const text = fs.readFileSync(file, 'utf8');
    const edited = edit(text);
    expect(edited).not.toBe(text);
    fs.writeFileSync(file, edited);
    const e = errorOf(() => store.read('alice'));
    expect(e.code).toBe('KEYSTORE_CORRUPT');
    expect(e.message).toContain(file);
  });

  it('lists a corrupt wallet with its error instead of failing', () => {
    const store = new WalletStore(openHome(tmp()));
    store.create(alice);
    fs.writeFileSync(store.fileOf('broken'), '{"version":');
    const items = store.list();
    expect(items.map((w) => w.name)).toEqual(['alice', 'broken']);
    expect(items[1].keystore).toBeUndefined();
    expect(items[1].error).toMatch(/broken\.json is corrupt/);
  });

  it('replaces atomically and removes', () => {
    const store = new WalletStore(openHome(tmp()));
    const file = store.create(alice);
    store.replace({ ...alice, createdAt: '2030-01-01T00:00:00.000Z' });
    expect(fs.readFileSync(file, 'utf8')).toContain('2030-01-01');
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(store.remove('alice')).toBe(file);
    expect(fs.existsSync(file)).toBe(false);
    expect(errorOf(() => store.remove('alice')).code).toBe('WALLET_NOT_FOUND');
  });

  it('parses exported keystore text, naming the file on failure', () => {
    const text = JSON.stringify(alice);
    expect(parseKeystoreText(text, 'x.json')).toEqual(alice);
    const e = errorOf(() => parseKeystoreText(text.slice(0, -1), '/tmp/export.json'));
    expect(e.code).toBe('KEYSTORE_CORRUPT');
    expect(e.message).toContain('/tmp/export.json');
  });
});

describe('secure files', () => {
  it('writeFileAtomic forces 0600 and replaces; createFileAtomic refuses to overwrite', () => {
    const dir = path.join(tmp(), 'a', 'b');
    const file = path.join(dir, 'f.json');
    const old = process.umask(0);
    try {
      writeFileAtomic(file, 'one');
      writeFileAtomic(file, 'two');
      expect(createFileAtomic(file, 'three')).toBe(false);
      expect(createFileAtomic(path.join(dir, 'g.json'), 'new')).toBe(true);
      ensureSecureDir(path.join(dir, 'c'));
    } finally {
      process.umask(old);
    }
    expect(fs.readFileSync(file, 'utf8')).toBe('two');
    expect(fs.readFileSync(path.join(dir, 'g.json'), 'utf8')).toBe('new');
    for (const f of ['f.json', 'g.json']) expect(fs.statSync(path.join(dir, f)).mode & 0o777).toBe(0o600);
    for (const d of [dir, path.dirname(dir), path.join(dir, 'c')])
      expect(fs.statSync(d).mode & 0o777).toBe(0o700);
    expect(fs.readdirSync(dir).sort()).toEqual(['c', 'f.json', 'g.json']);
  });
});
