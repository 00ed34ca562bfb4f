/**
 * The chain commands' bad-input and network-failure contract, without a node: malformed input fails
 * with exit 2 before any network call (the --node URL points at a closed port, so a call would show up
 * as UNREACHABLE, exit 5), a closed port is UNREACHABLE naming the URL, a silent server is TIMEOUT (7),
 * and offline signing works with no network at all.
 */
import { writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fromHex } from '../../src/core/hex.js';
import { verifyStrict } from '../../src/crypto/ed25519.js';
import { txSignBytes } from '../../src/protocol/tx.js';
import { type CliResult, runCli, tempDir } from '../helpers/cli.js';

const home = tempDir('aitbc-chain-input-');
const env = { AITBC_PASSWORD: 'correct horse', AITBC_WALLET: 'alice' };
let closedUrl: string;
let silent: Server;
let silentUrl: string;
let bob: string;

/** Runs `aitbc <words…> --json` against the closed port (unless the words name another node). */
function cli(words: string | string[], extra: Record<string, string | undefined> = {}) {
  const args = typeof words === 'string' ? words.split(' ') : words;
  return runCli([...args, '--json'], { home: home.dir, env: { AITBC_NODE: closedUrl, ...env, ...extra } });
}

function expectError(r: CliResult, code: string, exit: number) {
  expect({ exit: r.code, code: r.json().error?.code }).toEqual({ exit, code });
  expect(r.json().error.exitCode).toBe(exit);
}

beforeAll(async () => {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  closedUrl = `http://127.0.0.1:${(probe.address() as AddressInfo).port}`;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  silent = createServer(() => undefined);
  await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
  silentUrl = `http://127.0.0.1:${(silent.address() as AddressInfo).port}`;
  for (const name of ['alice', 'bob']) {
    const r = await cli(`wallet create ${name} --scrypt-n 16384`);
    expect(r.code).toBe(0);
    if (name === 'bob') bob = r.json().address;
  }
});

afterAll(async () => {
  silent.closeAllConnections();
  await new Promise<void>((resolve) => silent.close(() => resolve()));
  home.cleanup();
});

describe('wallet send: bad input fails with exit 2 before any network call', () => {
  for (const amount of ['0', '-1', '1.1234567', '1.5uait', '9223372036854775808uait', 'ten']) {
    it(`refuses amount ${JSON.stringify(amount)} with INVALID_AMOUNT`, async () => {
      const r = await cli(['wallet', 'send', bob, amount]);
      expectError(r, 'INVALID_AMOUNT', 2);
      expect(r.stderr).toBe('');
    });
  }

  it('refuses a bad fee', async () => {
    expectError(await cli(`wallet send ${bob} 1 --fee 0.0000001`), 'INVALID_AMOUNT', 2);
  });

  it('refuses a recipient that is neither an address nor a wallet', async () => {
    expectError(await cli('wallet send nobody 1'), 'INVALID_ADDRESS', 2);
    expectError(await cli(`wallet send ${bob.slice(0, -1)}x 1`), 'INVALID_ADDRESS', 2);
  });

  it('refuses a memo over 256 bytes', async () => {
    const r = await cli(`wallet send ${bob} 1 --memo ${'é'.repeat(129)}`);
    expectError(r, 'INVALID_INPUT', 2);
    expect(r.json().error.details).toMatchObject({ field: 'memo', bytes: 258 });
  });

  it('refuses a bad --wait and a negative --nonce as usage errors', async () => {
    expectError(await cli(`wallet send ${bob} 1 --wait forever`), 'USAGE', 2);
    expectError(await cli(`wallet send ${bob} 1 --nonce -1`), 'USAGE', 2);
  });

  it('needs a password when non-interactive, and refuses a wrong one with exit 3', async () => {
    expectError(await cli(`wallet send ${bob} 1`, { AITBC_PASSWORD: undefined }), 'MISSING_INPUT', 2);
    expectError(await cli(`wallet send ${bob} 1`, { AITBC_PASSWORD: 'wrong' }), 'WRONG_PASSWORD', 3);
  });

  it('--sign-only needs --chain and --nonce', async () => {
    const noChain = await cli(`wallet send ${bob} 1 --sign-only --nonce 0`);
    expectError(noChain, 'MISSING_INPUT', 2);
    expect(noChain.json().error.message).toContain('--chain');
    const noNonce = await cli(`wallet send ${bob} 1 --sign-only --chain c1`);
    expectError(noNonce, 'MISSING_INPUT', 2);
    expect(noNonce.json().error.message).toContain('--nonce');
  });
});

describe('offline signing and broadcast', () => {
  it('signs with no network call; the signature verifies strictly; broadcast then needs the node', async () => {
    const r = await cli('wallet send bob 1.5AIT --sign-only --chain c1 --nonce 3 --memo m');
    expect(r.code).toBe(0);
    const out = r.json();
    expect(out).toMatchObject({
      status: 'signed',
      chainId: 'c1',
      to: bob,
      amount: '1500000',
      fee: '1000',
      nonce: 3,
    });
    expect(out.tx.body).toEqual({ to: bob, amount: '1500000', memo: 'm' });
    expect(verifyStrict(fromHex(out.tx.sig, 64), txSignBytes(out.tx), fromHex(out.tx.pubkey, 32))).toBe(true);

    const file = path.join(home.dir, 'signed.json');
    writeFileSync(file, r.stdout);
    const b = await cli(['chain', 'broadcast', file]);
    expectError(b, 'UNREACHABLE', 5);
    expect(b.json().error.message).toContain(closedUrl);

    const human = await runCli('wallet send bob 1 --sign-only --chain c1 --nonce 4'.split(' '), {
      home: home.dir,
      env,
    });
    expect(human.code).toBe(0);
    expect(JSON.parse(human.stdout)).toMatchObject({ chainId: 'c1', nonce: 4, type: 'transfer' });
    expect(human.stderr).toContain('chain broadcast');
  });

  it('refuses a tampered or malformed file before the network', async () => {
    const tx = (await cli(`wallet send ${bob} 1 --sign-only --chain c1 --nonce 0`)).json().tx;
    const cases: Array<[string, string, number]> = [
      [JSON.stringify({ ...tx, body: { ...tx.body, amount: '2000000' } }), 'BAD_SIGNATURE', 6],
      [JSON.stringify({ ...tx, sig: tx.sig.toUpperCase() }), 'INVALID_INPUT', 2],
      [JSON.stringify({ ...tx, extra: 1 }), 'INVALID_INPUT', 2],
      [JSON.stringify(tx).replace('"nonce":0', '"nonce":0,"nonce":0'), 'INVALID_INPUT', 2],
      ['{"chainId": ', 'INVALID_INPUT', 2],
    ];
    const file = path.join(home.dir, 'bad.json');
    for (const [text, code, exit] of cases) {
      writeFileSync(file, text);
      expectError(await cli(['chain', 'broadcast', file]), code, exit);
    }
    expectError(await cli(['chain', 'broadcast', path.join(home.dir, 'missing.json')]), 'INVALID_INPUT', 2);
  });
});

describe('other commands: input and network failures', () => {
  it('refuses malformed block references, hashes and faucet amounts with exit 2', async () => {
    expectError(await cli('chain block tip'), 'INVALID_INPUT', 2);
    expectError(await cli('chain block 0'), 'INVALID_INPUT', 2);
    expectError(await cli('chain tx abc'), 'INVALID_INPUT', 2);
    expectError(await cli('wallet faucet alice --amount 0'), 'INVALID_AMOUNT', 2);
    expectError(await cli('wallet balance ait1notanaddress'), 'INVALID_ADDRESS', 2);
    expectError(await cli('wallet balance carol'), 'WALLET_NOT_FOUND', 4);
  });

  it('reports a closed port as UNREACHABLE (exit 5) naming the URL', async () => {
    const r = await cli('wallet balance alice');
    expectError(r, 'UNREACHABLE', 5);
    expect(r.json().error.details.url).toBe(closedUrl);
    const human = await runCli(['chain', 'status'], { home: home.dir, env: { AITBC_NODE: closedUrl } });
    expect(human.code).toBe(5);
    expect(human.stdout).toBe('');
    expect(human.stderr).toContain(closedUrl);
  });

  it('reports a node that never answers as TIMEOUT (exit 7) after --timeout seconds', async () => {
    const r = await cli(`chain status --node ${silentUrl} --timeout 0.5`);
    expectError(r, 'TIMEOUT', 7);
    expect(r.json().error.details).toMatchObject({ url: silentUrl, method: 'status', timeoutSeconds: 0.5 });
    const viaEnv = await cli('wallet history alice', { AITBC_NODE: silentUrl, AITBC_TIMEOUT: '0.5' });
    expectError(viaEnv, 'TIMEOUT', 7);
  });

  it('refuses an invalid timeout and node URL as input errors', async () => {
    expectError(await cli('chain status --timeout -3'), 'INVALID_INPUT', 2);
    expectError(await cli('chain status --node ftp://x'), 'INVALID_INPUT', 2);
  });
});
