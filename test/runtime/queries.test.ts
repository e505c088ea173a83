import pg from 'pg';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  ConnectionError,
  exec,
  execRows,
  observe,
  queryMany,
  queryOne,
  SqlgenError,
  TooManyRowsError,
  withTransaction,
} from '../../src/runtime/runtime.js';
import type { QueryEvent, Queryable } from '../../src/runtime/runtime.js';
import { createTestDatabase, testDatabaseUrl } from '../support/database.js';
import { rejection, statement } from './helpers.js';

interface Item {
  id: number;
  name: string;
}

const mapItem = (row: unknown[]): Item => ({ id: row[0] as number, name: row[1] as string });

describe.skipIf(!testDatabaseUrl)('query commands', () => {
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let pool: pg.Pool;

  beforeAll(async () => {
    database = await createTestDatabase();
    pool = new pg.Pool({ connectionString: database.url, max: 3 });
  });

  afterAll(async () => {
    await pool?.end();
    await database?.drop();
  });

  beforeEach(async () => {
    await pool.query('DROP TABLE IF EXISTS items; CREATE TABLE items (id int4 PRIMARY KEY, name text NOT NULL)');
    await pool.query("INSERT INTO items VALUES (1, 'one'), (2, 'two'), (3, 'three')");
  });

  const getItem = statement('GetItem', 'SELECT id, name FROM items WHERE id = $1', { map: mapItem });
  const listItems = statement('ListItems', 'SELECT id, name FROM items WHERE id = ANY($1::int4[]) ORDER BY id', { map: mapItem });

  it(':one returns the mapped row, or null', async () => {
    expect(await queryOne(pool, getItem, [2])).toEqual({ id: 2, name: 'two' });
    expect(await queryOne(pool, getItem, [42])).toBeNull();
  });

  it(':one throws TooManyRowsError for more than one row', async () => {
    const all = statement('AllItems', 'SELECT id, name FROM items', { map: mapItem });
    const error = await rejection(queryOne(pool, all, []));
    expect(error).toBeInstanceOf(TooManyRowsError);
    expect(error).toBeInstanceOf(SqlgenError);
    expect(error).toMatchObject({ queryName: 'AllItems', code: '21000', message: 'AllItems: expected at most one row, got 3' });
  });

  it(':many, :exec and :execrows', async () => {
    expect(await queryMany(pool, listItems, [[3, 1, 9]])).toEqual([{ id: 1, name: 'one' }, { id: 3, name: 'three' }]);
    expect(await queryMany(pool, listItems, [[]])).toEqual([]);
    await exec(pool, statement('Touch', "UPDATE items SET name = name || '!' WHERE id = $1"), [1]);
    expect(await queryOne(pool, getItem, [1])).toEqual({ id: 1, name: 'one!' });
    expect(await execRows(pool, statement('RenameAll', "UPDATE items SET name = 'x' WHERE id > $1"), [1])).toBe(2);
    expect(await execRows(pool, statement('RenameNone', "UPDATE items SET name = 'x' WHERE id > $1"), [9])).toBe(0);
  });

  it('runs on pg.Pool, pg.Client and pg.PoolClient alike', async () => {
    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    const poolClient = await pool.connect();
    try {
      for (const db of [pool, client, poolClient] satisfies Queryable[]) {
        expect(await queryOne(db, getItem, [3])).toEqual({ id: 3, name: 'three' });
      }
    } finally {
      poolClient.release();
      await client.end();
    }
  });

  it('works with object rows and without prepared statements', async () => {
    const byObject = statement('GetItemObject', 'SELECT id, name FROM items WHERE id = $1', {
      arrayRows: false,
      prepare: false,
      map: (row: Record<string, unknown>): Item => ({ id: row.id as number, name: row.name as string }),
    });
    expect(byObject.prepare).toBeUndefined();
    expect(await queryOne(pool, byObject, [1])).toEqual({ id: 1, name: 'one' });
    const unmapped = statement<Record<string, unknown>>('Raw', 'SELECT 1 AS a', { arrayRows: false });
    expect(await queryOne(pool, unmapped, [])).toEqual({ a: 1 });
  });

  it('keeps a pooled connection after a query error (pool.query would destroy it)', async () => {
    const pids = new Set<number>();
    pool.on('remove', () => pids.add(-1));
    const bad = statement('Bad', 'SELECT 1 / $1::int4');
    for (let i = 0; i < 5; i++) await rejection(queryOne(pool, bad, [0]));
    expect(pids.has(-1)).toBe(false);
    pool.removeAllListeners('remove');
  });

  describe('schema changes under a live pool', () => {
    async function warm(db: Queryable, work: () => Promise<unknown>): Promise<void> {
      // Concurrent calls so that every pooled connection prepares the statement.
      await Promise.all(Array.from({ length: 12 }, work));
      void db;
    }

    it('re-prepares a SELECT * statement after ALTER TABLE ADD COLUMN', async () => {
      const star = statement('StarItems', 'SELECT * FROM items WHERE id <= $1 ORDER BY id', { map: (row: unknown[]) => row });
      await warm(pool, () => queryMany(pool, star, [3]));
      expect(pool.totalCount).toBe(3);
      await pool.query("ALTER TABLE items ADD COLUMN note text DEFAULT 'n'");
      const results = await Promise.all(Array.from({ length: 12 }, () => queryMany(pool, star, [1])));
      for (const rows of results) expect(rows).toEqual([[1, 'one', 'n']]);
      // and the statement stays prepared: no more failures, no more re-prepares
      expect(await queryMany(pool, star, [1])).toEqual([[1, 'one', 'n']]);
    });

    it('re-prepares an explicit column list after the columns change type', async () => {
      await warm(pool, () => queryMany(pool, listItems, [[1]]));
      await pool.query('ALTER TABLE items ADD COLUMN note text');
      expect(await queryMany(pool, listItems, [[1, 2]])).toEqual([{ id: 1, name: 'one' }, { id: 2, name: 'two' }]);
      await pool.query('ALTER TABLE items ALTER COLUMN id TYPE int8');
      const results = await Promise.all(Array.from({ length: 12 }, () => queryMany(pool, listItems, [[1]])));
      for (const rows of results) expect(rows).toEqual([{ id: '1', name: 'one' }]); // int8 is text now
    });

    it('plain pg fails the same way without the runtime (the scenario is real)', async () => {
      const client = new pg.Client({ connectionString: database.url });
      await client.connect();
      try {
        const config = { name: 'plain_star', text: 'SELECT * FROM items WHERE id = $1', values: [1] };
        await client.query(config);
        await pool.query('ALTER TABLE items ADD COLUMN note text');
        const error = await rejection(client.query(config));
        expect(error.code).toBe('0A000');
        expect((await rejection(client.query(config))).code).toBe('0A000'); // and it stays broken
      } finally {
        await client.end();
      }
    });

    it('re-prepares on a pg.Client and on an unknown Queryable', async () => {
      const client = new pg.Client({ connectionString: database.url });
      await client.connect();
      const wrapper: Queryable = { query: (config) => pool.query(config) };
      const star = statement('StarItem', 'SELECT * FROM items WHERE id = $1', { map: (row: unknown[]) => row.length });
      try {
        expect(await queryOne(client, star, [1])).toBe(2);
        await warm(pool, () => queryOne(wrapper, star, [1]));
        await pool.query('ALTER TABLE items ADD COLUMN note text');
        const altered: Date = (await pool.query('SELECT clock_timestamp() AS t')).rows[0].t;
        expect(await queryOne(client, star, [1])).toBe(3);
        expect(await queryOne(client, star, [1])).toBe(3);
        // Really prepared again under its name on this connection, not just run unnamed once:
        const prepared = await client.query('SELECT prepare_time FROM pg_prepared_statements WHERE name = $1', [star.prepare]);
        expect(prepared.rows).toHaveLength(1);
        // Both instants are read to the millisecond, and the re-prepare can follow the ALTER within one.
        expect(prepared.rows[0].prepare_time.getTime()).toBeGreaterThanOrEqual(altered.getTime());
        expect(await queryOne(wrapper, star, [1])).toBe(3);
      } finally {
        await client.end();
      }
    });

    it('inside a transaction: fails once, heals the connection, and withTransaction retries', async () => {
      const single = new pg.Pool({ connectionString: database.url, max: 1 });
      const star = statement('StarInTx', 'SELECT * FROM items WHERE id = $1', { map: (row: unknown[]) => row.length });
      try {
        expect(await queryOne(single, star, [1])).toBe(2);
        await pool.query('ALTER TABLE items ADD COLUMN note text');
        const error = await rejection(withTransaction(single, (tx) => queryOne(tx, star, [1])));
        expect(error).toBeInstanceOf(SqlgenError);
        expect(error).toMatchObject({ code: '0A000', queryName: 'StarInTx' });
        expect(await withTransaction(single, (tx) => queryOne(tx, star, [1]))).toBe(3);
        expect(await queryOne(single, star, [1])).toBe(3);

        await pool.query('ALTER TABLE items ADD COLUMN extra text');
        let runs = 0;
        const retried = await withTransaction(single, async (tx) => {
          runs += 1;
          return queryOne(tx, star, [1]);
        }, { maxRetries: 1 });
        expect({ retried, runs }).toEqual({ retried: 4, runs: 2 });
      } finally {
        await single.end();
      }
    });
  });
  describe('on a pg client: named statements described once per connection, rows read without pg.Query', () => {
    /** A pool of one connection, so that every call meets the same connection. */
    async function onOneConnection(fn: (db: pg.Pool) => Promise<void>): Promise<void> {
      const one = new pg.Pool({ connectionString: database.url, max: 1 });
      try {
        await fn(one);
      } finally {
        await one.end();
      }
    }
    const backendPid = statement('BackendPid', 'SELECT pg_backend_pid()', { map: (row: unknown[]) => row[0] as number });

    it("reads rows by each statement's own types when two share a prepared statement", () =>
      onOneConnection(async (db) => {
        const text = 'SELECT 9007199254740993::int8, 1.5::numeric, $1::date';
        const strings = statement('Strings', text, { map: (row: unknown[]) => row });
        const numbers = { ...statement('Numbers', text, { map: (row: unknown[]) => row, types: { int8: 'bigint', numeric: 'number', date: 'Date' } }), prepare: strings.prepare as string };
        for (let i = 0; i < 2; i++) {
          expect(await queryOne(db, strings, ['2024-02-29'])).toEqual(['9007199254740993', '1.5', '2024-02-29']);
          expect(await queryOne(db, numbers, ['2024-02-29'])).toEqual([9007199254740993n, 1.5, new Date(2024, 1, 29)]);
        }
      }));

    it('counts the rows of statements that return none, every time', () =>
      onOneConnection(async (db) => {
        const insert = statement('InsertItem', 'INSERT INTO items (id, name) VALUES ($1, $2)');
        const remove = statement('RemoveFrom', 'DELETE FROM items WHERE id >= $1');
        for (const id of [4, 5, 6]) expect(await execRows(db, insert, [id, `item ${id}`])).toBe(1);
        expect(await execRows(db, remove, [5])).toBe(2);
        expect(await execRows(db, remove, [5])).toBe(0);
      }));

    it('keeps a column named __proto__ as data in object rows', async () => {
      const odd = statement<Record<string, unknown>>('Odd', 'SELECT 1 AS "__proto__", 2 AS a', { arrayRows: false });
      for (let i = 0; i < 2; i++) {
        const row = (await queryOne(pool, odd, [])) as Record<string, unknown>;
        expect(Object.getPrototypeOf(row)).toBe(Object.prototype);
        expect(Object.entries(row)).toEqual([['__proto__', 1], ['a', 2]]);
      }
    });

    it('a value pg cannot serialise fails the call before anything is sent; the pooled connection stays', () =>
      onOneConnection(async (db) => {
        const pid = await queryOne(db, backendPid, []);
        const unserialisable = { toPostgres: () => { throw new Error('cannot serialise this'); } };
        const error = await rejection(queryOne(db, getItem, [unserialisable]));
        expect(error.message).toBe('cannot serialise this');
        expect(await queryOne(db, backendPid, [])).toBe(pid);
      }));

    it('a socket that dies mid-query on a pooled client: ConnectionError, the process lives on, so does the pool', () =>
      onOneConnection(async (db) => {
        const clients: pg.PoolClient[] = [];
        db.on('acquire', (client) => clients.push(client));
        await queryOne(db, backendPid, []); // connected and guarded before the failing call
        const sleeping = rejection(queryOne(db, statement('Sleep', 'SELECT pg_sleep(5)'), []));
        await new Promise((resolve) => setTimeout(resolve, 50));
        const reset = Object.assign(new Error('read ECONNRESET'), { errno: -104, code: 'ECONNRESET', syscall: 'read' });
        (clients.at(-1) as unknown as { connection: { stream: { destroy(error: Error): void } } }).connection.stream.destroy(reset);
        const error = await sleeping;
        expect(error).toBeInstanceOf(ConnectionError);
        expect(error.message).toMatch(/^Sleep: database connection lost: /);
        expect(await queryOne(db, getItem, [1])).toEqual({ id: 1, name: 'one' });
      }));

    it("a typed error's stack leads back to the application's call", async () => {
      const insert = statement('InsertItem', 'INSERT INTO items (id, name) VALUES ($1, $2)');
      async function addDuplicateItem(): Promise<void> {
        await exec(pool, insert, [1, 'again']);
      }
      const error = await rejection(addDuplicateItem());
      expect(error).toBeInstanceOf(SqlgenError);
      expect(error.stack).toContain('addDuplicateItem');
    });

    it("runs on a pipelined pg.Client through pg's own queries", async () => {
      const pipelined = new pg.Client({ connectionString: database.url, pipeline: true } as pg.ClientConfig);
      await pipelined.connect();
      try {
        const [one, two] = await Promise.all([queryOne(pipelined, getItem, [1]), queryMany(pipelined, listItems, [[2, 3]])]);
        expect(one).toEqual({ id: 1, name: 'one' });
        expect(two).toEqual([{ id: 2, name: 'two' }, { id: 3, name: 'three' }]);
      } finally {
        await pipelined.end();
      }
    });
  });

  describe('observe', () => {
    it('reports name, text, duration, row count and error; results are unchanged', async () => {
      const events: QueryEvent[] = [];
      const db = observe(pool, (event) => events.push(event));
      expect(db).toBeInstanceOf(pg.Pool);
      expect(db.totalCount).toBe(pool.totalCount);
      expect(await queryMany(db, listItems, [[1, 2]])).toHaveLength(2);
      await execRows(db, statement('RenameAll', "UPDATE items SET name = 'x'"), []);
      const failing = statement('Failing', 'SELECT 1 / 0');
      const error = await rejection(queryOne(db, failing, []));
      expect(events.map((e) => [e.queryName, e.rowCount, e.error])).toEqual([
        ['ListItems', 2, null],
        ['RenameAll', 3, null],
        ['Failing', null, error],
      ]);
      expect(events[0]?.text).toBe(listItems.text);
      for (const event of events) expect(event.durationMs).toBeGreaterThanOrEqual(0);
    });

    it('follows queries into withTransaction and composes when applied twice', async () => {
      const first: string[] = [];
      const second: string[] = [];
      const db = observe(observe(pool, (e) => first.push(e.queryName)), (e) => second.push(e.queryName));
      await withTransaction(db, async (tx) => {
        await queryOne(tx, getItem, [1]);
        await queryOne(tx, getItem, [2]);
      });
      expect(first).toEqual(['GetItem', 'GetItem']);
      expect(second).toEqual(first);
    });

    it('leaves unobserved pools alone', async () => {
      const events: QueryEvent[] = [];
      observe(pool, (event) => events.push(event));
      await queryOne(pool, getItem, [1]);
      expect(events).toEqual([]);
    });
  });
});
