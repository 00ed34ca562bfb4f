/**
 * oclif.manifest.json must match the built commands (DESIGN §3: ship it and keep it fresh). The manifest
 * is regenerated from dist/ in a temporary copy of the package (package.json + dist, node_modules linked)
 * with `oclif manifest`, and compared with the committed file.
 */
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT, tempDir } from '../helpers/cli.js';

const run = promisify(execFile);

interface Manifest {
  version: string;
  commands: Record<
    string,
    { flags: Record<string, unknown>; args: Record<string, unknown> } & Record<string, unknown>
  >;
}

let fresh: Manifest;
let committed: Manifest;
let cleanup: () => void;

beforeAll(async () => {
  const t = tempDir('aitbc-manifest-');
  cleanup = t.cleanup;
  fs.copyFileSync(path.join(REPO_ROOT, 'package.json'), path.join(t.dir, 'package.json'));
  // A real copy of dist, so the manifest's relativePath entries match the committed ones.
  fs.cpSync(path.join(REPO_ROOT, 'dist'), path.join(t.dir, 'dist'), { recursive: true });
  fs.symlinkSync(path.join(REPO_ROOT, 'node_modules'), path.join(t.dir, 'node_modules'), 'dir');
  await run(process.execPath, [path.join(REPO_ROOT, 'node_modules', 'oclif', 'bin', 'run.js'), 'manifest'], {
    cwd: t.dir,
    // No update check against the registry.
    env: { ...process.env, OCLIF_SKIP_NEW_VERSION_CHECK: 'true', CI: 'true' },
  });
  fresh = JSON.parse(fs.readFileSync(path.join(t.dir, 'oclif.manifest.json'), 'utf8'));
  // `npm run build` rewrites the working copy, so "committed" means the file in git's HEAD when there is one.
  const head = await run('git', ['show', 'HEAD:oclif.manifest.json'], {
    cwd: REPO_ROOT,
    maxBuffer: 64 << 20,
  }).catch(() => undefined);
  committed = JSON.parse(
    head?.stdout ?? fs.readFileSync(path.join(REPO_ROOT, 'oclif.manifest.json'), 'utf8'),
  );
}, 120_000);
afterAll(() => cleanup());

describe('oclif.manifest.json', () => {
  const stale = 'oclif.manifest.json is stale: run `npm run build` and commit oclif.manifest.json';

  it('lists exactly the built commands', () => {
    expect(Object.keys(committed.commands).sort(), stale).toEqual(Object.keys(fresh.commands).sort());
  });

  it('has the same flags and args for every command', () => {
    for (const id of Object.keys(fresh.commands)) {
      const c = committed.commands[id];
      expect(c, `${stale} (${id} missing)`).toBeDefined();
      expect(c.flags, `${stale} (${id} flags)`).toEqual(fresh.commands[id].flags);
      expect(c.args, `${stale} (${id} args)`).toEqual(fresh.commands[id].args);
    }
  });

  it('is identical to a freshly generated one (summaries, descriptions, examples, version)', () => {
    expect(committed, stale).toEqual(fresh);
  });
});
