import type { FileEvent } from './file-watcher.js';

/** What changed on disk between two regenerations. */
export interface ChangeSet {
  /** Query files (absolute paths) and what last happened to each, in the order first seen. */
  readonly queries: ReadonlyMap<string, FileEvent['event']>;
  /** A query file or a folder appeared or went away: the list of query files must be globbed again. */
  readonly rescan: boolean;
  /** Folders that appeared or went away below a watched query folder. */
  readonly folders: ReadonlyMap<string, 'add' | 'unlink'>;
  /** Migration files that changed. */
  readonly migrations: ReadonlySet<string>;
  readonly config: boolean;
}

/**
 * Folds a batch of file events into one change set. A file removed and written again (an
 * editor that saves by rename, seen as separate events) is a change; a new file that was
 * also changed is still new.
 *
 * @example
 * collectChanges([{ kind: 'query', event: 'change', path: '/app/queries/users.sql' }])
 * // { queries: Map { '/app/queries/users.sql' => 'change' }, rescan: false, folders: Map {}, migrations: Set {}, config: false }
 */
export function collectChanges(events: readonly FileEvent[]): ChangeSet {
  const queries = new Map<string, FileEvent['event']>();
  const migrations = new Set<string>();
  const folders = new Map<string, 'add' | 'unlink'>();
  let rescan = false;
  let config = false;
  for (const event of events) {
    if (event.kind === 'migration') migrations.add(event.path);
    else if (event.kind === 'config') config = true;
    else if (event.folder) {
      rescan = true;
      folders.set(event.path, event.event === 'unlink' ? 'unlink' : 'add');
    }
    else {
      const before = queries.get(event.path);
      if (event.event !== 'change') rescan = true;
      const back = before === 'unlink' && event.event === 'add';
      const stillNew = before === 'add' && event.event === 'change';
      queries.set(event.path, back ? 'change' : stillNew ? 'add' : event.event);
    }
  }
  return { queries, rescan, folders, migrations, config };
}

/**
 * `changes` with each query file's event told by the file lists before and after the run
 * rather than by the order its events came in: a file that left the list was removed, one that
 * joined it is new, one in both was changed (an echo of its creation can come after it was
 * deleted again). Files in neither list keep their event.
 *
 * @example
 * settleChanges(collectChanges([{ kind: 'query', event: 'change', path: '/app/queries/x.sql' }]), ['/app/queries/x.sql'], [])
 * // queries: Map { '/app/queries/x.sql' => 'unlink' }
 */
export function settleChanges(changes: ChangeSet, before: readonly string[], after: readonly string[]): ChangeSet {
  const was = new Set(before);
  const is = new Set(after);
  const queries = new Map<string, FileEvent['event']>();
  for (const [path, event] of changes.queries) {
    queries.set(path, was.has(path) ? (is.has(path) ? 'change' : 'unlink') : is.has(path) ? 'add' : event);
  }
  return { ...changes, queries };
}
