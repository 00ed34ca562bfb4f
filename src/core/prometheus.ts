/**
 * Prometheus text exposition (format 0.0.4) for the daemons' `GET /metrics`: counters kept in memory,
 * gauges set by collectors right before each scrape. Small enough to write by hand; a client library
 * would cost more at startup than the few series it would save. Each daemon defines its own families;
 * this module is the one renderer they share (daemons import nothing from each other).
 */

type Labels = Record<string, string>;

/** Label values escaped as the exposition format requires (backslash, quote, newline). */
function escapeLabel(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

/** `{k="v",…}` in insertion order, or '' for no labels. */
function labelText(labels: Labels): string {
  const parts = Object.entries(labels).map(([k, v]) => `${k}="${escapeLabel(v)}"`);
  return parts.length === 0 ? '' : `{${parts.join(',')}}`;
}

interface Family {
  type: 'counter' | 'gauge';
  help: string;
  /** label text → value */
  values: Map<string, number>;
}

export interface MetricsRegistryOptions {
  /**
   * Render `name 0` for a counter that has no series yet, so the family has a sample from the first
   * scrape (default true). The node turns it off: its counters only ever carry labelled series.
   */
  zeroEmptyCounters?: boolean;
}

/**
 * Metric families rendered in registration order.
 * @example
 * const m = new MetricsRegistry();
 * m.define('x_total', 'counter', 'X.');
 * m.inc('x_total', { method: 'a' });
 * m.render(); // '# HELP x_total X.\n# TYPE x_total counter\nx_total{method="a"} 1\n'
 */
export class MetricsRegistry {
  private readonly families = new Map<string, Family>();
  private readonly collectors: Array<() => void> = [];
  private readonly labelMemo = new Map<string, string>();
  private readonly zeroEmptyCounters: boolean;

  constructor(opts: MetricsRegistryOptions = {}) {
    this.zeroEmptyCounters = opts.zeroEmptyCounters ?? true;
  }

  /** Declares a family (idempotent: a second definition of the same name is ignored). */
  define(name: string, type: 'counter' | 'gauge', help: string): void {
    if (!this.families.has(name)) this.families.set(name, { type, help, values: new Map() });
  }

  /**
   * Adds `by` to a counter's series.
   * @throws Error when `name` was never defined (a programming error, not bad input).
   */
  inc(name: string, labels: Labels = {}, by = 1): void {
    const f = this.family(name);
    const key = this.labelKey(labels);
    f.values.set(key, (f.values.get(key) ?? 0) + by);
  }

  /**
   * Sets a gauge's series.
   * @throws Error when `name` was never defined.
   */
  set(name: string, labels: Labels, value: number): void {
    this.family(name).values.set(labelText(labels), value);
  }

  /** Registers a function run right before each render (for gauges read from live objects). */
  collect(fn: () => void): void {
    this.collectors.push(fn);
  }

  /** Runs the collectors, then returns the exposition text. */
  render(): string {
    for (const c of this.collectors) c();
    let out = '';
    for (const [name, f] of this.families) {
      out += `# HELP ${name} ${f.help}\n# TYPE ${name} ${f.type}\n`;
      if (f.values.size === 0 && f.type === 'counter' && this.zeroEmptyCounters) out += `${name} 0\n`;
      for (const [labels, v] of f.values) out += `${name}${labels} ${v}\n`;
    }
    return out;
  }

  /** Label text, memoised for the common single-label case (a counter bumped on every request). */
  private labelKey(labels: Labels): string {
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
