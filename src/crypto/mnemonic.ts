/**
 * BIP-39 mnemonics (English wordlist) through the `bip39` package. Errors say which rule was broken.
 */
import { randomBytes } from 'node:crypto';
import bip39 from 'bip39';
import { AitbcError } from '../core/errors.js';

export type MnemonicWords = 12 | 24;

/** A new mnemonic from the OS's CSPRNG: 12 words = 128 bits of entropy, 24 words = 256. */
export function generateMnemonic(words: MnemonicWords = 24): string {
  return bip39.entropyToMnemonic(randomBytes(words === 24 ? 32 : 16).toString('hex'));
}

/** Normalises whitespace and case the way people paste mnemonics. */
export function normaliseMnemonic(input: string): string {
  return input.normalize('NFKD').trim().toLowerCase().split(/\s+/).join(' ');
}

/**
 * The entropy (hex) behind a mnemonic.
 * @throws AitbcError INVALID_MNEMONIC naming the unknown word, the word count or the checksum.
 */
export function mnemonicToEntropy(input: string): string {
  const mnemonic = normaliseMnemonic(input);
  const words = mnemonic.split(' ');
  if (![12, 15, 18, 21, 24].includes(words.length)) {
    throw new AitbcError(
      'INVALID_MNEMONIC',
      `invalid mnemonic: ${words.length} words (expected 12, 15, 18, 21 or 24)`,
      {
        words: words.length,
      },
    );
  }
  const list = bip39.wordlists.english;
  const unknown = words.findIndex((w) => !list.includes(w));
  if (unknown >= 0) {
    throw new AitbcError(
      'INVALID_MNEMONIC',
      `invalid mnemonic: word ${unknown + 1} ("${words[unknown]}") is not in the BIP-39 English list`,
      {
        position: unknown + 1,
      },
    );
  }
  try {
    return bip39.mnemonicToEntropy(mnemonic);
  } catch {
    throw new AitbcError(
      'INVALID_MNEMONIC',
      'invalid mnemonic: bad checksum (a word is wrong or out of order)',
      {
        reason: 'checksum',
      },
    );
  }
}

/** The mnemonic for some entropy (hex). */
export function entropyToMnemonic(entropyHex: string): string {
  return bip39.entropyToMnemonic(entropyHex);
}

/** The 64-byte BIP-39 seed (PBKDF2-HMAC-SHA512, 2048 rounds) of a mnemonic and optional passphrase. */
export function mnemonicToSeed(mnemonic: string, passphrase = ''): Uint8Array {
  return new Uint8Array(bip39.mnemonicToSeedSync(normaliseMnemonic(mnemonic), passphrase));
}
