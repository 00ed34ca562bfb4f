/**
 * Keystores (DESIGN §5): round trips, the on-disk format (checked with an independent implementation of
 * scrypt → AES-256-GCM with the JCS header as additional data), tamper detection of every header field,
 * and the wrong-password / corrupt distinction.
 */
import { createCipheriv, randomBytes, scryptSync } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { canonicalJson } from '../../../src/core/canonical-json.js';
import { AitbcError } from '../../../src/core/errors.js';
import { fromHex, toHex } from '../../../src/core/hex.js';
import { addressFromPublicKey } from '../../../src/crypto/address.js';
import { signerFromSecret } from '../../../src/crypto/ed25519.js';
import {
  decryptKeystore,
  encryptKeystore,
  type Keystore,
  type KeystoreSecret,
  validateKeystore,
} from '../../../src/crypto/keystore.js';
import { entropyToMnemonic, mnemonicToSeed } from '../../../src/crypto/mnemonic.js';
import { slip10Derive, walletPath } from '../../../src/crypto/slip10.js';

const N = 16384;
const PASSWORD = 'correct horse battery staple';
const ENTROPY = '8080808080808080808080808080808080808080808080808080808080808080';
const RAW_KEY = '9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60';
const RAW_PUB = 'd75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a';

/** What a keystore file holds after a JSON round trip, validated as a file would be. */
const reload = (ks: unknown): Keystore => validateKeystore(JSON.parse(JSON.stringify(ks)));
const clone = (ks: Keystore): any => JSON.parse(JSON.stringify(ks));

/** The outcome of loading and unlocking: 'ok' or the error code. */
async function outcome(ks: unknown, password = PASSWORD): Promise<string> {
  try {
    await decryptKeystore(reload(ks), password);
    return 'ok';
  } catch (e) {
    if (!(e instanceof AitbcError)) throw e;
    return e.code;
  }
}

function expectedKey(entropy: string, path: string, passphrase = ''): string {
  const seed = mnemonicToSeed(entropyToMnemonic(entropy), passphrase);
  return toHex(signerFromSecret(slip10Derive(seed, path).key).publicKey);
}

/**
 * Seals a keystore the way DESIGN §5 describes it, independently of src/crypto/keystore.ts: scrypt(N, 8, 1)
 * → AES-256-GCM over JCS(secret), additional data = JCS(keystore without cipher.tag and ciphertext).
 */
function seal(header: Omit<Keystore, 'cipher' | 'ciphertext'>, secret: unknown, password: string): Keystore {
  const key = scryptSync(password.normalize('NFKC'), fromHex(header.kdf.salt, 32), 32, {
    N: header.kdf.N,
    r: 8,
    p: 1,
    maxmem: 64 * 1024 * 1024,
  });
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(
    Buffer.from(canonicalJson({ ...header, cipher: { name: 'aes-256-gcm', iv: iv.toString('hex') } })),
  );
  const ct = Buffer.concat([cipher.update(canonicalJson(secret)), cipher.final()]);
  return {
    ...header,
    cipher: { name: 'aes-256-gcm', iv: iv.toString('hex'), tag: cipher.getAuthTag().toString('hex') },
    ciphertext: ct.toString('hex'),
  };
}

describe('keystore round trip', () => {
  it('a mnemonic without passphrase', async () => {
    const path = walletPath(0, 0);
    const ks = await encryptKeystore({
      name: 'alice',
      secret: { kind: 'mnemonic', entropy: ENTROPY },
      password: PASSWORD,
      path,
      scryptN: N,
      createdAt: '2025-01-02T03:04:05.678Z',
    });
    expect(ks.version).toBe(1);
    expect(ks.name).toBe('alice');
    expect(ks.path).toBe(path);
    expect(ks.publicKey).toBe(expectedKey(ENTROPY, path));
    expect(ks.address).toBe(addressFromPublicKey(fromHex(ks.publicKey, 32)));
    expect(ks.kdf).toMatchObject({ name: 'scrypt', N, r: 8, p: 1, dkLen: 32 });
    expect(ks.kdf.salt).toMatch(/^[0-9a-f]{64}$/);
    expect(ks.cipher.name).toBe('aes-256-gcm');
    expect(ks.cipher.iv).toMatch(/^[0-9a-f]{24}$/);
    expect(ks.cipher.tag).toMatch(/^[0-9a-f]{32}$/);
    expect(ks.createdAt).toBe('2025-01-02T03:04:05.678Z');
    expect(Object.keys(ks).sort()).toEqual(
      ['address', 'cipher', 'ciphertext', 'createdAt', 'kdf', 'name', 'path', 'publicKey', 'version'].sort(),
    );
    // Nothing secret in the clear.
    const text = JSON.stringify(ks);
    expect(text).not.toContain(ENTROPY);
    expect(text).not.toContain(entropyToMnemonic(ENTROPY).split(' ').slice(0, 3).join(' '));

    const unlocked = await decryptKeystore(reload(ks), PASSWORD);
    expect(unlocked.secret).toEqual({ kind: 'mnemonic', entropy: ENTROPY });
    expect(toHex(unlocked.publicKey)).toBe(ks.publicKey);
    expect(unlocked.address).toBe(ks.address);
    expect(toHex(signerFromSecret(unlocked.signingKey).publicKey)).toBe(ks.publicKey);
  });

  it('a mnemonic with a BIP-39 passphrase (a different key than without)', async () => {
    const path = walletPath(1, 2);
    const secret: KeystoreSecret = { kind: 'mnemonic', entropy: ENTROPY, passphrase: 'TREZOR' };
    const ks = await encryptKeystore({ name: 'bob', secret, password: PASSWORD, path, scryptN: N });
    expect(ks.publicKey).toBe(expectedKey(ENTROPY, path, 'TREZOR'));
    expect(ks.publicKey).not.toBe(expectedKey(ENTROPY, path));
    const unlocked = await decryptKeystore(reload(ks), PASSWORD);
    expect(unlocked.secret).toEqual(secret);
    expect(toHex(unlocked.publicKey)).toBe(ks.publicKey);
  });

  it('a raw key (no path)', async () => {
    const ks = await encryptKeystore({
      name: 'validator',
      secret: { kind: 'raw', key: RAW_KEY },
      password: PASSWORD,
      path: walletPath(),
      scryptN: N,
    });
    expect(ks.publicKey).toBe(RAW_PUB);
    expect('path' in ks).toBe(false);
    const unlocked = await decryptKeystore(reload(ks), PASSWORD);
    expect(unlocked.secret).toEqual({ kind: 'raw', key: RAW_KEY });
    expect(toHex(unlocked.signingKey)).toBe(RAW_KEY);
  });

  it('a Unicode password, NFKC-normalised', async () => {
    const ks = await encryptKeystore({
      name: 'u',
      secret: { kind: 'raw', key: RAW_KEY },
      password: 'caf\u00e9 \u2460',
      scryptN: N,
    });
    expect((await decryptKeystore(ks, 'cafe\u0301 1')).address).toBe(ks.address);
    await expect(decryptKeystore(ks, 'cafe 1')).rejects.toMatchObject({ code: 'WRONG_PASSWORD' });
  });

  it('uses a fresh salt and IV every time', async () => {
    const opts = {
      name: 'a',
      secret: { kind: 'raw', key: RAW_KEY } as const,
      password: PASSWORD,
      scryptN: N,
    };
    const [a, b] = await Promise.all([encryptKeystore(opts), encryptKeystore(opts)]);
    expect(a.kdf.salt).not.toBe(b.kdf.salt);
    expect(a.cipher.iv).not.toBe(b.cipher.iv);
    expect(a.ciphertext).not.toBe(b.ciphertext);
  });

  it('writes the format of DESIGN §5 (an independent implementation opens it and seals what it opens)', async () => {
    const ks = await encryptKeystore({
      name: 'fmt',
      secret: { kind: 'mnemonic', entropy: ENTROPY, passphrase: 'p' },
      password: PASSWORD,
      path: walletPath(),
      scryptN: N,
    });
    const { cipher: _c, ciphertext: _t, ...header } = ks;
    const resealed = seal(header, { kind: 'mnemonic', entropy: ENTROPY, passphrase: 'p' }, PASSWORD);
    expect((await decryptKeystore(reload(resealed), PASSWORD)).address).toBe(ks.address);
  });

  it.each([8192, 3 * 16384, 2 ** 21, 16384.5])('refuses scrypt N = %s', async (n) => {
    await expect(
      encryptKeystore({ name: 'x', secret: { kind: 'raw', key: RAW_KEY }, password: 'p', scryptN: n }),
    ).rejects.toMatchObject({ code: 'INVALID_INPUT' });
  });

  it('refuses a mnemonic secret without a path', async () => {
    await expect(
      encryptKeystore({
        name: 'x',
        secret: { kind: 'mnemonic', entropy: ENTROPY },
        password: 'p',
        scryptN: N,
      }),
    ).rejects.toMatchObject({ code: 'INVALID_INPUT' });
  });
});

describe('keystore tamper detection', () => {
  let ks: Keystore;
  let other: { address: string; publicKey: string };

  beforeAll(async () => {
    ks = await encryptKeystore({
      name: 'alice',
      secret: { kind: 'mnemonic', entropy: ENTROPY },
      password: PASSWORD,
      path: walletPath(0, 0),
      scryptN: N,
    });
    const pub = signerFromSecret(new Uint8Array(32).fill(1)).publicKey;
    other = { address: addressFromPublicKey(pub), publicKey: toHex(pub) };
  });

  it('the untouched keystore opens (control)', async () => {
    expect(await outcome(ks)).toBe('ok');
  });

  it('a wrong password → WRONG_PASSWORD', async () => {
    expect(await outcome(ks, 'wrong')).toBe('WRONG_PASSWORD');
    expect(await outcome(ks, '')).toBe('WRONG_PASSWORD');
    expect(await outcome(ks, `${PASSWORD} `)).toBe('WRONG_PASSWORD');
  });

  const flipHex = (hex: string, at = 0): string =>
    hex.slice(0, at) + (Number.parseInt(hex[at], 16) ^ 1).toString(16) + hex.slice(at + 1);

  // Fields the GCM additional data covers, edited into values that still pass validation:
  // the right password then proves the file was altered → KEYSTORE_CORRUPT.
  const authenticated: Array<[string, (k: any, o: { address: string; publicKey: string }) => void]> = [
    ['name', (k) => (k.name = 'mallory')],
    [
      'address and publicKey swapped to another valid pair',
      (k, o) => {
        k.address = o.address;
        k.publicKey = o.publicKey;
      },
    ],
    ['path (another account)', (k) => (k.path = walletPath(1, 0))],
    ['path (another index)', (k) => (k.path = walletPath(0, 1))],
    ['path removed', (k) => delete k.path],
    ['createdAt', (k) => (k.createdAt = '2000-01-01T00:00:00.000Z')],
    ['cipher.tag', (k) => (k.cipher.tag = flipHex(k.cipher.tag, 5))],
    ['ciphertext (one bit)', (k) => (k.ciphertext = flipHex(k.ciphertext, 10))],
    ['ciphertext (truncated)', (k) => (k.ciphertext = k.ciphertext.slice(0, -2))],
  ];
  it.each(authenticated)('%s → KEYSTORE_CORRUPT', async (_field, edit) => {
    const k = clone(ks);
    edit(k, other);
    expect(await outcome(k)).toBe('KEYSTORE_CORRUPT');
    // With a wrong password it is never a success either.
    expect(await outcome(k, 'wrong')).not.toBe('ok');
  });

  // Fields that change the key or the keystream: the file cannot tell them from a wrong password, but
  // it never opens.
  const keyOrStream: Array<[string, (k: any) => void]> = [
    ['kdf.N', (k) => (k.kdf.N = N * 2)],
    ['kdf.salt', (k) => (k.kdf.salt = flipHex(k.kdf.salt))],
    ['cipher.iv', (k) => (k.cipher.iv = flipHex(k.cipher.iv))],
  ];
  it.each(keyOrStream)(
    '%s → refused (KEYSTORE_CORRUPT or WRONG_PASSWORD), never a silent success',
    async (_f, edit) => {
      const k = clone(ks);
      edit(k);
      expect(['KEYSTORE_CORRUPT', 'WRONG_PASSWORD']).toContain(await outcome(k));
    },
  );

  // Edits the validator refuses before any password is asked.
  const invalid: Array<[string, (k: any, o: { address: string; publicKey: string }) => void]> = [
    ['version', (k) => (k.version = 2)],
    ['empty name', (k) => (k.name = '')],
    ['address alone', (k, o) => (k.address = o.address)],
    ['publicKey alone', (k, o) => (k.publicKey = o.publicKey)],
    ['address uppercased', (k) => (k.address = k.address.toUpperCase())],
    ['a small-order publicKey', (k) => (k.publicKey = `01${'00'.repeat(31)}`)],
    ['a non-hardened path', (k) => (k.path = "m/44'/7337'/0'/0'/0")],
    ['kdf.name', (k) => (k.kdf.name = 'pbkdf2')],
    ['kdf.r', (k) => (k.kdf.r = 16)],
    ['kdf.p', (k) => (k.kdf.p = 2)],
    ['kdf.dkLen', (k) => (k.kdf.dkLen = 64)],
    ['kdf.N below 2^14', (k) => (k.kdf.N = 1024)],
    ['kdf.N not a power of two', (k) => (k.kdf.N = 20000)],
    ['kdf.salt uppercase', (k) => (k.kdf.salt = k.kdf.salt.toUpperCase())],
    ['cipher.name', (k) => (k.cipher.name = 'aes-128-gcm')],
    ['cipher.iv length', (k) => (k.cipher.iv = `${k.cipher.iv}00`)],
    ['cipher.tag length', (k) => (k.cipher.tag = k.cipher.tag.slice(2))],
    ['ciphertext empty', (k) => (k.ciphertext = '')],
    ['ciphertext not hex', (k) => (k.ciphertext = `${k.ciphertext.slice(2)}zz`)],
    ['createdAt not a string', (k) => (k.createdAt = 0)],
    ['an unknown top-level field', (k) => (k.note = 'hi')],
    ['a missing kdf', (k) => delete k.kdf],
    ['a missing cipher', (k) => delete k.cipher],
    ['a missing ciphertext', (k) => delete k.ciphertext],
  ];
  it.each(invalid)('%s → KEYSTORE_CORRUPT before unlocking', (_f, edit) => {
    const k = clone(ks);
    edit(k, other);
    try {
      validateKeystore(k);
      expect.unreachable('validateKeystore accepted it');
    } catch (e) {
      expect(e).toBeInstanceOf(AitbcError);
      expect((e as AitbcError).code).toBe('KEYSTORE_CORRUPT');
    }
  });

  it('names an unknown field', () => {
    expect(() => validateKeystore({ ...clone(ks), extra: 1 })).toThrow(/unknown field "extra"/);
  });

  it.each([null, [], 'x', 1])('refuses a non-object (%j)', (v) => {
    expect(() => validateKeystore(v)).toThrow(AitbcError);
  });

  it('a consistent header whose secret derives another key → KEYSTORE_CORRUPT', async () => {
    // Sealed correctly (the GCM tag verifies) but the secret is not the key the header claims.
    const { cipher: _c, ciphertext: _t, ...header } = clone(ks);
    const forged = seal(header, { kind: 'raw', key: RAW_KEY }, PASSWORD);
    await expect(decryptKeystore(reload(forged), PASSWORD)).rejects.toMatchObject({
      code: 'KEYSTORE_CORRUPT',
      message: expect.stringMatching(/does not derive its publicKey/),
    });
  });

  it.each([
    ['an unknown kind', { kind: 'seed', entropy: ENTROPY }],
    ['short entropy', { kind: 'mnemonic', entropy: 'abcd' }],
    ['a non-string passphrase', { kind: 'mnemonic', entropy: ENTROPY, passphrase: 1 }],
    ['a short raw key', { kind: 'raw', key: 'abcd' }],
  ])('a sealed secret of the wrong shape (%s) → KEYSTORE_CORRUPT', async (_w, secret) => {
    const { cipher: _c, ciphertext: _t, ...header } = clone(ks);
    await expect(decryptKeystore(reload(seal(header, secret, PASSWORD)), PASSWORD)).rejects.toMatchObject({
      code: 'KEYSTORE_CORRUPT',
    });
  });
});
