/**
 * The protocol's public surface in one import for the node, the client and the commands. Modules that
 * need only one part may import its file directly.
 */
export * from './block.js';
export * from './commit.js';
export * from './escrow.js';
export * from './fields.js';
export * from './genesis.js';
export * from './merkle.js';
export * from './pubkey.js';
export * from './receipt.js';
export * from './tx.js';
export type * from './types.js';
export * from './vote.js';
