import { watch } from 'chokidar';
import type { WatchedKind, WatchTargets } from './watch-targets.js';

/** One change on disk that the watcher cares about. */
export interface FileEvent {
  readonly kind: WatchedKind;
  readonly event: 'add' | 'change' | 'unlink';
  /** Absolute path. */
  readonly path: string;
  /** A folder appeared or went away below a query folder: the list of query files must be read again. */
  readonly folder?: true;
}

export interface FileWatcher {
  close(): Promise<void>;
}

/**
 * Starts watching `targets` and resolves once the initial scan is done, so that every change
 * made after it is reported. Editors that save by writing a new file and renaming it over
 * the old one give one `change` (chokidar's `atomic` option), not `unlink` + `add`.
 */
export async function startFileWatcher(
  targets: WatchTargets,
  onEvent: (event: FileEvent) => void,
  onError: (error: Error) => void,
): Promise<FileWatcher> {
  const watcher = watch([...targets.paths], {
    ignoreInitial: true,
    ignored: (file) => targets.ignored(file),
    atomic: true,
  });
  const emit = (event: FileEvent['event'], file: string): void => {
    const kind = targets.classify(file);
    if (kind) onEvent({ kind, event, path: file });
  };
  watcher.on('add', (file) => emit('add', file));
  watcher.on('change', (file) => emit('change', file));
  watcher.on('unlink', (file) => emit('unlink', file));
  const folder = (event: 'add' | 'unlink') => (dir: string): void => {
    onEvent({ kind: 'query', event, path: dir, folder: true });
  };
  watcher.on('addDir', folder('add'));
  watcher.on('unlinkDir', folder('unlink'));
  watcher.on('error', (error) => onError(error instanceof Error ? error : new Error(String(error))));
  await new Promise<void>((resolve) => watcher.once('ready', resolve));
  return { close: () => watcher.close() };
}
