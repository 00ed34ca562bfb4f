/**
 * The coordinator's options and their defaults. Timing values are options (not constants) so tests run
 * the whole lifecycle — leases, requeues, deadlines — in seconds rather than minutes.
 */
import * as path from 'node:path';
import type { Signer } from '../crypto/ed25519.js';
import type { ChainClient } from './chain/chain-client.js';
import type { CoordinatorEvent } from './events.js';
import type { ApiKeyEntry } from './http/api-keys.js';

/** Protocol version reported by `/v1/info`. */
export const COORDINATOR_API_VERSION = 1;
/** DESIGN §8: the coordinator's own deadline for a job is `expiresAt − 60 s`. */
export const DEADLINE_MARGIN_MS = 60_000;

/** Timing of leases, polls and background work, all in milliseconds. */
export interface CoordinatorTiming {
  /** how often miners should heart-beat (told to them at registration) */
  heartbeatIntervalMs: number;
  /** a lease not renewed for this long expires and the job is requeued; a miner unseen this long is offline */
  leaseTtlMs: number;
  /** longest a miner's long-poll is held */
  maxPollWaitMs: number;
  /** how long a job waits for its lock to appear on chain before it fails */
  lockWaitMs: number;
  /** how long a running job whose cancel was requested waits for the miner's partial result */
  cancelGraceMs: number;
  /** the sweeper's period (leases, deadlines, lock waits, replay window pruning) */
  sweepIntervalMs: number;
  /** how often pending locks are looked up on chain */
  lockPollMs: number;
  /** how often sent settlements are looked up on chain */
  confirmPollMs: number;
  /** delay before retrying a settlement the node could not take (unreachable, mempool full, funds) */
  settlementRetryMs: number;
}

export const DEFAULT_TIMING: Readonly<CoordinatorTiming> = Object.freeze({
  heartbeatIntervalMs: 2_000,
  leaseTtlMs: 10_000,
  maxPollWaitMs: 25_000,
  lockWaitMs: 120_000,
  cancelGraceMs: 15_000,
  sweepIntervalMs: 250,
  lockPollMs: 100,
  confirmPollMs: 250,
  settlementRetryMs: 2_000,
});

/** Size limits of the HTTP API. */
export interface CoordinatorLimits {
  /** largest request body, bytes (413 beyond) */
  maxBodyBytes: number;
  /** largest prompt, UTF-8 bytes (413 beyond) */
  maxPromptBytes: number;
  /** largest output a miner may deliver, UTF-8 bytes */
  maxOutputBytes: number;
  /** a job is tried by at most this many leases before it fails */
  maxAttempts: number;
  /** most models one miner may register */
  maxModelsPerMiner: number;
  /** most jobs one miner may run at once (its `concurrency` is capped here) */
  maxConcurrency: number;
}

export const DEFAULT_LIMITS: Readonly<CoordinatorLimits> = Object.freeze({
  maxBodyBytes: 1024 * 1024,
  maxPromptBytes: 64 * 1024,
  maxOutputBytes: 512 * 1024,
  maxAttempts: 3,
  maxModelsPerMiner: 64,
  maxConcurrency: 256,
});

/** What `startCoordinator` takes; only `signer` and `home` are required. */
export interface CoordinatorOptions {
  /** the coordinator's key: its address is the escrows' `coordinator` and the requests' audience */
  signer: Signer;
  /** the home directory; the database lives at `<home>/coordinator/<chainId>/coordinator.db` */
  home: string;
  /** the node's RPC URL (ignored when `chain` is given) */
  nodeUrl?: string;
  /** the chain to serve; default the node's first chain */
  chainId?: string;
  /** a chain client to use instead of one over `nodeUrl` (tests) */
  chain?: ChainClient;
  /** interface to bind; default 127.0.0.1 */
  host?: string;
  /** port; 0 picks a free one; default 18000 */
  port?: number;
  /** API keys; when empty or absent no `X-Api-Key` is required */
  apiKeys?: readonly ApiKeyEntry[];
  /** fee of each settlement transaction, uait; default the chain's minFee */
  fee?: bigint;
  timing?: Partial<CoordinatorTiming>;
  limits?: Partial<CoordinatorLimits>;
  /** the clock (unix ms); tests inject one */
  now?: () => number;
  /** signature-verification worker threads; 0 verifies on the event loop (default: cores − 1, at least 1) */
  verifyThreads?: number;
  /** receives every service event (ready, job, settlement, miner, warning) */
  onEvent?: (event: CoordinatorEvent) => void;
  /** reported by `/v1/info` */
  version?: string;
}

export const DEFAULT_PORT = 18_000;
export const DEFAULT_HOST = '127.0.0.1';

/** `<home>/coordinator/<chainId>/coordinator.db` */
export function coordinatorDbPath(home: string, chainId: string): string {
  return path.join(home, 'coordinator', chainId, 'coordinator.db');
}
