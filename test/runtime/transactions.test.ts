import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  ConnectionError,
  exec,
  queryMany,
  queryOne,
  SqlgenError,
  withRollback,
  withTransaction,
} from '../../src/runtime/runtime.js';
import { createTestDatabase, testDatabaseUrl } from '../support/database.js';
import { rejection, statement } from './helpers.js';

const first = (row: unknown[]): unknown => row[0];
const getBalance = statement('GetBalance', 'SELECT balance FROM accounts WHERE id = $1', { map: (row: unknown[]) => row[0] as number });
const setBalance = statement('SetBalance', 'UPDATE accounts SET balance = $2 WHERE id = $1');
const addNote = statement('AddNote', 'INSERT INTO notes (body) VALUES ($1)');
const listNotes = statement('ListNotes', 'SELECT body FROM notes ORDER BY id', { map: (row: unknown[]) => row[0] as string });
const backendPid = statement('BackendPid', 'SELECT pg_backend_pid()', { map: (row: unknown[]) => row[0] as number });
const setting = statement('Setting', "SELECT current_setting($1, true)", { map: first });

describe.skipIf(!testDatabaseUrl)('withTransaction', () => {
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let pool: pg.Pool;
  const poolErrors: Error[] = [];

  beforeAll(async () => {
    database = await createTestDatabase();
    pool = new pg.Pool({ connectionString: database.url, max: 10 });
    pool.on('error', (error) => poolErrors.push(error));
  });

  afterAll(async () => {
    await pool?.end();
    await database?.drop();
  });

  beforeEach(async () => {
    await pool.query(`
      DROP TABLE IF EXISTS accounts, notes;
      CREATE TABLE accounts (id int4 PRIMARY KEY, balance int4 NOT NULL CHECK (balance >= 0));
      CREATE TABLE notes (id serial PRIMARY KEY, body text NOT NULL);
      INSERT INTO accounts SELECT i, 1000 FROM generate_series(1, 5) AS i;
    `);
  });

  function expectPoolIdle(): void {
    expect(pool.totalCount - pool.idleCount).toBe(0);
    expect(pool.waitingCount).toBe(0);
  }

  it('commits, returns fn’s result, and rolls back when fn throws', async () => {
    const result = await withTransaction(pool, async (tx) => {
      await exec(tx, addNote, ['kept']);
      return 'done';
    });
    expect(result).toBe('done');
    const failure = new Error('boom');
    const error = await rejection(withTransaction(pool, async (tx) => {
      await exec(tx, addNote, ['dropped']);
      throw failure;
    }));
    expect(error).toBe(failure); // the caller's own error, untouched
    expect(await queryMany(pool, listNotes, [])).toEqual(['kept']);
    expectPoolIdle();
  });

  it('applies isolation level, read only, deferrable and settings for the transaction only', async () => {
    const show = statement('Show', 'SELECT current_setting(\'transaction_isolation\'), current_setting(\'transaction_read_only\'), current_setting(\'transaction_deferrable\')', {
      map: (row: unknown[]) => row,
    });
    const seen = await withTransaction(pool, async (tx) => [await queryOne(tx, show, []), await queryOne(tx, setting, ['app.tenant_id'])], {
      isolationLevel: 'serializable',
      readOnly: true,
      deferrable: true,
      settings: { 'app.tenant_id': "it's-42", 'app.user_id': 7 },
    });
    expect(seen).toEqual([['serializable', 'on', 'on'], "it's-42"]);
    const client = await pool.connect();
    try {
      expect(await queryOne(client, setting, ['app.tenant_id'])).not.toBe("it's-42");
    } finally {
      client.release();
    }
    const readOnly = await rejection(withTransaction(pool, (tx) => exec(tx, addNote, ['x']), { readOnly: true }));
    expect(readOnly).toBeInstanceOf(SqlgenError);
    expect(readOnly.code).toBe('25006');
    await expect(withTransaction(pool, async () => 1, { isolationLevel: 'chaos' as never })).rejects.toThrow(TypeError);
  });

  it('settings drive row-level security', async () => {
    const role = `sqlgen_tenant_${randomBytes(4).toString('hex')}`;
    await pool.query(`
      CREATE TABLE documents (tenant text NOT NULL, title text NOT NULL);
      INSERT INTO documents VALUES ('a', 'A1'), ('a', 'A2'), ('b', 'B1');
      ALTER TABLE documents ENABLE ROW LEVEL SECURITY;
      CREATE POLICY by_tenant ON documents USING (tenant = current_setting('app.tenant'));
      CREATE ROLE ${role};
      GRANT SELECT ON documents TO ${role};
    `);
    try {
      const titles = statement('Titles', 'SELECT title FROM documents ORDER BY title', { map: first });
      const read = (tenant: string) =>
        withTransaction(pool, async (tx) => {
          await tx.query(`SET LOCAL ROLE ${role}`); // the superuser would bypass the policy
          return queryMany(tx, titles, []);
        }, { settings: { 'app.tenant': tenant } });
      expect(await read('a')).toEqual(['A1', 'A2']);
      expect(await read('b')).toEqual(['B1']);
    } finally {
      await pool.query(`DROP TABLE documents; DROP ROLE ${role}`);
    }
  });

  it('50 concurrent serializable transfers with retries keep the total balance', async () => {
    let attempts = 0;
    const transfers = Array.from({ length: 50 }, (_, i) => ({ from: (i % 5) + 1, to: ((i * 3 + 1) % 5) + 1, amount: 50 + i * 7 }));
    const results = await Promise.allSettled(
      transfers.map(({ from, to, amount }) =>
        withTransaction(pool, async (tx) => {
          attempts += 1;
          const fromBalance = (await queryOne(tx, getBalance, [from])) ?? 0;
          const toBalance = (await queryOne(tx, getBalance, [to])) ?? 0;
          if (from === to) return;
          if (fromBalance < amount) throw new Error('insufficient funds');
          await exec(tx, setBalance, [from, fromBalance - amount]);
          await exec(tx, setBalance, [to, toBalance + amount]);
        }, { isolationLevel: 'serializable', maxRetries: 30 }),
      ),
    );
    const balances = await queryMany(pool, statement('Balances', 'SELECT balance FROM accounts ORDER BY id', { map: first }), []);
    expect((balances as number[]).reduce((a, b) => a + b, 0)).toBe(5000);
    // Replaying the committed transfers gives exactly the stored balances.
    const expected = [1000, 1000, 1000, 1000, 1000];
    results.forEach((result, i) => {
      const t = transfers[i]!;
      if (result.status === 'fulfilled' && t.from !== t.to) {
        expected[t.from - 1]! -= t.amount;
        expected[t.to - 1]! += t.amount;
      }
    });
    expect(balances).toEqual(expected);
    const surfaced = results.filter((r) => r.status === 'rejected').map((r) => (r as PromiseRejectedResult).reason.message);
    for (const message of surfaced) expect(message).toBe('insufficient funds');
    expect(attempts).toBeGreaterThan(50); // serialization failures happened and were retried
    expectPoolIdle();
  });

  it('1,000 throwing transactions leave no client checked out and none waiting', async () => {
    const divide = statement('Divide', 'SELECT 1 / $1::int4', { map: first });
    const outcomes = await Promise.allSettled(
      Array.from({ length: 1000 }, (_, i) =>
        withTransaction(pool, async (tx) => {
          if (i % 3 === 0) throw new Error(`early ${i}`);
          if (i % 3 === 1) return queryOne(tx, divide, [0]); // a database error
          await exec(tx, addNote, [`note ${i}`]);
          throw new Error(`late ${i}`);
        }),
      ),
    );
    expect(outcomes.every((o) => o.status === 'rejected')).toBe(true);
    expectPoolIdle();
    expect(pool.totalCount).toBeLessThanOrEqual(10);
    expect(await queryMany(pool, listNotes, [])).toEqual([]);
  });

  it('a backend killed mid-transaction: clear error, client destroyed, next call succeeds', async () => {
    let killedPid = 0;
    const error = await rejection(withTransaction(pool, async (tx) => {
      killedPid = (await queryOne(tx, backendPid, [])) ?? 0;
      await exec(tx, addNote, ['lost']);
      await pool.query('SELECT pg_terminate_backend($1)', [killedPid]);
      await new Promise((resolve) => setTimeout(resolve, 50)); // the FATAL arrives while fn is busy elsewhere
      await exec(tx, addNote, ['never']);
    }));
    expect(error).toBeInstanceOf(ConnectionError);
    expect(error.message).toMatch(/^AddNote: database connection lost: /);
    expectPoolIdle();

    // Killed while a statement runs: the server's FATAL reaches the query itself.
    const during = await rejection(withTransaction(pool, async (tx) => {
      const pid = await queryOne(tx, backendPid, []);
      const sleep = exec(tx, statement('Sleep', 'SELECT pg_sleep(5)'), []);
      sleep.catch(() => undefined); // it may fail before the await below
      await new Promise((resolve) => setTimeout(resolve, 50));
      await pool.query('SELECT pg_terminate_backend($1)', [pid]);
      await sleep;
    }));
    expect(during).toBeInstanceOf(ConnectionError);
    expect(during).toMatchObject({ code: '57P01', queryName: 'Sleep' });

    const pids = await Promise.all(Array.from({ length: 10 }, () => withTransaction(pool, (tx) => queryOne(tx, backendPid, []))));
    expect(pids).not.toContain(killedPid);
    expect(await queryMany(pool, listNotes, [])).toEqual([]);
    expectPoolIdle();
    expect(poolErrors).toEqual([]); // nothing escaped to the pool as an idle-client error
  });

  it('nested calls use savepoints: an inner failure rolls back only the inner work', async () => {
    await withTransaction(pool, async (tx) => {
      await exec(tx, addNote, ['outer 1']);
      await withTransaction(tx, async (inner) => {
        await exec(inner, addNote, ['inner ok']);
        const error = await rejection(withTransaction(inner, async (innermost) => {
          await exec(innermost, addNote, ['innermost dropped']);
          await exec(innermost, addNote, [null]); // NOT NULL violation
        }));
        expect(error.code).toBe('23502');
      });
      const error = await rejection(withTransaction(tx, async (inner) => {
        await exec(inner, addNote, ['inner dropped']);
        throw new Error('no');
      }));
      expect(error.message).toBe('no');
      await exec(tx, addNote, ['outer 2']);
      await expect(withTransaction(tx, async () => 1, { isolationLevel: 'serializable' })).rejects.toThrow(TypeError);
    });
    expect(await queryMany(pool, listNotes, [])).toEqual(['outer 1', 'inner ok', 'outer 2']);
    expectPoolIdle();
  });

  it('works on a pg.Client: BEGIN when idle, savepoint inside a transaction the caller began', async () => {
    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    try {
      await withTransaction(client, (tx) => exec(tx, addNote, ['client']));
      await client.query('BEGIN');
      await rejection(withTransaction(client, async (tx) => {
        await exec(tx, addNote, ['client dropped']);
        throw new Error('inner');
      }));
      await exec(client, addNote, ['client manual']);
      expect(client.getTransactionStatus()).toBe('T');
      await client.query('COMMIT');
    } finally {
      await client.end();
    }
    expect(await queryMany(pool, listNotes, [])).toEqual(['client', 'client manual']);
  });

  it('refuses to report success when fn swallowed a failed statement', async () => {
    const error = await rejection(withTransaction(pool, async (tx) => {
      await exec(tx, addNote, ['swallowed']);
      await exec(tx, addNote, [null]).catch(() => undefined);
    }));
    expect(error).toBeInstanceOf(SqlgenError);
    expect(error.code).toBe('25P02');
    expect(await queryMany(pool, listNotes, [])).toEqual([]);
  });

  it('retries deadlocks with maxRetries', async () => {
    const lock = statement('Lock', 'SELECT id FROM accounts WHERE id = $1 FOR UPDATE', { map: first });
    let arrived = 0;
    let release!: () => void;
    const barrier = new Promise<void>((resolve) => (release = resolve));
    const run = (a: number, b: number) =>
      withTransaction(pool, async (tx) => {
        await tx.query("SET LOCAL deadlock_timeout = '50ms'");
        await queryOne(tx, lock, [a]);
        if (++arrived === 2) release();
        await barrier;
        await queryOne(tx, lock, [b]);
        return 'ok';
      }, { maxRetries: 2 });
    expect(await Promise.all([run(1, 2), run(2, 1)])).toEqual(['ok', 'ok']);
    expect(arrived).toBe(3);
  });
});

describe.skipIf(!testDatabaseUrl)('withRollback', () => {
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let pool: pg.Pool;

  beforeAll(async () => {
    database = await createTestDatabase();
    pool = new pg.Pool({ connectionString: database.url, max: 2 });
    await pool.query('CREATE TABLE notes (id serial PRIMARY KEY, body text NOT NULL)');
  });

  afterAll(async () => {
    await pool?.end();
    await database?.drop();
  });

  it('returns fn’s result and leaves nothing behind, also when nested', async () => {
    const seen = await withRollback(pool, async (tx) => {
      await exec(tx, addNote, ['temporary']);
      return queryMany(tx, listNotes, []);
    });
    expect(seen).toEqual(['temporary']);
    await withTransaction(pool, async (tx) => {
      await exec(tx, addNote, ['kept']);
      await withRollback(tx, (inner) => exec(inner, addNote, ['rolled back']));
    });
    expect(await queryMany(pool, listNotes, [])).toEqual(['kept']);
    await expect(withRollback(pool, async () => {
      throw new Error('x');
    })).rejects.toThrow('x');
    expect(pool.totalCount - pool.idleCount).toBe(0);
  });
});
