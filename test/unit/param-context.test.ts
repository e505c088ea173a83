import { loadModule, parseSync } from 'libpg-query';
import { beforeAll, describe, expect, test } from 'vitest';
import type { Node } from '../../src/analyze/ast.js';
import { paramContexts } from '../../src/analyze/param-context.js';
import type { Catalog } from '../../src/schema/catalog.js';
import { testCatalog } from './fixtures/catalog.js';

let catalog: Catalog;

beforeAll(async () => {
  await loadModule();
  catalog = testCatalog();
});

/** `$N` -> `name`, with ` (target nullable)` / ` (target not null)` and ` (row count)` appended. */
function contexts(sql: string): Record<number, string> {
  const statement = (parseSync(sql).stmts?.[0] as { stmt: Node }).stmt;
  const out: Record<number, string> = {};
  for (const [number, context] of paramContexts(statement, catalog)) {
    const target = context.target ? ` (target ${context.target.name}${context.target.notNull ? ' not null' : ' nullable'})` : '';
    out[number] = `${context.name}${target}${context.rowCount ? ' (row count)' : ''}`;
  }
  return out;
}

describe('names from comparisons', () => {
  test('col = $1 and $1 = col both name the parameter after the column', () => {
    expect(contexts('SELECT 1 FROM users WHERE email = $1 AND $2 = display_name')).toEqual({ 1: 'email', 2: 'display_name' });
  });

  test('a qualified column gives its last name; casts on either side are looked through', () => {
    expect(contexts('SELECT 1 FROM users u WHERE u.org_id = $1::bigint AND u.id::text = $2')).toEqual({ 1: 'org_id', 2: 'id' });
  });

  test('IN lists name every item after the column', () => {
    expect(contexts('SELECT 1 FROM users WHERE id IN ($1, $2)')).toEqual({ 1: 'id', 2: 'id' });
  });

  test('BETWEEN names both bounds after the column', () => {
    expect(contexts('SELECT 1 FROM posts WHERE published_at BETWEEN $1 AND $2')).toEqual({ 1: 'published_at', 2: 'published_at' });
  });

  test('= ANY($1) names the array after the column', () => {
    expect(contexts('SELECT 1 FROM users WHERE id = ANY($1)')).toEqual({ 1: 'id' });
  });

  test('a parameter compared with an expression gets no name', () => {
    expect(contexts('SELECT 1 FROM users WHERE lower(email) = $1')).toEqual({});
  });

  test('comparisons inside subqueries are found', () => {
    expect(contexts('SELECT 1 FROM users WHERE id IN (SELECT author_id FROM posts WHERE title = $1)')).toEqual({ 1: 'title' });
  });
});

describe('statements nested in CTEs and set operations', () => {
  test('a comparison inside a CTE names the parameter', () => {
    expect(contexts('WITH x AS (SELECT id FROM users WHERE email = $1) SELECT id FROM x')).toEqual({ 1: 'email' });
  });

  test('an UPDATE inside a CTE names and targets the parameter', () => {
    expect(contexts('WITH u AS (UPDATE users SET display_name = $1 RETURNING id) SELECT id FROM u'))
      .toEqual({ 1: 'display_name (target display_name nullable)' });
  });

  test('comparisons in UNION branches name the parameters', () => {
    expect(contexts('SELECT id FROM users WHERE email = $1 UNION SELECT id FROM posts WHERE title = $2')).toEqual({ 1: 'email', 2: 'title' });
  });
});

describe('names from INSERT, UPDATE and SELECT targets', () => {
  test('INSERT values are named after their columns, with the target attribute', () => {
    expect(contexts('INSERT INTO users (email, display_name) VALUES ($1, $2)')).toEqual({
      1: 'email (target email not null)',
      2: 'display_name (target display_name nullable)',
    });
  });

  test('casts in INSERT values are looked through', () => {
    expect(contexts('INSERT INTO posts (author_id, title) VALUES ($1::bigint, $2::text)')).toEqual({
      1: 'author_id (target author_id not null)',
      2: 'title (target title not null)',
    });
  });

  test('INSERT into a schema-qualified table finds that table', () => {
    expect(contexts('INSERT INTO audit.users (id, note) VALUES ($1, $2)')).toEqual({
      1: 'id (target id nullable)',
      2: 'note (target note not null)',
    });
  });

  test('INSERT without a column list names values after the table columns in order', () => {
    expect(contexts('INSERT INTO orgs VALUES ($1, $2)')).toEqual({
      1: 'org_id (target org_id not null)',
      2: 'name (target name not null)',
    });
  });

  test('UPDATE SET names the parameter after the assigned column', () => {
    expect(contexts('UPDATE users SET display_name = $1, email = $2 WHERE id = $3')).toEqual({
      1: 'display_name (target display_name nullable)',
      2: 'email (target email not null)',
      3: 'id',
    });
  });

  test('ON CONFLICT DO UPDATE SET names and targets the column', () => {
    expect(contexts('INSERT INTO orgs (org_id) VALUES ($1) ON CONFLICT (org_id) DO UPDATE SET name = $2')).toEqual({
      1: 'org_id (target org_id not null)',
      2: 'name (target name not null)',
    });
  });

  test('a SELECT target alias names the parameter', () => {
    expect(contexts('SELECT $1::text AS label')).toEqual({ 1: 'label' });
  });

  test('the first place a parameter stands wins, and a later target is still recorded', () => {
    expect(contexts('UPDATE users SET display_name = $1 WHERE email = $1')).toEqual({ 1: 'display_name (target display_name nullable)' });
  });
});

describe('LIMIT and OFFSET', () => {
  test('LIMIT and OFFSET are named limit and offset and count rows', () => {
    expect(contexts('SELECT id FROM users ORDER BY id LIMIT $1 OFFSET $2')).toEqual({ 1: 'limit (row count)', 2: 'offset (row count)' });
  });

  test('FETCH FIRST counts rows too', () => {
    expect(contexts('SELECT id FROM users FETCH FIRST $1 ROWS ONLY')).toEqual({ 1: 'limit (row count)' });
  });

  test("a SELECT's LIMIT is seen before its WHERE", () => {
    expect(contexts('SELECT id FROM users WHERE id > $1 LIMIT $1')).toEqual({ 1: 'limit (row count)' });
  });

  test('a parameter named elsewhere first keeps its name and is still marked as a row count', () => {
    expect(contexts('UPDATE posts SET score = $1 WHERE id IN (SELECT id FROM posts LIMIT $1)'))
      .toEqual({ 1: 'score (target score not null) (row count)' });
  });
});
