/**
 * The wallet commands' bad-input contract (issue 2): missing passwords, wrong passwords, tampered
 * keystores, invalid mnemonics and names — each with its exit code, its error JSON, and nothing changed.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, tempDir } from '../helpers/cli.js';
import { fails, ok } from '../helpers/expect-cli.js';

let root: string;
let cleanup: () => void;
let home: string;
let pwFile: string;
let wrongPwFile: string;
let wallet: any;

const FAST = ['--scrypt-n', '16384'];

/** Runs `fn` and checks that every file under `dir` is byte-for-byte what it was. */
async function unchanged(dir: string, fn: () => Promise<void>): Promise<void> {
  const snapshot = () =>
    Object.fromEntries(
      fs
        .readdirSync(dir, { recursive: true, withFileTypes: true })
        .filter((e) => e.isFile())
        .map((e) => {
          const p = path.join(e.parentPath, e.name);
          return [p, fs.readFileSync(p).toString('base64')];
        }),
    );
  const before = snapshot();
  await fn();
  expect(snapshot()).toEqual(before);
}

beforeAll(async () => {
  const t = tempDir('aitbc-e2e-werr-');
  root = t.dir;
  cleanup = t.cleanup;
  pwFile = path.join(root, 'pw');
  wrongPwFile = path.join(root, 'wrong');
  fs.writeFileSync(pwFile, 'right\n');
  fs.writeFileSync(wrongPwFile, 'wrong\n');
  home = path.join(root, 'home');
  wallet = ok(
    await runCli(['wallet', 'create', 'alice', ...FAST, '--password-file', pwFile, '--json'], { home }),
  );
});
afterAll(() => cleanup());

describe('passwords', () => {
  it('no password without a TTY → exit 2 MISSING_INPUT naming the flag and env vars', async () => {
    await unchanged(home, async () => {
      const e = fails(await runCli(['wallet', 'sign', 'hi', '--json'], { home }), 2, 'MISSING_INPUT');
      expect(e.message).toContain('--password-file');
      expect(e.message).toContain('AITBC_PASSWORD');
      const c = fails(
        await runCli(['wallet', 'create', 'bob', ...FAST, '--json'], { home }),
        2,
        'MISSING_INPUT',
      );
      expect(c.message).toContain('--password-file');
    });
    expect(fs.existsSync(path.join(home, 'wallets', 'bob.json'))).toBe(false);
  });

  it('without --json the error is one line plus a hint on stderr, stdout empty, no stack trace', async () => {
    const r = await runCli(['wallet', 'sign', 'hi'], { home });
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^Error: missing password: .*--password-file.* \(MISSING_INPUT, exit 2\)\n$/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('wrong password → exit 3 WRONG_PASSWORD and the files unchanged (sign, passwd, rename, export)', async () => {
    await unchanged(home, async () => {
      const e = fails(
        await runCli(['wallet', 'sign', 'hi', '--password-file', wrongPwFile, '--json'], { home }),
        3,
        'WRONG_PASSWORD',
      );
      expect(e.details).toEqual({ wallet: 'alice' });
      fails(
        await runCli(['wallet', 'passwd', '--password-file', wrongPwFile, '--json'], {
          home,
          env: { AITBC_NEW_PASSWORD: 'x' },
        }),
        3,
        'WRONG_PASSWORD',
      );
      fails(
        await runCli(['wallet', 'rename', 'alice', 'bob', '--json'], {
          home,
          env: { AITBC_PASSWORD: 'wrong' },
        }),
        3,
        'WRONG_PASSWORD',
      );
      fails(
        await runCli(['wallet', 'export', '--mnemonic', '--yes', '--json'], {
          home,
          env: { AITBC_PASSWORD_FILE: wrongPwFile },
        }),
        3,
        'WRONG_PASSWORD',
      );
    });
  });
});

describe('tampered keystores → exit 3 KEYSTORE_CORRUPT naming the file', () => {
  const cases: Array<[string, (ks: any, other: any) => void]> = [
    ['the address (another valid address)', (ks, other) => (ks.address = other.address)],
    [
      'the address and publicKey (consistently, another valid pair)',
      (ks, other) => {
        ks.address = other.address;
        ks.publicKey = other.publicKey;
      },
    ],
    ['the path', (ks) => (ks.path = "m/44'/7337'/0'/0'/1'")],
    ['the name', (ks) => (ks.name = 'mallory')],
    ['createdAt', (ks) => (ks.createdAt = '2001-01-01T00:00:00.000Z')],
  ];

  let other: any;
  beforeAll(async () => {
    other = ok(
      await runCli(['wallet', 'create', 'other', ...FAST, '--password-file', pwFile, '--json'], {
        home: path.join(root, 'other-home'),
      }),
    );
  });

  it.each(cases)('%s', async (_what, edit) => {
    const h = path.join(root, `tamper-${_what.replace(/\W+/g, '-')}`);
    fs.cpSync(home, h, { recursive: true });
    const file = path.join(h, 'wallets', 'alice.json');
    const ks = JSON.parse(fs.readFileSync(file, 'utf8'));
    edit(ks, other);
    fs.writeFileSync(file, JSON.stringify(ks, null, 2));
    await unchanged(h, async () => {
      const e = fails(
        await runCli(['wallet', 'sign', 'hi', '--password-file', pwFile, '--json'], { home: h }),
        3,
        'KEYSTORE_CORRUPT',
      );
      expect(e.message).toContain(file);
      expect(e.details.file).toBe(file);
    });
  });

  it('a truncated keystore, for commands that need no password too', async () => {
    const h = path.join(root, 'truncated');
    fs.cpSync(home, h, { recursive: true });
    const file = path.join(h, 'wallets', 'alice.json');
    fs.writeFileSync(file, fs.readFileSync(file, 'utf8').slice(0, 200));
    for (const args of [
      ['wallet', 'show'],
      ['wallet', 'address'],
    ]) {
      const e = fails(await runCli([...args, '--json'], { home: h }), 3, 'KEYSTORE_CORRUPT');
      expect(e.message).toContain(file);
    }
    const list = ok(await runCli(['wallet', 'list', '--json'], { home: h }));
    expect(list.items).toHaveLength(1);
    expect(list.items[0].error).toContain(file);
  });
});

describe('mnemonics and names', () => {
  const valid = 'legal winner thank year wave sausage worth useful legal winner thank yellow';

  it('a bad word → exit 2 saying which word', async () => {
    const e = fails(
      await runCli(['wallet', 'import', 'x', ...FAST, '--password-file', pwFile, '--json'], {
        home,
        input: valid.replace('sausage', 'sausages'),
      }),
      2,
      'INVALID_MNEMONIC',
    );
    expect(e.message).toContain('word 6 ("sausages")');
    expect(e.details).toEqual({ position: 6 });
  });

  it('a bad checksum → exit 2 saying checksum', async () => {
    const file = path.join(root, 'bad-checksum.txt');
    fs.writeFileSync(file, valid.replace(/yellow$/, 'wave'));
    const e = fails(
      await runCli(
        ['wallet', 'import', 'x', '--mnemonic-file', file, ...FAST, '--password-file', pwFile, '--json'],
        {
          home,
        },
      ),
      2,
      'INVALID_MNEMONIC',
    );
    expect(e.message).toMatch(/checksum/);
    expect(fs.existsSync(path.join(home, 'wallets', 'x.json'))).toBe(false);
  });

  it('no mnemonic at all → exit 2 naming where it could come from', async () => {
    const e = fails(
      await runCli(['wallet', 'import', 'x', ...FAST, '--password-file', pwFile, '--json'], { home }),
      2,
      'MISSING_INPUT',
    );
    expect(e.message).toContain('--mnemonic-file');
  });

  it('an existing wallet name → exit 2 WALLET_EXISTS, the existing file untouched (create and import)', async () => {
    await unchanged(home, async () => {
      const e = fails(
        await runCli(['wallet', 'create', 'alice', ...FAST, '--password-file', pwFile, '--json'], { home }),
        2,
        'WALLET_EXISTS',
      );
      expect(e.details).toEqual({ name: 'alice', file: wallet.file });
      fails(
        await runCli(['wallet', 'import', 'alice', ...FAST, '--password-file', pwFile, '--json'], {
          home,
          input: valid,
        }),
        2,
        'WALLET_EXISTS',
      );
    });
  });

  it.each(['AIT1foo', '../evil'])('the name %j → exit 2', async (name) => {
    const e = fails(
      await runCli(['wallet', 'create', name, ...FAST, '--password-file', pwFile, '--json'], { home }),
      2,
      'INVALID_INPUT',
    );
    expect(e.details).toEqual({ name });
  });

  it('an unknown wallet → exit 4 WALLET_NOT_FOUND', async () => {
    fails(await runCli(['wallet', 'show', 'nobody', '--json'], { home }), 4, 'WALLET_NOT_FOUND');
  });
});
