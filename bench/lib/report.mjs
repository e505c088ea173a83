// docs/benchmarks.md: one block per section between markers, so a run of one section replaces
// only that section's block and keeps the others' last results.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { table } from './markdown.mjs';

export const sectionOrder = ['generation', 'watch', 'runtime', 'bulk'];

const intro = `# Benchmarks

Measured by \`npm run bench\` (the \`bench/\` package): every tool runs side by side in one run,
in interleaved rounds, against the same PostgreSQL server. The machine is shared and noisy, so
read the **ratios**: absolute times drift between runs, ratios measured in the same rounds hold.
Cells show the median with min–max over the rounds. Each section says when and how it was last
run; \`node bench/run.mjs --help\` lists the options (one section, quick mode, rounds).
`;

const begin = (name) => `<!-- bench:${name}:begin -->`;
const end = (name) => `<!-- bench:${name}:end -->`;

/** The markdown of one section's results. */
export function renderSection(result, machine, mode) {
  const parts = [`## ${result.title}`, '', `_Last run ${machine.date}, ${mode}; sqlgen ${machine.sqlgen}._`, ''];
  if (result.intro) parts.push(result.intro.trim(), '');
  for (const t of result.tables) {
    if (t.caption) parts.push(`**${t.caption}**`, '');
    parts.push(table(t.header, t.rows, t.leftColumns ?? 1), '');
    if (t.note) parts.push(t.note.trim(), '');
  }
  if (result.targets?.length) {
    parts.push('**Targets**', '');
    parts.push(table(['target', 'measured', 'result'], result.targets.map((t) => [t.target, t.measured, t.met === undefined ? 'not measured' : t.met ? 'met' : '**missed**']), 3), '');
  }
  for (const extra of result.extra ?? []) parts.push(extra.trim(), '');
  return parts.join('\n').trimEnd();
}

export function renderMachine(machine) {
  return [
    '## Machine',
    '',
    table(['what', 'value'], [
      ['date', machine.date],
      ['CPU', machine.cpu],
      ['cores', machine.cores],
      ['memory', machine.memory],
      ['OS', machine.os],
      ['load average', machine.load],
      ['Node.js', machine.node],
      ['PostgreSQL', machine.postgres],
      ['pgbench', machine.pgbench],
      ['sqlgen', machine.sqlgen],
    ], 2),
  ].join('\n');
}

/** Writes the sections in `blocks` (name -> markdown) into `file`, keeping the others. */
export function writeReport(file, machineBlock, blocks) {
  const old = existsSync(file) ? readFileSync(file, 'utf8') : '';
  const kept = (name) => {
    const from = old.indexOf(begin(name));
    const to = old.indexOf(end(name));
    return from >= 0 && to > from ? old.slice(from + begin(name).length, to).trim() : undefined;
  };
  const parts = [intro.trim(), '', begin('machine'), machineBlock, end('machine')];
  for (const name of sectionOrder) {
    const body = blocks[name] ?? kept(name);
    if (body === undefined) continue;
    parts.push('', begin(name), body, end(name));
  }
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, `${parts.join('\n')}\n`);
}
