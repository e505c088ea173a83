import path from 'node:path';
import type { WriteResult } from '../write/write-output.js';
import type { ChangeSet } from './change-set.js';

/** `12 ms` below a second, else `1.41 s`. */
export function duration(ms: number): string {
  return ms < 1000 ? `${Math.max(1, Math.round(ms))} ms` : `${(ms / 1000).toFixed(2)} s`;
}

/** `36 queries in 5 files`. */
export function counts(queryCount: number, fileCount: number): string {
  return `${queryCount} ${queryCount === 1 ? 'query' : 'queries'} in ${fileCount} ${fileCount === 1 ? 'file' : 'files'}`;
}

/**
 * The changed query files (those `shows` keeps) as the user knows them: `queries/users.sql`,
 * `queries/tags.sql (new)`, `queries/old.sql (removed)`, `queries/admin/ (removed)`; past
 * three, `5 query files`.
 */
export function changedQueries(changes: ChangeSet, cwd: string, shows: (file: string) => boolean = () => true): string {
  const mark = (event: string): string => (event === 'add' ? ' (new)' : event === 'unlink' ? ' (removed)' : '');
  const folders = [...changes.folders].map(([dir, event]) => `${shown(cwd, dir)}/${mark(event)}`);
  // A folder's files come with it; naming the folder says it.
  const inside = (file: string): boolean => [...changes.folders.keys()].some((dir) => file.startsWith(dir + path.sep));
  const files = [...changes.queries].filter(([file]) => shows(file) && !inside(file)).map(([file, event]) => `${shown(cwd, file)}${mark(event)}`);
  const all = [...folders, ...files];
  if (all.length === 0) return 'query files';
  if (all.length > 3) return changes.queries.size ? `${changes.queries.size} query files` : `${folders.length} folders`;
  return all.join(', ');
}

/**
 * What a write did: `generated/users.ts`, `generated/index.ts, removed generated/old.ts`;
 * past four files, `5 files in generated/`; nothing at all, `unchanged`.
 */
export function writtenFiles(result: WriteResult, out: string, cwd: string): string {
  const total = result.written.length + result.removed.length;
  if (total === 0) return 'unchanged';
  if (total > 4) return `${total} files in ${shown(cwd, out)}/`;
  return [
    ...result.written.map((file) => shown(cwd, path.join(out, file))),
    ...result.removed.map((file) => `removed ${shown(cwd, path.join(out, file))}`),
  ].join(', ');
}

/** A path relative to the working directory, with `/`. */
export function shown(cwd: string, file: string): string {
  return (path.relative(cwd, file) || '.').split(path.sep).join('/');
}
