import picomatch from 'picomatch';

/**
 * The generated module's path for a query file: its path below the static part of the first
 * glob that matches it, without `.sql`. With `queries/**\/*.sql`, `queries/admin/audit.sql`
 * becomes `admin/audit`.
 */
export function moduleNameFor(relativePath: string, globs: readonly string[]): string {
  for (const pattern of globs) {
    if (pattern.startsWith('!') || !picomatch.isMatch(relativePath, pattern)) continue;
    const base = picomatch.scan(pattern).base.replace(/^\.\/?/, '');
    const inside = base && relativePath.startsWith(`${base}/`) ? relativePath.slice(base.length + 1) : relativePath;
    return inside.replace(/\.sql$/i, '');
  }
  return relativePath.replace(/\.sql$/i, '');
}
