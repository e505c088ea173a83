import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CheckViolationError,
  ConnectionError,
  DeadlockDetectedError,
  exec,
  ForeignKeyViolationError,
  NotNullViolationError,
  queryOne,
  QueryCanceledError,
  SerializationFailureError,
  SqlgenError,
  UniqueViolationError,
  withTransaction,
} from '../../src/runtime/runtime.js';
import { createTestDatabase, testDatabaseUrl } from '../support/database.js';
import { rejection, statement } from './helpers.js';

describe.skipIf(!testDatabaseUrl)('typed errors from real violations', () => {
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let pool: pg.Pool;

  beforeAll(async () => {
    database = await createTestDatabase();
    pool = new pg.Pool({ connectionString: database.url, max: 4 });
    pool.on('error', () => undefined); // idle connections killed by the connection test
    await pool.query(`
      CREATE TABLE teams (id int4 PRIMARY KEY);
      CREATE TABLE users (
        id int4 PRIMARY KEY,
        email text NOT NULL CONSTRAINT users_email_key UNIQUE,
        age int4 CONSTRAINT users_age_check CHECK (age >= 0),
        team_id int4 CONSTRAINT users_team_fkey REFERENCES teams (id)
      );
      INSERT INTO teams VALUES (1);
      INSERT INTO users VALUES (1, 'a@example.com', 30, 1), (2, 'b@example.com', 40, 1);
    `);
  });

  afterAll(async () => {
    await pool?.end();
    await database?.drop();
  });

  const createUser = statement('CreateUser', 'INSERT INTO users (id, email, age, team_id) VALUES ($1, $2, $3, $4)');

  it('UniqueViolationError', async () => {
    const error = await rejection(exec(pool, createUser, [3, 'a@example.com', 1, 1]));
    expect(error).toBeInstanceOf(UniqueViolationError);
    expect(error).toBeInstanceOf(SqlgenError);
    expect(error).toMatchObject({
      name: 'UniqueViolationError',
      code: '23505',
      queryName: 'CreateUser',
      constraint: 'users_email_key',
      table: 'users',
      detail: 'Key (email)=(a@example.com) already exists.',
      message: 'CreateUser: duplicate key value violates unique constraint "users_email_key"',
    });
    expect(error.cause).toBeInstanceOf(pg.DatabaseError);
    expect(error.cause.code).toBe('23505');
    expect(error.stack).toContain('UniqueViolationError');
  });

  it('ForeignKeyViolationError', async () => {
    const error = await rejection(exec(pool, createUser, [3, 'c@example.com', 1, 99]));
    expect(error).toBeInstanceOf(ForeignKeyViolationError);
    expect(error).toMatchObject({ code: '23503', constraint: 'users_team_fkey', table: 'users', queryName: 'CreateUser' });
    expect(error.detail).toContain('(team_id)=(99)');
  });

  it('NotNullViolationError', async () => {
    const error = await rejection(exec(pool, createUser, [3, null, 1, 1]));
    expect(error).toBeInstanceOf(NotNullViolationError);
    expect(error).toMatchObject({ code: '23502', table: 'users', column: 'email', queryName: 'CreateUser' });
  });

  it('CheckViolationError', async () => {
    const error = await rejection(exec(pool, createUser, [3, 'c@example.com', -1, 1]));
    expect(error).toBeInstanceOf(CheckViolationError);
    expect(error).toMatchObject({ code: '23514', constraint: 'users_age_check', table: 'users' });
  });

  it('QueryCanceledError', async () => {
    const sleep = statement('Sleep', 'SELECT pg_sleep(5)');
    const error = await rejection(withTransaction(pool, async (tx) => {
      await tx.query("SET LOCAL statement_timeout = '50ms'");
      await exec(tx, sleep, []);
    }));
    expect(error).toBeInstanceOf(QueryCanceledError);
    expect(error).toMatchObject({ code: '57014', queryName: 'Sleep' });
  });

  it('SerializationFailureError', async () => {
    const bump = statement('BumpAge', 'UPDATE users SET age = age + 1 WHERE id = $1');
    const first = await pool.connect();
    try {
      await first.query('BEGIN ISOLATION LEVEL SERIALIZABLE');
      await exec(first, bump, [1]);
      const second = withTransaction(pool, (tx) => exec(tx, bump, [1]), { isolationLevel: 'repeatable read' });
      await new Promise((resolve) => setTimeout(resolve, 100)); // second is now waiting for the row lock
      await first.query('COMMIT');
      const error = await rejection(second);
      expect(error).toBeInstanceOf(SerializationFailureError);
      expect(error).toMatchObject({ code: '40001', queryName: 'BumpAge' });
    } finally {
      first.release();
    }
  });

  it('DeadlockDetectedError', async () => {
    const lock = statement('LockUser', 'SELECT id FROM users WHERE id = $1 FOR UPDATE', { map: (row: unknown[]) => row[0] });
    let arrived = 0;
    let bothLocked!: () => void;
    const barrier = new Promise<void>((resolve) => (bothLocked = resolve));
    const transfer = (a: number, b: number) =>
      withTransaction(pool, async (tx) => {
        await tx.query("SET LOCAL deadlock_timeout = '50ms'");
        await queryOne(tx, lock, [a]);
        if (++arrived === 2) bothLocked();
        await barrier;
        await queryOne(tx, lock, [b]);
      });
    const results = await Promise.allSettled([transfer(1, 2), transfer(2, 1)]);
    const failures = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(failures).toHaveLength(1);
    expect(failures[0]?.reason).toBeInstanceOf(DeadlockDetectedError);
    expect(failures[0]?.reason).toMatchObject({ code: '40P01', queryName: 'LockUser' });
  });

  it('other database errors are SqlgenError with the code; non-database errors pass through', async () => {
    const error = await rejection(queryOne(pool, statement('Divide', 'SELECT 1 / $1::int4'), [0]));
    expect(error.constructor).toBe(SqlgenError);
    expect(error).toMatchObject({ code: '22012', queryName: 'Divide', message: 'Divide: division by zero' });
    const circular: Record<string, unknown> = {};
    circular.self = circular;
    const thrown = await rejection(queryOne(pool, statement('Json', 'SELECT $1::jsonb'), [circular]));
    expect(thrown).not.toBeInstanceOf(SqlgenError);
    expect(await queryOne(pool, statement('One', 'SELECT 1', { map: (r: unknown[]) => r[0] }), [])).toBe(1);
  });

  it('ConnectionError when the backend is terminated, and could-not-connect', async () => {
    const pid = statement('Pid', 'SELECT pg_backend_pid()', { map: (row: unknown[]) => row[0] as number });
    const client = new pg.Client({ connectionString: database.url });
    client.on('error', () => undefined);
    await client.connect();
    const backend = await queryOne(client, pid, []);
    await pool.query('SELECT pg_terminate_backend($1)', [backend]);
    const error = await rejection(queryOne(client, pid, []));
    expect(error).toBeInstanceOf(ConnectionError);
    expect(error).toMatchObject({ queryName: 'Pid' });
    expect(error.message).toMatch(/^Pid: database connection lost: /);
    await client.end();

    const nowhere = new pg.Pool({ connectionString: 'postgres://postgres@127.0.0.1:1/postgres' });
    const refused = await rejection(queryOne(nowhere, pid, []));
    expect(refused).toBeInstanceOf(ConnectionError);
    expect(refused).toMatchObject({ code: '08001', queryName: 'Pid' });
    expect(refused.message).toMatch(/^Pid: could not connect to the database: /);
    await nowhere.end();
  });
});
