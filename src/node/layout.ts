/**
 * Where the node keeps its files under the home (DESIGN §4): `node/` holds the validator key, the sign
 * state, the lock and `chains/<chainId>/{genesis.json, chain.db}`. One module owns these paths so the
 * daemon, `node init`, `node status` and `chain create` agree on them.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { AitbcError } from '../core/errors.js';
import { isChainId } from '../protocol/fields.js';

/**
 * @throws AitbcError INVALID_INPUT when `chainId` is not 1–64 of [a-z0-9._-] starting with a letter or digit.
 * @example assertChainId('aitbc-devnet')
 */
export function assertChainId(chainId: string): void {
  if (!isChainId(chainId)) {
    throw new AitbcError(
      'INVALID_INPUT',
      `invalid chain id "${chainId}": use 1–64 of a-z, 0-9, ".", "_", "-", starting with a letter or digit`,
      { chainId },
    );
  }
}

export interface NodeLayout {
  /** `<home>/node` */
  root: string;
  validatorKey: string;
  signState: string;
  lock: string;
  /** Written while a node runs: pid and endpoints, for `node status`. */
  runtime: string;
  chainsDir: string;
  chainDir(chainId: string): string;
  genesis(chainId: string): string;
  database(chainId: string): string;
  faucetKey(chainId: string): string;
}

/** The node's paths under `home` (nothing is created). */
export function nodeLayout(home: string): NodeLayout {
  const root = path.join(home, 'node');
  const chainsDir = path.join(root, 'chains');
  const chainDir = (id: string) => {
    assertChainId(id);
    return path.join(chainsDir, id);
  };
  return {
    root,
    validatorKey: path.join(root, 'validator.json'),
    signState: path.join(root, 'sign_state.json'),
    lock: path.join(root, 'node.lock'),
    runtime: path.join(root, 'node.json'),
    chainsDir,
    chainDir,
    genesis: (id) => path.join(chainDir(id), 'genesis.json'),
    database: (id) => path.join(chainDir(id), 'chain.db'),
    faucetKey: (id) => path.join(chainDir(id), 'faucet.json'),
  };
}

/**
 * The chain ids under `node/chains/` that have a genesis file, in a stable order: the chain named in
 * `node/chains/default` (when present) first, then by name. The first is the node's default chain.
 */
export function listChainIds(layout: NodeLayout): string[] {
  let names: string[];
  try {
    names = fs.readdirSync(layout.chainsDir);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw e;
  }
  const ids = names
    .filter((n) => isChainId(n) && fs.existsSync(path.join(layout.chainsDir, n, 'genesis.json')))
    .sort();
  const first = readDefaultChain(layout);
  if (first !== undefined && ids.includes(first)) return [first, ...ids.filter((id) => id !== first)];
  return ids;
}

/** The file naming the default chain (the first one `node init` wrote). */
export function defaultChainFile(layout: NodeLayout): string {
  return path.join(layout.chainsDir, 'default');
}

function readDefaultChain(layout: NodeLayout): string | undefined {
  try {
    const id = fs.readFileSync(defaultChainFile(layout), 'utf8').trim();
    return isChainId(id) ? id : undefined;
  } catch {
    return undefined;
  }
}
