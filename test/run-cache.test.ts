import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { createTestDatabase, testDatabaseUrl } from './support/database.js';
import { runCli } from './support/golden.js';
import { smallProject, writeSmallProject } from './support/small-project.js';

// The cache of analyses and rendered files kept between runs (src/cache/): a run reuses them
// only while their inputs (query source, catalog, description, config, sqlgen's own code) are
// unchanged. The tests prove both halves: that the cache is used (a planted change to a cached
// entry shows up in the output) and that any change of an input is seen.

let dir: string;
let cacheDir: string;

const generate = (env: NodeJS.ProcessEnv = {}, ...args: string[]) => runCli(['generate', ...args], dir, { SQLGEN_CACHE_DIR: cacheDir, ...env });
const output = (name: string): string => readFileSync(path.join(dir, 'generated', name), 'utf8');
const cacheFiles = (): string[] => (existsSync(cacheDir) ? readdirSync(cacheDir).filter((name) => name.startsWith('run-')) : []);

interface StoredCache {
  code: string;
  analyses: Record<string, { query: { name: string; columns: { name: string; nullable: boolean }[] } }>;
  outputs: Record<string, { file: { path: string; contents: string } }>;
}

function editCache(edit: (cache: StoredCache) => void): void {
  const [name] = cacheFiles();
  expect(name).toBeDefined();
  const file = path.join(cacheDir, name!);
  const cache = JSON.parse(readFileSync(file, 'utf8')) as StoredCache;
  edit(cache);
  writeFileSync(file, JSON.stringify(cache));
}

function writeConfig(extra: object = {}): void {
  writeFileSync(
    path.join(dir, 'sqlgen.config.json'),
    JSON.stringify({ migrations: 'migrations', queries: ['queries/**/*.sql'], out: 'generated', ...extra }, null, 2),
  );
}

beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'sqlgen-run-cache-'));
  cacheDir = path.join(dir, 'cache');
  writeSmallProject(dir);
  writeConfig();
});

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('the run cache on the embedded database', () => {
  test('a second run writes the same bytes, and they come from the cache', async () => {
    expect((await generate()).code).toBe(0);
    const first = readdirSync(path.join(dir, 'generated')).map((name) => [name, output(name)]);
    expect(cacheFiles()).toHaveLength(1);

    rmSync(path.join(dir, 'generated'), { recursive: true });
    const again = await generate();
    expect(again.code, again.stderr).toBe(0);
    expect(readdirSync(path.join(dir, 'generated')).map((name) => [name, output(name)])).toEqual(first);

    // Plant a marker in the cached users.ts: the next run must serve it, unchanged input.
    editCache((cache) => {
      const part = Object.values(cache.outputs).find((p) => p.file.path === 'users.ts')!;
      part.file.contents = part.file.contents.replace('export function listUsers', '// planted\nexport function listUsers');
    });
    expect((await generate()).code).toBe(0);
    expect(output('users.ts')).toContain('// planted');

    // Plant a wrong analysis (email nullable): rendering from it shows that analyses are reused.
    editCache((cache) => {
      const analysis = Object.values(cache.analyses).find((a) => a.query.name === 'ListUsers')!;
      analysis.query.columns.find((c) => c.name === 'email')!.nullable = true;
    });
    expect((await generate()).code).toBe(0);
    expect(output('users.ts')).toMatch(/export interface ListUsersRow \{[^}]*email: string \| null;/);

    // An edited query file is analysed and rendered again: the planted analysis is gone.
    writeFileSync(path.join(dir, 'queries', 'users.sql'), smallProject.usersSql.replace('-- name: ListUsers :many', '-- name: ListUsers :many\n-- Every user.'));
    expect((await generate()).code).toBe(0);
    expect(output('users.ts')).toMatch(/export interface ListUsersRow \{[^}]*email: string;/);
    expect(output('users.ts')).toContain('Every user.');
    expect(output('users.ts')).not.toContain('// planted');
  }, 120_000);

  test('a cache written by another build of sqlgen is ignored', async () => {
    expect((await generate()).code).toBe(0);
    const users = output('users.ts');
    editCache((cache) => {
      cache.code = 'another build';
      for (const part of Object.values(cache.outputs)) part.file.contents = 'stale';
    });
    expect((await generate()).code).toBe(0);
    expect(output('users.ts')).toBe(users);
  }, 120_000);

  test('a damaged cache file is ignored, and replaced', async () => {
    expect((await generate()).code).toBe(0);
    const users = output('users.ts');
    writeFileSync(path.join(cacheDir, cacheFiles()[0]!), '{"format": 1, "code": ');
    rmSync(path.join(dir, 'generated'), { recursive: true });
    const result = await generate();
    expect(result.code, result.stderr).toBe(0);
    expect(output('users.ts')).toBe(users);
    expect(() => JSON.parse(readFileSync(path.join(cacheDir, cacheFiles()[0]!), 'utf8'))).not.toThrow();
  }, 120_000);

  test('a changed config renders again', async () => {
    expect((await generate()).code).toBe(0);
    expect(output('users.ts')).toMatch(/id: string;/);
    writeConfig({ types: { int8: 'bigint' } });
    expect((await generate()).code).toBe(0);
    expect(output('users.ts')).toMatch(/id: bigint;/);
  }, 120_000);

  test('SQLGEN_CACHE_DIR= (empty) keeps nothing', async () => {
    // With node_modules/ beside the config, that is where the cache would go by default.
    const fallback = path.join(dir, 'node_modules', '.cache', 'sqlgen');
    mkdirSync(path.join(dir, 'node_modules'));
    const result = await runCli(['generate'], dir, { SQLGEN_CACHE_DIR: '' });
    expect(result.code, result.stderr).toBe(0);
    expect(cacheFiles()).toEqual([]);
    expect(existsSync(fallback)).toBe(false);
    // Unset, the same run does use it: the assertion above can fail.
    const cached = await runCli(['generate'], dir, { SQLGEN_CACHE_DIR: undefined });
    expect(cached.code, cached.stderr).toBe(0);
    expect(readdirSync(fallback).some((name) => name.startsWith('run-'))).toBe(true);
  }, 240_000);
});

describe.skipIf(testDatabaseUrl === undefined)('the run cache on a live server', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let client: pg.Client;
  const live = (...args: string[]) => generate({}, '--database-url', db.url, ...args);

  beforeAll(async () => {
    db = await createTestDatabase();
    client = new pg.Client({ connectionString: db.url });
    await client.connect();
  });

  afterAll(async () => {
    await client?.end();
    await db?.drop();
  });

  beforeEach(async () => {
    await client.query('DROP SCHEMA public CASCADE; CREATE SCHEMA public;');
    await client.query(smallProject.migration);
  });

  test('a catalog change that leaves the description alone (SET NOT NULL) is seen', async () => {
    writeFileSync(path.join(dir, 'queries', 'names.sql'), '-- name: ListNames :many\nSELECT id, display_name FROM users;\n');
    expect((await live()).code).toBe(0);
    expect(output('names.ts')).toMatch(/displayName: string \| null;/);
    expect(output('_types.ts')).toMatch(/displayName: string \| null;/);
    await client.query('ALTER TABLE users ALTER COLUMN display_name SET NOT NULL');
    expect((await live()).code).toBe(0);
    expect(output('names.ts')).toMatch(/displayName: string;/);
    expect(output('_types.ts')).toMatch(/displayName: string;/);
  }, 120_000);

  test('a description change that leaves the catalog\'s tables alone (a function\'s result type) is seen', async () => {
    await client.query('CREATE FUNCTION answer() RETURNS int LANGUAGE sql AS $$ SELECT 42 $$');
    writeFileSync(path.join(dir, 'queries', 'answer.sql'), '-- name: Answer :one\nSELECT answer() AS value;\n');
    expect((await live()).code).toBe(0);
    expect(output('answer.ts')).toMatch(/value: number \| null;/);
    await client.query("DROP FUNCTION answer(); CREATE FUNCTION answer() RETURNS text LANGUAGE sql AS $$ SELECT 'forty-two' $$");
    expect((await live()).code).toBe(0);
    expect(output('answer.ts')).toMatch(/value: string \| null;/);
  }, 120_000);

  test('a cached query whose column was dropped fails where it is used, and writes nothing', async () => {
    expect((await live()).code).toBe(0);
    const users = output('users.ts');
    await client.query('ALTER TABLE users DROP COLUMN email');
    const result = await live();
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('queries/users.sql:5:12: error: column "email" does not exist');
    expect(output('users.ts')).toBe(users);
  }, 120_000);
});
