import pg from 'pg';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { arrayLiteral, copyFrom, observe, queryMany, queryOne, UniqueViolationError, withTransaction } from '../../src/runtime/runtime.js';
import type { QueryEvent } from '../../src/runtime/runtime.js';
import { createTestDatabase, testDatabaseUrl } from '../support/database.js';
import { expectSameRows, insertWide, selectWide, WIDE_TABLE, wideRow, wideValues } from './fixtures/wide-rows.js';
import { rejection, statement } from './helpers.js';

describe('arrayLiteral', () => {
  it('quotes every element and escapes quotes and backslashes', () => {
    expect(arrayLiteral(null)).toBeNull();
    expect(arrayLiteral([])).toBe('{}');
    expect(arrayLiteral(['a', null, 'b"c', 'd\\e', '', 'NULL', undefined])).toBe('{"a",NULL,"b\\"c","d\\\\e","","NULL",NULL}');
    expect(arrayLiteral([[1, 2], [3, null]])).toBe('{{1,2},{3,NULL}}');
    expect(arrayLiteral([true, 1.5, 10n, Buffer.from([0xab, 0x5c]), { a: 'x' }])).toBe(
      '{true,1.5,10,"\\\\xab5c","{\\"a\\":\\"x\\"}"}',
    );
  });
});

describe.skipIf(!testDatabaseUrl)('copyFrom through the unnest statement', () => {
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let pool: pg.Pool;

  beforeAll(async () => {
    database = await createTestDatabase();
    pool = new pg.Pool({ connectionString: database.url, max: 2 });
  });

  afterAll(async () => {
    await pool?.end();
    await database?.drop();
  });

  beforeEach(async () => {
    await pool.query(`
      DROP TABLE IF EXISTS wide, blobs;
      ${WIDE_TABLE};
      CREATE TABLE blobs (id int4 PRIMARY KEY, body text NOT NULL);
    `);
  });

  it('inserts 100,000 rows with NULLs, unicode and every mapped type, read back identical', async () => {
    const rows = Array.from({ length: 100_000 }, (_, i) => wideRow(i + 1));
    expect(await copyFrom(pool, insertWide, rows, wideValues)).toBe(100_000);
    expectSameRows(await queryMany(pool, selectWide, []), rows);
  });

  it('sends several statements in one transaction when the data is large, and inserts nothing on failure', async () => {
    const insertBlobs = statement('InsertBlobs', 'INSERT INTO blobs (id, body) SELECT * FROM unnest($1::int4[], $2::text[])');
    const body = 'é'.repeat(1024 * 1024); // 33 of these pass the 32 M characters of one statement
    const rows = Array.from({ length: 33 }, (_, i) => ({ id: i, body }));
    const events: QueryEvent[] = [];
    const db = observe(pool, (event) => events.push(event));
    expect(await copyFrom(db, insertBlobs, rows, (r) => [r.id, r.body])).toBe(33);
    expect(events.map((e) => e.rowCount)).toEqual([32, 1]);
    const count = statement('CountBlobs', 'SELECT count(*)::int4, min(length(body)) FROM blobs', { map: (r: unknown[]) => r });
    expect(await queryOne(pool, count, [])).toEqual([33, body.length]);

    await pool.query('TRUNCATE blobs');
    const duplicate = [...rows, { id: 0, body: 'again' }];
    const error = await rejection(copyFrom(pool, insertBlobs, duplicate, (r) => [r.id, r.body]));
    expect(error).toBeInstanceOf(UniqueViolationError);
    expect(await queryOne(pool, count, [])).toEqual([0, null]);
    expect(pool.totalCount - pool.idleCount).toBe(0);
  });

  it('works inside a transaction, takes JS arrays for array columns, and checks row shape', async () => {
    const insertBlobs = statement('InsertBlobs', 'INSERT INTO blobs (id, body) SELECT * FROM unnest($1::int4[], $2::text[])');
    const insertGrid = statement('InsertGrid', 'INSERT INTO wide (id, grid) SELECT u.id, u.grid::int4[] FROM unnest($1::int4[], $2::text[]) AS u(id, grid)');
    await withTransaction(pool, async (tx) => {
      expect(await copyFrom(tx, insertBlobs, [{ id: 1, body: 'a' }], (r) => [r.id, r.body])).toBe(1);
      expect(await copyFrom(tx, insertGrid, [{ id: 1, grid: [[1, null], [3, 4]] }], (r) => [r.id, r.grid])).toBe(1);
    });
    const grid = statement('Grid', 'SELECT grid FROM wide', { map: (r: unknown[]) => r[0] });
    expect(await queryOne(pool, grid, [])).toEqual([[1, null], [3, 4]]);
    expect(await copyFrom(pool, insertBlobs, [], () => [])).toBe(0);
    await expect(copyFrom(pool, insertBlobs, [{ id: 2 }, { id: 3 }], (r) => (r.id === 2 ? [r.id, 'x'] : [r.id]))).rejects.toThrow(TypeError);
  });

  it('sends Dates as pg does, so timestamp and timestamptz read back the same instant', async () => {
    const insert = statement('InsertTimes', 'INSERT INTO wide (id, created, ts) SELECT * FROM unnest($1::int4[], $2::timestamptz[], $3::timestamp[])');
    const select = statement('SelectTimes', 'SELECT created, ts FROM wide ORDER BY id', { map: (r: unknown[]) => r });
    const dates = [new Date('2024-03-10T07:30:00.123Z'), new Date('0005-06-07T08:09:10Z'), new Date('-000043-03-15T12:00:00Z')];
    await copyFrom(pool, insert, dates, (d) => [dates.indexOf(d), d, d]);
    expect(await queryMany(pool, select, [])).toEqual(dates.map((d) => [d, d]));
  });
});
