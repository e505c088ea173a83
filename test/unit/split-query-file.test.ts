import { describe, expect, test } from 'vitest';
import { splitQueryFile } from '../../src/parse/split-query-file.js';

/** Each diagnostic as `line:column message`. */
function problems(text: string): string[] {
  return splitQueryFile(text, 'queries/users.sql').diagnostics.map((d) => `${d.line}:${d.column} ${d.message}`);
}

function queries(text: string) {
  const result = splitQueryFile(text, 'queries/users.sql');
  expect(result.diagnostics).toEqual([]);
  return result.queries;
}

describe('splitting', () => {
  test('cuts a file into named queries with their commands and SQL', () => {
    const text = [
      '-- name: GetUser :one',
      'SELECT * FROM users WHERE id = @id;',
      '',
      '-- name: ListUsers :many',
      'SELECT * FROM users',
      'ORDER BY id;',
      '',
    ].join('\n');
    expect(queries(text).map(({ name, command, sql }) => ({ name, command, sql }))).toEqual([
      { name: 'GetUser', command: 'one', sql: 'SELECT * FROM users WHERE id = @id' },
      { name: 'ListUsers', command: 'many', sql: 'SELECT * FROM users\nORDER BY id' },
    ]);
  });

  test('accepts every command', () => {
    const text = ['one', 'many', 'exec', 'execrows', 'copyfrom'].map((c, i) => `-- name: Q${i} :${c}\nSELECT ${i};`).join('\n');
    expect(queries(text).map((q) => q.command)).toEqual(['one', 'many', 'exec', 'execrows', 'copyfrom']);
  });

  test('offset points at the first character of the SQL in the file', () => {
    const text = '-- name: A :one\n\n   SELECT 1;\n';
    const [query] = queries(text);
    expect(text.slice(query!.offset, query!.offset + 8)).toBe('SELECT 1');
  });

  test('comment lines after the name line become the doc, without -- and blank ends', () => {
    const text = '-- name: GetUser :one\n--\n-- Finds one active user.\n--   Indented stays indented.\n--\nSELECT 1;\n';
    expect(queries(text)[0]!.doc).toEqual(['Finds one active user.', '  Indented stays indented.']);
  });

  test('a blank line ends the doc; later comments stay in the SQL', () => {
    const [query] = queries('-- name: A :one\n-- Doc.\n\n-- not doc\nSELECT 1;\n');
    expect(query!.doc).toEqual(['Doc.']);
    expect(query!.sql).toBe('-- not doc\nSELECT 1');
  });

  test('trailing comment lines, blank lines and semicolons are dropped', () => {
    const [query] = queries('-- name: A :exec\nDELETE FROM users;\n-- the end\n\n;\n-- really\n\n');
    expect(query!.sql).toBe('DELETE FROM users');
  });

  test('a comment at the end of the last SQL line stays (it is part of the line)', () => {
    expect(queries('-- name: A :one\nSELECT 1 -- one\n')[0]!.sql).toBe('SELECT 1 -- one');
  });

  test('the name line may be indented and spaced loosely', () => {
    expect(queries('  --   name:   Spaced    :one  \nSELECT 1')[0]).toMatchObject({ name: 'Spaced', command: 'one' });
  });

  test('CRLF line ends: names, docs and SQL carry no \\r and offsets stay right', () => {
    const text = '-- name: A :one\r\n-- Doc line.\r\nSELECT 1\r\nFROM users;\r\n\r\n-- name: B :exec\r\nSELECT 2;\r\n';
    const [a, b] = queries(text);
    expect(a).toMatchObject({ name: 'A', command: 'one', doc: ['Doc line.'] });
    expect(a!.sql.replace(/\r/g, '')).toBe('SELECT 1\nFROM users');
    expect(a!.sql.endsWith('\r')).toBe(false);
    expect(b).toMatchObject({ name: 'B', command: 'exec', sql: 'SELECT 2' });
    expect(text.slice(b!.offset, b!.offset + 8)).toBe('SELECT 2');
  });

  test('a file with only comments and blank lines has no queries and no errors', () => {
    expect(splitQueryFile('-- nothing here\n\n', 'x.sql')).toEqual({ queries: [], diagnostics: [] });
    expect(splitQueryFile('', 'x.sql')).toEqual({ queries: [], diagnostics: [] });
  });
});

describe('errors', () => {
  test('an unknown command, at its column', () => {
    expect(problems('-- name: GetUser :won\nSELECT 1')).toEqual([
      '1:18 unknown command ":won" for query GetUser; expected one of :one, :many, :exec, :execrows, :copyfrom',
    ]);
  });

  test('a command without its colon is unknown', () => {
    expect(problems('-- name: GetUser one\nSELECT 1')[0]).toMatch(/^1:18 unknown command "one"/);
  });

  test('a missing command, at the end of the line', () => {
    expect(problems('-- name: GetUser\nSELECT 1')).toEqual([
      '1:17 query GetUser has no command; add one of :one, :many, :exec, :execrows, :copyfrom',
    ]);
  });

  test('a name that is not an identifier, at the name', () => {
    expect(problems('-- name: get-user :one\nSELECT 1')).toEqual(['1:10 query name "get-user" is not an identifier (letters, digits and _)']);
    expect(problems('-- name: 1st :one\nSELECT 1')).toEqual(['1:10 query name "1st" is not an identifier (letters, digits and _)']);
  });

  test('a missing name', () => {
    expect(problems('-- name:\nSELECT 1')).toEqual(['1:9 missing query name after "-- name:"']);
  });

  test('text after the command', () => {
    expect(problems('-- name: A :one extra\nSELECT 1')).toEqual(['1:17 unexpected "extra" after the command of query A']);
  });

  test('text after the command that also occurs in the name is reported at its own column', () => {
    expect(problems('-- name: GetUser :one User\nSELECT 1')).toEqual(['1:23 unexpected "User" after the command of query GetUser']);
  });

  test('a duplicate name, at the second name, naming the first line', () => {
    expect(problems('-- name: A :one\nSELECT 1;\n-- name: A :many\nSELECT 2;')).toEqual(['3:10 query A is already defined on line 1']);
  });

  test('a duplicate is not emitted, the first one is', () => {
    const result = splitQueryFile('-- name: A :one\nSELECT 1;\n-- name: A :many\nSELECT 2;', 'x.sql');
    expect(result.queries.map((q) => q.sql)).toEqual(['SELECT 1']);
  });

  test('SQL before the first name line, at its first character', () => {
    expect(problems('-- header comment\n  SELECT 1;\n-- name: A :one\nSELECT 2;')).toEqual([
      '2:3 SQL before the first "-- name:" line; every query needs a "-- name: Name :command" line above it',
    ]);
  });

  test('a block comment above the first name line is not SQL', () => {
    expect(problems('/*\n * Licence header.\n */\n-- name: A :one\nSELECT 1;')).toEqual([]);
  });

  test('a file of SQL without any name line', () => {
    expect(problems('SELECT 1;')).toHaveLength(1);
  });

  test('SQL before the first name line is reported even when a later name line is wrong too', () => {
    expect(problems('SELECT 0;\n-- name: A :one\nSELECT 1;\n-- name: B :nope\nSELECT 2;')).toHaveLength(2);
  });

  test('an empty query, at its name line', () => {
    expect(problems('-- name: A :one\n-- only a doc\n\n-- name: B :one\nSELECT 1;')).toEqual(['1:1 query A has no SQL statement']);
    expect(problems('-- name: A :exec\n;\n')).toEqual(['1:1 query A has no SQL statement']);
  });

  test('a wrong name line still ends the query before it', () => {
    const result = splitQueryFile('-- name: A :one\nSELECT 1;\n-- name: B :bogus\nSELECT 2;\n-- name: C :one\nSELECT 3;', 'x.sql');
    expect(result.queries.map((q) => [q.name, q.sql])).toEqual([['A', 'SELECT 1'], ['C', 'SELECT 3']]);
    expect(result.diagnostics).toHaveLength(1);
  });

  test('every wrong name line is reported, not only the first', () => {
    expect(problems('-- name: A :x\nSELECT 1;\n-- name: B-2 :one\nSELECT 2;\n-- name: C\nSELECT 3;')).toHaveLength(3);
  });

  test('diagnostics carry the display path and the source line', () => {
    const [d] = splitQueryFile('-- name: A :nope\nSELECT 1', 'queries/a.sql').diagnostics;
    expect(d).toMatchObject({ severity: 'error', file: 'queries/a.sql', line: 1, column: 12, sourceLine: '-- name: A :nope' });
  });
});
