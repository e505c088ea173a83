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
  /**
   * Files seen only by the watcher's second look: they may hold nothing new. (A query file's
   * text is compared with the cache anyway; this is for the migrations and the config.)
   */
  readonly rechecked: ReadonlySet<string>;
}

/**
 * Folds a batch of file events into one change set. A file removed and written again (an
 * editor that saves by rename, seen as separate events) is a change; a new file that was
 * also changed is still new.
 *
 * @example
 * collectChanges([{ kind: 'query', event: 'change', path: '/app/queries/users.sql' }])
 * // { queries: Map { '/app/queries/users.sql' => 'change' }, rescan: false, folders: Map {}, migrations: Set {}, config: false, rechecked: Set {} }
 */
export function collectChanges(events: readonly FileEvent[]): ChangeSet {
  const queries = new Map<string, FileEvent['event']>();
  const migrations = new Set<string>();
  const folders = new Map<string, 'add' | 'unlink'>();
  const seen = new Set<string>();
  const rechecked = new Set<string>();
  let rescan = false;
  let config = false;
  for (const event of events) {
    if (event.recheck && !seen.has(event.path)) rechecked.add(event.path);
    if (!event.recheck) {
      seen.add(event.path);
      rechecked.delete(event.path);
    }
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
  return { queries, rescan, folders, migrations, config, rechecked };
}
