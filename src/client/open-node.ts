/**
 * Opens the node client from resolved CLI settings. Light to import (undici loads only when a client is
 * opened), so commands can import it at the top.
 */
import type { NodeRpc } from './node-rpc.js';

/** The node settings a command resolved (flag > env > profile > default). */
export interface NodeSettings {
  /** RPC URL; the DESIGN default when absent. */
  node?: string;
  /** Chain id; absent means "the node's first chain". */
  chain?: string;
  /** Seconds per call (validated by the settings module); default 30. */
  timeout?: string;
}

export const DEFAULT_NODE_URL = 'http://127.0.0.1:26657';

/** Seconds (a positive decimal string) → milliseconds, default 30 s. */
export function timeoutMs(seconds: string | undefined): number {
  return seconds === undefined ? 30_000 : Math.round(Number(seconds) * 1000);
}

/** @example const rpc = await openNodeRpc({node: 'http://127.0.0.1:26657', timeout: '10'}) */
export async function openNodeRpc(s: NodeSettings): Promise<NodeRpc> {
  const { NodeRpc } = await import('./node-rpc.js');
  return new NodeRpc({ url: s.node ?? DEFAULT_NODE_URL, chainId: s.chain, timeoutMs: timeoutMs(s.timeout) });
}

type SettingResolver = (key: 'node' | 'chain' | 'timeout', flag?: string) => { value: string | undefined };

/**
 * Resolves the three node settings through a command's resolver (flag > env > profile > default).
 * @example openNodeRpc(nodeSettingsFrom((k, f) => this.setting(k, f), this.flags))
 */
export function nodeSettingsFrom(
  resolve: SettingResolver,
  flags: { node?: string; chain?: string; timeout?: string },
): NodeSettings {
  return {
    node: resolve('node', flags.node).value,
    chain: resolve('chain', flags.chain).value,
    timeout: resolve('timeout', flags.timeout).value,
  };
}
