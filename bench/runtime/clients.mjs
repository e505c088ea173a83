// The same two queries through every client the runtime benchmark compares: a primary-key
// lookup and a 100-row page, each reading the six columns of bench_users. Each client is
// written the way its documentation shows, with its defaults.
import { asc, eq, gt, sql as drizzleSql } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/node-postgres';
import { bigint, boolean, integer, pgTable, text, timestamp } from 'drizzle-orm/pg-core';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import postgres from 'postgres';

const columns = 'id, email, display_name, score, active, created_at';
const getText = `SELECT ${columns} FROM bench_users WHERE id = $1`;
const listText = `SELECT ${columns} FROM bench_users WHERE id > $1 ORDER BY id LIMIT 100`;

const benchUsers = pgTable('bench_users', {
  id: bigint('id', { mode: 'number' }).primaryKey(),
  email: text('email').notNull(),
  displayName: text('display_name'),
  score: integer('score').notNull(),
  active: boolean('active').notNull(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
});

const pool = (url, max) => new pg.Pool({ connectionString: url, max });

/**
 * Client name -> `async (url, connections, built) => { get(id), list(after), close() }`.
 * `built` holds the import URLs of the compiled sqlgen modules and Prisma client.
 */
export const clients = {
  'sqlgen (generated)': async (url, max, built) => {
    const { users } = await import(built.generated);
    const db = pool(url, max);
    return {
      get: (id) => users.getUser(db, { id }),
      list: (after) => users.listUsers(db, { after }),
      close: () => db.end(),
    };
  },
  'pg pool.query(text, values)': async (url, max) => {
    const db = pool(url, max);
    return {
      get: async (id) => (await db.query(getText, [id])).rows[0] ?? null,
      list: async (after) => (await db.query(listText, [after])).rows,
      close: () => db.end(),
    };
  },
  'pg, named statement': async (url, max) => {
    const db = pool(url, max);
    return {
      get: async (id) => (await db.query({ name: 'bench_get_user', text: getText, values: [id] })).rows[0] ?? null,
      list: async (after) => (await db.query({ name: 'bench_list_users', text: listText, values: [after] })).rows,
      close: () => db.end(),
    };
  },
  'postgres.js': async (url, max) => {
    const sql = postgres(url, { max, prepare: true, onnotice: () => {} });
    return {
      get: async (id) => (await sql`SELECT id, email, display_name, score, active, created_at FROM bench_users WHERE id = ${id}`)[0] ?? null,
      list: (after) => sql`SELECT id, email, display_name, score, active, created_at FROM bench_users WHERE id > ${after} ORDER BY id LIMIT 100`,
      close: () => sql.end({ timeout: 5 }),
    };
  },
  Kysely: async (url, max) => {
    const db = new Kysely({ dialect: new PostgresDialect({ pool: pool(url, max) }) });
    const select = ['id', 'email', 'display_name', 'score', 'active', 'created_at'];
    return {
      get: async (id) => (await db.selectFrom('bench_users').select(select).where('id', '=', id).executeTakeFirst()) ?? null,
      list: (after) => db.selectFrom('bench_users').select(select).where('id', '>', after).orderBy('id').limit(100).execute(),
      close: () => db.destroy(),
    };
  },
  Drizzle: async (url, max) => {
    const client = pool(url, max);
    const db = drizzle({ client });
    return {
      get: async (id) => (await db.select().from(benchUsers).where(eq(benchUsers.id, id)))[0] ?? null,
      list: (after) => db.select().from(benchUsers).where(gt(benchUsers.id, after)).orderBy(asc(benchUsers.id)).limit(100),
      close: () => client.end(),
    };
  },
  'Drizzle, prepared': async (url, max) => {
    const client = pool(url, max);
    const db = drizzle({ client });
    const get = db.select().from(benchUsers).where(eq(benchUsers.id, drizzleSql.placeholder('id'))).prepare('bench_drizzle_get');
    const list = db.select().from(benchUsers).where(gt(benchUsers.id, drizzleSql.placeholder('after'))).orderBy(asc(benchUsers.id)).limit(100).prepare('bench_drizzle_list');
    return {
      get: async (id) => (await get.execute({ id }))[0] ?? null,
      list: (after) => list.execute({ after }),
      close: () => client.end(),
    };
  },
  'Prisma 7 (engine-free, adapter-pg)': async (url, max, built) => {
    if (built.prisma.error) throw new Error(built.prisma.error);
    const { PrismaClient } = await import(built.prisma.url);
    const { PrismaPg } = await import('@prisma/adapter-pg');
    const prisma = new PrismaClient({ adapter: new PrismaPg({ connectionString: url, max }) });
    await prisma.$connect();
    return {
      get: (id) => prisma.benchUser.findUnique({ where: { id: BigInt(id) } }),
      list: (after) => prisma.benchUser.findMany({ where: { id: { gt: BigInt(after) } }, orderBy: { id: 'asc' }, take: 100 }),
      close: () => prisma.$disconnect(),
    };
  },
};

/** Rows every client must return, checked once per client before timing. */
export async function checkClient(name, client) {
  const one = await client.get(42);
  const email = one?.email;
  if (email !== 'user42@example.com') throw new Error(`${name}: the lookup of id 42 gave ${JSON.stringify(one)}`);
  const page = await client.list(500);
  if (page.length !== 100 || Number(page[0].id) !== 501) throw new Error(`${name}: the page after 500 has ${page.length} rows starting at ${page[0]?.id}`);
  if (!((page[0].createdAt ?? page[0].created_at) instanceof Date)) throw new Error(`${name}: created_at is not a Date`);
}

/** The table's rows: ids 1..count. */
export const seedSql = (count) => `INSERT INTO bench_users (id, email, display_name, score, active, created_at)
SELECT i, 'user' || i || '@example.com', CASE WHEN i % 5 = 0 THEN NULL ELSE 'User ' || i END, i % 1000, i % 3 <> 0,
       timestamptz '2024-01-01 00:00:00+00' + i * interval '1 minute'
FROM generate_series(1, ${count}) AS i;
ANALYZE bench_users;`;
