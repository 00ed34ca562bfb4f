/**
 * Prometheus text exposition (format 0.0.4) for `GET /metrics`: counters kept in memory, gauges read
 * from the store when scraped. (The node has its own copy of this renderer: daemons import nothing
 * from each other.)
 */

type Labels = Record<string, string>;

function labelText(labels: Labels): string {
  const parts = Object.entries(labels).map(
    ([k, v]) => `${k}="${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`,
  );
  return parts.length === 0 ? '' : `{${parts.join(',')}}`;
}

interface Family {
  type: 'counter' | 'gauge';
  help: string;
  values: Map<string, number>;
}

/** Metric families rendered in registration order. */
export class MetricsRegistry {
  private readonly families = new Map<string, Family>();
  private readonly collectors: Array<() => void> = [];

  define(name: string, type: 'counter' | 'gauge', help: string): void {
    if (!this.families.has(name)) this.families.set(name, { type, help, values: new Map() });
  }

  inc(name: string, labels: Labels = {}, by = 1): void {
    const f = this.family(name);
    const key = labelText(labels);
    f.values.set(key, (f.values.get(key) ?? 0) + by);
  }

  set(name: string, labels: Labels, value: number): void {
    this.family(name).values.set(labelText(labels), value);
  }

  /** Registers a function that sets gauges right before each scrape. */
  collect(fn: () => void): void {
    this.collectors.push(fn);
  }

  render(): string {
    for (const c of this.collectors) c();
    let out = '';
    for (const [name, f] of this.families) {
      out += `# HELP ${name} ${f.help}\n# TYPE ${name} ${f.type}\n`;
      if (f.values.size === 0 && f.type === 'counter') out += `${name} 0\n`;
      for (const [labels, v] of f.values) out += `${name}${labels} ${v}\n`;
    }
    return out;
  }

  private family(name: string): Family {
    const f = this.families.get(name);
    if (f === undefined) throw new Error(`metric ${name} is not defined`);
    return f;
  }
}
