/**
 * The node's metric families for `/metrics` (DESIGN §7); the renderer is src/core/prometheus.ts,
 * shared with the coordinator.
 */
import { MetricsRegistry } from '../core/prometheus.js';

/**
 * The node's registry. Its counters carry only labelled series (per chain, code or method), so a
 * counter with none yet renders just its HELP and TYPE lines, no unlabelled `name 0` beside them.
 */
export class Metrics extends MetricsRegistry {
  constructor() {
    super({ zeroEmptyCounters: false });
  }
}

/** The node's metric families (DESIGN §7). */
export function createNodeMetrics(): Metrics {
  const m = new Metrics();
  m.define('aitbc_block_height', 'gauge', 'Height of the latest committed block.');
  m.define('aitbc_mempool_txs', 'gauge', 'Transactions waiting in the mempool.');
  m.define(
    'aitbc_txs_committed_total',
    'counter',
    'Transactions committed in blocks since the node started.',
  );
  m.define('aitbc_blocks_committed_total', 'counter', 'Blocks committed since the node started.');
  m.define('aitbc_txs_refused_total', 'counter', 'Transactions refused at admission, by error code.');
  m.define('aitbc_rpc_requests_total', 'counter', 'RPC calls handled, by method.');
  m.define('aitbc_ws_subscribers', 'gauge', 'Open WebSocket subscriptions.');
  return m;
}
