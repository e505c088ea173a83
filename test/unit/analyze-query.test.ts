import { loadModule } from 'libpg-query';
import { beforeAll, describe, expect, test } from 'vitest';
import { analyzeQuery, newRunContext, type AnalyzeResult } from '../../src/analyze/analyze-query.js';
import type { AnalyzedQuery } from '../../src/analyze/analyzed-query.js';
import { parseQueries } from '../../src/parse/parse-query.js';
import type { QueryFile } from '../../src/parse/query-source.js';
import { splitQueryFile } from '../../src/parse/split-query-file.js';
import type { DescribedField, DescribeResult } from '../../src/schema/db-session.js';
import { oid, rel, testCatalog } from './fixtures/catalog.js';

// analyzeQuery is pure once PostgreSQL's Describe reply is known: these tests hand it one.

beforeAll(async () => {
  await loadModule();
});

function field(name: string, typeOid: number, tableOid = 0, columnNumber = 0): DescribedField {
  return { name, typeOid, tableOid, columnNumber };
}

function analyze(text: string, described: DescribeResult): AnalyzeResult {
  const split = splitQueryFile(text, 'queries/users.sql');
  const file: QueryFile = { path: '/q/users.sql', displayPath: 'queries/users.sql', moduleName: 'users', text, queries: split.queries };
  const parsed = parseQueries(file);
  expect([...split.diagnostics, ...parsed.diagnostics]).toEqual([]);
  return analyzeQuery(file, parsed.queries[0]!, described, newRunContext(testCatalog()));
}

function query(text: string, paramTypes: number[], fields: DescribedField[]): AnalyzedQuery {
  const result = analyze(text, { ok: true, paramTypes, fields });
  if (!('query' in result)) throw new Error(JSON.stringify(result.diagnostics));
  return result.query;
}

describe('result columns', () => {
  test('nullability from the parse tree, keyed by position', () => {
    const q = query('-- name: A :many\nSELECT u.id, p.title FROM users u LEFT JOIN posts p ON p.author_id = u.id',
      [], [field('id', oid.int8, rel.users, 1), field('title', oid.text, rel.posts, 3)]);
    expect(q.columns.map((c) => [c.name, c.nullable])).toEqual([['id', false], ['title', true]]);
  });

  test('the ! and ? alias marks win and are dropped from the name', () => {
    const q = query('-- name: A :one\nSELECT max(id) AS "top!", email AS "email?" FROM users',
      [], [field('top!', oid.int8), field('email?', oid.text, rel.users, 2)]);
    expect(q.columns.map((c) => [c.name, c.nullable])).toEqual([['top', false], ['email', true]]);
  });

  test('a column of a domain keeps the domain type the table declares', () => {
    const q = query('-- name: A :one\nSELECT contact FROM users', [], [field('contact', oid.text, rel.users, 7)]);
    expect(q.columns[0]!.typeOid).not.toBe(oid.text);
  });

  test('SELECT * is expanded in the emitted SQL', () => {
    const q = query('-- name: A :many\nSELECT * FROM orgs', [], [field('org_id', oid.int8, rel.orgs, 1), field('name', oid.text, rel.orgs, 2)]);
    expect(q.sql).toBe('SELECT org_id, name FROM orgs');
    expect(q.sourceSql).toBe('SELECT * FROM orgs');
  });

  test(':exec keeps no columns; :one without columns is an error', () => {
    expect(query('-- name: A :exec\nDELETE FROM orgs RETURNING org_id', [], [field('org_id', oid.int8, rel.orgs, 1)]).columns).toEqual([]);
    const result = analyze('-- name: A :one\nDELETE FROM orgs', { ok: true, paramTypes: [], fields: [] });
    expect('diagnostics' in result && result.diagnostics[0]!.message).toMatch(/returns no columns/);
  });

  test('two result columns with one name are an error for :many', () => {
    const result = analyze('-- name: A :many\nSELECT o.org_id, m.org_id FROM orgs o JOIN memberships m USING (org_id)',
      { ok: true, paramTypes: [], fields: [field('org_id', oid.int8), field('org_id', oid.int8)] });
    expect('diagnostics' in result && result.diagnostics[0]!.message).toBe('query A returns more than one column named "org_id"; give each an alias');
  });
});

describe('parameters', () => {
  test('names, nullability and row counts', () => {
    const q = query('-- name: A :many\nUPDATE users SET display_name = $1 WHERE email = $2 AND length(email) > $3 RETURNING id',
      [oid.text, oid.text, oid.int8], [field('id', oid.int8, rel.users, 1)]);
    expect(q.params.map((p) => [p.number, p.name, p.nullable])).toEqual([[1, 'display_name', true], [2, 'email', false], [3, 'p3', false]]);
  });

  test("a named parameter keeps the user's name and still takes the target's nullability", () => {
    const q = query('-- name: A :exec\nUPDATE users SET display_name = @newName WHERE id = sqlgen.arg(id)', [oid.text, oid.int8], []);
    expect(q.params.map((p) => [p.name, p.nullable, p.typeOid])).toEqual([['newName', true, oid.text], ['id', false, oid.int8]]);
  });

  test('LIMIT is a row count', () => {
    const q = query('-- name: A :many\nSELECT id FROM users LIMIT $1', [oid.int8], [field('id', oid.int8, rel.users, 1)]);
    expect(q.params[0]).toMatchObject({ name: 'limit', rowCount: true });
  });

  test('a parameter typed nullable is nullable where it is returned', () => {
    const q = query('-- name: A :one\nUPDATE users SET display_name = $1 WHERE id = $2 RETURNING id, $1::text AS shown',
      [oid.text, oid.int8], [field('id', oid.int8, rel.users, 1), field('shown', oid.text)]);
    expect(q.params[0]!.nullable).toBe(true);
    expect(q.columns.map((c) => [c.name, c.nullable])).toEqual([['id', false], ['shown', true]]);
  });
});

describe('errors', () => {
  test("PostgreSQL's error position is mapped back through named parameters to the file", () => {
    const text = '-- name: A :one\nSELECT sqlgen.arg(long_name), emial FROM users';
    const position = 'SELECT $1, emial'.indexOf('emial') + 1; // 1-based, in the rewritten text
    const result = analyze(text, { ok: false, error: { message: 'column "emial" does not exist', code: '42703', position, hint: 'Perhaps you meant "email".', detail: undefined } });
    expect('diagnostics' in result && result.diagnostics).toEqual([{
      severity: 'error', message: 'column "emial" does not exist', file: 'queries/users.sql', line: 2, column: 31,
      sourceLine: 'SELECT sqlgen.arg(long_name), emial FROM users', hint: 'Perhaps you meant "email".',
    }]);
  });

  test(':copyfrom errors are placed at the offending parameter', () => {
    const text = '-- name: A :copyfrom\nINSERT INTO orgs (org_id) VALUES (@id) ON CONFLICT (org_id) DO UPDATE SET name = @name';
    const result = analyze(text, { ok: true, paramTypes: [oid.int8, oid.text], fields: [] });
    expect('diagnostics' in result && result.diagnostics.map((d) => [d.line, d.column, d.message])).toEqual([
      [2, text.split('\n')[1]!.indexOf('@name') + 1, ':copyfrom parameters must all stand in the VALUES list'],
    ]);
  });
});
