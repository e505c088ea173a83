import { watch, type FSWatcher } from 'node:fs';
import { readdir, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import type { WatchedKind, WatchTargets } from './watch-targets.js';

/** One change on disk that the watcher cares about. */
export interface FileEvent {
  readonly kind: WatchedKind;
  readonly event: 'add' | 'change' | 'unlink';
  /** Absolute path. */
  readonly path: string;
  /** A folder appeared or went away below a query folder: the list of query files must be read again. */
  readonly folder?: true;
  /** When the watcher heard of it (`performance.now()`). */
  readonly at?: number;
}

export interface FileWatcher {
  close(): Promise<void>;
}

/**
 * An editor that saves by deleting the file and writing it again leaves it missing for a
 * moment: a file that comes back this soon was changed, not removed and added.
 */
const unlinkHoldMs = 100;
/**
 * Most editors save by emptying the file and then writing it, and the first event can come
 * in between: an empty file is reported only when no write follows this soon. (The write's
 * own event ends the wait, so only a file that stays empty waits this long.)
 */
const emptyHoldMs = 100;

/**
 * Starts watching `targets` and resolves once every folder is watched, so that every change
 * made after it is reported.
 *
 * One `fs.watch` per folder, not a file watcher library: chokidar reads a whole folder again
 * (a readdir and an lstat per entry) on every change inside it, which at a thousand queries
 * cost a save more time than its regeneration. Here an event costs one `stat` of the file it
 * names. A file replaced by a rename (an editor's atomic save) is a `change`.
 */
export async function startFileWatcher(
  targets: WatchTargets,
  onEvent: (event: FileEvent) => void,
  onError: (error: Error) => void,
): Promise<FileWatcher> {
  const tree = folderTree(targets, onEvent, onError);
  // Folders first, so that the config file's folder, watched for that one file, is also
  // watched in depth when a query folder is it.
  for (const target of await sortedTargets(targets.paths)) await tree.attach(target, true);
  return { close: async () => tree.close() };
}

/** Folders (deep: their subfolders too) first, then files and paths not there yet. */
async function sortedTargets(paths: readonly string[]): Promise<string[]> {
  const folders = await Promise.all(paths.map(async (p) => (await stat(p).catch(() => undefined))?.isDirectory() ?? false));
  return [...paths.filter((_, i) => folders[i]), ...paths.filter((_, i) => !folders[i])];
}

interface FolderTree {
  /** Watches a target: a folder in depth, a file through its folder, a missing path through the nearest folder there is. */
  attach(target: string, initial: boolean): Promise<void>;
  close(): void;
}

/** The watched folders and the known files in them, kept in step with the events. */
function folderTree(targets: WatchTargets, onEvent: (event: FileEvent) => void, onError: (error: Error) => void): FolderTree {
  const folders = new Map<string, FSWatcher>();
  /** Folders whose subfolders are watched too: the target folders. */
  const deep = new Set<string>();
  /** Targets not on disk yet, watched through an existing folder above them. */
  const pending = new Set<string>();
  /** Files that `targets.classify` knows, to tell an added file from a changed one. */
  const files = new Set<string>();
  /** Files that went missing or empty, reported when they stay so (see `unlinkHoldMs`, `emptyHoldMs`). */
  const holds = new Map<string, NodeJS.Timeout>();
  /** Watched folder -> its real path. */
  const reals = new Map<string, string>();
  /** Paths being looked up, and whether another event came meanwhile. */
  const looking = new Map<string, boolean>();
  let closed = false;

  const emit = (event: FileEvent['event'], file: string, kind = targets.classify(file)): void => {
    if (kind && !closed) onEvent({ kind, event, path: file, at: performance.now() });
  };
  const emitFolder = (event: 'add' | 'unlink', dir: string): void => {
    if (!closed) onEvent({ kind: 'query', event, path: dir, folder: true, at: performance.now() });
  };
  const inDepth = (dir: string): boolean => [...deep].some((root) => dir === root || dir.startsWith(root + path.sep));

  const onFolderEvent = (dir: string, type: string, name: string | null): void => {
    if (closed) return;
    if (!name) return void rescan(dir);
    const file = path.join(dir, name);
    void look(file);
    if (type !== 'rename') return;
    // An event about the folder itself (it was removed or moved) carries the folder's own name.
    if (name === path.basename(dir)) void look(dir);
    for (const target of pending) if (target === file || target.startsWith(file + path.sep)) void attach(target, false);
  };

  /** Starts watching `dir`, then lists it, so that nothing created meanwhile is missed. */
  const watchFolder = (dir: string): boolean => {
    if (folders.has(dir)) return true;
    try {
      const watcher = watch(dir, { persistent: true }, (type, name) => onFolderEvent(dir, type, name));
      // A folder that was removed can end its watcher with an error (Windows): that is no failure.
      watcher.on('error', (error) => void stat(dir).then(() => onError(error), () => look(dir)));
      folders.set(dir, watcher);
      return true;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT' && code !== 'ENOTDIR') onError(error as Error);
      return false;
    }
  };

  /** Watches `dir` and, in depth, its subfolders; reports what is in them unless `initial`. */
  const watchTree = async (dir: string, initial: boolean): Promise<void> => {
    if (folders.has(dir) || targets.ignored(dir)) return;
    // A symbolic link back up the tree would be followed forever.
    const real = await realpath(dir).catch(() => dir);
    if ([...reals.values()].includes(real) || closed || !watchFolder(dir)) return;
    reals.set(dir, real);
    if (!initial) emitFolder('add', dir);
    const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
    for (const entry of entries) {
      const full = path.join(dir, entry.name);
      if (targets.ignored(full)) continue;
      const isFolder = entry.isDirectory() || (entry.isSymbolicLink() && (await stat(full).catch(() => undefined))?.isDirectory());
      if (isFolder && inDepth(dir)) await watchTree(full, initial);
      else if (!isFolder && targets.classify(full) && !files.has(full)) {
        files.add(full);
        if (!initial) emit('add', full);
      }
    }
  };

  const attach = async (target: string, initial: boolean): Promise<void> => {
    const info = await stat(target).catch(() => undefined);
    if (closed) return;
    if (info?.isDirectory()) {
      pending.delete(target);
      deep.add(target);
      return watchTree(target, initial);
    }
    if (info?.isFile()) {
      pending.delete(target);
      if (!watchFolder(path.dirname(target))) return;
      if (!files.has(target) && targets.classify(target)) {
        files.add(target);
        if (!initial) emit('add', target);
      }
      return;
    }
    pending.add(target);
    for (let dir = path.dirname(target); ; dir = path.dirname(dir)) {
      if (watchFolder(dir) || path.dirname(dir) === dir) return;
    }
  };

  /** Finds out what happened to `file` after an event; one look at a time per path. */
  const look = async (file: string): Promise<void> => {
    if (looking.has(file)) return void looking.set(file, true);
    try {
      do {
        looking.set(file, false);
        await settle(file);
      } while (looking.get(file) && !closed);
    } finally {
      looking.delete(file);
    }
  };

  const settle = async (file: string): Promise<void> => {
    const info = await stat(file).catch(() => undefined);
    if (closed) return;
    if (info?.isDirectory()) {
      if (!folders.has(file) && inDepth(path.dirname(file))) await watchTree(file, false);
    } else if (info) {
      present(file, info.size);
    } else if (folders.has(file)) {
      forgetFolder(file);
    } else if (files.has(file)) {
      hold(file, unlinkHoldMs, () => removed(file));
    }
  };

  const present = (file: string, size: number): void => {
    const kind = targets.classify(file);
    if (!kind) return;
    const report = (): void => {
      const known = files.has(file);
      files.add(file);
      emit(known ? 'change' : 'add', file, kind);
    };
    if (size === 0) return hold(file, emptyHoldMs, report);
    clearTimeout(holds.get(file));
    holds.delete(file);
    report();
  };

  /** Reports `file` in `ms` unless an event about it comes first; a later hold replaces an earlier one. */
  const hold = (file: string, ms: number, report: () => void): void => {
    clearTimeout(holds.get(file));
    holds.set(file, setTimeout(() => {
      holds.delete(file);
      report();
    }, ms));
  };

  const removed = (file: string): void => {
    clearTimeout(holds.get(file));
    holds.delete(file);
    if (files.delete(file)) emit('unlink', file);
  };

  /** A watched folder went away: so did everything below it, whichever of their events comes first. */
  const forgetFolder = (dir: string): void => {
    const below = (p: string): boolean => p === dir || p.startsWith(dir + path.sep);
    const gone = [...folders.keys()].filter(below).sort().reverse();
    for (const folder of gone) {
      folders.get(folder)!.close();
      folders.delete(folder);
      reals.delete(folder);
    }
    for (const file of files) if (below(file)) removed(file);
    for (const folder of gone) emitFolder('unlink', folder);
    // A target folder that went away may come back.
    if (deep.delete(dir)) void attach(dir, false);
  };

  /** An event without a name (the platform did not say): compare the folder with what is known. */
  const rescan = (dir: string): void => {
    for (const file of files) if (path.dirname(file) === dir) void look(file);
    void readdir(dir).then((names) => names.forEach((name) => void look(path.join(dir, name))), () => void look(dir));
  };

  return {
    attach,
    close() {
      closed = true;
      for (const watcher of folders.values()) watcher.close();
      for (const timer of holds.values()) clearTimeout(timer);
      folders.clear();
      holds.clear();
    },
  };
}
