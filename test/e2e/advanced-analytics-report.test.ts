import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, tempDir } from '../helpers/cli.js';

const { dir: home, cleanup } = tempDir('aitbc-e2e-report-');
afterAll(cleanup);
const cli = (args: string[]) => runCli([...args, '--home', home]);

describe('advanced-analytics report', () => {
  beforeAll(async () => {
    const runs = await Promise.all([
      cli(['ai-trading', 'backtest', '-s', 'sma_cross', '--synthetic', '--seed', '1', '--json']),
      cli([
        'ai-trading',
        'backtest',
        '-s',
        'macd',
        '--synthetic',
        '--seed',
        '2',
        '--walk-forward',
        'folds=3,train=0.7',
        '--json',
      ]),
      cli([
        'ai-trading',
        'start',
        '-s',
        'momentum',
        '--synthetic',
        '--seed',
        '3',
        '--bars',
        '400',
        '--speed',
        '0',
        '--id',
        'rep-1',
        '--json',
      ]),
    ]);
    for (const r of runs) expect(r.code, r.stderr).toBe(0);
  });

  it('writes a self-contained HTML strategy report with a chart per backtest', async () => {
    const out = path.join(home, 'report.html');
    const r = await cli(['advanced-analytics', 'report', '--type', 'strategy', '--out', out, '--json']);
    expect(r.code).toBe(0);
    expect(r.json()).toMatchObject({
      type: 'strategy',
      sessions: 1,
      backtests: 2,
      out: { file: out, format: 'html' },
    });
    const html = readFileSync(out, 'utf8');
    expect(html).toContain('<h2>Strategy macd</h2>');
    expect(html).toContain('<h2>Strategy sma_cross</h2>');
    expect(html).toContain('walk-forward 3 folds');
    expect((html.match(/<svg /g) ?? []).length).toBe(3);
    expect(html).not.toMatch(/<script[^>]+src=|<link[^>]+href=/);
  });

  it('writes Markdown, or prints it, for the portfolio', async () => {
    const out = path.join(home, 'report.md');
    const r = await cli(['advanced-analytics', 'report', '--type', 'portfolio', '--out', out]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^wrote portfolio report to /);
    const md = readFileSync(out, 'utf8');
    expect(md).toMatch(/^# aitbc portfolio report/);
    expect(md).toContain('| rep-1 | momentum |');
    const printed = await cli(['advanced-analytics', 'report']);
    expect(printed.stdout).toContain('## Paper-trading sessions');
    const j = await cli(['advanced-analytics', 'report', '--json']);
    expect(j.json().portfolio.sessions).toBe(1);
    expect(j.json().markdown).toContain('# aitbc portfolio report');
  });

  it('refuses an unknown type or output extension with exit 2', async () => {
    const [t, e] = await Promise.all([
      cli(['advanced-analytics', 'report', '--type', 'wallet', '--json']),
      cli(['advanced-analytics', 'report', '--out', path.join(home, 'r.pdf'), '--json']),
    ]);
    expect(t.code).toBe(2);
    expect(e.code).toBe(2);
    expect(e.json().error.message).toContain('.html, .htm or .md');
  });
});
