import { readFile } from 'node:fs/promises';
import { basename, dirname, relative, resolve } from 'node:path';
import { defaultTypes, type Config, type TypeOverride } from './config.js';
import { interpolateEnv } from './interpolate-env.js';
import { JsonSyntaxError, parseJsonWithLocations, type ParsedJson } from './parse-json.js';
import { checkQueryGlob } from './query-globs.js';
import { keyPath, validateConfig, type ConfigProblem } from './validate-config.js';
import { SqlgenFailure, lineColumnAt, usageError, type Diagnostic } from '../diagnostics.js';

export { findQueryFiles } from './query-globs.js';

export interface LoadConfigOptions {
  /** The `--config` flag, relative to `cwd`. */
  readonly configPath?: string;
  readonly cwd: string;
  /** The `--database-url` flag; wins over `database` in the file, even when empty. */
  readonly databaseUrl?: string;
  readonly env: NodeJS.ProcessEnv;
}

/** The file as the schema describes it, once it has passed validation. */
interface ConfigFile {
  readonly database?: string;
  readonly migrations?: string;
  readonly queries?: string | readonly string[];
  readonly out?: string;
  readonly types?: {
    readonly int8?: Config['types']['int8'];
    readonly numeric?: Config['types']['numeric'];
    readonly date?: Config['types']['date'];
    readonly overrides?: Readonly<Record<string, string | TypeOverride>>;
  };
  readonly naming?: { readonly fields?: Config['naming']['fields'] };
  readonly runtime?: { readonly preparedStatements?: boolean; readonly arrayRows?: boolean };
}

const defaultFileName = 'sqlgen.config.json';

/**
 * Reads, validates and resolves the config file; every problem in it is reported at once, as
 * diagnostics naming the key and its line, in a `SqlgenFailure` with exit code 2.
 *
 * A missing file is an error even when no `--config` was given: falling back to defaults would
 * let `sqlgen generate` run from the wrong folder and fail later with a less helpful message
 * (no query files), and `sqlgen check` would silently check nothing meaningful. The message
 * points at `sqlgen init`.
 *
 * `database` gets `${VAR}` / `${VAR:-default}` from `env` (an unset variable is empty); an empty
 * result means the embedded database. `databaseUrl` (the `--database-url` flag) replaces it,
 * so `--database-url ''` forces the embedded database.
 *
 * @example
 * const config = await loadConfig({ cwd: process.cwd(), env: process.env });
 * config.out // '/home/me/app/generated'
 */
export async function loadConfig(options: LoadConfigOptions): Promise<Config> {
  const configPath = resolve(options.cwd, options.configPath ?? defaultFileName);
  const file = relative(options.cwd, configPath) || basename(configPath);
  const text = await readConfigText(configPath, file, options);
  const parsed = parseConfigText(text, file);
  const problems = [
    ...parsed.duplicateKeys.map((d): ConfigProblem => ({ pointer: d.pointer, at: 'key', message: `duplicate key "${keyPath(parsed.value, d.pointer)}"` })),
    ...(await validateConfig(parsed.value)),
    ...checkGlobs(parsed.value),
    ...checkDatabase(parsed.value),
  ];
  if (problems.length > 0) throw new SqlgenFailure(toDiagnostics(problems, parsed, text, file), 2);

  const raw = parsed.value as ConfigFile;
  const rootDir = dirname(configPath);
  const database = options.databaseUrl ?? (raw.database === undefined ? '' : interpolateEnv(raw.database, options.env).text);
  const queries = raw.queries ?? ['queries/**/*.sql'];
  const overrides = Object.entries(raw.types?.overrides ?? {}).map(([key, value]) => {
    const override = typeof value === 'string' ? { type: value } : value;
    return [key, Object.freeze({ ...override })] as const;
  });
  return Object.freeze({
    configPath,
    rootDir,
    database: database.trim() === '' ? undefined : database.trim(),
    migrations: resolve(rootDir, raw.migrations ?? 'migrations'),
    queries: Object.freeze(typeof queries === 'string' ? [queries] : [...queries]),
    out: resolve(rootDir, raw.out ?? 'generated'),
    types: Object.freeze({
      int8: raw.types?.int8 ?? defaultTypes.int8,
      numeric: raw.types?.numeric ?? defaultTypes.numeric,
      date: raw.types?.date ?? defaultTypes.date,
      overrides: Object.freeze(Object.fromEntries(overrides)),
    }),
    naming: Object.freeze({ fields: raw.naming?.fields ?? 'camel' }),
    runtime: Object.freeze({
      preparedStatements: raw.runtime?.preparedStatements ?? true,
      arrayRows: raw.runtime?.arrayRows ?? true,
    }),
  });
}

async function readConfigText(path: string, file: string, options: LoadConfigOptions): Promise<string> {
  try {
    // A UTF-8 byte order mark (some Windows editors write one) is not JSON.
    return (await readFile(path, 'utf8')).replace(/^\uFEFF/, '');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' && options.configPath === undefined) {
      throw usageError(`no ${defaultFileName} in ${options.cwd}; run \`sqlgen init\` or pass --config`);
    }
    if (code === 'ENOENT') throw usageError(`config file "${file}" does not exist`);
    if (code === 'EISDIR') throw usageError(`config file "${file}" is a folder, not a file`);
    throw usageError(`cannot read config file "${file}": ${(error as Error).message}`);
  }
}

function parseConfigText(text: string, file: string): ParsedJson {
  try {
    return parseJsonWithLocations(text);
  } catch (error) {
    if (!(error instanceof JsonSyntaxError)) throw error;
    const place = lineColumnAt(text, error.offset);
    const diagnostic: Diagnostic = { severity: 'error', message: `invalid JSON: ${error.message}`, file, ...place };
    throw new SqlgenFailure([error.hint === undefined ? diagnostic : { ...diagnostic, hint: error.hint }], 2);
  }
}

/** Glob problems the schema cannot see; values of the wrong type are left to the schema. */
function checkGlobs(config: unknown): ConfigProblem[] {
  const queries = member(config, 'queries');
  const patterns: unknown[] = typeof queries === 'string' ? [queries] : Array.isArray(queries) ? queries : [];
  return patterns.flatMap((pattern, index): ConfigProblem[] => {
    // Empty strings are the schema's to report.
    if (typeof pattern !== 'string' || pattern === '') return [];
    const problem = checkQueryGlob(pattern);
    if (problem === undefined) return [];
    const [pointer, name] = typeof queries === 'string' ? ['/queries', 'queries'] : [`/queries/${index}`, `queries[${index}]`];
    return [{ pointer, at: 'value', message: `"${name}": ${JSON.stringify(pattern)} ${problem}` }];
  });
}

function checkDatabase(config: unknown): ConfigProblem[] {
  const database = member(config, 'database');
  if (typeof database !== 'string') return [];
  return interpolateEnv(database, {}).invalid.map(({ reference }) => ({
    pointer: '/database',
    at: 'value',
    message: `"database": invalid variable reference ${JSON.stringify(reference)}; write \${NAME} or \${NAME:-default}`,
  }));
}

function member(value: unknown, key: string): unknown {
  if (value === null || typeof value !== 'object' || Array.isArray(value) || !Object.hasOwn(value, key)) return undefined;
  return (value as Record<string, unknown>)[key];
}

/** Places each problem at its key or value in the text, in file order. */
function toDiagnostics(problems: readonly ConfigProblem[], parsed: ParsedJson, text: string, file: string): Diagnostic[] {
  const placed = problems.map((problem) => {
    let pointer = problem.pointer;
    let location = parsed.locations.get(pointer);
    while (location === undefined && pointer !== '') {
      pointer = pointer.slice(0, pointer.lastIndexOf('/'));
      location = parsed.locations.get(pointer);
    }
    const offset = problem.at === 'key' ? (location?.key ?? location?.value ?? 0) : (location?.value ?? 0);
    return { offset, diagnostic: { severity: 'error', message: problem.message, file, ...lineColumnAt(text, offset) } as const };
  });
  return placed.sort((a, b) => a.offset - b.offset).map((p) => p.diagnostic);
}
