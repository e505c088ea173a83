/**
 * The candidate a user most likely meant by `name`, or `undefined` when none is close.
 * Case, `_` and `-` are ignored (`prepared_statements` finds `preparedStatements`); a candidate
 * is close when it is a few edits away or one name starts with the other (`query`, `queries`).
 *
 * @example
 * closestName('typs', ['database', 'types', 'out']) // 'types'
 */
export function closestName(name: string, candidates: readonly string[]): string | undefined {
  const wanted = normalize(name);
  let best: string | undefined;
  let bestScore = Infinity;
  for (const candidate of candidates) {
    const other = normalize(candidate);
    const distance = editDistance(wanted, other);
    const limit = Math.max(2, Math.floor(Math.max(wanted.length, other.length) / 3));
    const shorter = wanted.length < other.length ? wanted : other;
    const sharesStem = shorter.length >= 3 && commonPrefixLength(wanted, other) >= Math.min(shorter.length, 4);
    if (distance > limit && !sharesStem) continue;
    if (distance < bestScore) {
      best = candidate;
      bestScore = distance;
    }
  }
  return best;
}

function normalize(name: string): string {
  return name.toLowerCase().replace(/[-_]/g, '');
}

function commonPrefixLength(a: string, b: string): number {
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  return i;
}

/** Optimal string alignment distance: insertions, deletions, substitutions, adjacent swaps. */
function editDistance(a: string, b: string): number {
  const rows: number[][] = [];
  for (let i = 0; i <= a.length; i++) {
    const row: number[] = [];
    for (let j = 0; j <= b.length; j++) {
      if (i === 0 || j === 0) {
        row.push(i + j);
        continue;
      }
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let value = Math.min(rows[i - 1]![j]! + 1, row[j - 1]! + 1, rows[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        value = Math.min(value, rows[i - 2]![j - 2]! + 1);
      }
      row.push(value);
    }
    rows.push(row);
  }
  return rows[a.length]![b.length]!;
}
