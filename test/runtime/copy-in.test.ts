import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  CheckViolationError,
  copyFrom,
  ForeignKeyViolationError,
  NotNullViolationError,
  observe,
  queryMany,
  queryOne,
  QueryCanceledError,
  SqlgenError,
  UniqueViolationError,
  withTransaction,
} from '../../src/runtime/runtime.js';
import type { QueryEvent, Queryable, Statement } from '../../src/runtime/runtime.js';
import { createTestDatabase, testDatabaseUrl } from '../support/database.js';
import { copyWide, expectSameRows, insertWide, selectWide, WIDE_TABLE, wideRow, wideValues } from './fixtures/wide-rows.js';
import { rejection, statement } from './helpers.js';

interface Note {
  id: number;
  body: string | null;
}

/** A `:copyfrom` as sqlgen generates it for `INSERT INTO <table> (id, body) VALUES ($1, $2)`. */
function copyNotes(table: string, name = `Copy_${table}`): Statement<unknown> {
  return {
    ...statement(name, `INSERT INTO ${table} (id, body) SELECT u.p1, u.p2 FROM unnest($1::int4[], $2::text[]) AS u (p1, p2)`),
    copy: `COPY ${table} (id, body) FROM STDIN`,
  };
}
const noteValues = (note: Note): unknown[] => [note.id, note.body];
const notes = (count: number, body = (i: number): string | null => `note ${i}`): Note[] =>
  Array.from({ length: count }, (_, i) => ({ id: i + 1, body: body(i + 1) }));

const single = <T>(text: string) => statement<T>('Single', text, { map: (row: unknown[]) => row[0] as T });
const countOf = (table: string) => single<number>(`SELECT count(*)::int4 FROM ${table}`);
const backendPid = single<number>('SELECT pg_backend_pid()');

describe.skipIf(!testDatabaseUrl)('copyFrom through COPY FROM STDIN', () => {
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let pool: pg.Pool;
  const poolErrors: Error[] = [];

  beforeAll(async () => {
    database = await createTestDatabase();
    pool = new pg.Pool({ connectionString: database.url, max: 2 });
    pool.on('error', (error) => poolErrors.push(error));
  });

  afterAll(async () => {
    await pool?.end();
    await database?.drop();
    expect(poolErrors).toEqual([]);
  });

  beforeEach(async () => {
    await pool.query(`
      DROP TABLE IF EXISTS wide, notes, children, parents CASCADE;
      ${WIDE_TABLE};
      CREATE TABLE notes (id int4 PRIMARY KEY, body text CHECK (body <> 'forbidden'));
      CREATE TABLE parents (id int4 PRIMARY KEY);
      CREATE TABLE children (id int4 PRIMARY KEY, body text NOT NULL, parent int4 REFERENCES parents);
    `);
  });

  /** A pool of one connection, to see that a failure leaves the connection in use (same backend). */
  async function withSingleConnection(fn: (db: pg.Pool, pid: number) => Promise<void>): Promise<void> {
    const one = new pg.Pool({ connectionString: database.url, max: 1 });
    try {
      await fn(one, (await queryOne(one, backendPid, [])) as number);
      expect(one.totalCount - one.idleCount).toBe(0);
    } finally {
      await one.end();
    }
  }

  it('inserts 100,000 rows of every mapped type and awkward text in one COPY, read back identical', async () => {
    const rows = Array.from({ length: 100_000 }, (_, i) => wideRow(i + 1));
    const events: QueryEvent[] = [];
    expect(await copyFrom(observe(pool, (event) => events.push(event)), copyWide, rows, wideValues)).toBe(100_000);
    expect(events).toMatchObject([{ queryName: 'InsertWide', text: copyWide.copy, rowCount: 100_000, error: null }]);
    expectSameRows(await queryMany(pool, selectWide, []), rows);
  });

  it('stores exactly what the unnest statement stores', async () => {
    const rows = Array.from({ length: 3_000 }, (_, i) => wideRow(i + 1));
    const digest = single<string>("SELECT md5(string_agg(w::text, '|' ORDER BY id)) FROM wide AS w");
    await copyFrom(pool, insertWide, rows, wideValues);
    const viaUnnest = await queryOne(pool, digest, []);
    await pool.query('TRUNCATE wide');
    await copyFrom(pool, copyWide, rows, wideValues);
    expect(await queryOne(pool, digest, [])).toBe(viaUnnest);
  });

  it("keeps text as it was: tabs, newlines, backslashes, COPY's own \\N and \\., NULL versus empty", async () => {
    const bodies = ['\\.', '\\N', '\\', '', 'NULL', null, '\t', '\n', '\r\n', 'a\\tb', '\\\\x00', '\u0001\u007f', 'é🎉', ' x ', 'forbidden!'];
    const rows = bodies.map((body, i) => ({ id: i + 1, body }));
    expect(await copyFrom(pool, copyNotes('notes'), rows, noteValues)).toBe(rows.length);
    const back = await queryMany(pool, statement<Note>('Notes', 'SELECT id, body FROM notes ORDER BY id', { map: (r: unknown[]) => ({ id: r[0] as number, body: r[1] as string | null }) }), []);
    expect(back).toEqual(rows);
  });

  it('sends Dates as pg sends parameters, in any process time zone: the same values as the unnest statement', async () => {
    const insertTimes = statement('InsertTimes', 'INSERT INTO wide (id, created, ts) SELECT * FROM unnest($1::int4[], $2::timestamptz[], $3::timestamp[])');
    const copyTimes = { ...insertTimes, copy: 'COPY wide (id, created, ts) FROM STDIN' };
    const dates = [
      new Date('2024-03-10T07:30:00.123Z'), new Date('2024-11-03T05:30:00Z'), new Date('2024-03-10T05:59:59.999Z'),
      new Date('0005-06-07T08:09:10Z'), new Date('-000043-03-15T12:00:00Z'), new Date('+010000-01-01T00:00:00Z'), new Date(0),
    ];
    const same = single<boolean>('SELECT bool_and(a.created = b.created AND a.ts = b.ts) FROM wide a JOIN wide b ON b.id = a.id + 1000');
    const read = statement('Times', 'SELECT created, ts FROM wide WHERE id >= 1000 ORDER BY id', { map: (r: unknown[]) => r });
    const previous = process.env.TZ;
    try {
      for (const zone of ['UTC', 'America/St_Johns', 'Asia/Kolkata', 'Australia/Lord_Howe']) {
        process.env.TZ = zone;
        await pool.query('TRUNCATE wide');
        await copyFrom(pool, insertTimes, dates, (d) => [dates.indexOf(d), d, d]);
        await copyFrom(pool, copyTimes, dates, (d) => [1000 + dates.indexOf(d), d, d]);
        expect(await queryOne(pool, same, []), zone).toBe(true);
        expect(await queryMany(pool, read, []), zone).toEqual(dates.map((d) => [d, d]));
      }
    } finally {
      if (previous === undefined) delete process.env.TZ;
      else process.env.TZ = previous;
    }
  });

  it('maps errors from COPY to the typed errors, inserts nothing, and keeps the connection', async () => {
    await pool.query('INSERT INTO parents VALUES (1)');
    await withSingleConnection(async (db, pid) => {
      const many = notes(100_000);
      const duplicate = await rejection(copyFrom(db, copyNotes('notes'), [...many, { id: 1, body: 'again' }], noteValues));
      expect(duplicate).toBeInstanceOf(UniqueViolationError);
      expect(duplicate).toMatchObject({ code: '23505', queryName: 'Copy_notes', constraint: 'notes_pkey', table: 'notes' });
      expect(duplicate.message).toMatch(/^Copy_notes: duplicate key/);

      const forbidden = await rejection(copyFrom(db, copyNotes('notes'), notes(50_000, (i) => (i === 40_000 ? 'forbidden' : 'ok')), noteValues));
      expect(forbidden).toBeInstanceOf(CheckViolationError);
      expect(forbidden).toMatchObject({ constraint: 'notes_body_check', table: 'notes' });

      const copyChildren: Statement<unknown> = {
        ...statement('CopyChildren', 'INSERT INTO children (id, body, parent) SELECT * FROM unnest($1::int4[], $2::text[], $3::int4[])'),
        copy: 'COPY children (id, body, parent) FROM STDIN',
      };
      const child = (id: number, body: string | null, parent: number | null) => ({ id, body, parent });
      const childValues = (c: ReturnType<typeof child>) => [c.id, c.body, c.parent];
      const missing = await rejection(copyFrom(db, copyChildren, [child(1, 'a', 1), child(2, null, 1)], childValues));
      expect(missing).toBeInstanceOf(NotNullViolationError);
      expect(missing).toMatchObject({ column: 'body', table: 'children' });
      const orphan = await rejection(copyFrom(db, copyChildren, [child(1, 'a', 1), child(2, 'b', 7)], childValues));
      expect(orphan).toBeInstanceOf(ForeignKeyViolationError);
      expect(orphan).toMatchObject({ constraint: 'children_parent_fkey' });

      const notAnInt = await rejection(copyFrom(db, copyChildren, [child(1, 'a', 1)], () => ['one', 'a', 1]));
      expect(notAnInt).toBeInstanceOf(SqlgenError);
      expect(notAnInt).toMatchObject({ code: '22P02', queryName: 'CopyChildren' });

      expect(await queryOne(db, countOf('notes'), [])).toBe(0);
      expect(await queryOne(db, countOf('children'), [])).toBe(0);
      expect(await queryOne(db, backendPid, [])).toBe(pid);
    });
  });

  it('a row that cannot be encoded ends the COPY with its own error: nothing inserted, connection kept', async () => {
    await withSingleConnection(async (db, pid) => {
      const failure = new Error('row 70,000 is broken');
      const rows = notes(100_000);
      const broken = await rejection(copyFrom(db, copyNotes('notes'), rows, (note) => {
        if (note.id === 70_000) throw failure;
        return noteValues(note);
      }));
      expect(broken).toBe(failure);
      const shape = await rejection(copyFrom(db, copyNotes('notes'), rows, (note) => (note.id === 99_999 ? [note.id] : noteValues(note))));
      expect(shape).toBeInstanceOf(TypeError);
      expect(shape.message).toBe('copyFrom: row 99998 has 1 values, row 0 has 2');
      expect(await queryOne(db, countOf('notes'), [])).toBe(0);
      expect(await queryOne(db, backendPid, [])).toBe(pid);
    });
  });

  it('takes part in transactions: rolled back with them, committed with them, on a pool client and a pg.Client', async () => {
    const copy = copyNotes('notes', 'CopyInTransaction');
    const undone = await rejection(withTransaction(pool, async (tx) => {
      expect(await copyFrom(tx, copy, notes(1000), noteValues)).toBe(1000);
      expect(await queryOne(tx, countOf('notes'), [])).toBe(1000);
      throw new Error('undo');
    }));
    expect(undone.message).toBe('undo');
    expect(await queryOne(pool, countOf('notes'), [])).toBe(0);

    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    try {
      await withTransaction(client, async (tx) => {
        await copyFrom(tx, copy, notes(10), noteValues);
        await copyFrom(tx, copy, [{ id: 11, body: 'eleven' }], noteValues);
      });
      expect(await queryOne(client, countOf('notes'), [])).toBe(11);
      // Like any statement, a failing COPY aborts the transaction it is in.
      const aborted = await rejection(withTransaction(client, async (tx) => {
        await rejection(copyFrom(tx, copy, [{ id: 1, body: 'again' }], noteValues));
        return queryOne(tx, countOf('notes'), []);
      }));
      expect(aborted).toMatchObject({ code: '25P02' });
      expect(await copyFrom(client, copy, [{ id: 12, body: null }], noteValues)).toBe(1);
    } finally {
      await client.end();
    }
  });

  it('reports a failed COPY to observe listeners', async () => {
    const events: QueryEvent[] = [];
    const db = observe(pool, (event) => events.push(event));
    await rejection(copyFrom(db, copyNotes('notes'), [{ id: 1, body: 'a' }, { id: 1, body: 'b' }], noteValues));
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ queryName: 'Copy_notes', text: 'COPY notes (id, body) FROM STDIN', rowCount: null });
    expect(events[0]!.error).toBeInstanceOf(UniqueViolationError);
  });

  it('a statement timeout while rows stream in: QueryCanceledError, nothing inserted, client usable', async () => {
    await pool.query(`
      CREATE FUNCTION slow_note() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN PERFORM pg_sleep(0.002); RETURN NEW; END $$;
      CREATE TRIGGER slow BEFORE INSERT ON notes FOR EACH ROW EXECUTE FUNCTION slow_note();
    `);
    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    try {
      await client.query("SET statement_timeout = '200ms'");
      const canceled = await rejection(copyFrom(client, copyNotes('notes'), notes(20_000), noteValues));
      expect(canceled).toBeInstanceOf(QueryCanceledError);
      await client.query('RESET statement_timeout');
      expect(await queryOne(client, countOf('notes'), [])).toBe(0);
    } finally {
      await client.end();
      await pool.query('DROP TRIGGER slow ON notes; DROP FUNCTION slow_note()');
    }
  });

  it('falls back to the unnest statement where the server refuses COPY: row-level security, a view', async () => {
    const role = `sqlgen_copy_${randomBytes(4).toString('hex')}`;
    await pool.query(`
      CREATE TABLE secure (id int4 PRIMARY KEY, body text);
      ALTER TABLE secure ENABLE ROW LEVEL SECURITY;
      CREATE POLICY everyone ON secure USING (true) WITH CHECK (body IS DISTINCT FROM 'denied');
      CREATE VIEW note_view AS SELECT id, body FROM notes;
      CREATE ROLE ${role};
      GRANT SELECT, INSERT ON secure TO ${role};
    `);
    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    try {
      await client.query(`SET ROLE ${role}`); // the superuser would bypass the policy
      const events: QueryEvent[] = [];
      const db = observe(client, (event) => events.push(event));
      const copySecure = copyNotes('secure');
      expect(await copyFrom(db, copySecure, notes(3), noteValues)).toBe(3);
      expect(await copyFrom(db, copySecure, [{ id: 4, body: 'four' }], noteValues)).toBe(1);
      // The refused COPY is not reported; both calls ran the INSERT, the second without trying COPY.
      expect(events.map((e) => e.text)).toEqual([copySecure.text, copySecure.text]);
      const denied = await rejection(copyFrom(db, copySecure, [{ id: 5, body: 'denied' }], noteValues));
      expect(denied).toMatchObject({ code: '42501' });

      // Inside a transaction the first COPY of a statement runs in a savepoint, so a refusal leaves it usable.
      const copyInTransaction = copyNotes('secure', 'CopySecureInTransaction');
      await withTransaction(client, async (tx) => {
        expect(await copyFrom(tx, copyInTransaction, [{ id: 6, body: 'six' }], noteValues)).toBe(1);
        expect(await queryOne(tx, countOf('secure'), [])).toBe(5);
      });
      await client.query('RESET ROLE');

      expect(await copyFrom(client, copyNotes('note_view'), notes(2), noteValues)).toBe(2);
      expect(await queryOne(client, countOf('notes'), [])).toBe(2);
    } finally {
      await client.end();
      await pool.query(`DROP TABLE secure; DROP VIEW note_view; DROP ROLE ${role}`);
    }
  });

  it('a statement COPY worked for, refused later in a transaction, succeeds on the retry of withTransaction', async () => {
    const role = `sqlgen_copy_${randomBytes(4).toString('hex')}`;
    await pool.query(`
      CREATE TABLE secure (id int4 PRIMARY KEY, body text);
      ALTER TABLE secure ENABLE ROW LEVEL SECURITY;
      CREATE POLICY everyone ON secure USING (true);
      CREATE ROLE ${role};
      GRANT SELECT, INSERT ON secure TO ${role};
    `);
    try {
      const copySecure = copyNotes('secure');
      expect(await copyFrom(pool, copySecure, [{ id: 1, body: 'as the owner' }], noteValues)).toBe(1);
      let attempts = 0;
      const inserted = await withTransaction(pool, async (tx) => {
        attempts += 1;
        await tx.query(`SET LOCAL ROLE ${role}`);
        return copyFrom(tx, copySecure, [{ id: 2, body: 'as the role' }], noteValues);
      }, { maxRetries: 1 });
      expect({ inserted, attempts }).toEqual({ inserted: 1, attempts: 2 });
      expect(await queryOne(pool, countOf('secure'), [])).toBe(2);
    } finally {
      await pool.query(`DROP TABLE secure; DROP ROLE ${role}`);
    }
  });

  it('uses the unnest statement on a Queryable that is no pg client and on a pipelined client', async () => {
    const texts: string[] = [];
    const adapter: Queryable = {
      query: (config) => {
        texts.push(config.text);
        return pool.query(config);
      },
    };
    const copy = copyNotes('notes');
    expect(await copyFrom(adapter, copy, notes(3), noteValues)).toBe(3);
    expect(texts).toEqual([copy.text]);

    const pipelined = new pg.Client({ connectionString: database.url, pipeline: true } as pg.ClientConfig);
    await pipelined.connect();
    try {
      const events: QueryEvent[] = [];
      expect(await copyFrom(observe(pipelined, (event) => events.push(event)), copy, [{ id: 4, body: 'four' }], noteValues)).toBe(1);
      expect(events.map((e) => e.text)).toEqual([copy.text]);
    } finally {
      await pipelined.end();
    }
    expect(await queryOne(pool, countOf('notes'), [])).toBe(4);
  });
});
