import { stat } from 'node:fs/promises';
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
  /** Found by the second look after an event (see `settleMs`), not reported by chokidar. */
  readonly recheck?: true;
}

export interface FileWatcher {
  close(): Promise<void>;
}

/**
 * Chokidar drops a `change` that comes within 50 ms of the previous one for the same file
 * (and raw events within 5 ms), with no trailing event: a second save shortly after the first
 * would be lost. So every event is checked again this long after it, and a file whose size,
 * mtime or inode moved on meanwhile is reported once more, marked `recheck` (the run may
 * have read the newer text already; the consumer compares texts).
 */
const settleMs = 60;

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
  const rechecks = new Map<string, NodeJS.Timeout>();
  let closed = false;

  const recheck = (kind: WatchedKind, file: string): void => {
    const seen = signature(file);
    clearTimeout(rechecks.get(file));
    const timer = setTimeout(() => {
      rechecks.delete(file);
      void Promise.all([seen, signature(file)]).then(([before, now]) => {
        if (closed || now === undefined || now === before) return;
        onEvent({ kind, event: 'change', path: file, recheck: true });
        recheck(kind, file);
      });
    }, settleMs);
    rechecks.set(file, timer.unref());
  };
  const emit = (event: FileEvent['event'], file: string): void => {
    const kind = targets.classify(file);
    if (!kind) return;
    onEvent({ kind, event, path: file });
    if (event === 'unlink') clearTimeout(rechecks.get(file));
    else recheck(kind, file);
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
  return {
    async close() {
      closed = true;
      for (const timer of rechecks.values()) clearTimeout(timer);
      await watcher.close();
    },
  };
}

/** What tells one version of a file from the next; `undefined` when it is gone. */
async function signature(file: string): Promise<string | undefined> {
  return stat(file).then((s) => `${s.ino}:${s.size}:${s.mtimeMs}`, () => undefined);
}
