// Writes docs/commands.md, the command reference, from oclif.manifest.json (which the build
// regenerates from the commands themselves). Run by `npm run docs`; a test checks it is current.
import { readFileSync, writeFileSync } from 'node:fs';

const manifest = JSON.parse(readFileSync(new URL('../oclif.manifest.json', import.meta.url), 'utf8'));
const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
const topics = pkg.oclif.topics ?? {};
const commands = Object.values(manifest.commands)
  .filter((c) => !c.hidden && c.pluginName === pkg.name)
  .sort((a, b) => a.id.localeCompare(b.id));

const GLOBAL = new Set(['json', 'home', 'profile', 'color', 'quiet']);
const lines = [
  '# Command reference',
  '',
  'Generated from the commands by `npm run docs`; do not edit by hand. Every command also takes the',
  'global flags `--json`, `--home`, `--profile`, `--[no-]color` and `--quiet` (see docs/cli.md).',
  '',
];

const byTopic = new Map();
for (const c of commands) {
  const topic = c.id.includes(':') ? c.id.split(':')[0] : '';
  byTopic.set(topic, [...(byTopic.get(topic) ?? []), c]);
}
for (const [topic, cmds] of [...byTopic].sort(([a], [b]) => a.localeCompare(b))) {
  lines.push(`## ${topic || 'top-level commands'}`, '');
  if (topics[topic]?.description) lines.push(topics[topic].description, '');
  for (const c of cmds) {
    const id = c.id.replaceAll(':', ' ');
    const args = Object.values(c.args ?? {}).map((a) =>
      a.required ? a.name.toUpperCase() : `[${a.name.toUpperCase()}]`,
    );
    lines.push(`### \`aitbc ${id}${args.length ? ` ${args.join(' ')}` : ''}\``, '');
    if (c.summary) lines.push(c.summary, '');
    if (c.description) lines.push(c.description, '');
    const argRows = Object.values(c.args ?? {});
    if (argRows.length) {
      lines.push('| argument | description |', '| --- | --- |');
      for (const a of argRows)
        lines.push(`| \`${a.name.toUpperCase()}\` | ${(a.description ?? '').replaceAll('|', '\\|')} |`);
      lines.push('');
    }
    const flags = Object.values(c.flags ?? {}).filter((f) => !GLOBAL.has(f.name) && !f.hidden);
    if (flags.length) {
      lines.push('| flag | description |', '| --- | --- |');
      for (const f of flags) {
        const name = `--${f.allowNo ? '[no-]' : ''}${f.name}${f.type === 'option' ? ' VALUE' : ''}`;
        const extra = [
          f.char ? `short -${f.char}` : '',
          f.options ? `one of ${f.options.join('|')}` : '',
          f.default !== undefined && f.type === 'option' ? `default ${f.default}` : '',
          f.required ? 'required' : '',
        ].filter(Boolean);
        lines.push(
          `| \`${name}\` | ${(f.description ?? '').replaceAll('|', '\\|')}${extra.length ? ` (${extra.join('; ')})` : ''} |`,
        );
      }
      lines.push('');
    }
    if (c.examples?.length) {
      lines.push('```sh');
      for (const e of c.examples)
        lines.push(String(typeof e === 'string' ? e : e.command).replaceAll('<%= config.bin %>', 'aitbc'));
      lines.push('```', '');
    }
  }
}
writeFileSync(new URL('../docs/commands.md', import.meta.url), `${lines.join('\n').trimEnd()}\n`);
