/**
 * The coordinator daemon's public surface: start one, and the option types. Everything else is internal.
 */
export type { ChainClient } from './chain/chain-client.js';
export type { CoordinatorEvent, JobStreamEvent } from './events.js';
export { type ApiKeyEntry, parseApiKeys } from './http/api-keys.js';
export {
  type CoordinatorLimits,
  type CoordinatorOptions,
  type CoordinatorTiming,
  coordinatorDbPath,
  DEFAULT_LIMITS,
  DEFAULT_PORT,
  DEFAULT_TIMING,
} from './options.js';
export { type RunningCoordinator, startCoordinator } from './service.js';
