import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { citext } from '@electric-sql/pglite/contrib/citext';
import { hstore } from '@electric-sql/pglite/contrib/hstore';
import pg from 'pg';
import { prepareValue } from 'pg/lib/utils.js';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { readMigrations } from '../src/schema/read-migrations.js';
import { createTestDatabase, testDatabaseUrl } from './support/database.js';
import { applyMigrations, casesDir } from './support/golden.js';

/**
 * Runs the generated code of the `type-families` golden case against real databases: one
 * row of every type family goes in through the generated insert (and the generated bulk
 * insert) and comes back through the generated select as the JavaScript values the types
 * promise.
 */
const caseDir = path.join(casesDir, 'type-families');
const buildDir = path.resolve(import.meta.dirname, '../node_modules/.cache/sqlgen-test/type-families');

interface Everything {
  insertEverything(db: unknown, params: Record<string, unknown>): Promise<void>;
  copyEverything(db: unknown, rows: Record<string, unknown>[]): Promise<number>;
  getEverything(db: unknown, params: { id: number }): Promise<Record<string, unknown> | null>;
}

/** The generated TypeScript, transpiled to JavaScript beside node_modules so `pg` resolves. */
async function loadGenerated(): Promise<Everything> {
  rmSync(buildDir, { recursive: true, force: true });
  mkdirSync(buildDir, { recursive: true });
  const expected = path.join(caseDir, 'expected');
  for (const file of readdirSync(expected).filter((f) => f.endsWith('.ts'))) {
    const output = ts.transpileModule(readFileSync(path.join(expected, file), 'utf8'), {
      compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022, verbatimModuleSyntax: true },
    });
    writeFileSync(path.join(buildDir, file.replace(/\.ts$/, '.js')), output.outputText);
  }
  return (await import(path.join(buildDir, 'everything.js'))) as Everything;
}

const when = new Date('2024-02-29T12:34:56.789Z');

/** Every column set; arrays carry NULL elements and text carries quotes, commas and unicode. */
const full: Record<string, unknown> = {
  id: 1,
  i2: -32768,
  i4: 2147483647,
  i8: '9223372036854775807',
  f4: 1.5,
  f8: -0.000123,
  num: '12345678901234.123456',
  cash: '$1,234.56',
  flag: true,
  txt: 'a "quoted", {braced} \\ back-slashed ünicode ✓ text',
  vc: 'varchar',
  ch: 'abc',
  ci: 'MiXeD',
  uid: 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11',
  ip: '192.168.0.1',
  net: '10.0.0.0/8',
  mac: '08:00:2b:01:02:03',
  tsv: "'fat':1 'rat':2",
  bits: '1010',
  tstz: when,
  ts: new Date(2024, 1, 29, 12, 34, 56, 789),
  d: '2024-02-29',
  t: '12:34:56.789',
  ttz: '12:34:56+02',
  iv: '1 day 02:03:04',
  bin: Buffer.from([0, 1, 2, 253, 254, 255]),
  js: [1, 'two', { three: null }],
  jsb: { nested: { list: [1, 2, 3], flag: false, nothing: null } },
  m: 'it\'s "complicated"',
  moods: ['happy', null, 'it\'s "complicated"'],
  st: 'short',
  sts: ['a,b', null, '{c}'],
  addr: { street: 'Main St, "Suite" 4', zip: 12345, lines: ['line 1', null, 'line, 3'] },
  addrs: [{ street: 'A', zip: null, lines: null }, null],
  i4r: { lower: 1, upper: 10, lowerInclusive: true, upperInclusive: false, empty: false },
  tstzr: { lower: when, upper: null, lowerInclusive: true, upperInclusive: false, empty: false },
  dr: 'empty',
  hs: { a: '1', 'b "quoted"': null, 'c=>d': 'e, f' },
  cis: ['One', null, 'Two'],
  i4s: [1, null, 3],
  i8s: ['1', null, '-9223372036854775808'],
  nums: ['1.50', null, '-0.000001'],
  txts: ['', null, 'NULL', 'a"b'],
  tstzs: [when, null],
  ds: ['2024-01-01', null],
  bools: [true, null, false],
  jsbs: [{ a: 1 }, null, [2]],
  uids: ['a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', null],
  grid: [1, 2, 3],
};

/** What reading `full` back gives: the same, but an empty range comes back as an object. */
const readBack: Record<string, unknown> = {
  ...full,
  dr: { lower: null, upper: null, lowerInclusive: false, upperInclusive: false, empty: true },
};

const empty = Object.fromEntries(Object.keys(full).map((key) => [key, key === 'id' ? 2 : null]));

function checkRows(generated: Everything, db: () => unknown): void {
  test('every type family reads back as its TypeScript type promises', async () => {
    await generated.insertEverything(db(), full);
    const row = await generated.getEverything(db(), { id: 1 });
    expect(row).not.toBeNull();
    for (const [key, value] of Object.entries(readBack)) expect({ [key]: row![key] }).toEqual({ [key]: value });
    expect(row!.tstz).toBeInstanceOf(Date);
    expect(row!.bin).toBeInstanceOf(Buffer);
    expect(typeof row!.num).toBe('string');
  });

  test('a row of NULLs reads back as nulls', async () => {
    await generated.insertEverything(db(), empty);
    expect(await generated.getEverything(db(), { id: 2 })).toEqual(empty);
  });

  test('the bulk insert writes the same values', async () => {
    expect(await generated.copyEverything(db(), [{ ...full, id: 3 }, { ...empty, id: 4 }])).toBe(2);
    expect(await generated.getEverything(db(), { id: 3 })).toEqual({ ...readBack, id: 3 });
    expect(await generated.getEverything(db(), { id: 4 })).toEqual({ ...empty, id: 4 });
  });
}

describe('generated code round-trips every type family on PGlite', () => {
  let generated!: Everything;
  let db!: PGlite;
  beforeAll(async () => {
    generated = await loadGenerated();
    db = await PGlite.create({ extensions: { citext, hstore } });
    for (const migration of await readMigrations(path.join(caseDir, 'migrations'))) await db.exec(migration.sql);
  });
  afterAll(async () => {
    await db?.close();
  });

  // PGlite has no pg.Pool; this adapter sends pg's query config through PGlite's own
  // protocol, with pg's value serialisation and the generated per-query type parsers
  // standing in for PGlite's parsers for every type there is.
  let oids: number[] = [];
  beforeAll(async () => {
    oids = (await db.query<{ oid: number }>('SELECT oid::int AS oid FROM pg_type')).rows.map((r) => r.oid);
  });
  const queryable = () => ({
    async query(config: pg.QueryConfig & { rowMode?: string; types?: pg.CustomTypesConfig }) {
      const parse = (oid: number) => config.types!.getTypeParser(oid, 'text') as (text: string) => unknown;
      const parsers = Object.fromEntries(oids.map((oid) => [oid, (value: string) => parse(oid)(value)]));
      const result = await db.query(config.text, (config.values ?? []).map((v) => prepareValue(v)), {
        rowMode: config.rowMode === 'array' ? 'array' : 'object',
        parsers,
      });
      return { rows: result.rows, rowCount: result.affectedRows ?? result.rows.length, fields: result.fields };
    },
  });
  checkRowsLazily(() => generated, queryable);
});

describe.skipIf(testDatabaseUrl === undefined)('generated code round-trips every type family on PostgreSQL', () => {
  let generated!: Everything;
  let pool!: pg.Pool;
  let drop: (() => Promise<void>) | undefined;
  beforeAll(async () => {
    generated = await loadGenerated();
    const database = await createTestDatabase();
    drop = database.drop;
    await applyMigrations(database.url, path.join(caseDir, 'migrations'));
    pool = new pg.Pool({ connectionString: database.url, max: 2 });
  });
  afterAll(async () => {
    await pool?.end();
    await drop?.();
  });
  checkRowsLazily(() => generated, () => pool);
});

/** The generated module is loaded in beforeAll, after the tests are declared. */
function checkRowsLazily(generated: () => Everything, db: () => unknown): void {
  const proxy = new Proxy({} as Everything, { get: (_, key) => (generated() as unknown as Record<string | symbol, unknown>)[key] });
  checkRows(proxy, db);
}
