import { loadModule, parseSync } from 'libpg-query';
import { beforeAll, describe, expect, test } from 'vitest';
import type { Node } from '../../src/analyze/ast.js';
import { copyFromSql, copyInSql } from '../../src/analyze/copy-from.js';
import type { Catalog } from '../../src/schema/catalog.js';
import { arrayOid, oid, testCatalog, user } from './fixtures/catalog.js';

let catalog: Catalog;

beforeAll(async () => {
  await loadModule();
  catalog = testCatalog();
});

function bulk(sql: string, paramTypes: readonly number[]): ReturnType<typeof copyFromSql> {
  const statement = (parseSync(sql).stmts?.[0] as { stmt: Node }).stmt;
  return copyFromSql(sql, statement, paramTypes, catalog);
}

describe('copyFromSql rewrite', () => {
  test('rewrites one VALUES row into SELECT ... FROM unnest of one array per parameter', () => {
    expect(bulk('INSERT INTO posts (author_id, title) VALUES ($1, $2)', [oid.int8, oid.text]))
      .toBe('INSERT INTO posts (author_id, title) SELECT u.p1, u.p2 FROM unnest($1::int8[], $2::text[]) AS u (p1, p2)');
  });

  test('keeps expressions around the parameters inside VALUES', () => {
    expect(bulk("INSERT INTO posts (author_id, title) VALUES ($1, upper($2) || '!')", [oid.int8, oid.text]))
      .toBe("INSERT INTO posts (author_id, title) SELECT u.p1, upper(u.p2) || '!' FROM unnest($1::int8[], $2::text[]) AS u (p1, p2)");
  });

  test('keeps what follows the VALUES list (ON CONFLICT DO NOTHING)', () => {
    expect(bulk('INSERT INTO orgs (org_id, name) VALUES ($1, $2) ON CONFLICT DO NOTHING', [oid.int8, oid.text]))
      .toBe('INSERT INTO orgs (org_id, name) SELECT u.p1, u.p2 FROM unnest($1::int8[], $2::text[]) AS u (p1, p2) ON CONFLICT DO NOTHING');
  });

  test('an array-typed parameter travels as text[] of array literals and is cast back', () => {
    expect(bulk('INSERT INTO users (email, tags) VALUES ($1, $2)', [oid.text, arrayOid.text]))
      .toBe('INSERT INTO users (email, tags) SELECT u.p1, u.p2::text[] FROM unnest($1::text[], $2::text[]) AS u (p1, p2)');
    expect(bulk('INSERT INTO t (a) VALUES ($1)', [arrayOid.int4]))
      .toBe('INSERT INTO t (a) SELECT u.p1::int4[] FROM unnest($1::text[]) AS u (p1)');
  });

  test('a user type is named with its schema', () => {
    expect(bulk('INSERT INTO t (m) VALUES ($1)', [user.mood])).toBe('INSERT INTO t (m) SELECT u.p1 FROM unnest($1::public.mood[]) AS u (p1)');
    expect(bulk('INSERT INTO t (m) VALUES ($1)', [user.moodArray])).toBe('INSERT INTO t (m) SELECT u.p1::public.mood[] FROM unnest($1::text[]) AS u (p1)');
  });

  test('a composite parameter travels as text and is cast back (unnest would spread it)', () => {
    expect(bulk('INSERT INTO t (a) VALUES ($1)', [user.address])).toBe('INSERT INTO t (a) SELECT u.p1::public.address FROM unnest($1::text[]) AS u (p1)');
  });

  test('bit goes in as varbit and "char" is quoted, so their arrays keep every value', () => {
    expect(bulk('INSERT INTO t (a, b) VALUES ($1, $2)', [oid.bit, oid.char])).toBe('INSERT INTO t (a, b) SELECT u.p1, u.p2 FROM unnest($1::varbit[], $2::"char"[]) AS u (p1, p2)');
  });

  test('an unknown parameter type is sent as text', () => {
    expect(bulk('INSERT INTO t (a) VALUES ($1)', [999999])).toBe('INSERT INTO t (a) SELECT u.p1 FROM unnest($1::text[]) AS u (p1)');
  });

  test('the result parses as one INSERT ... SELECT', () => {
    const sql = bulk('INSERT INTO posts (author_id, title) VALUES ($1, $2)', [oid.int8, oid.text]) as string;
    const [first, ...rest] = parseSync(sql).stmts as { stmt: Node }[];
    expect(rest).toEqual([]);
    expect(first!.stmt.InsertStmt.selectStmt.SelectStmt.fromClause[0].RangeFunction).toBeDefined();
  });
});

describe('copyFromSql errors', () => {
  test('RETURNING is refused', () => {
    expect(bulk('INSERT INTO orgs (name) VALUES ($1) RETURNING org_id', [oid.text]))
      .toEqual({ error: expect.stringContaining('cannot have RETURNING'), offset: 0 });
  });

  test('more than one VALUES row is refused', () => {
    expect(bulk('INSERT INTO orgs (org_id, name) VALUES ($1, $2), ($3, $4)', [oid.int8, oid.text, oid.int8, oid.text]))
      .toEqual({ error: expect.stringContaining('one row of parameters'), offset: 0 });
  });

  test('a statement other than INSERT ... VALUES is refused', () => {
    expect(bulk('UPDATE orgs SET name = $1', [oid.text])).toEqual({ error: expect.stringContaining('INSERT INTO table'), offset: 0 });
    expect(bulk('INSERT INTO orgs (name) SELECT $1', [oid.text])).toEqual({ error: expect.stringContaining('INSERT INTO table'), offset: 0 });
  });

  test('a parameter outside the VALUES list is refused at its offset', () => {
    const sql = 'INSERT INTO orgs (org_id, name) VALUES ($1, $2) ON CONFLICT (org_id) DO UPDATE SET name = $3';
    expect(bulk(sql, [oid.int8, oid.text, oid.text])).toEqual({ error: expect.stringContaining('must all stand in the VALUES list'), offset: sql.indexOf('$3') });
  });
});

describe('copyInSql', () => {
  const copyIn = (sql: string, paramTypes: readonly number[]): string | undefined => copyInSql(bulk(sql, paramTypes) as string);

  test('names the table and its columns in parameter order', () => {
    expect(copyIn('INSERT INTO posts (author_id, title) VALUES ($1, $2)', [oid.int8, oid.text])).toBe('COPY posts (author_id, title) FROM STDIN');
    expect(copyIn('INSERT INTO posts (title, author_id) VALUES ($2, $1);', [oid.int8, oid.text])).toBe('COPY posts (author_id, title) FROM STDIN');
  });

  test('keeps schema, quoting and an alias-free relation as written; comments are skipped', () => {
    expect(copyIn('INSERT INTO "My Schema".posts AS p ( "Title" /* shown */, author_id) VALUES ($1, $2)', [oid.text, oid.int8]))
      .toBe('COPY "My Schema".posts ("Title", author_id) FROM STDIN');
  });

  test('accepts the casts back from text of array and composite parameters', () => {
    expect(copyIn('INSERT INTO users (email, tags) VALUES ($1, $2)', [oid.text, arrayOid.text])).toBe('COPY users (email, tags) FROM STDIN');
    expect(copyIn('INSERT INTO t (m, a) VALUES ($1, $2)', [user.moodArray, user.address])).toBe('COPY t (m, a) FROM STDIN');
  });

  test('is undefined when COPY cannot do what the INSERT does', () => {
    const refused: [string, number[]][] = [
      ["INSERT INTO posts (author_id, title) VALUES ($1, upper($2) || '!')", [oid.int8, oid.text]],
      ['INSERT INTO posts (author_id, title) VALUES ($1, $2::text)', [oid.int8, oid.text]],
      ['INSERT INTO posts (author_id, title) VALUES ($1, $1::text)', [oid.int8]],
      ['INSERT INTO posts (author_id, title, body) VALUES ($1, $2, DEFAULT)', [oid.int8, oid.text]],
      ["INSERT INTO posts (author_id, title) VALUES ($1, 'x')", [oid.int8]],
      ['INSERT INTO posts (author_id, title) VALUES ($1, ($2))', [oid.int8, oid.text]],
      ['INSERT INTO orgs (org_id, name) VALUES ($1, $2) ON CONFLICT DO NOTHING', [oid.int8, oid.text]],
      ['WITH x AS (SELECT 1) INSERT INTO orgs (org_id, name) VALUES ($1, $2)', [oid.int8, oid.text]],
      ['INSERT INTO orgs (org_id, name) OVERRIDING SYSTEM VALUE VALUES ($1, $2)', [oid.int8, oid.text]],
      ['INSERT INTO orgs VALUES ($1, $2)', [oid.int8, oid.text]],
      ['INSERT INTO t (a[1], b) VALUES ($1, $2)', [oid.int4, oid.text]],
      ["INSERT INTO users (email, tags) VALUES ($1, $2 || '{x}')", [oid.text, arrayOid.text]],
      ['INSERT INTO t (m) VALUES ($1::public.mood[])', [user.moodArray]],
    ];
    for (const [sql, types] of refused) expect({ sql, copy: copyIn(sql, types) }).toEqual({ sql, copy: undefined });
  });
});
