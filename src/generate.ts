import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { AnalyzedFile, AnalyzedQuery } from './analyze/analyzed-query.js';
import { analyzeWithCache, parseUnseen } from './cache/cached-analysis.js';
import { renderWithCache } from './cache/cached-render.js';
import { openRunCache } from './cache/run-cache.js';
import type { Config } from './config/config.js';
import { findQueryFiles } from './config/query-globs.js';
import { SqlgenFailure, type Diagnostic } from './diagnostics.js';
import { moduleNameFor } from './parse/module-name.js';
import { parseFiles, type ParsedFiles } from './parse/parse-files.js';
import type { ParsedQuery } from './parse/parse-query.js';
import type { QueryFile } from './parse/query-source.js';
import { splitQueryFile } from './parse/split-query-file.js';
import type { OutputFile } from './render/output-file.js';
import type { Catalog } from './schema/catalog.js';
import type { DbSession } from './schema/db-session.js';
import { readCatalog } from './schema/read-catalog.js';
import { readMigrations } from './schema/read-migrations.js';
import { defaultCacheDir } from './cache/cache-dir.js';
import { openCachedSchema } from './schema/describe-cache.js';

export interface RunOptions {
  readonly cwd: string;
  readonly env: NodeJS.ProcessEnv;
}

export interface Generated {
  readonly files: readonly OutputFile[];
  readonly warnings: readonly Diagnostic[];
  readonly queryCount: number;
  readonly fileCount: number;
}

/** The database that queries are analysed against, with its catalog. */
export interface Schema {
  readonly session: DbSession;
  readonly catalog: Catalog;
}

/**
 * Connects to `config.database`, or starts the embedded database with the migrations
 * applied, and reads its catalog.
 */
export async function openSchema(config: Config, options: RunOptions): Promise<Schema> {
  if (!config.database) return openEmbedded(config, options);
  const { connectLiveDatabase } = await import('./schema/live-database.js');
  const session = await connectLiveDatabase(config.database);
  try {
    return { session, catalog: await readCatalog(session) };
  } catch (error) {
    await session.close();
    throw error;
  }
}

async function openEmbedded(config: Config, options: RunOptions): Promise<Schema> {
  const migrations = await readMigrations(config.migrations);
  const cacheDir = await defaultCacheDir(config.rootDir, options.env);
  // PGlite is loaded only when a query was not described before: importing and starting it
  // is most of the time of a run.
  return openCachedSchema(migrations, cacheDir, async () => {
    const embedded = await import('./schema/embedded-database.js');
    return embedded.openEmbeddedDatabase(migrations, { cacheDir, cwd: options.cwd });
  });
}

/** Reads and splits one query file (no database needed). */
export async function readQueryFile(file: string, config: Config, cwd: string): Promise<{ file: QueryFile; diagnostics: readonly Diagnostic[] }> {
  // Query files are small: one synchronous read costs less than the four steps of an async one.
  const text = readFileSync(file, 'utf8');
  const displayPath = path.relative(cwd, file) || file;
  const relative = path.relative(config.rootDir, file).split(path.sep).join('/');
  const split = splitQueryFile(text, displayPath);
  return {
    file: { path: file, displayPath, moduleName: moduleNameFor(relative, config.queries), text, queries: split.queries },
    diagnostics: split.diagnostics,
  };
}

/** Describes parsed queries on an open schema and analyses them. */
async function analyzeParsed(parsed: ParsedFiles, schema: Schema): Promise<{ files: AnalyzedFile[]; diagnostics: Diagnostic[] }> {
  const diagnostics: Diagnostic[] = [...parsed.diagnostics];
  const all: ParsedQuery[] = parsed.files.flatMap((p) => p.queries);
  const described = await schema.session.describe(all.map((q) => q.text));
  const { analyzeQuery, newRunContext } = await import('./analyze/analyze-query.js');
  const run = newRunContext(schema.catalog);
  let index = 0;
  const analyzed = parsed.files.map(({ file, queries }) => {
    const done: AnalyzedQuery[] = [];
    for (const query of queries) {
      const result = analyzeQuery(file, query, described[index++]!, run);
      if ('query' in result) done.push(result.query);
      else diagnostics.push(...result.diagnostics);
    }
    return { path: file.path, displayPath: file.displayPath, moduleName: file.moduleName, queries: done };
  });
  return { files: analyzed, diagnostics };
}

/** Parses, describes and analyses the queries of some files against an open schema. */
export async function analyzeFiles(files: readonly QueryFile[], schema: Schema): Promise<{ files: AnalyzedFile[]; diagnostics: Diagnostic[] }> {
  return analyzeParsed(await parseFiles(files), schema);
}

/**
 * The whole run, `write(render(analyze(parse(files), schema)))` without the write: returns the
 * files that `out` should hold. Throws SqlgenFailure with every problem found.
 *
 * Analyses and rendered files of earlier runs are reused where their inputs are unchanged
 * (see `RunCache`): every statement is still described by the database, so a change on the
 * server is always seen, but only new or changed queries are parsed, analysed and rendered.
 */
export async function generate(config: Config, options: RunOptions): Promise<Generated> {
  // Starting the database is the slow part; read and split the files meanwhile.
  const schemaPromise = openSchema(config, options);
  schemaPromise.catch(() => undefined);
  let schema: Schema | undefined;
  try {
    const cachePromise = defaultCacheDir(config.rootDir, options.env).then((dir) => openRunCache(dir, config.configPath));
    const paths = await findQueryFiles(config);
    const read = await Promise.all(paths.map((file) => readQueryFile(file, config, options.cwd)));
    const diagnostics: Diagnostic[] = read.flatMap((r) => r.diagnostics);
    const files = read.map((r) => r.file);
    const cache = await cachePromise;
    // Parsing needs no database: what the cache has not seen is parsed while connecting.
    const parsed = await parseUnseen(files, cache);
    diagnostics.push(...parsed.diagnostics);
    schema = await schemaPromise.catch((error: unknown) => {
      if (error instanceof SqlgenFailure && error.exitCode === 1) throw new SqlgenFailure([...error.diagnostics, ...diagnostics], 1);
      throw error;
    });
    const result = await analyzeWithCache(files, parsed.queries, schema, cache);
    diagnostics.push(...result.diagnostics);
    if (diagnostics.some((d) => d.severity === 'error')) {
      await cache.save();
      throw new SqlgenFailure(diagnostics, 1);
    }
    checkModuleNames(result.files);
    const rendered = await renderWithCache(result.files, schema.catalog, config, cache);
    await cache.save();
    return {
      files: rendered.files,
      warnings: rendered.warnings,
      queryCount: result.files.reduce((n, f) => n + f.queries.length, 0),
      fileCount: result.files.length,
    };
  } finally {
    const opened = schema ?? (await schemaPromise.catch(() => undefined));
    await opened?.session.close();
  }
}

/** Two query files must not produce the same module, nor a module that shadows a generated file. */
export function checkModuleNames(files: readonly AnalyzedFile[]): void {
  const seen = new Map<string, string>();
  const diagnostics: Diagnostic[] = [];
  for (const file of files) {
    const key = file.moduleName.toLowerCase();
    const reserved = ['_types', '_runtime', 'index'].includes(key);
    const other = seen.get(key);
    if (reserved || other) {
      diagnostics.push({
        severity: 'error',
        file: file.displayPath,
        message: reserved
          ? `query file would generate ${file.moduleName}.ts, which sqlgen writes itself; rename the file`
          : `query file generates the same module as ${other}; rename one of them`,
      });
    }
    seen.set(key, file.displayPath);
  }
  if (diagnostics.length) throw new SqlgenFailure(diagnostics, 1);
}
