import { stat } from 'node:fs/promises';
import { isAbsolute, posix, relative, resolve, win32 } from 'node:path';
import picomatch from 'picomatch';
import { glob } from 'tinyglobby';
import type { Config } from './config.js';
import { SqlgenFailure, type Diagnostic } from '../diagnostics.js';

/**
 * Why `pattern` cannot be a `queries` glob, or `undefined` when it can. A leading `!` makes it an
 * exclusion and is not part of the check. Patterns must stay inside the config file's folder:
 * the generated modules mirror the folders of the query files below it, and a file reached
 * through `../` has no place in that tree.
 *
 * @example
 * checkQueryGlob('/srv/app/queries/*.sql') // 'must be relative to the config file\'s folder'
 */
export function checkQueryGlob(pattern: string): string | undefined {
  const body = pattern.startsWith('!') ? pattern.slice(1) : pattern;
  if (body.trim() === '') return 'must not be empty';
  if (isAbsolute(body) || win32.isAbsolute(body)) return "must be relative to the config file's folder";
  const normalized = posix.normalize(body);
  if (normalized === '..' || normalized.startsWith('../')) return "reaches outside the config file's folder (move the config file up instead)";
  try {
    // picomatch compiles what it cannot parse (an unclosed `{`, a trailing `\`) to a regex that
    // never matches; treat that as the error it is.
    if (picomatch.makeRe(body).source === '$^') return 'is not a valid glob';
  } catch (error) {
    return `is not a valid glob: ${(error as Error).message}`;
  }
  return undefined;
}

/**
 * Absolute paths of the query files, in a stable order that does not depend on the platform
 * or the locale: sorted by their path relative to `config.rootDir`, compared by code unit.
 * `node_modules` folders are skipped; a pattern starting with `!` excludes what it matches.
 * A pattern that matches no file is an error (exit 2), since it is almost always a typo.
 *
 * @example
 * await findQueryFiles(config) // ['/app/queries/posts.sql', '/app/queries/users.sql']
 */
export async function findQueryFiles(config: Config): Promise<string[]> {
  const exclusions = config.queries.filter((p) => p.startsWith('!')).map((p) => p.slice(1));
  const ignore = ['**/node_modules/**', ...exclusions];
  const configFile = relative(process.cwd(), config.configPath) || config.configPath;
  const matches = await Promise.all(
    config.queries.map(async (pattern) => {
      if (pattern.startsWith('!')) return undefined;
      return glob(pattern, { cwd: config.rootDir, ignore, onlyFiles: true, expandDirectories: false });
    }),
  );
  const diagnostics: Diagnostic[] = [];
  const files = new Set<string>();
  for (const [index, found] of matches.entries()) {
    if (found === undefined) continue;
    const pattern = config.queries[index]!;
    if (found.length === 0) {
      const hint = (await isFolder(resolve(config.rootDir, pattern)))
        ? `"${pattern}" is a folder; to take the .sql files in it write "${pattern.replace(/\/+$/, '')}/**/*.sql"`
        : undefined;
      diagnostics.push({
        severity: 'error',
        file: configFile,
        message: `"queries[${index}]": ${JSON.stringify(pattern)} matches no files`,
        ...(hint === undefined ? {} : { hint }),
      });
    }
    for (const file of found) files.add(file);
  }
  if (diagnostics.length > 0) throw new SqlgenFailure(diagnostics, 2);
  return [...files].sort(compareCodeUnits).map((file) => resolve(config.rootDir, file));
}

function compareCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

async function isFolder(path: string): Promise<boolean> {
  return stat(path).then(
    (s) => s.isDirectory(),
    () => false,
  );
}
