/**
 * Opens the coordinator client from a command's resolved settings. Light to import (undici loads only
 * when a client is opened), so commands can import it at the top.
 */
import type { Signer } from '../crypto/ed25519.js';
import type { CoordinatorClient } from './coordinator.js';

export interface CoordinatorSettings {
  coordinator?: string;
  apiKey?: string;
  /** seconds per call */
  timeout?: string;
}

/** @example const c = await openCoordinator({coordinator: 'http://127.0.0.1:18000'}, signer) */
export async function openCoordinator(s: CoordinatorSettings, signer?: Signer): Promise<CoordinatorClient> {
  const { CoordinatorClient, DEFAULT_COORDINATOR_URL } = await import('./coordinator.js');
  return new CoordinatorClient({
    url: s.coordinator ?? DEFAULT_COORDINATOR_URL,
    ...(signer === undefined ? {} : { signer }),
    ...(s.apiKey === undefined ? {} : { apiKey: s.apiKey }),
    timeoutMs: s.timeout === undefined ? 30_000 : Math.round(Number(s.timeout) * 1000),
  });
}

type Resolver = (key: 'coordinator' | 'api-key' | 'timeout', flag?: string) => { value: string | undefined };

/** The coordinator settings through a command's resolver (flag > env > profile > default). */
export function coordinatorSettingsFrom(
  resolve: Resolver,
  flags: { coordinator?: string; 'api-key'?: string; timeout?: string },
): CoordinatorSettings {
  return {
    coordinator: resolve('coordinator', flags.coordinator).value,
    apiKey: resolve('api-key', flags['api-key']).value,
    timeout: resolve('timeout', flags.timeout).value,
  };
}
