import { setTimeout as sleep } from 'node:timers/promises';
import type { Config } from '../config/config.js';
import { findQueryFiles } from '../config/query-globs.js';
import { formatDiagnostic, redactSecrets, SqlgenFailure, type Diagnostic } from '../diagnostics.js';
import { checkModuleNames, type Schema } from '../generate.js';
import { reportDiagnostics, type Reporter } from '../commands/reporter.js';
import type { OutputFile } from '../render/output-file.js';
import type { WriteResult } from '../write/write-output.js';
import { settleChanges, type ChangeSet } from './change-set.js';
import { analyzeInto, collectAnalyses, type AnalysisCache } from './file-analyses.js';
import { restoreOutput, writeSince, type WrittenFiles } from './watch-output.js';
import { newRenderCache, renderCached, type RenderCache } from './render-cache.js';
import { changedQueries, counts, duration, shown, writtenFiles } from './run-line.js';
import { migrationsFingerprint, type SchemaHolder } from './schema-holder.js';
import { noTrace, type RunTrace } from './run-trace.js';

/** What a watcher remembers between regenerations. */
export interface WatchState {
  config: Config;
  /** The query files, in `findQueryFiles` order. */
  paths: readonly string[];
  readonly cache: AnalysisCache;
  rendered: RenderCache;
  /** What the last write left in `out`; a save compares its modules with this, not with the disk. */
  written: WrittenFiles | undefined;
  /** Warnings already printed, so a save does not repeat them. */
  warnings: Set<string>;
  /** Why there is no schema to analyse against (the migrations have errors), if so. */
  schemaProblem: readonly Diagnostic[] | undefined;
  /** A hash of the migrations the last full run read (see `migrationsFingerprint`). */
  migrations: string | undefined;
  /** The last full run analysed every file against the open schema: a save may build on it. */
  analysed: boolean;
}

export function newWatchState(config: Config): WatchState {
  return {
    config,
    paths: [],
    cache: new Map(),
    rendered: newRenderCache(),
    written: undefined,
    warnings: new Set(),
    schemaProblem: undefined,
    migrations: undefined,
    analysed: false,
  };
}

const firstRetryMs = 100;
const maxRetryMs = 2_000;

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
  apply(changes: ChangeSet, trace?: RunTrace): Promise<void>;
}

/**
 * The watcher's runs. A saved query file is read and described alone, against the open
 * schema; then every module is rendered from the cache and only the files whose text differs
 * from what the last run wrote are written. After the line, the rest of `out` is compared with
 * the disk, so a generated file that was edited or removed meanwhile is put back. A
 * migration or config change rebuilds the schema and everything. A run with errors prints
 * them and writes nothing.
 */
export function createRegenerator(state: WatchState, context: RegenerateContext): Regenerator {
  const { cwd, reporter, holder } = context;
  const out = (): string => `${shown(cwd, state.config.out)}/`;

  /** Renders the modules from the cache and writes what changed; throws the problems of any file. */
  const emit = async (schema: Schema, trace: RunTrace = noTrace): Promise<Emitted> => {
    const { files, diagnostics } = collectAnalyses(state.cache, state.paths);
    if (diagnostics.some((d) => d.severity === 'error')) throw new SqlgenFailure(diagnostics, 1);
    checkModuleNames([...files.values()]);
    const rendered = renderCached(state.rendered, files, schema.catalog, state.config);
    trace.mark('rendered');
    const { result, written, partial } = await writeSince(state.config.out, rendered.files, state.written);
    state.written = written;
    trace.mark('written');
    const fresh = [...diagnostics, ...rendered.warnings].filter((w) => !state.warnings.has(formatDiagnostic(w)));
    reportDiagnostics(reporter, fresh);
    for (const warning of fresh) state.warnings.add(formatDiagnostic(warning));
    const queryCount = [...files.values()].reduce((n, f) => n + f.queries.length, 0);
    return { ...result, queryCount, fileCount: files.size, files: rendered.files, partial };
  };


  /** Analyses `paths` again; returns those whose text had not changed (nothing to do for them). */
  const analyze = async (paths: readonly string[], schema: Schema): Promise<ReadonlySet<string>> => {
    const { gone, unchanged } = await analyzeInto(state.cache, paths, schema, state.config, cwd);
    const same = new Set(unchanged);
    for (const path of paths) if (!same.has(path)) state.rendered.modules.delete(path);
    if (gone.length) state.paths = state.paths.filter((p) => !gone.includes(p));
    return same;
  };

  const full = async (reason: string | undefined, started: number): Promise<void> => {
    state.schemaProblem = undefined;
    state.analysed = false;
    state.migrations = await migrationsFingerprint(state.config).catch(() => undefined);
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
    state.rendered = newRenderCache();
    state.written = undefined;
    state.warnings = new Set();
    await analyze(paths, opened);
    state.analysed = true;
    const result = await emit(opened);
    const line = `${counts(result.queryCount, result.fileCount)} -> ${out()} (${seconds(started)})`;
    reporter.out(reason ? `${reason}: ${line}` : line);
  };

  const incremental = async (changes: ChangeSet, schema: Schema, started: number, trace: RunTrace): Promise<void> => {
    // A change to a file not in the list (it appeared between a glob and its event) lists it.
    const before = state.paths;
    if (changes.rescan || [...changes.queries.keys()].some((p) => !state.paths.includes(p))) {
      const listed = await findQueryFiles(state.config);
      const kept = new Set(listed);
      for (const path of state.cache.keys()) {
        if (kept.has(path)) continue;
        state.cache.delete(path);
        state.rendered.modules.delete(path);
      }
      state.paths = listed;
    }
    const stale = state.paths.filter((p) => changes.queries.has(p) || !state.cache.has(p));
    const same = await analyze(stale, schema);
    trace.mark('analysed');
    // Nothing happened when the list is as it was and every event is an echo: a file whose
    // text the last run read already (an editor's second write, the second event of one
    // write), a file that is no query file, a folder.
    const echo = (path: string): boolean => same.has(path) || (!before.includes(path) && !state.paths.includes(path));
    if (sameList(before, state.paths) && [...changes.queries.keys()].every(echo)) return;
    const result = await emit(schema, trace);
    const what = changedQueries(settleChanges(changes, before, state.paths), cwd, (p) => !echo(p));
    reporter.out(`${what} -> ${writtenFiles(result, state.config.out, cwd)} (${duration(performance.now() - started)})`);
    // After the line, so that it costs the save no time.
    if (result.partial) await restoreOutput(state.config.out, result.files, reporter, cwd);
    trace.mark('restored');
    trace.print(reporter);
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
        if (!(await lostConnection(error))) {
          return reportFailure(reporter, error, `reconnected: nothing written (${duration(performance.now() - started)})`);
        }
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

  /**
   * Whether the migrations differ from those the last full run read: the second event of one
   * save, or a save with no edit, is no change. Migrations that cannot be read are news.
   */
  const migrationsNews = async (): Promise<boolean> => {
    const now = await migrationsFingerprint(state.config).catch(() => undefined);
    return now === undefined || now !== state.migrations;
  };

  /** The last config file read was broken: the next good one is news even if it is the one in use. */
  let configBroken = false;

  /**
   * Loads the changed config. A broken one is reported and the previous one kept; one that
   * reads as the config in use is no change (an editor's second write, a save with no edit).
   */
  const reloadConfig = async (): Promise<boolean> => {
    let reloaded: Config;
    try {
      reloaded = await context.reload();
    } catch (error) {
      configBroken = true;
      reportFailure(reporter, error, `${shown(cwd, state.config.configPath)}: still using the previous config`);
      return false;
    }
    if (!configBroken && JSON.stringify(reloaded) === JSON.stringify(state.config)) return false;
    configBroken = false;
    await context.retarget(reloaded);
    state.config = reloaded;
    return true;
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

    async apply(changes, trace = noTrace) {
      const started = performance.now();
      trace.mark('start');
      const configChanged = changes.config && (await reloadConfig());
      const migrationsChanged = !configChanged && changes.migrations.size > 0 && (await migrationsNews());
      const queriesChanged = changes.queries.size > 0 || changes.rescan;
      if (!configChanged && !migrationsChanged && !queriesChanged) return;

      const what = configChanged ? 'config changed' : migrationsChanged ? 'migrations changed' : changedQueries(changes, cwd);
      if (configChanged || migrationsChanged) return attempt(what, started, () => full(what, started));
      if (state.schemaProblem) {
        reportDiagnostics(reporter, state.schemaProblem);
        reporter.err(`${what}: nothing written until the migrations apply (${duration(performance.now() - started)})`);
        return;
      }
      const schema = holder.current;
      if (schema && state.analysed) return attempt(what, started, () => incremental(changes, schema, started, trace));
      // The last full run did not get as far as analysing (no server, a bad glob): run it again.
      return attempt(what, started, () => full(undefined, started));
    },
  };
}

/** What one write of every module did. */
interface Emitted extends WriteResult {
  readonly queryCount: number;
  readonly fileCount: number;
  readonly files: readonly OutputFile[];
  /** Only the files that changed were compared with the disk (see `writeSince`). */
  readonly partial: boolean;
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((item, index) => item === b[index]);
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
