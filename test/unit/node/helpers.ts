/** Keys, a genesis and a running ChainNode over a real SQLite file, for the node's unit tests. */
import * as path from 'node:path';
import { toHex } from '../../../src/core/hex.js';
import { addressFromPublicKey } from '../../../src/crypto/address.js';
import { createFastVerifier, type Signer, signerFromSecret } from '../../../src/crypto/ed25519.js';
import { ChainNode, type ChainNodeOptions } from '../../../src/node/chain/chain-node.js';
import { PrivValidator } from '../../../src/node/consensus/priv-validator.js';
import { SignState } from '../../../src/node/consensus/sign-state.js';
import { SoloEngine } from '../../../src/node/consensus/solo-engine.js';
import type { NodeKey } from '../../../src/node/keys.js';
import { buildGenesis } from '../../../src/protocol/genesis.js';
import { signTx } from '../../../src/protocol/tx.js';
import type { ChainParams, Genesis, SignedTx, UnsignedTx } from '../../../src/protocol/types.js';

export const AIT = 1_000_000n;
export const CHAIN = 'unit-chain';
export const T0 = 1_800_000_000_000;

export interface TestKey extends NodeKey {
  signer: Signer;
}

/** A key from a fixed seed byte. */
export function testKey(seed: number, name = `k${seed}`): TestKey {
  const signer = signerFromSecret(new Uint8Array(32).fill(seed));
  return {
    name,
    signer,
    address: addressFromPublicKey(signer.publicKey),
    publicKey: signer.publicKey,
    publicKeyHex: toHex(signer.publicKey),
    unencrypted: true,
  };
}

export const validator = testKey(1, 'validator');
export const alice = testKey(2, 'alice');
export const bob = testKey(3, 'bob');
export const faucetKey = testKey(4, 'faucet');

export function testGenesis(params: Partial<ChainParams> = {}, chainId = CHAIN, faucet = false): Genesis {
  return buildGenesis({
    chainId,
    time: T0,
    validators: [{ pubkey: validator.publicKey }],
    allocations: [
      { address: alice.address, amount: 1000n * AIT },
      ...(faucet ? [{ address: faucetKey.address, amount: 10_000n * AIT }] : []),
    ],
    ...(faucet ? { faucet: { address: faucetKey.address, maxPerRequest: 10n * AIT } } : {}),
    params,
  });
}

/** A signed transfer. */
export function transfer(
  from: TestKey,
  to: string,
  amount: bigint,
  nonce: number,
  opts: { chainId?: string; fee?: string } = {},
): SignedTx {
  const unsigned: UnsignedTx<'transfer'> = {
    chainId: opts.chainId ?? CHAIN,
    type: 'transfer',
    from: from.address,
    pubkey: from.publicKeyHex,
    nonce,
    fee: opts.fee ?? '1000',
    body: { to, amount: amount.toString() },
  };
  return signTx(unsigned, from.signer);
}

export interface Harness {
  node: ChainNode;
  engine: SoloEngine;
  signState: SignState;
  /** A new engine over the same node and sign-state file (a restart of consensus). */
  restartEngine(): SoloEngine;
}

/** A ChainNode on `<dir>/chain.db` with a solo engine whose timer is never started (tests call produceBlock). */
export function harness(
  dir: string,
  genesis: Genesis,
  opts: Partial<ChainNodeOptions> = {},
  now = () => T0 + 1000,
): Harness {
  const node = ChainNode.open({
    genesis,
    dbFile: path.join(dir, 'chain.db'),
    verifier: createFastVerifier(),
    now,
    ...opts,
  });
  const signStateFile = path.join(dir, 'sign_state.json');
  const signState = new SignState(signStateFile);
  const make = (ss: SignState) => {
    const engine = new SoloEngine({ app: node, privVal: new PrivValidator(validator, ss), now });
    node.engine = engine;
    return engine;
  };
  return {
    node,
    engine: make(signState),
    signState,
    restartEngine: () => make(new SignState(signStateFile)),
  };
}

/** The error code a call throws, or "ok". */
export function codeOf(fn: () => unknown): string {
  try {
    fn();
    return 'ok';
  } catch (e) {
    return (e as { code?: string }).code ?? String(e);
  }
}
