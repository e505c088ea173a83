import { readFile } from 'node:fs/promises';
import { loadModule } from 'libpg-query';
import path from 'node:path';
import { analyzeQuery, newRunContext } from './analyze/analyze-query.js';
import type { AnalyzedFile, AnalyzedQuery } from './analyze/analyzed-query.js';
import type { Config } from './config/config.js';
import { findQueryFiles } from './config/query-globs.js';
import { SqlgenFailure, type Diagnostic } from './diagnostics.js';
import { moduleNameFor } from './parse/module-name.js';
import { parseQueries, type ParsedQuery } from './parse/parse-query.js';
import type { QueryFile } from './parse/query-source.js';
import { splitQueryFile } from './parse/split-query-file.js';
import { render } from './render/render.js';
import type { OutputFile } from './render/output-file.js';
import type { Catalog } from './schema/catalog.js';
import type { DbSession } from './schema/db-session.js';
import { connectLiveDatabase } from './schema/live-database.js';
import { readCatalog } from './schema/read-catalog.js';
import { readMigrations } from './schema/read-migrations.js';
import { defaultCacheDir } from './schema/cache-dir.js';
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
  const text = await readFile(file, 'utf8');
  const displayPath = path.relative(cwd, file) || file;
  const relative = path.relative(config.rootDir, file).split(path.sep).join('/');
  const split = splitQueryFile(text, displayPath);
  return {
    file: { path: file, displayPath, moduleName: moduleNameFor(relative, config.queries), text, queries: split.queries },
    diagnostics: split.diagnostics,
  };
}

/** Query files parsed (no database needed yet), with the problems found. */
export interface ParsedFiles {
  readonly files: readonly { readonly file: QueryFile; readonly queries: readonly ParsedQuery[] }[];
  readonly diagnostics: readonly Diagnostic[];
}

/** Rewrites parameters and parses every query with PostgreSQL's parser. */
export async function parseFiles(files: readonly QueryFile[]): Promise<ParsedFiles> {
  // The parser is WebAssembly that loads asynchronously; its synchronous calls fail until then.
  await loadModule();
  const diagnostics: Diagnostic[] = [];
  const parsed = files.map((file) => {
    const result = parseQueries(file);
    diagnostics.push(...result.diagnostics);
    return { file, queries: result.queries };
  });
  return { files: parsed, diagnostics };
}

/** Describes parsed queries on an open schema and analyses them. */
export async function analyzeParsed(parsed: ParsedFiles, schema: Schema): Promise<{ files: AnalyzedFile[]; diagnostics: Diagnostic[] }> {
  const diagnostics: Diagnostic[] = [...parsed.diagnostics];
  const all: ParsedQuery[] = parsed.files.flatMap((p) => p.queries);
  const described = await schema.session.describe(all.map((q) => q.text));
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
 */
export async function generate(config: Config, options: RunOptions): Promise<Generated> {
  // Starting the database is the slow part; read and split the files meanwhile.
  const schemaPromise = openSchema(config, options);
  schemaPromise.catch(() => undefined);
  let schema: Schema | undefined;
  try {
    const paths = await findQueryFiles(config);
    const read = await Promise.all(paths.map((file) => readQueryFile(file, config, options.cwd)));
    const diagnostics: Diagnostic[] = read.flatMap((r) => r.diagnostics);
    // Parsing needs no database: it runs while the connection is being made.
    const parsed = await parseFiles(read.map((r) => r.file));
    schema = await schemaPromise.catch((error: unknown) => {
      if (error instanceof SqlgenFailure && error.exitCode === 1) throw new SqlgenFailure([...error.diagnostics, ...diagnostics], 1);
      throw error;
    });
    const result = await analyzeParsed(parsed, schema);
    diagnostics.push(...result.diagnostics);
    if (diagnostics.some((d) => d.severity === 'error')) throw new SqlgenFailure(diagnostics, 1);
    checkModuleNames(result.files);
    const rendered = render(result.files, schema.catalog, config);
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
