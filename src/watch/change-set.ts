import type { FileEvent } from './file-watcher.js';

/** What changed on disk between two regenerations. */
export interface ChangeSet {
  /** Query files (absolute paths) and what last happened to each, in the order first seen. */
  readonly queries: ReadonlyMap<string, FileEvent['event']>;
  /** A query file or a folder appeared or went away: the list of query files must be globbed again. */
  readonly rescan: boolean;
  readonly migrations: boolean;
  readonly config: boolean;
}

/**
 * Folds a batch of file events into one change set. A file removed and written again (an
 * editor that saves by rename, seen as separate events) is a change; one that was added and
 * removed again within the batch is gone.
 *
 * @example
 * collectChanges([{ kind: 'query', event: 'change', path: '/app/queries/users.sql' }])
 * // { queries: Map { '/app/queries/users.sql' => 'change' }, rescan: false, migrations: false, config: false }
 */
export function collectChanges(events: readonly FileEvent[]): ChangeSet {
  const queries = new Map<string, FileEvent['event']>();
  let rescan = false;
  let migrations = false;
  let config = false;
  for (const event of events) {
    if (event.kind === 'migration') migrations = true;
    else if (event.kind === 'config') config = true;
    else if (event.folder) rescan = true;
    else {
      const before = queries.get(event.path);
      if (event.event !== 'change') rescan = true;
      queries.set(event.path, before === 'unlink' && event.event === 'add' ? 'change' : before === 'add' && event.event === 'change' ? 'add' : event.event);
    }
  }
  return { queries, rescan, migrations, config };
}

/** Whether only query files changed, so the open schema can be reused. */
export function onlyQueries(changes: ChangeSet): boolean {
  return !changes.migrations && !changes.config;
}
