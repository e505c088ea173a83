import { mkdir, mkdtemp, readFile, realpath, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { findQueryFiles, loadConfig } from '../../src/config/load-config.js';
import { SqlgenFailure, formatDiagnostic } from '../../src/diagnostics.js';

let dir: string;

beforeEach(async () => {
  dir = await realpath(await mkdtemp(join(tmpdir(), 'sqlgen-config-')));
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function write(path: string, contents: string): Promise<void> {
  await mkdir(dirname(join(dir, path)), { recursive: true });
  await writeFile(join(dir, path), contents);
}

async function load(json: unknown, options: { databaseUrl?: string; env?: NodeJS.ProcessEnv } = {}) {
  await write('sqlgen.config.json', typeof json === 'string' ? json : JSON.stringify(json, null, 2));
  return loadConfig({ cwd: dir, env: options.env ?? {}, ...(options.databaseUrl === undefined ? {} : { databaseUrl: options.databaseUrl }) });
}

/** The failure's diagnostics as the CLI prints their first lines. */
async function failure(promise: Promise<unknown>): Promise<{ exitCode: number; lines: string[]; failure: SqlgenFailure }> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(SqlgenFailure);
  const f = error as SqlgenFailure;
  return { exitCode: f.exitCode, lines: f.diagnostics.map((d) => formatDiagnostic(d).split('\n')[0]!), failure: f };
}

describe('loadConfig defaults and paths', () => {
  it('applies every default to an empty object and resolves paths against the config folder', async () => {
    const config = await load({});
    expect(config).toEqual({
      configPath: join(dir, 'sqlgen.config.json'),
      rootDir: dir,
      database: undefined,
      migrations: join(dir, 'migrations'),
      queries: ['queries/**/*.sql'],
      out: join(dir, 'generated'),
      types: { int8: 'string', numeric: 'string', date: 'string', overrides: {} },
      naming: { fields: 'camel' },
      runtime: { preparedStatements: true, arrayRows: true },
    });
  });

  it('returns a deeply frozen config', async () => {
    const config = await load({ types: { overrides: { jsonb: 'unknown' } } });
    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen(config.queries)).toBe(true);
    expect(Object.isFrozen(config.types)).toBe(true);
    expect(Object.isFrozen(config.types.overrides)).toBe(true);
    expect(Object.isFrozen(config.types.overrides['jsonb'])).toBe(true);
    expect(Object.isFrozen(config.naming)).toBe(true);
    expect(Object.isFrozen(config.runtime)).toBe(true);
  });

  it('reads every key of a full config', async () => {
    const config = await load({
      $schema: './node_modules/sqlgen/sqlgen.schema.json',
      database: 'postgres://localhost/app',
      migrations: 'db/migrations',
      queries: ['sql/*.sql', 'more/**/*.sql'],
      out: 'src/generated',
      types: {
        int8: 'bigint',
        numeric: 'number',
        date: 'Date',
        overrides: { jsonb: 'unknown', 'public.users.settings': { type: 'UserSettings', import: '../src/types.js' } },
      },
      naming: { fields: 'snake' },
      runtime: { preparedStatements: false, arrayRows: false },
    });
    expect(config.database).toBe('postgres://localhost/app');
    expect(config.migrations).toBe(join(dir, 'db/migrations'));
    expect(config.queries).toEqual(['sql/*.sql', 'more/**/*.sql']);
    expect(config.out).toBe(join(dir, 'src/generated'));
    expect(config.types).toEqual({
      int8: 'bigint',
      numeric: 'number',
      date: 'Date',
      overrides: { jsonb: { type: 'unknown' }, 'public.users.settings': { type: 'UserSettings', import: '../src/types.js' } },
    });
    expect(config.naming).toEqual({ fields: 'snake' });
    expect(config.runtime).toEqual({ preparedStatements: false, arrayRows: false });
  });

  it('accepts a single glob string for queries', async () => {
    expect((await load({ queries: 'sql/**/*.sql' })).queries).toEqual(['sql/**/*.sql']);
  });

  it('resolves paths against the folder of a --config file, given relative to cwd', async () => {
    await write('conf/custom.json', JSON.stringify({ migrations: '../db', out: 'gen' }));
    const config = await loadConfig({ cwd: dir, configPath: 'conf/custom.json', env: {} });
    expect(config.configPath).toBe(join(dir, 'conf/custom.json'));
    expect(config.rootDir).toBe(join(dir, 'conf'));
    expect(config.migrations).toBe(join(dir, 'db'));
    expect(config.out).toBe(join(dir, 'conf/gen'));
  });

  it('ignores a UTF-8 byte order mark', async () => {
    expect((await load('\uFEFF{"out": "x"}')).out).toBe(join(dir, 'x'));
  });

  it('keeps a "__proto__" override key as an ordinary key', async () => {
    const config = await load('{"types": {"overrides": {"__proto__": "unknown"}}}');
    expect(Object.keys(config.types.overrides)).toEqual(['__proto__']);
    expect(Object.getPrototypeOf(config.types.overrides)).toBe(Object.prototype);
  });
});

describe('loadConfig missing files', () => {
  it('does not fall back to defaults when sqlgen.config.json is missing', async () => {
    const { exitCode, lines } = await failure(loadConfig({ cwd: dir, env: {} }));
    expect(exitCode).toBe(2);
    expect(lines).toEqual([`error: no sqlgen.config.json in ${dir}; run \`sqlgen init\` or pass --config`]);
  });

  it('names a missing --config file', async () => {
    const { exitCode, lines } = await failure(loadConfig({ cwd: dir, configPath: 'conf/nope.json', env: {} }));
    expect(exitCode).toBe(2);
    expect(lines).toEqual(['error: config file "conf/nope.json" does not exist']);
  });

  it('says when --config names a folder', async () => {
    await mkdir(join(dir, 'conf'));
    const { lines } = await failure(loadConfig({ cwd: dir, configPath: 'conf', env: {} }));
    expect(lines).toEqual(['error: config file "conf" is a folder, not a file']);
  });
});

describe('loadConfig invalid JSON', () => {
  it('reports a trailing comma at its line and column, with the source line', async () => {
    const { exitCode, failure: f } = await failure(load('{\n  "out": "gen",\n}\n'));
    expect(exitCode).toBe(2);
    expect(f.diagnostics).toEqual([
      {
        severity: 'error',
        file: 'sqlgen.config.json',
        line: 2,
        column: 15,
        sourceLine: '  "out": "gen",',
        message: 'invalid JSON: trailing comma before "}"',
        hint: 'JSON does not allow a comma after the last member',
      },
    ]);
  });

  it('reports a missing comma between members', async () => {
    const { lines } = await failure(load('{\n  "out": "gen"\n  "migrations": "m"\n}'));
    expect(lines).toEqual(['sqlgen.config.json:3:3: error: invalid JSON: expected "," between members']);
  });

  it('reports comments, single quotes, bare words, and an empty file', async () => {
    expect((await failure(load('{\n  // the output\n  "out": "gen"\n}'))).lines).toEqual([
      'sqlgen.config.json:2:3: error: invalid JSON: expected a property name in double quotes, found "/"',
    ]);
    const comment = await failure(load('{ /* x */ }'));
    expect(comment.failure.diagnostics[0]?.hint).toBe('comments are not allowed in JSON');
    expect((await failure(load("{'out': 'gen'}"))).failure.diagnostics[0]?.hint).toBe('JSON strings and keys use double quotes');
    expect((await failure(load('{"out": generated}'))).lines).toEqual(['sqlgen.config.json:1:9: error: invalid JSON: expected a value, found "generated"']);
    expect((await failure(load('  \n'))).lines).toEqual(['sqlgen.config.json:2:1: error: invalid JSON: the file is empty; expected a JSON object']);
    expect((await failure(load('{"out": "gen"'))).lines).toEqual(['sqlgen.config.json:1:14: error: invalid JSON: expected "," or "}" after a member, found end of file']);
    expect((await failure(load('{"out": "gen\n"}'))).lines).toEqual(['sqlgen.config.json:1:9: error: invalid JSON: unterminated string (strings cannot span lines)']);
    expect((await failure(load('{"out": "a\\qb"}'))).lines).toEqual(['sqlgen.config.json:1:11: error: invalid JSON: invalid escape sequence in string']);
    expect((await failure(load('{} {}'))).lines).toEqual(['sqlgen.config.json:1:4: error: invalid JSON: expected the end of the file after the JSON value, found "{"']);
  });

  it('names the file relative to cwd when --config points elsewhere', async () => {
    await write('conf/x.json', '[1,]');
    const { lines } = await failure(loadConfig({ cwd: join(dir, 'conf'), configPath: '../conf/x.json', env: {} }));
    expect(lines).toEqual(['x.json:1:3: error: invalid JSON: trailing comma before "]"']);
  });
});

describe('loadConfig schema errors', () => {
  it('names the key, the allowed values and the value found', async () => {
    const { exitCode, lines } = await failure(load({ types: { int8: 'int' } }));
    expect(exitCode).toBe(2);
    expect(lines).toEqual(['sqlgen.config.json:3:13: error: "types.int8" must be one of "string", "bigint", "number" (got "int")']);
  });

  it('reports an unknown key at the key and suggests the closest known one', async () => {
    expect((await failure(load({ typs: {} }))).lines).toEqual(['sqlgen.config.json:2:3: error: unknown key "typs" (did you mean "types"?)']);
    expect((await failure(load({ query: [] }))).lines).toEqual(['sqlgen.config.json:2:3: error: unknown key "query" (did you mean "queries"?)']);
    expect((await failure(load({ runtime: { prepared_statements: false } }))).lines).toEqual([
      'sqlgen.config.json:3:5: error: unknown key "runtime.prepared_statements" (did you mean "runtime.preparedStatements"?)',
    ]);
    expect((await failure(load({ emitHelpers: true }))).lines).toEqual(['sqlgen.config.json:2:3: error: unknown key "emitHelpers"']);
  });

  it('explains what queries must be', async () => {
    expect((await failure(load({ queries: 5 }))).lines).toEqual(['sqlgen.config.json:2:14: error: "queries" must be an array of glob strings (got 5)']);
    expect((await failure(load({ queries: ['a.sql', 7] }))).lines).toEqual(['sqlgen.config.json:4:5: error: "queries[1]" must be a glob string (got 7)']);
    expect((await failure(load({ queries: ['a.sql', ''] }))).lines).toEqual(['sqlgen.config.json:4:5: error: "queries[1]" must not be empty']);
    expect((await failure(load({ queries: [] }))).lines).toEqual(['sqlgen.config.json:2:14: error: "queries" must list at least one glob']);
    expect((await failure(load({ queries: '' }))).lines).toEqual(['sqlgen.config.json:2:14: error: "queries" must not be empty']);
  });

  it('explains the forms of a type override', async () => {
    const { lines } = await failure(
      load({ types: { overrides: { jsonb: 1, 'public.users.settings': { import: './t.js' }, uuid: { type: 'string', from: 'x' } } } }),
    );
    expect(lines).toEqual([
      'sqlgen.config.json:4:16: error: "types.overrides.jsonb" must be a TypeScript type (a string) or { "type": "...", "import": "..." } (got 1)',
      'sqlgen.config.json:5:32: error: "types.overrides["public.users.settings"]" is missing the required key "type"',
      'sqlgen.config.json:10:9: error: unknown key "types.overrides.uuid.from"',
    ]);
  });

  it('names wrong types of every kind', async () => {
    const { lines } = await failure(
      load({ database: 5, migrations: '', out: ['x'], naming: 'camel', runtime: { arrayRows: 'yes' }, types: { date: null } }),
    );
    expect(lines).toEqual([
      'sqlgen.config.json:2:15: error: "database" must be a string (got 5)',
      'sqlgen.config.json:3:17: error: "migrations" must not be empty',
      'sqlgen.config.json:4:10: error: "out" must be a string (got an array)',
      'sqlgen.config.json:7:13: error: "naming" must be an object (got "camel")',
      'sqlgen.config.json:9:18: error: "runtime.arrayRows" must be true or false (got "yes")',
      'sqlgen.config.json:12:13: error: "types.date" must be one of "string", "Date" (got null)',
    ]);
  });

  it('rejects a config that is not an object', async () => {
    expect((await failure(load('[]'))).lines).toEqual(['sqlgen.config.json:1:1: error: the config must be a JSON object (got an array)']);
  });

  it('reports a duplicate key, which JSON.parse would silently drop', async () => {
    expect((await failure(load('{\n  "out": "a",\n  "out": "b"\n}'))).lines).toEqual(['sqlgen.config.json:3:3: error: duplicate key "out"']);
  });

  it('reports every error at once, in file order', async () => {
    const { lines } = await failure(load('{\n  "typs": {},\n  "queries": ["/abs/*.sql"],\n  "naming": { "fields": "kebab" }\n}'));
    expect(lines).toEqual([
      'sqlgen.config.json:2:3: error: unknown key "typs" (did you mean "types"?)',
      'sqlgen.config.json:3:15: error: "queries[0]": "/abs/*.sql" must be relative to the config file\'s folder',
      'sqlgen.config.json:4:25: error: "naming.fields" must be one of "camel", "snake" (got "kebab")',
    ]);
  });
});

describe('loadConfig globs', () => {
  it('rejects absolute, escaping and malformed globs, naming queries[i]', async () => {
    const { exitCode, lines } = await failure(load({ queries: ['ok/*.sql', '/srv/q/*.sql', '../shared/*.sql', 'q/{a,b.sql', 'C:\\q\\*.sql'] }));
    expect(exitCode).toBe(2);
    expect(lines).toEqual([
      'sqlgen.config.json:4:5: error: "queries[1]": "/srv/q/*.sql" must be relative to the config file\'s folder',
      'sqlgen.config.json:5:5: error: "queries[2]": "../shared/*.sql" reaches outside the config file\'s folder (move the config file up instead)',
      'sqlgen.config.json:6:5: error: "queries[3]": "q/{a,b.sql" is not a valid glob',
      'sqlgen.config.json:7:5: error: "queries[4]": "C:\\\\q\\\\*.sql" must be relative to the config file\'s folder',
    ]);
  });

  it('names "queries" when it is a single string, and checks exclusions too', async () => {
    expect((await failure(load({ queries: '/q/*.sql' }))).lines).toEqual([
      'sqlgen.config.json:2:14: error: "queries": "/q/*.sql" must be relative to the config file\'s folder',
    ]);
    expect((await failure(load({ queries: ['q/*.sql', '!../x.sql'] }))).lines).toEqual([
      'sqlgen.config.json:4:5: error: "queries[1]": "!../x.sql" reaches outside the config file\'s folder (move the config file up instead)',
    ]);
  });

  it('allows ".." that stays inside the folder', async () => {
    expect((await load({ queries: ['queries/../sql/*.sql'] })).queries).toEqual(['queries/../sql/*.sql']);
  });
});

describe('loadConfig database', () => {
  it('interpolates ${VAR} from the environment', async () => {
    const config = await load({ database: 'postgres://${PGUSER}@${PGHOST}/app' }, { env: { PGUSER: 'me', PGHOST: 'db' } });
    expect(config.database).toBe('postgres://me@db/app');
  });

  it('uses ${VAR:-default} when the variable is unset or empty', async () => {
    expect((await load({ database: 'postgres://${PGHOST:-localhost}/app' }, { env: { PGHOST: '' } })).database).toBe('postgres://localhost/app');
    expect((await load({ database: 'postgres://${PGHOST:-localhost}/app' }, { env: { PGHOST: 'db' } })).database).toBe('postgres://db/app');
  });

  it('means the embedded database when the variable is unset or the value is empty', async () => {
    expect((await load({ database: '${DATABASE_URL}' })).database).toBeUndefined();
    expect((await load({ database: '' })).database).toBeUndefined();
    expect((await load({ database: '  ${DATABASE_URL}  ' }, { env: { DATABASE_URL: 'postgres://x/y' } })).database).toBe('postgres://x/y');
  });

  it('leaves $ outside ${...} alone', async () => {
    expect((await load({ database: 'postgres://u:pa$$w0rd$1@h/d' })).database).toBe('postgres://u:pa$$w0rd$1@h/d');
  });

  it('lets --database-url win, and an empty flag force the embedded database', async () => {
    const json = { database: '${DATABASE_URL}' };
    const env = { DATABASE_URL: 'postgres://file/db' };
    expect((await load(json, { env, databaseUrl: 'postgres://flag/db' })).database).toBe('postgres://flag/db');
    expect((await load(json, { env, databaseUrl: '' })).database).toBeUndefined();
  });

  it('rejects a malformed ${...} reference', async () => {
    const { lines } = await failure(load({ database: 'postgres://${DB HOST}/x and ${PORT' }));
    expect(lines).toEqual([
      'sqlgen.config.json:2:15: error: "database": invalid variable reference "${DB HOST}"; write ${NAME} or ${NAME:-default}',
      'sqlgen.config.json:2:15: error: "database": invalid variable reference "${PORT"; write ${NAME} or ${NAME:-default}',
    ]);
  });
});

describe('findQueryFiles', () => {
  it('returns absolute paths sorted by relative path, code unit order, skipping node_modules', async () => {
    for (const file of ['queries/b.sql', 'queries/a.sql', 'queries/B.sql', 'queries/admin/z.sql', 'queries/node_modules/x.sql', 'queries/readme.md', 'queries/_x.sql']) {
      await write(file, '');
    }
    const config = await load({});
    expect(await findQueryFiles(config)).toEqual(
      ['queries/B.sql', 'queries/_x.sql', 'queries/a.sql', 'queries/admin/z.sql', 'queries/b.sql'].map((f) => join(dir, f)),
    );
  });

  it('merges overlapping globs and applies exclusions', async () => {
    for (const file of ['q/a.sql', 'q/skip/b.sql', 'q/c.sql', 'other/d.sql']) await write(file, '');
    const config = await load({ queries: ['q/**/*.sql', 'q/*.sql', 'other/*.sql', '!q/skip/**'] });
    expect(await findQueryFiles(config)).toEqual(['other/d.sql', 'q/a.sql', 'q/c.sql'].map((f) => join(dir, f)));
  });

  it('globs relative to the config folder, not to cwd', async () => {
    await write('conf/sql/a.sql', '');
    await write('conf/sqlgen.json', JSON.stringify({ queries: 'sql/*.sql' }));
    const config = await loadConfig({ cwd: dir, configPath: 'conf/sqlgen.json', env: {} });
    expect(await findQueryFiles(config)).toEqual([join(dir, 'conf/sql/a.sql')]);
  });

  it('reports every glob that matches no file, with a hint for a folder', async () => {
    await write('queries/a.sql', '');
    const config = await load({ queries: ['queries/*.sql', 'querys/**/*.sql', 'queries'] });
    const { exitCode, failure: f } = await failure(findQueryFiles(config));
    expect(exitCode).toBe(2);
    const file = relative(process.cwd(), join(dir, 'sqlgen.config.json'));
    expect(f.diagnostics).toEqual([
      { severity: 'error', file, message: '"queries[1]": "querys/**/*.sql" matches no files' },
      {
        severity: 'error',
        file,
        message: '"queries[2]": "queries" matches no files',
        hint: '"queries" is a folder; to take the .sql files in it write "queries/**/*.sql"',
      },
    ]);
  });

  it('reports the default glob when the queries folder is missing', async () => {
    const { lines } = await failure(findQueryFiles(await load({})));
    expect(lines).toEqual([`${relative(process.cwd(), join(dir, 'sqlgen.config.json'))}: error: "queries[0]": "queries/**/*.sql" matches no files`]);
  });
});

describe('sqlgen.schema.json', () => {
  const schemaPath = fileURLToPath(new URL('../../sqlgen.schema.json', import.meta.url));

  it('describes every property, for editors', async () => {
    const schema = JSON.parse(await readFile(schemaPath, 'utf8')) as Record<string, unknown>;
    const undocumented: string[] = [];
    const visit = (node: unknown, path: string): void => {
      if (node === null || typeof node !== 'object') return;
      const s = node as { description?: unknown; properties?: Record<string, unknown>; additionalProperties?: unknown; items?: unknown };
      if (typeof s.description !== 'string' || s.description === '') undocumented.push(path);
      for (const [key, child] of Object.entries(s.properties ?? {})) visit(child, `${path}.${key}`);
      if (typeof s.additionalProperties === 'object') visit(s.additionalProperties, `${path}.*`);
      if (typeof s.items === 'object') visit(s.items, `${path}[]`);
    };
    visit(schema, '$');
    expect(undocumented).toEqual([]);
    expect(schema['$schema']).toBe('http://json-schema.org/draft-07/schema#');
  });

  it('accepts the example config of the spec', async () => {
    const config = await load({
      $schema: './node_modules/sqlgen/sqlgen.schema.json',
      database: '${DATABASE_URL}',
      migrations: 'migrations',
      queries: ['queries/**/*.sql'],
      out: 'generated',
      types: {
        int8: 'string',
        numeric: 'string',
        date: 'string',
        overrides: { jsonb: 'unknown', 'public.users.settings': { type: 'UserSettings', import: '../src/types.js' } },
      },
      naming: { fields: 'camel' },
    }, { env: { DATABASE_URL: 'postgres://localhost/app' } });
    expect(config.database).toBe('postgres://localhost/app');
    expect(config.types.overrides['public.users.settings']).toEqual({ type: 'UserSettings', import: '../src/types.js' });
  });
});
