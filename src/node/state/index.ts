/** The chain's state machine: ChainState over a StateStore and a NodeStore, its rules and its root. */
export * from './chain-state.js';
export * from './keys.js';
export * from './records.js';
export * from './result-codes.js';
export * from './rules.js';
export * from './smt.js';
export * from './store.js';
