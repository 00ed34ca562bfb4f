/**
 * Output: one JSON document under `--json`; otherwise human text rendered from the same object
 * (cli-table3 tables, key/value lines). Progress and warnings go to stderr.
 */

export interface Output {
  readonly asJson: boolean;
  readonly quiet: boolean;
  readonly color: boolean;
  /** Writes the one JSON document (bigint as decimal strings). */
  json(value: unknown): void;
  /** A line on stdout. */
  line(text?: string): void;
  /** A line on stderr (progress). Suppressed by --quiet and --json. */
  info(text: string): void;
  /** A warning on stderr, kept under --quiet. */
  warn(text: string): void;
  /** Aligned `key  value` lines on stdout. */
  keyValues(obj: Record<string, unknown>): void;
  /** A table on stdout with the given columns. */
  table(rows: ReadonlyArray<object>, columns: ReadonlyArray<{ key: string; header?: string }>): Promise<void>;
  bold(s: string): string;
  dim(s: string): string;
  green(s: string): string;
  red(s: string): string;
  yellow(s: string): string;
}

/** JSON.stringify that writes bigint as a decimal string. */
export function toJsonText(value: unknown): string {
  return JSON.stringify(value, (_k, v) => (typeof v === 'bigint' ? v.toString() : v), 2);
}

function cell(v: unknown): string {
  if (v === undefined || v === null) return '';
  if (typeof v === 'object') return JSON.stringify(v, (_k, x) => (typeof x === 'bigint' ? x.toString() : x));
  return String(v);
}

export function createOutput(opts: { json: boolean; quiet: boolean; color: boolean }): Output {
  const sgr = (open: number, close: number) => (s: string) =>
    opts.color ? `\u001b[${open}m${s}\u001b[${close}m` : s;
  const out: Output = {
    asJson: opts.json,
    quiet: opts.quiet,
    color: opts.color,
    json: (value) => process.stdout.write(`${toJsonText(value)}\n`),
    line: (text = '') => process.stdout.write(`${text}\n`),
    info: (text) => {
      if (!opts.quiet && !opts.json) process.stderr.write(`${text}\n`);
    },
    warn: (text) => process.stderr.write(`${out.yellow('Warning:')} ${text}\n`),
    keyValues: (obj) => {
      const entries = Object.entries(obj).filter(([, v]) => v !== undefined);
      const width = Math.max(0, ...entries.map(([k]) => k.length));
      for (const [k, v] of entries) out.line(`${out.dim(k.padEnd(width))}  ${cell(v)}`);
    },
    table: async (rows, columns) => {
      const { default: Table } = await import('cli-table3');
      const t = new Table({
        head: columns.map((c) => c.header ?? c.key),
        style: { head: opts.color ? ['cyan'] : [], border: opts.color ? ['grey'] : [] },
      });
      for (const r of rows) t.push(columns.map((c) => cell((r as Record<string, unknown>)[c.key])));
      out.line(t.toString());
    },
    bold: sgr(1, 22),
    dim: sgr(2, 22),
    green: sgr(32, 39),
    red: sgr(31, 39),
    yellow: sgr(33, 39),
  };
  return out;
}
