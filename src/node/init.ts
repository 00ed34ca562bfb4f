/**
 * `node init`: the validator key and a chain's genesis under `<home>/node/` (DESIGN §4, §7). The key
 * is made once and kept; each init adds one chain (`chains/<chainId>/genesis.json`) and refuses to
 * overwrite an existing one. The first chain initialised becomes the node's default chain.
 */
import * as fs from 'node:fs';
import { createFileAtomic, ensureSecureDir } from '../cli/secure-fs.js';
import { canonicalJson } from '../core/canonical-json.js';
import { AitbcError } from '../core/errors.js';
import { buildGenesis, genesisHash } from '../protocol/genesis.js';
import type { ChainParams, Genesis } from '../protocol/types.js';
import { ensureKeyFile, type NodeKey } from './keys.js';
import { assertChainId, defaultChainFile, nodeLayout } from './layout.js';

export const DEVNET_CHAIN_ID = 'aitbc-devnet';

export interface InitOptions {
  home: string;
  chainId: string;
  /** Genesis validators as public keys (64 hex) with power; default: this node's key, power 1. */
  validators?: ReadonlyArray<{ pubkey: string; power: number }>;
  allocations?: ReadonlyArray<{ address: string; amount: bigint }>;
  /** Allocate this much to a new faucet account whose key stays in the home. */
  faucet?: { amount: bigint; maxPerRequest: bigint };
  /** Overrides of the default parameters (block time and the heartbeat that must follow it). */
  params?: Partial<ChainParams>;
  /** Keystore password for new keys; omit for a devnet (unencrypted keys, 0600). */
  password?: string;
  scryptN?: number;
  /** Genesis time, unix ms. */
  time: number;
}

export interface InitResult {
  chainId: string;
  genesisHash: string;
  genesisFile: string;
  validator: { address: string; pubkey: string; created: boolean; encrypted: boolean; file: string };
  faucet?: { address: string; file: string; maxPerRequest: string; amount: string };
  isDefault: boolean;
  genesis: Genesis;
}

/**
 * Initialises (or adds) a chain in the home.
 * @throws AitbcError INVALID_INPUT for a bad chain id or parameters; CONFIG when the chain exists.
 * @example await initNode({home, chainId: 'aitbc-devnet', faucet: {amount: 10n**15n, maxPerRequest: 10n**9n}, time: Date.now()})
 */
export async function initNode(opts: InitOptions): Promise<InitResult> {
  assertChainId(opts.chainId);
  const layout = nodeLayout(opts.home);
  const genesisFile = layout.genesis(opts.chainId);
  if (fs.existsSync(genesisFile)) {
    throw new AitbcError(
      'CONFIG',
      `chain ${opts.chainId} is already initialised in ${layout.chainDir(opts.chainId)}`,
      { chainId: opts.chainId },
      { hint: 'choose another --chain-id, or start the node' },
    );
  }
  ensureSecureDir(layout.root);
  const validator = await ensureKeyFile(layout.validatorKey, {
    name: 'validator',
    password: opts.password,
    scryptN: opts.scryptN,
  });
  ensureSecureDir(layout.chainDir(opts.chainId));
  let faucetKey: NodeKey | undefined;
  if (opts.faucet !== undefined) {
    faucetKey = (
      await ensureKeyFile(layout.faucetKey(opts.chainId), {
        name: `faucet-${opts.chainId}`,
        password: opts.password,
        scryptN: opts.scryptN,
      })
    ).key;
  }
  const allocations = [...(opts.allocations ?? [])];
  if (faucetKey !== undefined && opts.faucet !== undefined) {
    if (allocations.some((a) => a.address === faucetKey.address))
      throw new AitbcError('INVALID_INPUT', 'the faucet address is also in --alloc', {
        address: faucetKey.address,
      });
    allocations.push({ address: faucetKey.address, amount: opts.faucet.amount });
  }
  const params = { ...(opts.params ?? {}) };
  const genesis = buildGenesis({
    chainId: opts.chainId,
    time: opts.time,
    validators: opts.validators ?? [{ pubkey: validator.key.publicKeyHex, power: 1 }],
    allocations,
    ...(faucetKey !== undefined && opts.faucet !== undefined
      ? { faucet: { address: faucetKey.address, maxPerRequest: opts.faucet.maxPerRequest } }
      : {}),
    params,
  });
  if (!createFileAtomic(genesisFile, `${canonicalJson(genesis)}\n`)) {
    throw new AitbcError('CONFIG', `chain ${opts.chainId} was initialised concurrently`, {
      chainId: opts.chainId,
    });
  }
  const isDefault = createFileAtomic(defaultChainFile(layout), `${opts.chainId}\n`);
  return {
    chainId: opts.chainId,
    genesisHash: genesisHash(genesis),
    genesisFile,
    validator: {
      address: validator.key.address,
      pubkey: validator.key.publicKeyHex,
      created: validator.created,
      encrypted: !validator.key.unencrypted,
      file: layout.validatorKey,
    },
    ...(faucetKey !== undefined && opts.faucet !== undefined
      ? {
          faucet: {
            address: faucetKey.address,
            file: layout.faucetKey(opts.chainId),
            maxPerRequest: opts.faucet.maxPerRequest.toString(),
            amount: opts.faucet.amount.toString(),
          },
        }
      : {}),
    isDefault,
    genesis,
  };
}

/**
 * Parameters for a block time: the heartbeat stays at the default unless the block time exceeds it.
 * @throws AitbcError INVALID_INPUT for a block time below 10 ms.
 */
export function paramsForBlockTime(blockTimeMs: number, defaultHeartbeatMs: number): Partial<ChainParams> {
  if (!Number.isSafeInteger(blockTimeMs) || blockTimeMs < 10)
    throw new AitbcError('INVALID_INPUT', 'block time must be at least 10 ms', { blockTimeMs });
  return { blockTimeMs, heartbeatMs: Math.max(defaultHeartbeatMs, blockTimeMs) };
}

/**
 * A block time as typed: milliseconds (`500`, `500ms`) or seconds (`1s`, `1.5s`).
 * @throws AitbcError INVALID_INPUT for anything else or below 10 ms.
 * @example parseBlockTime('1s') === 1000
 */
export function parseBlockTime(text: string): number {
  const m = /^\s*([0-9]+(?:\.[0-9]+)?)\s*(ms|s)?\s*$/.exec(text);
  const ms = m === null ? Number.NaN : Number(m[1]) * (m[2] === 's' ? 1000 : 1);
  if (!Number.isSafeInteger(ms) || ms < 10)
    throw new AitbcError(
      'INVALID_INPUT',
      `invalid block time "${text}": give milliseconds (500, 500ms) or seconds (1s), at least 10 ms`,
      {
        input: text,
      },
    );
  return ms;
}
