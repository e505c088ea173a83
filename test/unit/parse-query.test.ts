import { loadModule } from 'libpg-query';
import { beforeAll, describe, expect, test } from 'vitest';
import { parseQueries, queryDiagnostic } from '../../src/parse/parse-query.js';
import type { QueryFile } from '../../src/parse/query-source.js';
import { splitQueryFile } from '../../src/parse/split-query-file.js';

beforeAll(async () => {
  await loadModule();
});

function fileOf(text: string): QueryFile {
  const split = splitQueryFile(text, 'queries/users.sql');
  expect(split.diagnostics).toEqual([]);
  return { path: '/abs/queries/users.sql', displayPath: 'queries/users.sql', moduleName: 'users', text, queries: split.queries };
}

/** Each diagnostic as `line:column message`. */
function problems(text: string): string[] {
  return parseQueries(fileOf(text)).diagnostics.map((d) => `${d.line}:${d.column} ${d.message}`);
}

describe('parameters', () => {
  test('$N written by the user come from the parse tree, in number order, unnamed', () => {
    const [query] = parseQueries(fileOf('-- name: A :one\nSELECT * FROM users WHERE b = $2 AND a = $1;')).queries;
    expect(query!.params.map((p) => [p.number, p.name, p.nullable])).toEqual([[1, undefined, false], [2, undefined, false]]);
  });

  test('named and positional parameters together, with named ones rewritten in the text', () => {
    const [query] = parseQueries(fileOf('-- name: A :many\nSELECT * FROM users WHERE org_id = $1 AND email = sqlgen.narg(email)')).queries;
    expect(query!.text).toBe('SELECT * FROM users WHERE org_id = $1 AND email = $2');
    expect(query!.params.map((p) => [p.number, p.name, p.nullable])).toEqual([[1, undefined, false], [2, 'email', true]]);
  });

  test('a positional parameter offset is mapped back through the named-parameter edits', () => {
    const sql = 'SELECT sqlgen.arg(long_name), $1';
    const [query] = parseQueries(fileOf(`-- name: A :one\n${sql}`)).queries;
    expect(query!.params.find((p) => p.number === 1)!.offset).toBe(sql.indexOf('$1'));
  });

  test('finds $N inside a CTE', () => {
    const [query] = parseQueries(fileOf('-- name: A :many\nWITH x AS (SELECT id FROM users WHERE id = $1) SELECT id FROM x')).queries;
    expect(query!.params.map((p) => p.number)).toEqual([1]);
  });

  test('finds $N in both branches of a UNION', () => {
    const [query] = parseQueries(fileOf('-- name: A :many\nSELECT id FROM users WHERE id = $1 UNION SELECT id FROM posts WHERE id = $2')).queries;
    expect(query!.params.map((p) => p.number)).toEqual([1, 2]);
  });

  test('finds $N in ON CONFLICT DO UPDATE SET and in RETURNING', () => {
    const [query] = parseQueries(fileOf('-- name: A :one\nINSERT INTO orgs (org_id) VALUES ($1) ON CONFLICT (org_id) DO UPDATE SET name = $2 RETURNING org_id + $3')).queries;
    expect(query!.params.map((p) => p.number)).toEqual([1, 2, 3]);
  });

  test('finds $N in joins, subqueries and function arguments', () => {
    const [query] = parseQueries(fileOf('-- name: A :many\nSELECT lower($3) FROM users u JOIN posts p ON p.author_id = u.id AND p.score > $1 WHERE u.id IN (SELECT author_id FROM posts WHERE title = $2)')).queries;
    expect(query!.params.map((p) => p.number)).toEqual([1, 2, 3]);
  });

  test('keeps the source, the edits and the statement node', () => {
    const [query] = parseQueries(fileOf('-- name: GetUser :one\nSELECT 1 WHERE 1 = @x;')).queries;
    expect(query!.source).toMatchObject({ name: 'GetUser', command: 'one' });
    expect(query!.edits).toHaveLength(1);
    expect(Object.keys(query!.statement)).toEqual(['SelectStmt']);
  });
});

describe('errors', () => {
  test('a syntax error is placed at its line and column in the file', () => {
    expect(problems('-- name: A :one\n-- Doc.\nSELECT id,\n  FROM users;')).toEqual(['4:3 syntax error at or near "FROM"']);
  });

  test('a syntax error after a named parameter maps back through the edit', () => {
    // `sqlgen.arg(email)` (17 characters) becomes `$1`; `FORM` reads as a column alias, so the
    // error is at `users`, whose column must count the original text.
    expect(problems('-- name: A :one\nSELECT sqlgen.arg(email) FORM users')).toEqual(['2:31 syntax error at or near "users"']);
  });

  test('a syntax error at the end of input points just past the end', () => {
    expect(problems('-- name: A :one\nSELECT * FROM users WHERE')).toEqual(['2:26 syntax error at end of input']);
  });

  test('more than one statement is an error at the second one', () => {
    expect(problems('-- name: A :exec\nDELETE FROM a;\nDELETE FROM b;')).toEqual([
      '3:1 query A has more than one statement; put each in its own "-- name:" block',
    ]);
  });

  test('a query of comments only has no statement', () => {
    expect(problems('-- name: A :exec\n\n/* nothing */')).toEqual(['3:1 query A has no SQL statement']);
  });

  test('an error in a named parameter is reported and the query skipped', () => {
    const result = parseQueries(fileOf('-- name: A :one\nSELECT sqlgen.nope(x);\n-- name: B :one\nSELECT 1;'));
    expect(result.diagnostics.map((d) => `${d.line}:${d.column} ${d.message}`)).toEqual([
      '2:8 unknown function sqlgen.nope; expected sqlgen.arg(name) or sqlgen.narg(name)',
    ]);
    expect(result.queries.map((q) => q.source.name)).toEqual(['B']);
  });

  test('every query of a file is checked, not only up to the first error', () => {
    expect(problems('-- name: A :one\nSELEC 1;\n-- name: B :one\nSELECT 1;\n-- name: C :one\nSELECT FROM WHERE;')).toHaveLength(2);
  });

  test('CRLF files: the column of a syntax error ignores the \\r', () => {
    expect(problems('-- name: A :one\r\nSELECT id,\r\n  FROM users;\r\n')).toEqual(['3:3 syntax error at or near "FROM"']);
  });
});

describe('queryDiagnostic', () => {
  const text = '-- name: A :one\nSELECT a,\n       b FROM t';
  const file = fileOf(text);
  const source = file.queries[0]!;

  test('places an offset of the query in the file, with the source line', () => {
    expect(queryDiagnostic(file, source, source.sql.indexOf('b FROM'), 'boom', 'try this')).toEqual({
      severity: 'error',
      message: 'boom',
      file: 'queries/users.sql',
      line: 3,
      column: 8,
      sourceLine: '       b FROM t',
      hint: 'try this',
    });
  });

  test('without an offset it names only the first line of the query', () => {
    expect(queryDiagnostic(file, source, undefined, 'boom')).toEqual({ severity: 'error', message: 'boom', file: 'queries/users.sql', line: 2 });
  });
});
