import path from 'node:path';
import picomatch from 'picomatch';
import type { Config } from '../config/config.js';

/** What a changed path means to the watcher. */
export type WatchedKind = 'query' | 'migration' | 'config';

/** The paths a watcher for `config` listens on, and how to tell what a changed path is. */
export interface WatchTargets {
  /** Folders and files handed to the file watcher (absolute, no duplicates). */
  readonly paths: readonly string[];
  /** `query`, `migration`, `config`, or `undefined` for a path the watcher does not care about. */
  classify(file: string): WatchedKind | undefined;
  /** Paths the file watcher need not descend into: `node_modules`, `.git` and `out`. */
  ignored(file: string): boolean;
}

/**
 * Chokidar no longer expands globs, so the watcher listens on the static folder of each
 * `queries` pattern (`queries/**\/*.sql` -> `queries/`) and matches the patterns itself, with
 * the same rules `findQueryFiles` uses (exclusions with `!`, no `node_modules`).
 *
 * @example
 * const targets = watchTargets(config);
 * targets.paths                                // ['/app/queries', '/app/migrations', '/app/sqlgen.config.json']
 * targets.classify('/app/queries/users.sql')   // 'query'
 * targets.classify('/app/migrations/2_x.sql')  // 'migration'
 */
export function watchTargets(config: Config): WatchTargets {
  const included = config.queries.filter((p) => !p.startsWith('!'));
  const excluded = config.queries.filter((p) => p.startsWith('!')).map((p) => p.slice(1));
  const isIncluded = included.length ? picomatch(included) : () => false;
  const isExcluded = excluded.length ? picomatch(excluded) : () => false;
  const roots = included.map((pattern) => path.resolve(config.rootDir, picomatch.scan(pattern).base));

  const isQuery = (file: string): boolean => {
    const relative = path.relative(config.rootDir, file).split(path.sep).join('/');
    if (relative.startsWith('../') || path.isAbsolute(relative) || relative.split('/').includes('node_modules')) return false;
    return isIncluded(relative) && !isExcluded(relative);
  };
  const isMigration = (file: string): boolean =>
    path.dirname(file) === config.migrations && /\.sql$/i.test(file) && !path.basename(file).startsWith('.');

  return {
    paths: outermost([...roots, config.migrations, config.configPath]),
    // A file that is both a migration and a query file (a `**/*.sql` glob) changes the schema,
    // which regenerates everything anyway.
    classify: (file) => (file === config.configPath ? 'config' : isMigration(file) ? 'migration' : isQuery(file) ? 'query' : undefined),
    ignored: (file) => {
      const name = path.basename(file);
      return name === 'node_modules' || name === '.git' || file === config.out || file.startsWith(config.out + path.sep);
    },
  };
}

/** Drops paths that lie inside another path of the list: watching the outer one covers them. */
function outermost(paths: readonly string[]): string[] {
  const unique = [...new Set(paths)].sort();
  return unique.filter((p) => !unique.some((other) => other !== p && p.startsWith(other + path.sep)));
}
