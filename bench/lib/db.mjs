// The server the benchmarks run against: TEST_DATABASE_URL, local addresses only. Each section
// creates its own databases (named sqlgen_bench_*) and drops them when it ends.
import pg from 'pg';

export const defaultUrl = 'postgres://postgres@127.0.0.1:5432/postgres';

/** TEST_DATABASE_URL (or the default), refused unless it points at this machine. */
export function serverUrl(env = process.env) {
  const url = env.TEST_DATABASE_URL || defaultUrl;
  const parsed = new URL(url);
  const host = parsed.hostname.replace(/^\[|\]$/g, '');
  const socket = parsed.searchParams.get('host');
  // No host: a Unix socket (the default one, or ?host=/path).
  const local = host === 'localhost' || host === '::1' || /^127\./.test(host) || (host === '' && (socket === null || socket.startsWith('/')));
  if (!local) throw new Error(`TEST_DATABASE_URL must point at this machine (localhost, 127.0.0.0/8 or ::1), not ${host}`);
  return url;
}

/** The same server, another database. */
export function databaseUrl(url, database) {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

const created = new Set();

/**
 * Creates (or re-creates) database `sqlgen_bench_<name>`, runs `sql` in it, and returns its URL.
 * `dropDatabases()` removes every database made this way.
 */
export async function createDatabase(url, name, sql = '') {
  const database = `sqlgen_bench_${name}`;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
    await admin.query(`CREATE DATABASE ${database}`);
  } finally {
    await admin.end();
  }
  created.add(database);
  const target = databaseUrl(url, database);
  if (sql) {
    const client = new pg.Client({ connectionString: target });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  }
  return target;
}

export async function dropDatabases(url) {
  if (!created.size) return;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  try {
    for (const database of created) {
      await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`).catch((error) => {
        process.stderr.write(`bench: could not drop ${database}: ${error.message}\n`);
      });
      created.delete(database);
    }
  } finally {
    await admin.end();
  }
}

/** `PostgreSQL 15.4 (Debian ...)` of the server, and its settings that matter to the numbers. */
export async function serverInfo(url) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query(
      `SELECT version() AS version,
              current_setting('max_connections') AS max_connections,
              current_setting('shared_buffers') AS shared_buffers,
              current_setting('synchronous_commit') AS synchronous_commit,
              current_setting('fsync') AS fsync`,
    );
    return rows[0];
  } finally {
    await client.end();
  }
}
