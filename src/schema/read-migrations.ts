import { readdir, readFile, stat } from 'node:fs/promises';
import { basename, join, relative, resolve } from 'node:path';
import type { Migration } from './migration.js';
import { upSection } from './migration-sections.js';
import { SqlgenFailure, lineColumnAt, usageError, type Diagnostic } from '../diagnostics.js';

export interface MigrationOptions {
  /** Variables for goose's `-- +goose ENVSUB ON` sections; defaults to `process.env`. */
  readonly env?: NodeJS.ProcessEnv;
}

// `000012_add_tags.up.sql`, `20240101120000_init.sql`, `9-seed.sql`.
const fileNamePattern = /^(\d+)(.*?)(\.up|\.down)?\.sql$/i;

/**
 * Reads one migration file. The version is the file name's leading digits; the layout is
 * golang-migrate for `.up.sql` files (the whole file applies), else dbmate or goose when the
 * file has their markers, else plain (the whole file applies). Returns `null` for a
 * golang-migrate `.down.sql`. A bad name or misplaced markers throw a `SqlgenFailure` (exit 1).
 *
 * @example
 * parseMigrationFile('/app/migrations/000002_tags.up.sql', 'create table tags ();')
 * // { path, version: 2n, name: 'tags', sql: 'create table tags ();', layout: 'golang-migrate' }
 */
export function parseMigrationFile(path: string, text: string, options: MigrationOptions = {}): Migration | null {
  const fileName = basename(path);
  const match = fileNamePattern.exec(fileName);
  if (!match) {
    throw new SqlgenFailure(
      [{ severity: 'error', file: displayPath(path), message: `migration file name "${fileName}" does not start with a version number`, hint: 'name migrations like "000001_create_users.sql" (or .up.sql / .down.sql)' }],
      1,
    );
  }
  const [, digits, rest, direction] = match;
  if (direction?.toLowerCase() === '.down') return null;
  const version = BigInt(digits!);
  const name = rest!.replace(/^[_\-.]/, '');
  // A byte order mark is not SQL; a space keeps every offset where it was.
  const source = text.replace(/^\uFEFF/, ' ');
  if (direction !== undefined) return Object.freeze({ path, version, name, sql: source, layout: 'golang-migrate' });

  const section = upSection(source, options.env ?? process.env);
  if (section.problems.length > 0) {
    const lines = source.split('\n');
    const offsetOfLine = (line: number): number => lines.slice(0, line).reduce((sum, l) => sum + l.length + 1, 0);
    throw new SqlgenFailure(
      section.problems.map((p) => ({ severity: 'error', file: displayPath(path), message: p.message, ...lineColumnAt(source, offsetOfLine(p.line)) })),
      1,
    );
  }
  return Object.freeze({ path, version, name, sql: section.sql, layout: section.layout });
}

/**
 * Reads every `*.sql` migration directly in `dir` (not in subfolders; other files and dotfiles
 * are ignored) and returns the up migrations ordered by numeric version (`9_` before `10_`).
 * All problems of all files are reported together: a name without a version or misplaced
 * markers (exit 1), two migrations with one version (exit 1), a missing folder (exit 2).
 * An empty folder gives no migrations.
 *
 * @example
 * await readMigrations('/app/migrations') // [{ version: 1n, name: 'init', ... }, ...]
 */
export async function readMigrations(dir: string, options: MigrationOptions = {}): Promise<Migration[]> {
  const folder = resolve(dir);
  const files = await listSqlFiles(folder);
  const diagnostics: Diagnostic[] = [];
  const migrations: Migration[] = [];
  const texts = await Promise.all(
    files.map((file) =>
      readFile(file, 'utf8').catch((error: unknown) => {
        diagnostics.push({ severity: 'error', file: displayPath(file), message: `cannot read migration: ${(error as Error).message}` });
        return undefined;
      }),
    ),
  );
  for (const [index, file] of files.entries()) {
    const text = texts[index];
    if (text === undefined) continue;
    try {
      const migration = parseMigrationFile(file, text, options);
      if (migration) migrations.push(migration);
    } catch (error) {
      if (!(error instanceof SqlgenFailure)) throw error;
      diagnostics.push(...error.diagnostics);
    }
  }
  migrations.sort((a, b) => (a.version < b.version ? -1 : a.version > b.version ? 1 : compareCodeUnits(a.path, b.path)));
  diagnostics.push(...duplicateVersions(migrations));
  if (diagnostics.length > 0) throw new SqlgenFailure(diagnostics, 1);
  return migrations;
}

async function listSqlFiles(folder: string): Promise<string[]> {
  const shown = displayPath(folder);
  let entries;
  try {
    entries = await readdir(folder, { withFileTypes: true });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw usageError(`migrations folder "${shown}" does not exist`);
    if (code === 'ENOTDIR') throw usageError(`migrations folder "${shown}" is not a folder`);
    throw usageError(`cannot read migrations folder "${shown}": ${(error as Error).message}`);
  }
  const candidates = entries.filter((e) => !e.name.startsWith('.') && /\.sql$/i.test(e.name) && (e.isFile() || e.isSymbolicLink()));
  const files = await Promise.all(
    candidates.map(async (e) => {
      const path = join(folder, e.name);
      if (e.isFile()) return path;
      const isFile = await stat(path).then(
        (s) => s.isFile(),
        () => false,
      );
      return isFile ? path : undefined;
    }),
  );
  return files.filter((f): f is string => f !== undefined).sort(compareCodeUnits);
}

/** One error per version that more than one up migration claims, naming every such file. */
function duplicateVersions(sorted: readonly Migration[]): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  for (let start = 0; start < sorted.length; ) {
    let end = start + 1;
    while (end < sorted.length && sorted[end]!.version === sorted[start]!.version) end++;
    if (end - start > 1) {
      const group = sorted.slice(start, end).map((m) => displayPath(m.path));
      const list = `${group.slice(0, -1).join(', ')} and ${group[group.length - 1]!}`;
      diagnostics.push({ severity: 'error', file: group[1]!, message: `migration version ${sorted[start]!.version} is used by more than one file: ${list}` });
    }
    start = end;
  }
  return diagnostics;
}

function displayPath(path: string): string {
  return relative(process.cwd(), path) || path;
}

function compareCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
