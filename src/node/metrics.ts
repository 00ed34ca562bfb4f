/**
 * Prometheus text exposition (format 0.0.4) for the node's `/metrics`: counters kept here, gauges
 * read when scraped. Small enough to write by hand; a client library would cost more at startup than
 * the few series it would save.
 */

/** Label values escaped as the exposition format requires (backslash, quote, newline). */
function escapeLabel(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

function labelText(labels: Record<string, string>): string {
  const parts = Object.entries(labels).map(([k, v]) => `${k}="${escapeLabel(v)}"`);
  return parts.length === 0 ? '' : `{${parts.join(',')}}`;
}

interface Family {
  help: string;
  type: 'counter' | 'gauge';
  /** label text → value */
  values: Map<string, number>;
}

/** A set of metric families rendered in registration order. */
export class Metrics {
  private readonly families = new Map<string, Family>();
  private readonly collectors: Array<() => void> = [];
  private readonly labelMemo = new Map<string, string>();

  /** Declares a family (idempotent). */
  define(name: string, type: 'counter' | 'gauge', help: string): void {
    if (!this.families.has(name)) this.families.set(name, { help, type, values: new Map() });
  }

  /** Adds `by` to a counter. */
  inc(name: string, labels: Record<string, string> = {}, by = 1): void {
    const f = this.family(name);
    const key = this.labelKey(labels);
    f.values.set(key, (f.values.get(key) ?? 0) + by);
  }

  /** Sets a gauge. */
  set(name: string, labels: Record<string, string>, value: number): void {
    this.family(name).values.set(labelText(labels), value);
  }

  /** A callback run before each render (for gauges read from live objects). */
  onCollect(fn: () => void): void {
    this.collectors.push(fn);
  }

  /** The exposition text. */
  render(): string {
    for (const c of this.collectors) c();
    const lines: string[] = [];
    for (const [name, f] of this.families) {
      lines.push(`# HELP ${name} ${f.help}`, `# TYPE ${name} ${f.type}`);
      for (const [labels, v] of f.values) lines.push(`${name}${labels} ${v}`);
    }
    return `${lines.join('\n')}\n`;
  }

  /** Label text, memoised for the common single-label case (a counter bumped on every RPC call). */
  private labelKey(labels: Record<string, string>): string {
    const keys = Object.keys(labels);
    if (keys.length !== 1) return labelText(labels);
    const memoKey = `${keys[0]}\u0000${labels[keys[0]]}`;
    let text = this.labelMemo.get(memoKey);
    if (text === undefined) {
      text = labelText(labels);
      if (this.labelMemo.size < 10_000) this.labelMemo.set(memoKey, text);
    }
    return text;
  }

  private family(name: string): Family {
    const f = this.families.get(name);
    if (f === undefined) throw new Error(`metric ${name} is not defined`);
    return f;
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
