import picomatch from 'picomatch';

/**
 * The generated module's path for a query file: its path below the static part of the first
 * glob that matches it, without `.sql`. With `queries/**\/*.sql`, `queries/admin/audit.sql`
 * becomes `admin/audit`.
 */
export function moduleNameFor(relativePath: string, globs: readonly string[]): string {
  for (const pattern of globs) {
    if (pattern.startsWith('!') || !picomatch.isMatch(relativePath, pattern)) continue;
    const scan = picomatch.scan(pattern);
    // A pattern that names one file has no glob part: its folder is the base.
    const fixed = scan.isGlob ? scan.base : scan.base.split('/').slice(0, -1).join('/');
    const base = fixed.replace(/^\.\/?/, '');
    const inside = base && relativePath.startsWith(`${base}/`) ? relativePath.slice(base.length + 1) : relativePath;
    return inside.replace(/\.sql$/i, '');
  }
  return relativePath.replace(/\.sql$/i, '');
}
