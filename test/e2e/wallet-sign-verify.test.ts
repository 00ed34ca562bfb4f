/**
 * `wallet sign` → `wallet verify` in a fresh home: verification needs no keystore and no network, and
 * every kind of bad signature exits 6 (BAD_SIGNATURE).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CliResult, runCli, tempDir } from '../helpers/cli.js';
import { ok } from '../helpers/expect-cli.js';

let cleanup: () => void;
let signHome: string;
let verifyHome: string;
let signed: any;
let signedAtIndex: any;
const MESSAGE = 'Pay 1.5 AIT to Bob — ünïcödé, "quotes" and\nnewlines';

function badSignature(r: CliResult, reason: string): void {
  expect(r.code).toBe(6);
  expect(r.stderr).toBe('');
  const doc = r.json();
  expect(doc.error).toMatchObject({ code: 'BAD_SIGNATURE', exitCode: 6, details: { reason } });
}

beforeAll(async () => {
  const t = tempDir('aitbc-e2e-sign-');
  cleanup = t.cleanup;
  signHome = path.join(t.dir, 'signer');
  verifyHome = path.join(t.dir, 'verifier');
  const env = { AITBC_PASSWORD: 'pw' };
  ok(await runCli(['wallet', 'create', 'alice', '--scrypt-n', '16384', '--json'], { home: signHome, env }));
  signed = ok(await runCli(['wallet', 'sign', MESSAGE, '--json'], { home: signHome, env }));
  signedAtIndex = ok(
    await runCli(['wallet', 'sign', MESSAGE, '--index', '2', '--json'], { home: signHome, env }),
  );
});
afterAll(() => cleanup());

describe('wallet sign', () => {
  it('prints {address, publicKey, message, signature} with the key embedded in the 192-hex signature', () => {
    expect(Object.keys(signed).sort()).toEqual(['address', 'message', 'publicKey', 'signature']);
    expect(signed.message).toBe(MESSAGE);
    expect(signed.signature).toMatch(/^[0-9a-f]{192}$/);
    expect(signed.signature.slice(0, 64)).toBe(signed.publicKey);
  });

  it('signs with another derived key under --index', () => {
    expect(signedAtIndex.address).not.toBe(signed.address);
    expect(signedAtIndex.signature.slice(0, 64)).toBe(signedAtIndex.publicKey);
  });
});

describe('wallet verify in a fresh home (no keystore, no network)', () => {
  it('accepts a valid signature: exit 0', async () => {
    const r = ok(
      await runCli(['wallet', 'verify', MESSAGE, signed.signature, '--address', signed.address, '--json'], {
        home: verifyHome,
      }),
    );
    expect(r).toEqual({
      valid: true,
      address: signed.address,
      publicKey: signed.publicKey,
      message: MESSAGE,
    });
    // The verifier needed nothing from its home and wrote nothing there.
    expect(fs.existsSync(path.join(verifyHome, 'wallets'))).toBe(false);
  });

  it('accepts the --index signature for its own address, and an upper-cased address', async () => {
    ok(
      await runCli(
        [
          'wallet',
          'verify',
          MESSAGE,
          signedAtIndex.signature,
          '--address',
          signedAtIndex.address.toUpperCase(),
          '--json',
        ],
        { home: verifyHome },
      ),
    );
  });

  it('refuses an altered message: exit 6', async () => {
    badSignature(
      await runCli(
        ['wallet', 'verify', `${MESSAGE}.`, signed.signature, '--address', signed.address, '--json'],
        {
          home: verifyHome,
        },
      ),
      'bad-signature',
    );
  });

  it('refuses the wrong address: exit 6', async () => {
    badSignature(
      await runCli(
        ['wallet', 'verify', MESSAGE, signed.signature, '--address', signedAtIndex.address, '--json'],
        {
          home: verifyHome,
        },
      ),
      'key-mismatch',
    );
  });

  it('refuses a signature whose last byte was altered: exit 6', async () => {
    const last = signed.signature.slice(-2) === '00' ? '01' : '00';
    badSignature(
      await runCli(
        [
          'wallet',
          'verify',
          MESSAGE,
          signed.signature.slice(0, -2) + last,
          '--address',
          signed.address,
          '--json',
        ],
        { home: verifyHome },
      ),
      'bad-signature',
    );
  });

  it.each([
    ['not hex', () => `${signed.signature.slice(0, 190)}zz`],
    ['the bare 64-byte signature', () => signed.signature.slice(64)],
  ])('refuses a malformed signature (%s): exit 6', async (_why, sig) => {
    badSignature(
      await runCli(['wallet', 'verify', MESSAGE, sig(), '--address', signed.address, '--json'], {
        home: verifyHome,
      }),
      'malformed',
    );
  });

  it('refuses an invalid --address: exit 2 INVALID_ADDRESS', async () => {
    const r = await runCli(
      ['wallet', 'verify', MESSAGE, signed.signature, '--address', 'ait1xyz', '--json'],
      {
        home: verifyHome,
      },
    );
    expect(r.code).toBe(2);
    expect(r.json().error.code).toBe('INVALID_ADDRESS');
  });

  it('prints one line for people', async () => {
    const r = await runCli(['wallet', 'verify', MESSAGE, signed.signature, '--address', signed.address], {
      home: verifyHome,
    });
    expect(r).toMatchObject({ code: 0, stderr: '', stdout: `Valid signature by ${signed.address}\n` });
  });
});
