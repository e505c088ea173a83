import type { Config } from '../config/config.js';
import type { RunOptions } from '../generate.js';
import type { Reporter } from '../commands/reporter.js';
import { redactSecrets } from '../diagnostics.js';
import { collectChanges } from './change-set.js';
import { coalesce } from './coalesce.js';
import { startFileWatcher, type FileEvent, type FileWatcher } from './file-watcher.js';
import { createRegenerator, newWatchState } from './regenerate.js';
import { shown } from './run-line.js';
import { runTrace } from './run-trace.js';
import { schemaHolder } from './schema-holder.js';
import { watchTargets } from './watch-targets.js';

export interface WatchOptions extends RunOptions {
  /** Loads the config again after it changed. */
  readonly reload: () => Promise<Config>;
}

/**
 * A save is regenerated at once; the writes that follow it within this time (the rest of a
 * save all, a branch switch, an editor's second write) wait until they stop and run as one
 * more regeneration. A write that lands after a run read the file has its own event, so it
 * is never lost, only regenerated once more.
 */
const quietMs = 25;
const maxWaitMs = 250;
/** A second Ctrl-C this long after the first stops without waiting for the database to close. */
const forceAfterMs = 1_000;

/**
 * `sqlgen generate --watch`: one full run, then a regeneration per batch of changes to the
 * query files, the migrations or the config, each printing one line, until SIGINT or SIGTERM
 * (exit code 0). Input problems are printed and watched; only a database that cannot be
 * reached at the start ends the command (exit code 2).
 */
export async function watchCommand(config: Config, options: WatchOptions, reporter: Reporter): Promise<number> {
  const stop = new AbortController();
  let stopAt = 0;
  const onSignal = (): void => {
    if (!stop.signal.aborted) {
      stopAt = performance.now();
      stop.abort();
    } else if (performance.now() - stopAt > forceAfterMs) {
      // npm forwards the terminal's SIGINT, so the first repeat is ignored; a later one means "now".
      process.exit(0);
    }
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  const holder = schemaHolder(options);
  const state = newWatchState(config);
  const queue = coalesce<FileEvent>({ quietMs, maxWaitMs, paused: true }, (events) =>
    regenerator.apply(collectChanges(events), runTrace(options.env, events[0]?.at)).catch((error: unknown) => {
      reporter.err(`sqlgen: internal error: ${redactSecrets(error instanceof Error ? error.stack ?? error.message : String(error))}`);
    }));
  const onWatchError = (error: Error): void => reporter.err(`sqlgen: watching failed: ${error.message}`);
  let watcher: FileWatcher | undefined;
  let watched = '';
  const retarget = async (next: Config): Promise<void> => {
    const targets = watchTargets(next);
    const key = JSON.stringify([targets.paths, next.queries, next.out, next.migrations]);
    if (key === watched) return;
    await watcher?.close();
    watcher = undefined;
    watcher = await startFileWatcher(targets, (event) => queue.push(event), onWatchError);
    watched = key;
  };
  const regenerator = createRegenerator(state, {
    cwd: options.cwd,
    reporter,
    holder,
    reload: options.reload,
    retarget,
    signal: stop.signal,
  });

  try {
    // Watch first, so that a file saved during the first run is regenerated after it.
    await retarget(config);
    const failed = await regenerator.initial();
    if (failed !== undefined) return failed;
    if (!stop.signal.aborted) reporter.out(`watching ${watchedList(state.config, options.cwd)} (Ctrl-C to stop)`);
    queue.resume();
    await new Promise<void>((resolve) => {
      if (stop.signal.aborted) resolve();
      else stop.signal.addEventListener('abort', () => resolve(), { once: true });
    });
    return 0;
  } finally {
    await queue.stop();
    await watcher?.close();
    await holder.close();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

/** `queries/, migrations/ and sqlgen.config.json`. */
function watchedList(config: Config, cwd: string): string {
  const targets = watchTargets(config).paths.map((p) => (p === config.configPath ? shown(cwd, p) : `${shown(cwd, p)}/`));
  return targets.length > 1 ? `${targets.slice(0, -1).join(', ')} and ${targets.at(-1)!}` : targets.join('');
}
