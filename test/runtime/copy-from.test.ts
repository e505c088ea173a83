import pg from 'pg';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { arrayLiteral, copyFrom, observe, queryMany, queryOne, UniqueViolationError, withTransaction } from '../../src/runtime/runtime.js';
import type { QueryEvent } from '../../src/runtime/runtime.js';
import { createTestDatabase, testDatabaseUrl } from '../support/database.js';
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

interface Wide {
  id: number;
  big: string | null;
  amount: string | null;
  ratio: number | null;
  small: number | null;
  f4: number | null;
  flag: boolean | null;
  name: string | null;
  created: Date | null;
  day: string | null;
  ts: Date | null;
  data: Buffer | null;
  doc: unknown;
  tags: (string | null)[] | null;
  grid: (number | null)[][] | null;
  uid: string | null;
  span: string | null;
  addr: string | null;
}

const COLUMNS = 'id, big, amount, ratio, small, f4, flag, name, created, day, ts, data, doc, tags, grid, uid, span, addr';
const insertWide = statement(
  'InsertWide',
  `INSERT INTO wide (${COLUMNS})
   SELECT u.id, u.big, u.amount, u.ratio, u.small, u.f4, u.flag, u.name, u.created, u.day, u.ts, u.data, u.doc,
          u.tags::text[], u.grid::int4[], u.uid, u.span, u.addr
   FROM unnest($1::int4[], $2::int8[], $3::numeric[], $4::float8[], $5::int2[], $6::float4[], $7::bool[], $8::text[],
               $9::timestamptz[], $10::date[], $11::timestamp[], $12::bytea[], $13::jsonb[], $14::text[], $15::text[],
               $16::uuid[], $17::interval[], $18::inet[])
     AS u(${COLUMNS})`,
);
const toValues = (r: Wide): unknown[] => [
  r.id, r.big, r.amount, r.ratio, r.small, r.f4, r.flag, r.name, r.created, r.day, r.ts, r.data,
  r.doc === undefined ? null : JSON.stringify(r.doc), arrayLiteral(r.tags), arrayLiteral(r.grid), r.uid, r.span, r.addr,
];
const selectWide = statement<Wide>('SelectWide', `SELECT ${COLUMNS} FROM wide ORDER BY id`, {
  map: (row: unknown[]): Wide => ({
    id: row[0] as number, big: row[1] as string | null, amount: row[2] as string | null, ratio: row[3] as number | null,
    small: row[4] as number | null, f4: row[5] as number | null, flag: row[6] as boolean | null, name: row[7] as string | null,
    created: row[8] as Date | null, day: row[9] as string | null, ts: row[10] as Date | null, data: row[11] as Buffer | null,
    doc: row[12], tags: row[13] as string[] | null, grid: row[14] as number[][] | null, uid: row[15] as string | null,
    span: row[16] as string | null, addr: row[17] as string | null,
  }),
});

const NAMES = ['plain', 'quote"d', 'back\\slash', 'com,ma', '{brace}', '', 'NULL', 'ünïcødé', '🎉 emoji', 'tab\there', 'new\nline', ' spaced '];

function wideRow(i: number): Wide {
  const nul = (every: number) => i % every === 0;
  const name = NAMES[i % NAMES.length] as string;
  return {
    id: i,
    big: nul(7) ? null : i === 1 ? '9223372036854775807' : String(BigInt(i) * -92233720368547n),
    amount: nul(11) ? null : `${i}.${String(i % 100).padStart(2, '0')}`,
    ratio: nul(13) ? null : i / 7,
    small: nul(17) ? null : (i % 32768) - 16384,
    f4: nul(19) ? null : (i % 1000) / 8,
    flag: nul(3) ? null : i % 2 === 0,
    name: nul(23) ? null : i % 5 === 0 ? name : `${name} ${i}`,
    created: nul(29) ? null : new Date(Date.UTC(2000, 0, 1) + i * 3_600_123),
    day: nul(31) ? null : i === 2 ? '0044-03-15 BC' : new Date(Date.UTC(1990, 0, 1) + i * 86_400_000).toISOString().slice(0, 10),
    ts: nul(37) ? null : new Date(2020, 0, 1, 0, 0, 0, i),
    data: nul(41) ? null : Buffer.from([i & 255, (i >> 8) & 255, 0, 0x5c, 0x22]),
    // keys in jsonb's order (shorter first, then bytewise), so that JSON.stringify can compare rows
    doc: nul(43) ? null : { i, list: [1, null, 'x"y'], name, nested: { ok: i % 2 === 0 } },
    tags: nul(47) ? null : i % 4 === 0 ? [] : [`t${i}`, null, 'q"uote', 'back\\slash', 'ünï', 'NULL'],
    grid: nul(53) ? null : [[i, 1], [2, null]],
    uid: nul(59) ? null : `00000000-0000-4000-8000-${i.toString(16).padStart(12, '0')}`,
    span: nul(61) ? null : `${(i % 50) + 2} days 01:02:03`,
    addr: nul(67) ? null : `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`,
  };
}

describe.skipIf(!testDatabaseUrl)('copyFrom', () => {
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
      CREATE TABLE wide (
        id int4 PRIMARY KEY, big int8, amount numeric, ratio float8, small int2, f4 float4, flag bool, name text,
        created timestamptz, day date, ts timestamp, data bytea, doc jsonb, tags text[], grid int4[], uid uuid,
        span interval, addr inet
      );
      CREATE TABLE blobs (id int4 PRIMARY KEY, body text NOT NULL);
    `);
  });

  it('inserts 100,000 rows with NULLs, unicode and every mapped type, read back identical', async () => {
    const rows = Array.from({ length: 100_000 }, (_, i) => wideRow(i + 1));
    expect(await copyFrom(pool, insertWide, rows, toValues)).toBe(100_000);
    const back = await queryMany(pool, selectWide, []);
    expect(back.length).toBe(rows.length);
    // JSON compares all rows fast (Dates as ISO text, Buffers as bytes); toEqual, which also tells
    // a Date from its ISO text, checks every 100th row and explains any mismatch.
    for (let i = 0; i < rows.length; i++) {
      if (i % 100 === 0 || JSON.stringify(back[i]) !== JSON.stringify(rows[i])) expect(back[i]).toEqual(rows[i]);
    }
    expect(JSON.stringify(back[1])).toContain('"day":"0044-03-15 BC"');
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
