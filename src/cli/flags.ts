/**
 * Flag groups shared by commands. Values are resolved by AitbcCommand.setting() with the precedence
 * flag > env > profile > default, so none of these declare `env` or `default` here.
 */
import { Flags } from './oclif.js';

/** For commands that call the chain node. */
export const nodeFlags = {
  node: Flags.string({
    description: 'node RPC URL [env: AITBC_NODE] (default http://127.0.0.1:26657)',
    helpGroup: 'NETWORK',
  }),
  chain: Flags.string({
    description: 'chain id [env: AITBC_CHAIN] (default: the node’s first chain)',
    helpGroup: 'NETWORK',
  }),
  timeout: Flags.string({
    description: 'seconds to wait for services [env: AITBC_TIMEOUT] (default 30)',
    helpGroup: 'NETWORK',
  }),
};

/** For commands that call the coordinator. */
export const coordinatorFlags = {
  coordinator: Flags.string({
    description: 'coordinator URL [env: AITBC_COORDINATOR] (default http://127.0.0.1:18000)',
    helpGroup: 'NETWORK',
  }),
  'api-key': Flags.string({ description: 'coordinator API key [env: AITBC_API_KEY]', helpGroup: 'NETWORK' }),
};

/** For commands that use a wallet's key. */
export const walletFlags = {
  wallet: Flags.string({ char: 'w', description: 'wallet name [env: AITBC_WALLET] (default: `wallet use`)' }),
  'password-file': Flags.string({
    description: 'file whose first line is the wallet password [env: AITBC_PASSWORD_FILE]',
  }),
};

/** For commands that pick a key from a mnemonic: m/44'/7337'/{account}'/0'/{index}'. */
export const derivationFlags = {
  account: Flags.integer({ description: 'BIP-44 account of the derivation path', min: 0, max: 2 ** 31 - 1 }),
  index: Flags.integer({ description: 'address index of the derivation path', min: 0, max: 2 ** 31 - 1 }),
};

/** For commands that write a new keystore. */
export const keystoreFlags = {
  'password-file': Flags.string({
    description: 'file whose first line is the new password [env: AITBC_PASSWORD_FILE]',
  }),
  'scrypt-n': Flags.integer({
    description: 'scrypt cost N, a power of two ≥ 16384 (default 131072; lower only for tests)',
    min: 2 ** 14,
    max: 2 ** 20,
  }),
  'passphrase-file': Flags.string({ description: 'file whose first line is an optional BIP-39 passphrase' }),
};

/** Every setting as a flag, for `config get|list` to show what a command would resolve. */
export const settingOverrideFlags = {
  ...nodeFlags,
  ...coordinatorFlags,
  wallet: walletFlags.wallet,
};
