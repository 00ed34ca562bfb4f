/**
 * The CLI contract of DESIGN §4 against the built binary: help with the exit-code table, --version,
 * parse errors and unknown commands through the JSON error renderer, exactly one JSON document on stdout
 * under --json, and no file or directory under the home readable by group or others whatever the umask.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXIT_MEANINGS } from '../../src/cli/errors.js';
import { ERROR_CODES } from '../../src/core/errors.js';
import { BIN, type CliResult, cleanEnv, REPO_ROOT, runCli, tempDir } from '../helpers/cli.js';

let root: string;
let cleanup: () => void;
beforeAll(() => {
  const t = tempDir('aitbc-e2e-contract-');
  root = t.dir;
  cleanup = t.cleanup;
});
afterAll(() => cleanup());

const pkg = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8'));

/** Under --json an error is exactly {error: {code, message, exitCode, details}} with the process's exit code. */
function errorDoc(r: CliResult, exit: number, code: string) {
  expect(r.code).toBe(exit);
  const doc = r.json();
  expect(Object.keys(doc)).toEqual(['error']);
  expect(Object.keys(doc.error).sort()).toEqual(['code', 'details', 'exitCode', 'message']);
  expect(doc.error).toMatchObject({ code, exitCode: exit });
  expect(typeof doc.error.message).toBe('string');
  expect(doc.error.message).not.toContain('\u001b[');
  return doc.error;
}

describe('help and version', () => {
  it('aitbc --help shows the exit-code table with every code', async () => {
    const r = await runCli(['--help']);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout).toContain('EXIT CODES');
    for (const { exit, meaning } of EXIT_MEANINGS) {
      expect(r.stdout).toMatch(new RegExp(`^\\s*${exit}  ${meaning}`, 'm'));
    }
    for (const code of ERROR_CODES) expect(r.stdout).toContain(code);
    expect(r.stdout).toMatch(/TOPICS[\s\S]*wallet[\s\S]*config/);
  });

  it.each([['--version'], ['-v'], ['version']])('aitbc %s prints aitbc/<version> …', async (flag) => {
    const r = await runCli([flag]);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(
      new RegExp(
        `^aitbc/${pkg.version.replace(/\./g, '\\.')} ${process.platform}-${process.arch} node-v\\d+\\.\\d+\\.\\d+\\n$`,
      ),
    );
  });

  it('describes every topic', async () => {
    const r = await runCli(['wallet', '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(pkg.oclif.topics.wallet.description.slice(0, 40));
    expect(r.stdout).toContain('wallet create');
  });
});

describe('usage errors under --json go through the same renderer (exit 2)', () => {
  it.each([
    ['an unknown flag', ['wallet', 'list', '--bogus'], /--bogus/],
    ['a bad option value', ['wallet', 'create', '--words', '13'], /12, 24/],
    ['a missing argument', ['wallet', 'verify'], /required/i],
    ['an extra argument', ['wallet', 'show', 'a', 'b'], /Unexpected argument/i],
    ['a missing required flag', ['wallet', 'verify', 'm', 'sig'], /address/],
  ])('%s', async (_why, args, message) => {
    const r = await runCli([...args, '--json'], { home: path.join(root, 'usage') });
    const e = errorDoc(r, 2, 'USAGE');
    expect(e.message).toMatch(message);
    expect(r.stderr).toBe('');
  });

  it('an unknown command under --json → error JSON, exit 2', async () => {
    const r = await runCli(['wallet', 'frobnicate', '--json']);
    const e = errorDoc(r, 2, 'USAGE');
    // Named as the user typed it (space separator), not as oclif's internal id.
    expect(e.message).toBe('command wallet frobnicate not found');
    expect(r.stderr).toBe('');
  });

  it('without --json: one line plus a hint on stderr, nothing on stdout, no stack unless DEBUG', async () => {
    const r = await runCli(['nonsense']);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^Error: .*not found.* \(USAGE, exit 2\)\nHint: .+\n$/);
    const flagged = await runCli(['wallet', 'list', '--bogus']);
    expect(flagged.code).toBe(2);
    expect(flagged.stdout).toBe('');
    expect(flagged.stderr).not.toMatch(/\n\s+at /);
    const debug = await runCli(['wallet', 'show', 'nobody'], {
      home: path.join(root, 'dbg'),
      env: { DEBUG: '1' },
    });
    expect(debug.code).toBe(4);
    expect(debug.stderr).toMatch(/\n\s+at /);
  });
});

describe('--json: stdout holds exactly one JSON document and nothing else', () => {
  it('for every light command, successes and failures alike', async () => {
    const home = path.join(root, 'json-home');
    const env = { AITBC_PASSWORD: 'pw' };
    const runs: Array<[string[], number]> = [
      [['wallet', 'create', 'a', '--scrypt-n', '16384'], 0],
      [['wallet', 'list'], 0],
      [['wallet', 'show'], 0],
      [['wallet', 'address'], 0],
      [['wallet', 'sign', 'm'], 0],
      [['wallet', 'use', 'a'], 0],
      [['wallet', 'export'], 0],
      [['config', 'set', 'timeout', '5'], 0],
      [['config', 'unset', 'timeout'], 0],
      [['config', 'list'], 0],
      [['config', 'path'], 0],
      [['wallet', 'show', 'nobody'], 4],
      [['wallet', 'create', 'a', '--scrypt-n', '16384'], 2],
    ];
    for (const [args, exit] of runs) {
      const r = await runCli([...args, '--json', '--quiet'], { home, env });
      expect({ args, code: r.code, stderr: r.stderr }).toEqual({ args, code: exit, stderr: '' });
      // JSON.parse refuses trailing text, so this proves one document and nothing else.
      const doc = JSON.parse(r.stdout);
      expect(typeof doc).toBe('object');
      expect(r.stdout.endsWith('}\n')).toBe(true);
      if (exit !== 0) expect(doc.error.exitCode).toBe(exit);
    }
  });

  it('--quiet keeps only the result in human output', async () => {
    const home = path.join(root, 'quiet-home');
    const created = await runCli(['wallet', 'create', 'q', '--scrypt-n', '16384', '--quiet'], {
      home,
      env: { AITBC_PASSWORD: 'pw' },
    });
    expect(created.code).toBe(0);
    const address = created.stdout.trim();
    expect(address).toMatch(/^ait1[a-z0-9]{38}$/);
    const r = await runCli(['wallet', 'address', '--quiet'], { home });
    expect(r).toMatchObject({ code: 0, stdout: `${address}\n`, stderr: '' });
  });
});

describe('home file modes', () => {
  /** Runs the CLI with umask 000 in the child, so only the CLI's own modes protect the files. */
  function runUmask000(args: string[], home: string, extraEnv: Record<string, string> = {}, input = '') {
    return new Promise<CliResult>((resolve, reject) => {
      const child = spawn('sh', ['-c', 'umask 000; exec "$0" "$@"', process.execPath, BIN, ...args], {
        env: cleanEnv({ AITBC_HOME: home, ...extraEnv }),
        cwd: REPO_ROOT,
      });
      let stdout = '';
      let stderr = '';
      child.stdout.setEncoding('utf8').on('data', (d) => (stdout += d));
      child.stderr.setEncoding('utf8').on('data', (d) => (stderr += d));
      child.on('error', reject);
      child.on('close', (code) =>
        resolve({ code: code ?? -1, stdout, stderr, json: () => JSON.parse(stdout) }),
      );
      child.stdin.end(input);
    });
  }

  it('no file or directory under the home is readable by group or others, even with umask 000', async () => {
    const home = path.join(root, 'umask', 'nested', 'home');
    const env = { AITBC_PASSWORD: 'pw', AITBC_NEW_PASSWORD: 'pw2' };
    const probe = await runUmask000(['config', 'path', '--json'], path.join(root, 'probe'));
    expect(probe.code).toBe(0);
    const steps: string[][] = [
      ['wallet', 'create', 'alice', '--scrypt-n', '16384', '--json'],
      ['wallet', 'create', 'bob', '--words', '12', '--scrypt-n', '16384', '--json'],
      ['config', 'set', 'node', 'http://127.0.0.1:1', '--profile', 'p2', '--json'],
      ['wallet', 'use', 'bob', '--json'],
      ['wallet', 'rename', 'bob', 'carol', '--json'],
      ['wallet', 'passwd', 'alice', '--json'],
      ['wallet', 'export', 'alice', '--out', path.join(home, 'alice.export.json'), '--json'],
    ];
    for (const args of steps) {
      const r = await runUmask000(args, home, env);
      expect({ args, code: r.code, stderr: r.stderr }).toEqual({ args, code: 0, stderr: '' });
    }
    const seen: string[] = [];
    const loose: string[] = [];
    const walk = (p: string) => {
      const st = fs.lstatSync(p);
      seen.push(path.relative(home, p) || '.');
      if ((st.mode & 0o077) !== 0)
        loose.push(`${path.relative(home, p) || '.'} ${(st.mode & 0o777).toString(8)}`);
      if (st.isDirectory()) {
        expect(st.mode & 0o777).toBe(0o700);
        for (const e of fs.readdirSync(p)) walk(path.join(p, e));
      } else expect(st.mode & 0o777).toBe(0o600);
    };
    walk(home);
    expect(loose).toEqual([]);
    expect(seen.sort()).toEqual(
      ['.', 'alice.export.json', 'config.json', 'wallets', 'wallets/alice.json', 'wallets/carol.json'].sort(),
    );
    // The parents the CLI created on the way are private too.
    expect(fs.statSync(path.dirname(home)).mode & 0o777).toBe(0o700);
  });
});
