import { setTimeout as sleep } from 'node:timers/promises';
import type { Config } from '../config/config.js';
import { findQueryFiles } from '../config/query-globs.js';
import { formatDiagnostic, redactSecrets, SqlgenFailure, type Diagnostic } from '../diagnostics.js';
import { checkModuleNames, type Schema } from '../generate.js';
import { render } from '../render/render.js';
import { reportDiagnostics, type Reporter } from '../commands/reporter.js';
import { writeOutput, type WriteResult } from '../write/write-output.js';
import type { ChangeSet } from './change-set.js';
import { analyzeInto, collectAnalyses, type AnalysisCache } from './file-analyses.js';
import { changedQueries, counts, duration, shown, writtenFiles } from './run-line.js';
import type { SchemaHolder } from './schema-holder.js';

/** What a watcher remembers between regenerations. */
export interface WatchState {
  config: Config;
  /** The query files, in `findQueryFiles` order. */
  paths: readonly string[];
  readonly cache: AnalysisCache;
  /** Warnings already printed, so a save does not repeat them. */
  warnings: ReadonlySet<string>;
  /** Why there is no schema to analyse against (the migrations have errors), if so. */
  schemaProblem: readonly Diagnostic[] | undefined;
}

const firstRetryMs = 100;
const maxRetryMs = 5_000;

export interface RegenerateContext {
  readonly cwd: string;
  readonly reporter: Reporter;
  readonly holder: SchemaHolder;
  /** Loads the config file again. */
  readonly reload: () => Promise<Config>;
  /** Points the file watcher at what a changed config names. */
  readonly retarget: (config: Config) => Promise<void>;
  /** Aborted when the watcher stops; ends a wait for the server. */
  readonly signal: AbortSignal;
}

export interface Regenerator {
  /** The first full run. Resolves to an exit code when watching cannot start (the server is unreachable). */
  initial(): Promise<number | undefined>;
  /** Brings `out` up to date with one batch of changes and prints one line. Never throws. */
  apply(changes: ChangeSet): Promise<void>;
}

/**
 * The watcher's runs. A saved query file is read and described alone, against the open
 * schema; then every module is rendered (cheap) and `writeOutput` writes only the files
 * whose text changed. A migration or config change rebuilds the schema and everything.
 * A run with errors prints them and writes nothing.
 */
export function createRegenerator(state: WatchState, context: RegenerateContext): Regenerator {
  const { cwd, reporter, holder } = context;
  const out = (): string => `${shown(cwd, state.config.out)}/`;

  /** Renders every module from the cache and writes what changed; throws the problems of any file. */
  const emit = async (schema: Schema): Promise<WriteResult & { queryCount: number; fileCount: number }> => {
    const { files, diagnostics } = collectAnalyses(state.cache, state.paths);
    if (diagnostics.some((d) => d.severity === 'error')) throw new SqlgenFailure(diagnostics, 1);
    checkModuleNames(files);
    const rendered = render(files, schema.catalog, state.config);
    const result = await writeOutput(state.config.out, rendered.files);
    const warnings = [...diagnostics, ...rendered.warnings];
    reportDiagnostics(reporter, warnings.filter((w) => !state.warnings.has(formatDiagnostic(w))));
    state.warnings = new Set(warnings.map(formatDiagnostic));
    return { ...result, queryCount: files.reduce((n, f) => n + f.queries.length, 0), fileCount: files.length };
  };

  const analyze = async (paths: readonly string[], schema: Schema): Promise<void> => {
    const gone = new Set(await analyzeInto(state.cache, paths, schema, state.config, cwd));
    if (gone.size) state.paths = state.paths.filter((p) => !gone.has(p));
  };

  const full = async (reason: string | undefined, started: number): Promise<void> => {
    state.schemaProblem = undefined;
    const schema = holder.refresh(state.config).catch((error: unknown) => {
      if (error instanceof SqlgenFailure && error.exitCode === 1) state.schemaProblem = error.diagnostics;
      throw error;
    });
    schema.catch(() => undefined);
    let paths: string[];
    try {
      paths = await findQueryFiles(state.config);
    } finally {
      await schema.catch(() => undefined);
    }
    const opened = await schema;
    state.paths = paths;
    state.cache.clear();
    state.warnings = new Set();
    await analyze(paths, opened);
    const result = await emit(opened);
    const line = `${counts(result.queryCount, result.fileCount)} -> ${out()} (${seconds(started)})`;
    reporter.out(reason ? `${reason}: ${line}` : line);
  };

  const incremental = async (changes: ChangeSet, schema: Schema, started: number): Promise<void> => {
    if (changes.rescan) {
      const listed = await findQueryFiles(state.config);
      const kept = new Set(listed);
      for (const path of state.cache.keys()) if (!kept.has(path)) state.cache.delete(path);
      state.paths = listed;
    }
    await analyze(state.paths.filter((p) => changes.queries.has(p) || !state.cache.has(p)), schema);
    const result = await emit(schema);
    reporter.out(`${changedQueries(changes, cwd)} -> ${writtenFiles(result, state.config.out, cwd)} (${duration(performance.now() - started)})`);
  };

  const lostConnection = async (error: unknown): Promise<boolean> => {
    if (state.config.database === undefined || context.signal.aborted) return false;
    if (error instanceof SqlgenFailure && error.exitCode === 1) return false;
    return !holder.current || !(await holder.alive());
  };

  /** After the server went away: waits for it, says so, and regenerates everything against it. */
  const recover = async (lost: unknown): Promise<void> => {
    const url = redactSecrets(state.config.database ?? '');
    for (let delay = firstRetryMs; ; delay = Math.min(delay * 2, maxRetryMs)) {
      const reason = lost instanceof SqlgenFailure ? lost.message : `lost the connection to ${url}: ${messageOf(lost)}`;
      reporter.err(`${redactSecrets(reason)}; reconnecting`);
      const waiting = performance.now();
      if (!(await holder.reconnect(state.config, context.signal))) return;
      reporter.err(`reconnected to ${url} (${duration(performance.now() - waiting)})`);
      const started = performance.now();
      try {
        return await full('reconnected', started);
      } catch (error) {
        if (!(await lostConnection(error))) return reportFailure(reporter, error, `reconnected: nothing written (${duration(performance.now() - started)})`);
        lost = error;
      }
      // A server that takes connections and drops them again must not be hammered.
      await sleep(delay, undefined, { signal: context.signal }).catch(() => undefined);
    }
  };

  /** Runs one regeneration; a failure is printed and ends in one line; a lost server is waited for. */
  const attempt = async (what: string, started: number, run: () => Promise<void>): Promise<void> => {
    try {
      await run();
    } catch (error) {
      if (await lostConnection(error)) return recover(error);
      reportFailure(reporter, error, `${what}: nothing written (${duration(performance.now() - started)})`);
    }
  };

  return {
    async initial() {
      const started = performance.now();
      try {
        await full(undefined, started);
      } catch (error) {
        if (error instanceof SqlgenFailure && error.exitCode === 2) {
          reportDiagnostics(reporter, error.diagnostics);
          return 2;
        }
        if (!(error instanceof SqlgenFailure)) throw error;
        reportFailure(reporter, error, `nothing written (${duration(performance.now() - started)})`);
      }
      return undefined;
    },

    async apply(changes) {
      const started = performance.now();
      if (changes.config) {
        const reloaded = await context.reload().then((config) => config, (error: unknown) => {
          reportFailure(reporter, error, `${shown(cwd, state.config.configPath)}: still using the previous config`);
          return undefined;
        });
        if (!reloaded) return;
        await context.retarget(reloaded);
        state.config = reloaded;
      }
      const what = changes.config ? 'config changed' : changes.migrations ? 'migrations changed' : changedQueries(changes, cwd);
      if (changes.config || changes.migrations) return attempt(what, started, () => full(what, started));
      const schema = holder.current;
      if (schema) return attempt(what, started, () => incremental(changes, schema, started));
      if (state.schemaProblem) {
        reportDiagnostics(reporter, state.schemaProblem);
        reporter.err(`${what}: nothing written until the migrations apply (${duration(performance.now() - started)})`);
        return;
      }
      // No schema and no known reason: the last attempt to connect or open failed; try again.
      return attempt(what, started, () => full(undefined, started));
    },
  };
}

function seconds(started: number): string {
  return `${((performance.now() - started) / 1000).toFixed(2)} s`;
}

/** Prints a failed run's diagnostics (or an unexpected error) and then `line`. */
function reportFailure(reporter: Reporter, error: unknown, line: string): void {
  if (error instanceof SqlgenFailure) {
    reportDiagnostics(reporter, error.diagnostics);
    reporter.err(line);
    return;
  }
  reporter.err(`sqlgen: internal error: ${redactSecrets(error instanceof Error ? error.stack ?? error.message : String(error))}`);
  reporter.err('This is a bug in sqlgen; please report it with the input that caused it. Still watching.');
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message || String(error) : String(error);
}
