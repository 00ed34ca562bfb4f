/**
 * Genesis (DESIGN §7): the chain id, start time, validators sorted by address, allocations, the optional
 * faucet and the consensus parameters. Its hash, SHA-256(JCS(genesis)), is block 1's `prevHash`.
 */
import { MAX_AMOUNT } from '../core/amount.js';
import { canonicalJson } from '../core/canonical-json.js';
import { AitbcError } from '../core/errors.js';
import { sha256Hex } from '../core/hash.js';
import { fromHex, toHex } from '../core/hex.js';
import { addressFromPublicKey } from '../crypto/address.js';
import { isValidPublicKey } from '../crypto/ed25519.js';
import {
  readAddress,
  readAmount,
  readChainId,
  readHex,
  readObject,
  readPositiveAmount,
  readPositiveInt,
  readUint,
} from './fields.js';
import type { ChainParams, Genesis, GenesisValidator, Hex } from './types.js';

/**
 * Devnet parameters. A 1 s block, an empty block at least every 5 s, a 0.001 AIT minimum fee, 4 KiB per
 * transaction (a release with its receipt is about 2 KiB), blocks of up to 10,000 transactions or 8 MiB,
 * 1,024 pending transactions per sender, and escrows of 2 minutes to 7 days (the coordinator's own
 * deadline is expiresAt − 60 s, so the shortest escrow still leaves a minute of work).
 */
export const DEFAULT_PARAMS: Readonly<ChainParams> = Object.freeze({
  blockTimeMs: 1000,
  heartbeatMs: 5000,
  minFee: '1000',
  maxTxBytes: 4096,
  maxBlockBytes: 8 * 1024 * 1024,
  maxBlockTxs: 10_000,
  maxPendingPerSender: 1024,
  minEscrowMs: 120_000,
  maxEscrowMs: 7 * 24 * 3600 * 1000,
});

/** Upper bound of the total voting power, so 3 × power stays a safe integer in commit checks. */
export const MAX_TOTAL_POWER = 2 ** 50;

const PARAM_FIELDS = [
  'blockTimeMs',
  'heartbeatMs',
  'minFee',
  'maxTxBytes',
  'maxBlockBytes',
  'maxBlockTxs',
  'maxPendingPerSender',
  'minEscrowMs',
  'maxEscrowMs',
] as const;

function invalid(field: string, message: string): AitbcError {
  return new AitbcError('INVALID_INPUT', `${field} ${message}`, { field });
}

/**
 * Checks consensus parameters: every field present and typed, heartbeat ≥ block time, a transaction
 * limit of at least 1 KiB and at most a block, minEscrowMs ≤ maxEscrowMs.
 * @throws AitbcError INVALID_INPUT | INVALID_AMOUNT naming the field.
 */
export function validateParams(value: unknown, field = 'params'): ChainParams {
  const p = readObject(value, field, PARAM_FIELDS);
  for (const k of PARAM_FIELDS) {
    if (k === 'minFee') readAmount(p.minFee, `${field}.minFee`);
    else if (k === 'minEscrowMs') readUint(p[k], `${field}.${k}`);
    else readPositiveInt(p[k], `${field}.${k}`);
  }
  const params = p as unknown as ChainParams;
  if (params.heartbeatMs < params.blockTimeMs) throw invalid(`${field}.heartbeatMs`, 'must be ≥ blockTimeMs');
  if (params.maxTxBytes < 1024) throw invalid(`${field}.maxTxBytes`, 'must be at least 1024');
  if (params.maxTxBytes > params.maxBlockBytes)
    throw invalid(`${field}.maxTxBytes`, 'must be ≤ maxBlockBytes');
  if (params.minEscrowMs > params.maxEscrowMs) throw invalid(`${field}.minEscrowMs`, 'must be ≤ maxEscrowMs');
  return params;
}

/**
 * Checks a genesis document: exact fields; at least one validator, each key valid and hashing to its
 * address, positive power, sorted by address without repeats, total power ≤ 2^50; allocations with
 * distinct addresses and positive amounts summing to at most 2^63−1; the faucet; the parameters.
 * @throws AitbcError INVALID_INPUT | INVALID_ADDRESS | INVALID_AMOUNT naming the field.
 */
export function validateGenesis(value: unknown): Genesis {
  const g = readObject(value, '$', ['chainId', 'time', 'validators', 'allocations', 'params'], ['faucet']);
  readChainId(g.chainId);
  readUint(g.time, 'time');
  if (!Array.isArray(g.validators) || g.validators.length === 0)
    throw invalid('validators', 'must be a non-empty array');
  let power = 0;
  let previous = '';
  g.validators.forEach((v: unknown, i: number) => {
    const f = `validators[${i}]`;
    const o = readObject(v, f, ['address', 'pubkey', 'power']);
    readAddress(o.address, `${f}.address`);
    const pub = fromHex(readHex(o.pubkey, `${f}.pubkey`, 32), 32);
    if (!isValidPublicKey(pub)) throw invalid(`${f}.pubkey`, 'is not a valid ed25519 public key');
    if (addressFromPublicKey(pub) !== o.address)
      throw invalid(`${f}.address`, 'is not the address of its pubkey');
    power += readPositiveInt(o.power, `${f}.power`);
    if ((o.address as string) <= previous)
      throw invalid(`${f}.address`, 'breaks the ascending address order');
    previous = o.address as string;
  });
  if (power > MAX_TOTAL_POWER) throw invalid('validators', `total power must be at most 2^50`);
  if (!Array.isArray(g.allocations)) throw invalid('allocations', 'must be an array');
  const seen = new Set<string>();
  let supply = 0n;
  g.allocations.forEach((a: unknown, i: number) => {
    const f = `allocations[${i}]`;
    const o = readObject(a, f, ['address', 'amount']);
    readAddress(o.address, `${f}.address`);
    if (seen.has(o.address as string)) throw invalid(`${f}.address`, 'is allocated twice');
    seen.add(o.address as string);
    supply += readPositiveAmount(o.amount, `${f}.amount`);
  });
  if (supply > MAX_AMOUNT)
    throw new AitbcError('INVALID_AMOUNT', 'the allocations sum to more than 2^63−1 uait', {
      field: 'allocations',
    });
  if (g.faucet !== undefined) {
    const f = readObject(g.faucet, 'faucet', ['address', 'maxPerRequest']);
    readAddress(f.address, 'faucet.address');
    readPositiveAmount(f.maxPerRequest, 'faucet.maxPerRequest');
  }
  validateParams(g.params);
  return g as unknown as Genesis;
}

export interface BuildGenesisOptions {
  chainId: string;
  /** unix ms */
  time: number;
  /** public keys (hex or bytes) with their power (default 1); addresses are derived, the list sorted */
  validators: ReadonlyArray<{ pubkey: Hex | Uint8Array; power?: number }>;
  allocations?: ReadonlyArray<{ address: string; amount: bigint | string }>;
  faucet?: { address: string; maxPerRequest: bigint | string };
  /** overrides of DEFAULT_PARAMS */
  params?: Partial<ChainParams>;
}

/**
 * Builds and validates a genesis: validator addresses from their keys, validators and allocations
 * sorted by address, parameters over DEFAULT_PARAMS.
 * @throws AitbcError as `validateGenesis`.
 * @example buildGenesis({chainId: 'aitbc-devnet', time: Date.now(), validators: [{pubkey}], allocations: [{address, amount: 10n ** 12n}]})
 */
export function buildGenesis(opts: BuildGenesisOptions): Genesis {
  const validators: GenesisValidator[] = opts.validators
    .map((v) => {
      const pubkey = typeof v.pubkey === 'string' ? v.pubkey : toHex(v.pubkey);
      const bytes = fromHex(pubkey, 32, 'validators.pubkey');
      return { address: addressFromPublicKey(bytes), pubkey, power: v.power ?? 1 };
    })
    .sort((a, b) => (a.address < b.address ? -1 : a.address > b.address ? 1 : 0));
  const allocations = (opts.allocations ?? [])
    .map((a) => ({ address: a.address, amount: a.amount.toString() }))
    .sort((a, b) => (a.address < b.address ? -1 : a.address > b.address ? 1 : 0));
  const genesis: Genesis = {
    chainId: opts.chainId,
    time: opts.time,
    validators,
    allocations,
    ...(opts.faucet
      ? { faucet: { address: opts.faucet.address, maxPerRequest: opts.faucet.maxPerRequest.toString() } }
      : {}),
    params: { ...DEFAULT_PARAMS, ...definedOnly(opts.params ?? {}) },
  };
  return validateGenesis(genesis);
}

function definedOnly<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** SHA-256(JCS(genesis)), lowercase hex: what `status` reports and block 1's `prevHash`. */
export function genesisHash(genesis: Genesis): Hex {
  return sha256Hex(canonicalJson(genesis));
}

/** The genesis supply: the sum of the allocations, in uait. */
export function genesisSupply(genesis: Genesis): bigint {
  return genesis.allocations.reduce((sum, a) => sum + BigInt(a.amount), 0n);
}
