import { randomBytes } from 'node:crypto';
import pg from 'pg';

/**
 * The server tests run against: TEST_DATABASE_URL, e.g. postgres://postgres@127.0.0.1:5432/postgres.
 * Unset, server tests skip (loudly); set, a server that cannot be reached fails them.
 */
export const testDatabaseUrl: string | undefined = process.env.TEST_DATABASE_URL || undefined;

if (testDatabaseUrl === undefined) {
  console.warn('\n*** TEST_DATABASE_URL is not set: tests that need PostgreSQL are SKIPPED. ***\n');
}

/**
 * Creates a database with a unique name on the TEST_DATABASE_URL server, for one test file.
 *
 * @example
 * const db = await createTestDatabase();
 * const pool = new pg.Pool({ connectionString: db.url });
 * ...
 * await pool.end();
 * await db.drop();
 */
export async function createTestDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  if (testDatabaseUrl === undefined) throw new Error('TEST_DATABASE_URL is not set');
  const name = `sqlgen_test_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: testDatabaseUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(testDatabaseUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const client = new pg.Client({ connectionString: testDatabaseUrl });
      await client.connect();
      try {
        await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await client.end();
      }
    },
  };
}
