import { pbkdf2Sync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { AitbcError } from '../../../src/core/errors.js';
import { fromHex, toHex } from '../../../src/core/hex.js';
import { publicKeyFromSecret } from '../../../src/crypto/ed25519.js';
import {
  entropyToMnemonic,
  generateMnemonic,
  mnemonicToEntropy,
  mnemonicToSeed,
  normaliseMnemonic,
} from '../../../src/crypto/mnemonic.js';
import { parsePath, slip10Derive, slip10Master, walletPath } from '../../../src/crypto/slip10.js';
import { loadFixture } from '../../helpers/fixtures.js';

interface Bip39 {
  passphrase: string;
  english: Array<[string, string, string]>;
}
interface Slip10 {
  vectors: Array<{
    seed: string;
    chain: Array<{ path: string; chainCode: string; private: string; public: string }>;
  }>;
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

/** BIP-39's seed: PBKDF2-HMAC-SHA512 of the NFKD mnemonic, salt "mnemonic" + passphrase, 2048 rounds. */
function pbkdf2Seed(mnemonic: string, passphrase: string, rounds = 2048): string {
  return pbkdf2Sync(
    mnemonic.normalize('NFKD'),
    `mnemonic${passphrase}`.normalize('NFKD'),
    rounds,
    64,
    'sha512',
  ).toString('hex');
}

/**
 * Seeds of the official Trezor vectors (passphrase "TREZOR"), as published in python-mnemonic's
 * vectors.json and reproduced by many independent implementations.
 */
const OFFICIAL_SEEDS: Record<string, string> = {
  '00000000000000000000000000000000':
    'c55257c360c07c72029aebc1b53c05ed0362ada38ead3e3e9efa3708e53495531f09a6987599d18264c1e1c92f2cf141630c7a3c4ab7c81b2f001698e7463b04',
  '7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f':
    '2e8905819b8723fe2c1d161860e5ee1830318dbf49a83bd451cfb8440c28bd6fa457fe1296106559a3c80937a1c1069be3a3a5bd381ee6260e8d9739fce1f607',
  ffffffffffffffffffffffffffffffff:
    'ac27495480225222079d7be181583751e86f571027b0497b5b5d11218e0a8a13332572917f0f8e5a589620c6f15b11c61dee327651a14c34e18231052e48c069',
};

describe('BIP-39 vectors', () => {
  const fx = loadFixture<Bip39>('bip39-vectors.json');

  it('uses the TREZOR passphrase and has every vector', () => {
    expect(fx.passphrase).toBe('TREZOR');
    expect(fx.english.length).toBe(24);
  });

  it.each(fx.english.map((v, i) => [i, ...v] as const))(
    '#%i entropy → mnemonic → seed',
    (_i, entropy, mnemonic, fixtureSeed) => {
      expect(entropyToMnemonic(entropy)).toBe(mnemonic);
      expect(mnemonicToEntropy(mnemonic)).toBe(entropy);
      const seed = toHex(mnemonicToSeed(mnemonic, fx.passphrase));
      // Our seed (the bip39 package) equals BIP-39's definition computed independently by OpenSSL.
      expect(seed).toBe(pbkdf2Seed(mnemonic, fx.passphrase));
      if (OFFICIAL_SEEDS[entropy]) expect(seed).toBe(OFFICIAL_SEEDS[entropy]);
      // The shared fixture's seed column was computed with 10,000 PBKDF2 rounds instead of BIP-39's 2048
      // (its first seed is not the official c55257c3…). Compare directly once it is corrected; until then
      // accept exactly that known defect and nothing else.
      if (fixtureSeed !== seed) expect(fixtureSeed).toBe(pbkdf2Seed(mnemonic, fx.passphrase, 10_000));
    },
  );

  it('normalises case and whitespace the way people paste mnemonics', () => {
    const [entropy, mnemonic] = fx.english[1];
    const messy = `  ${mnemonic.toUpperCase().split(' ').join(' \t\n ')}  \n`;
    expect(normaliseMnemonic(messy)).toBe(mnemonic);
    expect(mnemonicToEntropy(messy)).toBe(entropy);
    expect(toHex(mnemonicToSeed(messy, 'TREZOR'))).toBe(OFFICIAL_SEEDS[entropy]);
  });

  it('uses the passphrase, and none by default', () => {
    const [, mnemonic] = fx.english[0];
    expect(toHex(mnemonicToSeed(mnemonic))).toBe(pbkdf2Seed(mnemonic, ''));
    expect(toHex(mnemonicToSeed(mnemonic, 'x'))).not.toBe(toHex(mnemonicToSeed(mnemonic)));
  });
});

describe('mnemonic errors', () => {
  const good = 'legal winner thank year wave sausage worth useful legal winner thank yellow';

  it('names an unknown word and its position', () => {
    const e = errorOf(() => mnemonicToEntropy(good.replace('sausage', 'sausagex')));
    expect(e.code).toBe('INVALID_MNEMONIC');
    expect(e.message).toContain('word 6 ("sausagex")');
    expect(e.details).toEqual({ position: 6 });
  });

  it('says checksum when every word is valid but the checksum is not', () => {
    const e = errorOf(() => mnemonicToEntropy(good.replace(/yellow$/, 'year')));
    expect(e.code).toBe('INVALID_MNEMONIC');
    expect(e.message).toMatch(/checksum/);
    expect(e.details).toEqual({ reason: 'checksum' });
  });

  it.each([1, 11, 13, 23, 25])('refuses %i words', (n) => {
    const words = Array.from({ length: n }, () => 'abandon').join(' ');
    const e = errorOf(() => mnemonicToEntropy(words));
    expect(e.code).toBe('INVALID_MNEMONIC');
    expect(e.details).toEqual({ words: n });
  });

  it('refuses an empty mnemonic', () => {
    expect(errorOf(() => mnemonicToEntropy('   ')).code).toBe('INVALID_MNEMONIC');
  });
});

describe('generateMnemonic', () => {
  it.each([12, 24] as const)('makes valid %i-word mnemonics that differ', (n) => {
    const a = generateMnemonic(n);
    const b = generateMnemonic(n);
    expect(a.split(' ')).toHaveLength(n);
    expect(a).not.toBe(b);
    expect(mnemonicToEntropy(a)).toHaveLength(n === 12 ? 32 : 64);
  });

  it('defaults to 24 words', () => {
    expect(generateMnemonic().split(' ')).toHaveLength(24);
  });
});

describe('SLIP-0010 ed25519 vectors', () => {
  const { vectors } = loadFixture<Slip10>('slip10-ed25519-vectors.json');
  const rows = vectors.flatMap((v, vi) => v.chain.map((c) => [vi + 1, c.path, v.seed, c] as const));

  it('has both test vectors with six levels each', () => {
    expect(vectors.map((v) => v.chain.length)).toEqual([6, 6]);
  });

  it.each(rows)('vector %i %s', (_vi, path, seed, c) => {
    const k = slip10Derive(fromHex(seed), path);
    expect(toHex(k.chainCode)).toBe(c.chainCode);
    expect(toHex(k.key)).toBe(c.private);
    // Our public key is the raw 32 bytes: the fixture's without its 00 prefix.
    expect(c.public.startsWith('00')).toBe(true);
    expect(toHex(publicKeyFromSecret(k.key))).toBe(c.public.slice(2));
  });

  it('derives "m" as the master key', () => {
    const seed = fromHex(vectors[0].seed);
    expect(slip10Derive(seed, 'm')).toEqual(slip10Master(seed));
  });
});

describe('derivation paths', () => {
  it("builds m/44'/7337'/{account}'/0'/{index}'", () => {
    expect(walletPath()).toBe("m/44'/7337'/0'/0'/0'");
    expect(walletPath(2, 5)).toBe("m/44'/7337'/2'/0'/5'");
    expect(parsePath(walletPath(3, 4))).toEqual([44, 7337, 3, 0, 4]);
    expect(parsePath("m/0h/2147483647'")).toEqual([0, 2147483647]);
  });

  it.each([
    ["44'/0'", 'no leading m'],
    ["m/44'/0", 'a non-hardened level'],
    ["m/44'/2147483648'", 'an index ≥ 2^31'],
    ["m/44'/-1'", 'a negative index'],
    ["m/44'//0'", 'an empty level'],
    ["M/44'", 'uppercase M'],
  ])('refuses %j (%s)', (path) => {
    expect(errorOf(() => parsePath(path)).code).toBe('INVALID_INPUT');
  });

  it('gives different keys for different accounts and indices', () => {
    const seed = mnemonicToSeed(generateMnemonic(12));
    const keys = [walletPath(0, 0), walletPath(0, 1), walletPath(1, 0)].map((p) =>
      toHex(slip10Derive(seed, p).key),
    );
    expect(new Set(keys).size).toBe(3);
  });
});
