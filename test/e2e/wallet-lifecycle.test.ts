/**
 * Wallet commands end to end against the built binary (bin/run.js): each test spawns the CLI with its own
 * temporary AITBC_HOME and checks stdout JSON, stderr and the exit code separately.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mnemonicToEntropy } from '../../src/crypto/mnemonic.js';
import { runCli, tempDir } from '../helpers/cli.js';
import { fails, ok } from '../helpers/expect-cli.js';

const cleanups: Array<() => void> = [];
afterAll(() => {
  for (const c of cleanups) c();
});

let root: string;
let pwFile: string;
beforeAll(() => {
  const t = tempDir('aitbc-e2e-wallet-');
  cleanups.push(t.cleanup);
  root = t.dir;
  pwFile = path.join(root, 'pw.txt');
  fs.writeFileSync(pwFile, 'first password\n');
});

let homes = 0;
/** A home that does not exist yet (the CLI creates it). */
const newHome = () => path.join(root, `home-${++homes}`);
const PW = () => ['--password-file', pwFile];
const FAST = ['--scrypt-n', '16384'];

describe('wallet create and import', () => {
  let home: string;
  let created: any;

  beforeAll(async () => {
    home = newHome();
    created = ok(await runCli(['wallet', 'create', 'alice', ...FAST, ...PW(), '--json'], { home }));
  });

  it('creates a 24-word wallet at the default path and makes it the default', () => {
    expect(Object.keys(created).sort()).toEqual(
      ['address', 'default', 'file', 'mnemonic', 'name', 'path', 'publicKey'].sort(),
    );
    expect(created.name).toBe('alice');
    expect(created.address).toMatch(/^ait1[02-9ac-hj-np-z]{38}$/);
    expect(created.publicKey).toMatch(/^[0-9a-f]{64}$/);
    expect(created.path).toBe("m/44'/7337'/0'/0'/0'");
    expect(created.mnemonic.split(' ')).toHaveLength(24);
    expect(created.default).toBe(true);
    expect(created.file).toBe(path.join(home, 'wallets', 'alice.json'));
  });

  it('never stores the mnemonic or its entropy in plaintext', () => {
    const text = fs.readFileSync(created.file, 'utf8');
    const words: string[] = created.mnemonic.split(' ');
    for (let k = 0; k + 1 < words.length; k++) expect(text).not.toContain(`${words[k]} ${words[k + 1]}`);
    expect(text).not.toContain(mnemonicToEntropy(created.mnemonic));
    expect(JSON.parse(text).address).toBe(created.address);
  });

  it('imports the same mnemonic from stdin in another home: same address and key', async () => {
    const r = await runCli(['wallet', 'import', 'bob', ...FAST, ...PW(), '--json'], {
      home: newHome(),
      input: `${created.mnemonic}\n`,
    });
    const imported = ok(r);
    expect(imported).toMatchObject({
      name: 'bob',
      address: created.address,
      publicKey: created.publicKey,
      path: created.path,
      source: 'mnemonic',
      default: true,
    });
  });

  it('imports the same mnemonic from --mnemonic-file (messy whitespace, upper case) in another home', async () => {
    const file = path.join(root, 'mnemonic.txt');
    fs.writeFileSync(file, `  ${created.mnemonic.toUpperCase().replace(/ /g, '  \n')}\n`);
    const imported = ok(
      await runCli(['wallet', 'import', 'carol', '--mnemonic-file', file, ...FAST, ...PW(), '--json'], {
        home: newHome(),
      }),
    );
    expect(imported.address).toBe(created.address);
  });

  it('creates 12-word wallets with --words 12', async () => {
    const w = ok(
      await runCli(['wallet', 'create', 'w12', '--words', '12', ...FAST, ...PW(), '--json'], { home }),
    );
    expect(w.mnemonic.split(' ')).toHaveLength(12);
    expect(w.default).toBe(false);
    const again = ok(
      await runCli(['wallet', 'import', 'w12', ...FAST, ...PW(), '--json'], {
        home: newHome(),
        input: w.mnemonic,
      }),
    );
    expect(again.address).toBe(w.address);
  });

  it('gives different addresses for --account/--index; `wallet address --index N` equals importing with --index N', async () => {
    const h2 = newHome();
    const byIndex = ok(
      await runCli(['wallet', 'import', 'i3', '--index', '3', ...FAST, ...PW(), '--json'], {
        home: h2,
        input: created.mnemonic,
      }),
    );
    const byAccount = ok(
      await runCli(['wallet', 'import', 'a1', '--account', '1', ...FAST, ...PW(), '--json'], {
        home: h2,
        input: created.mnemonic,
      }),
    );
    expect(byIndex.path).toBe("m/44'/7337'/0'/0'/3'");
    expect(byAccount.path).toBe("m/44'/7337'/1'/0'/0'");
    expect(new Set([created.address, byIndex.address, byAccount.address]).size).toBe(3);

    const derived = ok(
      await runCli(['wallet', 'address', 'alice', '--index', '3', ...PW(), '--json'], { home }),
    );
    expect(derived).toEqual({ name: 'alice', address: byIndex.address, path: byIndex.path });
    const derivedAccount = ok(
      await runCli(['wallet', 'address', 'alice', '--account', '1', ...PW(), '--json'], { home }),
    );
    expect(derivedAccount.address).toBe(byAccount.address);
    // Without --account/--index no password is needed.
    expect(ok(await runCli(['wallet', 'address', '--json'], { home }))).toEqual({
      name: 'alice',
      address: created.address,
      path: created.path,
    });
  });

  it('imports a raw ed25519 key from --key-file (RFC 8032 TEST 1)', async () => {
    const keyFile = path.join(root, 'raw.key');
    fs.writeFileSync(keyFile, '9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60\n');
    const r = ok(
      await runCli(['wallet', 'import', 'raw', '--key-file', keyFile, ...FAST, ...PW(), '--json'], {
        home: newHome(),
      }),
    );
    expect(r.publicKey).toBe('d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a');
    expect(r.source).toBe('key');
    expect(r.path).toBeUndefined();
  });

  it('uses the same mnemonic with a BIP-39 passphrase for a different address', async () => {
    const pp = path.join(root, 'passphrase.txt');
    fs.writeFileSync(pp, 'TREZOR\n');
    const r = ok(
      await runCli(['wallet', 'import', 'pp', '--passphrase-file', pp, ...FAST, ...PW(), '--json'], {
        home: newHome(),
        input: created.mnemonic,
      }),
    );
    expect(r.address).not.toBe(created.address);
  });
});

describe('wallet list, show, use, rename, passwd, export, delete', () => {
  let home: string;
  let alice: any;
  let bob: any;

  beforeAll(async () => {
    home = newHome();
    alice = ok(await runCli(['wallet', 'create', 'alice', ...FAST, ...PW(), '--json'], { home }));
    bob = ok(
      await runCli(['wallet', 'create', 'bob', '--words', '12', ...FAST, '--json'], {
        home,
        env: { AITBC_PASSWORD: 'bob password' },
      }),
    );
  });

  it('lists wallets sorted by name with the default marked', async () => {
    const list = ok(await runCli(['wallet', 'list', '--json'], { home }));
    expect(Object.keys(list)).toEqual(['items']);
    expect(list.items.map((w: any) => [w.name, w.address, w.default])).toEqual([
      ['alice', alice.address, true],
      ['bob', bob.address, false],
    ]);
  });

  it('shows a wallet without a password, and `wallet use` switches the default', async () => {
    const shown = ok(await runCli(['wallet', 'show', 'bob', '--json'], { home }));
    expect(shown).toMatchObject({
      name: 'bob',
      address: bob.address,
      publicKey: bob.publicKey,
      path: bob.path,
      kind: 'mnemonic',
      default: false,
      file: bob.file,
      kdf: { name: 'scrypt', N: 16384, r: 8, p: 1 },
    });
    const used = ok(await runCli(['wallet', 'use', 'bob', '--json'], { home }));
    expect(used).toEqual({ wallet: 'bob', address: bob.address, profile: 'default' });
    expect(ok(await runCli(['wallet', 'show', '--json'], { home })).name).toBe('bob');
    // AITBC_WALLET overrides the profile's default.
    expect(
      ok(await runCli(['wallet', 'show', '--json'], { home, env: { AITBC_WALLET: 'alice' } })).name,
    ).toBe('alice');
    ok(await runCli(['wallet', 'use', 'alice', '--json'], { home }));
    const list = ok(await runCli(['wallet', 'list', '--json'], { home }));
    expect(list.items.filter((w: any) => w.default).map((w: any) => w.name)).toEqual(['alice']);
  });

  it('fails `wallet use` for a wallet that does not exist (exit 4)', async () => {
    fails(await runCli(['wallet', 'use', 'nobody', '--json'], { home }), 4, 'WALLET_NOT_FOUND');
  });

  it('exports the keystore, which imports in a fresh home with the same address', async () => {
    const exported = ok(await runCli(['wallet', 'export', 'alice', '--json'], { home }));
    expect(exported.keystore.address).toBe(alice.address);
    expect(JSON.stringify(exported)).not.toContain(
      alice.mnemonic.split(' ')[0] + ' ' + alice.mnemonic.split(' ')[1],
    );
    const out = path.join(root, 'alice.keystore.json');
    const written = ok(await runCli(['wallet', 'export', 'alice', '--out', out, '--json'], { home }));
    expect(written.file).toBe(out);
    expect(fs.statSync(out).mode & 0o777).toBe(0o600);
    const fresh = newHome();
    const imported = ok(await runCli(['wallet', 'import', '--keystore', out, '--json'], { home: fresh }));
    expect(imported).toMatchObject({
      name: 'alice',
      address: alice.address,
      source: 'keystore',
      default: true,
    });
    // The imported keystore still opens with its password and signs as the same address.
    const signed = ok(await runCli(['wallet', 'sign', 'x', ...PW(), '--json'], { home: fresh }));
    expect(signed.address).toBe(alice.address);
  });

  it('imports a keystore under a new name (re-encrypted, password needed)', async () => {
    const out = path.join(root, 'alice2.keystore.json');
    ok(await runCli(['wallet', 'export', 'alice', '--out', out, '--json'], { home }));
    const fresh = newHome();
    const imported = ok(
      await runCli(['wallet', 'import', 'renamed', '--keystore', out, ...PW(), '--json'], { home: fresh }),
    );
    expect(imported).toMatchObject({ name: 'renamed', address: alice.address });
    expect(ok(await runCli(['wallet', 'show', 'renamed', '--json'], { home: fresh })).address).toBe(
      alice.address,
    );
  });

  it('export --mnemonic --yes prints the original mnemonic; without --yes it refuses (exit 2)', async () => {
    const r = ok(
      await runCli(['wallet', 'export', 'alice', '--mnemonic', '--yes', ...PW(), '--json'], { home }),
    );
    expect(r).toEqual({ name: 'alice', address: alice.address, mnemonic: alice.mnemonic, path: alice.path });
    const refused = fails(
      await runCli(['wallet', 'export', 'alice', '--mnemonic', ...PW(), '--json'], { home }),
      2,
      'MISSING_INPUT',
    );
    expect(refused.message).toContain('--yes');
  });

  it('rename needs the password, keeps the address and updates the default', async () => {
    const h = newHome();
    const w = ok(await runCli(['wallet', 'create', 'old', ...FAST, ...PW(), '--json'], { home: h }));
    fails(await runCli(['wallet', 'rename', 'old', 'new', '--json'], { home: h }), 2, 'MISSING_INPUT');
    const r = ok(await runCli(['wallet', 'rename', 'old', 'new', ...PW(), '--json'], { home: h }));
    expect(r).toEqual({
      from: 'old',
      to: 'new',
      address: w.address,
      file: path.join(h, 'wallets', 'new.json'),
    });
    expect(fs.existsSync(w.file)).toBe(false);
    const list = ok(await runCli(['wallet', 'list', '--json'], { home: h }));
    expect(list.items.map((i: any) => [i.name, i.address, i.default])).toEqual([['new', w.address, true]]);
    const conf = ok(await runCli(['config', 'get', 'wallet', '--json'], { home: h }));
    expect(conf).toMatchObject({ value: 'new', source: 'profile' });
    // The renamed keystore opens with the same password.
    expect(ok(await runCli(['wallet', 'sign', 'm', ...PW(), '--json'], { home: h })).address).toBe(w.address);
  });

  it('passwd (AITBC_NEW_PASSWORD_FILE): then the old password fails and the new one works', async () => {
    const h = newHome();
    const w = ok(await runCli(['wallet', 'create', 'p', ...FAST, ...PW(), '--json'], { home: h }));
    const newPw = path.join(root, 'new-pw.txt');
    fs.writeFileSync(newPw, 'second password\n');
    const r = ok(
      await runCli(['wallet', 'passwd', 'p', ...PW(), '--json'], {
        home: h,
        env: { AITBC_NEW_PASSWORD_FILE: newPw },
      }),
    );
    expect(r).toEqual({ name: 'p', address: w.address, file: w.file, changed: true });
    fails(await runCli(['wallet', 'sign', 'm', ...PW(), '--json'], { home: h }), 3, 'WRONG_PASSWORD');
    const signed = ok(await runCli(['wallet', 'sign', 'm', '--password-file', newPw, '--json'], { home: h }));
    expect(signed.address).toBe(w.address);
    expect(fs.statSync(w.file).mode & 0o777).toBe(0o600);
  });

  it('delete needs --yes when non-interactive; with --yes it deletes and clears the default', async () => {
    const h = newHome();
    const w = ok(await runCli(['wallet', 'create', 'gone', ...FAST, ...PW(), '--json'], { home: h }));
    const refused = fails(
      await runCli(['wallet', 'delete', 'gone', '--json'], { home: h }),
      2,
      'MISSING_INPUT',
    );
    expect(refused.message).toContain('--yes');
    expect(fs.existsSync(w.file)).toBe(true);
    const r = ok(await runCli(['wallet', 'delete', 'gone', '--yes', '--json'], { home: h }));
    expect(r).toEqual({ name: 'gone', address: w.address, file: w.file, deleted: true });
    expect(fs.existsSync(w.file)).toBe(false);
    expect(ok(await runCli(['wallet', 'list', '--json'], { home: h }))).toEqual({ items: [] });
    expect(ok(await runCli(['config', 'get', 'wallet', '--json'], { home: h })).value).toBeUndefined();
    fails(await runCli(['wallet', 'delete', 'gone', '--yes', '--json'], { home: h }), 4, 'WALLET_NOT_FOUND');
  });
});
