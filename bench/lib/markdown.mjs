// Markdown tables for the terminal and for docs/benchmarks.md.

/** A GitHub-flavoured markdown table; the first `leftColumns` columns are left-aligned, the rest right. */
export function table(header, rows, leftColumns = 1) {
  const escape = (cell) => String(cell ?? '').replace(/\|/g, '\\|');
  const line = (cells) => `| ${cells.map(escape).join(' | ')} |`;
  const rule = header.map((_, i) => (i < leftColumns ? '---' : '---:'));
  return [line(header), `|${rule.map((r) => ` ${r} `).join('|')}|`, ...rows.map(line)].join('\n');
}
