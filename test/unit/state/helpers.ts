/** A ChainState over Maps with a small genesis, for the state and mempool tests. */
import { createFastVerifier, verifyStrict } from '../../../src/crypto/ed25519.js';
import { ChainState } from '../../../src/node/state/chain-state.js';
import { MemoryNodeStore, MemoryStateStore } from '../../../src/node/state/store.js';
import { buildGenesis } from '../../../src/protocol/genesis.js';
import type { ChainParams, Genesis, VerifyFn } from '../../../src/protocol/types.js';
import { alice, bob, CHAIN, carol, dave, T0, type TestKey, validator } from '../protocol/helpers.js';

export const AIT = 1_000_000n;

/** alice 1000 AIT, bob 10 AIT, carol (coordinator) 10 AIT, dave (miner) nothing. */
export function testGenesis(params: Partial<ChainParams> = {}, extra: TestKey[] = []): Genesis {
  return buildGenesis({
    chainId: CHAIN,
    time: T0,
    validators: [{ pubkey: validator.publicKey }],
    allocations: [
      { address: alice.address, amount: 1000n * AIT },
      { address: bob.address, amount: 10n * AIT },
      { address: carol.address, amount: 10n * AIT },
      ...extra.map((k) => ({ address: k.address, amount: 1000n * AIT })),
    ],
    params,
  });
}

export interface TestChain {
  state: ChainState;
  stateStore: MemoryStateStore;
  nodeStore: MemoryNodeStore;
  genesis: Genesis;
}

/** The daemons' verifier (node:crypto with the strict pre-checks): as strict as verifyStrict, much faster. */
export const fastVerify: VerifyFn = createFastVerifier().verify;

export function newChain(
  params: Partial<ChainParams> = {},
  extra: TestKey[] = [],
  verify: VerifyFn = verifyStrict,
): TestChain {
  const stateStore = new MemoryStateStore();
  const nodeStore = new MemoryNodeStore();
  const state = new ChainState({ state: stateStore, nodes: nodeStore, verify });
  const genesis = testGenesis(params, extra);
  state.initGenesis(genesis);
  return { state, stateStore, nodeStore, genesis };
}

export { alice, bob, carol, dave };
