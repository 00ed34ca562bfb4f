/**
 * A crash mid-write never leaves half a file (DESIGN §4, issue 2 "Bad input"): a child process rewrites a
 * wallet file over and over with writeFileAtomic (from the built dist/cli/secure-fs.js), alternating two
 * large, different keystores, and is SIGKILLed at seeded random moments. After every kill the file is
 * exactly one of the two complete contents, and the temp files a kill leaves behind are never read as a
 * wallet.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openHome } from '../../src/cli/home.js';
import { WalletStore } from '../../src/cli/wallet-store.js';
import { createPrng } from '../../src/core/prng.js';
import { encryptKeystore } from '../../src/crypto/keystore.js';
import { REPO_ROOT, tempDir } from '../helpers/cli.js';

const KILLS = 24;
const SECURE_FS = pathToFileURL(path.join(REPO_ROOT, 'dist', 'cli', 'secure-fs.js')).href;

/** The writer: alternates the two files' contents into `target` forever, saying "w" after each write. */
const WRITER = `
import { readFileSync } from 'node:fs';
import { writeFileAtomic } from ${JSON.stringify(SECURE_FS)};
const [target, a, b] = process.argv.slice(1);
const contents = [readFileSync(a), readFileSync(b)];
for (let i = 0; ; i++) {
  writeFileAtomic(target, contents[i % 2]);
  process.stdout.write('w');
}
`;

let root: string;
let cleanup: () => void;
let contentA: Buffer;
let contentB: Buffer;

beforeAll(async () => {
  const t = tempDir('aitbc-e2e-crash-');
  root = t.dir;
  cleanup = t.cleanup;
  // Two valid keystores of the same wallet, padded (JSON allows trailing whitespace) to several MiB of
  // different lengths so a kill has time to land mid-write and a torn file can never pass for either.
  const secret = { kind: 'raw', key: '42'.repeat(32) } as const;
  const [ksA, ksB] = await Promise.all([
    encryptKeystore({ name: 'alice', secret, password: 'a', scryptN: 16384 }),
    encryptKeystore({ name: 'alice', secret, password: 'b', scryptN: 16384 }),
  ]);
  contentA = Buffer.from(`${JSON.stringify(ksA, null, 2)}\n`.padEnd(4 * 1024 * 1024, ' '));
  contentB = Buffer.from(`${JSON.stringify(ksB, null, 2)}\n`.padEnd(3 * 1024 * 1024 + 17, ' '));
  fs.writeFileSync(path.join(root, 'a.bin'), contentA);
  fs.writeFileSync(path.join(root, 'b.bin'), contentB);
});
afterAll(() => cleanup());

/** Waits until the child has completed `writes` writes (its stdout counts them). */
function afterWrites(child: ChildProcess, writes: number): Promise<void> {
  return new Promise((resolve, reject) => {
    let seen = 0;
    const onData = (d: Buffer) => {
      seen += d.length;
      if (seen >= writes) {
        child.stdout!.off('data', onData);
        resolve();
      }
    };
    child.stdout!.on('data', onData);
    child.on('exit', (code, signal) => reject(new Error(`writer exited early: ${code ?? signal}`)));
  });
}

describe('writeFileAtomic under SIGKILL', () => {
  it(`leaves exactly one complete content after each of ${KILLS} kills at seeded random moments`, async () => {
    const home = path.join(root, 'home');
    const store = new WalletStore(openHome(home));
    const wallets = path.join(home, 'wallets');
    fs.mkdirSync(wallets, { recursive: true, mode: 0o700 });
    const target = store.fileOf('alice');
    fs.writeFileSync(target, contentA, { mode: 0o600 });

    const rng = createPrng('crash-mid-write');
    const seen = { a: 0, b: 0 };
    let tempsLeft = 0;
    for (let kill = 0; kill < KILLS; kill++) {
      const child = spawn(
        process.execPath,
        ['--input-type=module', '-e', WRITER, target, path.join(root, 'a.bin'), path.join(root, 'b.bin')],
        { stdio: ['ignore', 'pipe', 'inherit'] },
      );
      const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_c, s) => resolve(s)));
      // Let it complete 1–3 writes, then kill it somewhere inside a later one.
      await afterWrites(child, 1 + rng.int(3));
      await new Promise((r) => setTimeout(r, rng.int(40)));
      child.kill('SIGKILL');
      expect(await exited).toBe('SIGKILL');

      const now = fs.readFileSync(target);
      const whole = now.equals(contentA) ? 'a' : now.equals(contentB) ? 'b' : undefined;
      expect(whole, `after kill ${kill} the file has ${now.length} bytes, neither content`).toBeDefined();
      seen[whole as 'a' | 'b']++;
      expect(fs.statSync(target).mode & 0o777).toBe(0o600);

      // Whatever a kill left behind is a hidden temp file beside it, never taken for a wallet.
      const others = fs.readdirSync(wallets).filter((f) => f !== 'alice.json');
      for (const f of others) expect(f).toMatch(/^\.alice\.json\.[0-9a-f]{12}\.tmp$/);
      tempsLeft = others.length;
      const listed = store.list();
      expect(listed.map((w) => [w.name, w.error])).toEqual([['alice', undefined]]);
      expect(store.read('alice').address).toBe(listed[0].keystore!.address);
    }
    // Both contents won at some point, so the kills really interleaved with the rewrites.
    expect(seen.a).toBeGreaterThan(0);
    expect(seen.b).toBeGreaterThan(0);
    expect(seen.a + seen.b).toBe(KILLS);
    // Reported for the record: how many kills landed inside a temp-file write.
    console.info(
      `crash test: ${KILLS} kills, final content A ${seen.a}×, B ${seen.b}×, ${tempsLeft} temp files left`,
    );
  });
});
