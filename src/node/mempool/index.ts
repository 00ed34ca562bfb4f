/** The chain's mempool: pending-state admission, fee-ordered reaping, bounded size with tail eviction. */
export * from './heap.js';
export * from './mempool.js';
