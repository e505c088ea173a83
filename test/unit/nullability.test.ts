import { loadModule, parseSync } from 'libpg-query';
import { beforeAll, describe, expect, test } from 'vitest';
import type { Node } from '../../src/analyze/ast.js';
import { outputColumns } from '../../src/analyze/output-columns.js';
import { emptyScope, type AnalysisContext } from '../../src/analyze/scope.js';
import type { Catalog } from '../../src/schema/catalog.js';
import { testCatalog } from './fixtures/catalog.js';

// Nullability of result columns (SPEC §5), worked out from the parse tree and a hand-built
// catalog: expression-nullability.ts, output-columns.ts and from-clause.ts together.

let catalog: Catalog;

beforeAll(async () => {
  await loadModule();
  catalog = testCatalog();
});

function statementOf(sql: string): Node {
  return (parseSync(sql).stmts?.[0] as { stmt: Node }).stmt;
}

function contextFor(nullableParams: readonly number[] = []): AnalysisContext {
  // Written as an assertion so the context also carries fields that newer versions of
  // AnalysisContext add (paramTypes) without breaking the type check of older ones.
  return {
    catalog,
    nullableParams: new Set(nullableParams),
    paramTypes: [] as number[],
    views: new Map(),
    parse: (sql: string) => (parseSync(sql).stmts?.[0] as { stmt: Node } | undefined)?.stmt,
    nextKey: 1,
  } as AnalysisContext;
}

/** The result columns as `name` (non-null) or `name?` (nullable); undefined when unknown. */
function shape(sql: string, nullableParams: readonly number[] = []): string[] | undefined {
  return outputColumns(statementOf(sql), emptyScope, contextFor(nullableParams))?.map((c) => (c.nullable ? `${c.name}?` : c.name));
}

describe('table columns', () => {
  test('NOT NULL columns are non-null, the others nullable', () => {
    expect(shape('SELECT id, email, display_name FROM users')).toEqual(['id', 'email', 'display_name?']);
  });

  test('a column of a NOT NULL domain is non-null even without attnotnull', () => {
    expect(shape('SELECT contact, nickname FROM users')).toEqual(['contact', 'nickname?']);
  });

  test('SELECT * lists every column in order', () => {
    expect(shape('SELECT * FROM posts')).toEqual(['id', 'author_id', 'title', 'published_at?', 'score', 'body?']);
  });

  test('a schema-qualified table is looked up in that schema', () => {
    expect(shape('SELECT * FROM audit.users')).toEqual(['id?', 'note']);
  });

  test('an unknown table gives nullable columns, and an unknown star gives no shape', () => {
    expect(shape('SELECT x FROM missing')).toEqual(['x?']);
    expect(shape('SELECT * FROM missing')).toBeUndefined();
  });
});

describe('outer joins', () => {
  test('LEFT JOIN makes the right side nullable', () => {
    expect(shape('SELECT u.id, p.id AS post_id, p.title FROM users u LEFT JOIN posts p ON p.author_id = u.id'))
      .toEqual(['id', 'post_id?', 'title?']);
  });

  test('RIGHT JOIN makes the left side nullable', () => {
    expect(shape('SELECT u.email, p.title FROM users u RIGHT JOIN posts p ON p.author_id = u.id')).toEqual(['email?', 'title']);
  });

  test('FULL JOIN makes both sides nullable', () => {
    expect(shape('SELECT u.email, p.title FROM users u FULL JOIN posts p ON p.author_id = u.id')).toEqual(['email?', 'title?']);
  });

  test('an inner JOIN keeps NOT NULL and its ON clause proves compared columns non-null', () => {
    expect(shape('SELECT u.email, u.org_id, o.name FROM users u JOIN orgs o ON o.org_id = u.org_id')).toEqual(['email', 'org_id', 'name']);
  });

  test('SELECT * over a LEFT JOIN marks the right table nullable', () => {
    expect(shape('SELECT * FROM orgs o LEFT JOIN memberships m ON m.org_id = o.org_id'))
      .toEqual(['org_id', 'name', 'org_id?', 'user_id?', 'role?']);
  });

  test('a LEFT JOIN to a parenthesised inner join nulls every table inside it', () => {
    expect(shape('SELECT u.email, p.title, c.body FROM users u LEFT JOIN (posts p JOIN comments c ON c.post_id = p.id) ON p.author_id = u.id'))
      .toEqual(['email', 'title?', 'body?']);
  });

  test('narrowing by an inner ON clause does not leak out through the outer join around it', () => {
    // Inside the parentheses c.author_id cannot be NULL; the LEFT JOIN around it can still null it.
    expect(shape('SELECT c.author_id FROM posts p LEFT JOIN (comments c JOIN users u ON u.id = c.author_id) ON c.post_id = p.id'))
      .toEqual(['author_id?']);
  });

  test('an inner join after a LEFT JOIN proves only the compared column non-null', () => {
    expect(shape('SELECT p.id, c.body FROM users u LEFT JOIN posts p ON p.author_id = u.id JOIN comments c ON c.post_id = p.id'))
      .toEqual(['id', 'body']);
  });

  test('a join inside a subquery in FROM carries its nullability out', () => {
    expect(shape('SELECT s.id, s.title FROM (SELECT u.id, p.title FROM users u LEFT JOIN posts p ON p.author_id = u.id) s'))
      .toEqual(['id', 'title?']);
  });

  test('a subquery in FROM that is itself LEFT JOINed is nullable, whatever its WHERE proved', () => {
    expect(shape('SELECT a.display_name FROM orgs o LEFT JOIN (SELECT * FROM users WHERE display_name IS NOT NULL) a ON a.org_id = o.org_id'))
      .toEqual(['display_name?']);
  });

  test('a join inside a CTE carries its nullability out', () => {
    expect(shape('WITH x AS (SELECT u.id, p.title FROM users u LEFT JOIN posts p ON p.author_id = u.id) SELECT id, title FROM x'))
      .toEqual(['id', 'title?']);
  });

  test('CTE column aliases rename the columns', () => {
    expect(shape('WITH x (a, b) AS (SELECT id, display_name FROM users) SELECT * FROM x')).toEqual(['a', 'b?']);
  });

  test('LEFT JOIN LATERAL makes the lateral subquery nullable', () => {
    expect(shape('SELECT u.id, l.title FROM users u LEFT JOIN LATERAL (SELECT p.title FROM posts p WHERE p.author_id = u.id LIMIT 1) l ON true'))
      .toEqual(['id', 'title?']);
  });

  test('a LATERAL subquery sees the columns to its left with their nullability', () => {
    expect(shape('SELECT l.email, l.name FROM users u LEFT JOIN orgs o ON o.org_id = u.org_id CROSS JOIN LATERAL (SELECT u.email, o.name) l'))
      .toEqual(['email', 'name?']);
    expect(shape('SELECT l.title, l.email FROM users u, LATERAL (SELECT p.title, u.email FROM posts p WHERE p.author_id = u.id) l'))
      .toEqual(['title', 'email']);
  });
});

describe('USING and NATURAL joins', () => {
  test('the merged column of an inner USING join is non-null even from nullable sides', () => {
    expect(shape('SELECT org_id FROM users JOIN orgs USING (org_id)')).toEqual(['org_id']);
  });

  test('the merged column of a LEFT USING join is the left column', () => {
    expect(shape('SELECT org_id FROM orgs LEFT JOIN users USING (org_id)')).toEqual(['org_id']);
    expect(shape('SELECT org_id FROM users LEFT JOIN orgs USING (org_id)')).toEqual(['org_id?']);
  });

  test('the merged column of a RIGHT USING join is the right column', () => {
    expect(shape('SELECT org_id FROM users RIGHT JOIN orgs USING (org_id)')).toEqual(['org_id']);
  });

  test('the merged column of a FULL USING join is nullable when either side is', () => {
    expect(shape('SELECT org_id FROM users FULL JOIN orgs USING (org_id)')).toEqual(['org_id?']);
    expect(shape('SELECT org_id FROM orgs FULL JOIN users USING (org_id)')).toEqual(['org_id?']);
  });

  test('the merged column of a FULL USING join of two NOT NULL columns is non-null', () => {
    expect(shape('SELECT org_id FROM orgs FULL JOIN memberships USING (org_id)')).toEqual(['org_id']);
  });

  test('SELECT * puts the merged USING column first, then the rest of each side', () => {
    expect(shape('SELECT * FROM users JOIN orgs USING (org_id)')).toEqual([
      'org_id', 'id', 'email', 'display_name?', 'deleted_at?', 'settings', 'contact', 'nickname?', 'tags?', 'name',
    ]);
  });

  test('NATURAL LEFT JOIN merges the common columns and nulls the right side', () => {
    expect(shape('SELECT * FROM orgs NATURAL LEFT JOIN memberships')).toEqual(['org_id', 'name', 'user_id?', 'role?']);
  });

  test('a qualified reference still sees its own side after a USING join', () => {
    expect(shape('SELECT users.org_id, orgs.name FROM users LEFT JOIN orgs USING (org_id)')).toEqual(['org_id?', 'name?']);
  });
});

describe('views', () => {
  test('a view column is nullable when its definition outer-joins it', () => {
    expect(shape('SELECT id, email, title FROM user_posts')).toEqual(['id', 'email', 'title?']);
  });

  test('a view whose WHERE proves a column non-null gives it non-null', () => {
    expect(shape('SELECT * FROM active_users')).toEqual(['id', 'display_name']);
  });

  test('a view that is LEFT JOINed is nullable', () => {
    expect(shape('SELECT v.email FROM orgs o LEFT JOIN user_posts v ON v.id = o.org_id')).toEqual(['email?']);
  });

  test('a view whose definition does not parse has nullable columns', () => {
    const broken: Catalog = {
      ...catalog,
      relations: new Map([[1, { oid: 1, namespace: 'public', name: 'broken', kind: 'v', viewDefinition: 'SELEC nonsense', comment: undefined,
        attributes: [{ number: 1, name: 'a', type: 25, notNull: true, hasDefault: false, generated: false, comment: undefined }] }]]),
    };
    const context = { ...contextFor(), catalog: broken, parse: (sql: string) => { try { return contextFor().parse(sql); } catch { return undefined; } } };
    const columns = outputColumns(statementOf('SELECT a FROM broken'), emptyScope, context);
    expect(columns?.map((c) => c.nullable)).toEqual([true]);
  });
});

describe('set operations and VALUES', () => {
  test('a UNION column is non-null only when every branch is', () => {
    expect(shape('SELECT email AS a FROM users UNION ALL SELECT title FROM posts')).toEqual(['a']);
    expect(shape('SELECT display_name AS a FROM users UNION SELECT title FROM posts')).toEqual(['a?']);
    expect(shape('SELECT title AS a FROM posts UNION SELECT display_name FROM users')).toEqual(['a?']);
  });

  test('an INTERSECT column is non-null when either side is', () => {
    expect(shape('SELECT display_name AS a FROM users INTERSECT SELECT title FROM posts')).toEqual(['a']);
    expect(shape('SELECT display_name AS a FROM users INTERSECT SELECT body FROM posts')).toEqual(['a?']);
  });

  test('an EXCEPT column takes its left side', () => {
    expect(shape('SELECT email AS a FROM users EXCEPT SELECT body FROM posts')).toEqual(['a']);
    expect(shape('SELECT display_name AS a FROM users EXCEPT SELECT title FROM posts')).toEqual(['a?']);
  });

  test('three UNION branches: one nullable branch makes the column nullable', () => {
    expect(shape('SELECT 1 AS a UNION SELECT 2 UNION SELECT NULL::int')).toEqual(['a?']);
  });

  test('VALUES columns are nullable where any row is', () => {
    expect(shape("VALUES (1, 'a'), (2, NULL)")).toEqual(['column1', 'column2?']);
  });

  test('VALUES in FROM with column aliases', () => {
    expect(shape("SELECT * FROM (VALUES (1, 'a'), (2, NULL)) AS v (n, s)")).toEqual(['n', 's?']);
  });
});

describe('expressions', () => {
  test('literals are non-null, NULL is nullable', () => {
    expect(shape("SELECT 1 AS a, 'x' AS b, NULL AS c, true AS d, 1.5 AS e")).toEqual(['a', 'b', 'c?', 'd', 'e']);
  });

  test('casts keep the nullability of what they cast', () => {
    expect(shape('SELECT display_name::varchar AS a, id::text AS b, NULL::int AS c FROM users')).toEqual(['a?', 'b', 'c?']);
  });

  test('an unaliased column is named the way PostgreSQL names it', () => {
    expect(shape("SELECT id::text, count(*), coalesce(display_name, ''), 1, CASE WHEN true THEN 1 END FROM users"))
      .toEqual(['id', 'count', 'coalesce', '?column?', 'case?']);
  });

  test('COALESCE is non-null when any argument is', () => {
    expect(shape('SELECT coalesce(display_name, email) AS a, coalesce(display_name, nickname) AS b FROM users')).toEqual(['a', 'b?']);
  });

  test('GREATEST and LEAST are nullable only when every argument is', () => {
    expect(shape('SELECT greatest(display_name, email) AS a, least(display_name, nickname) AS b FROM users')).toEqual(['a', 'b?']);
  });

  test('NULLIF is nullable', () => {
    expect(shape("SELECT nullif(email, '') AS a FROM users")).toEqual(['a?']);
  });

  test('CASE without ELSE is nullable; with a non-null ELSE and branches it is not', () => {
    expect(shape('SELECT CASE WHEN id > 1 THEN 1 END AS a FROM users')).toEqual(['a?']);
    expect(shape('SELECT CASE WHEN id > 1 THEN 1 ELSE 2 END AS a FROM users')).toEqual(['a']);
    expect(shape('SELECT CASE WHEN id > 1 THEN display_name ELSE email END AS a FROM users')).toEqual(['a?']);
    expect(shape('SELECT CASE WHEN id > 1 THEN email ELSE NULL END AS a FROM users')).toEqual(['a?']);
    expect(shape("SELECT CASE id WHEN 1 THEN 'one' ELSE 'many' END AS a FROM users")).toEqual(['a']);
  });

  test('EXISTS and ARRAY(subquery) are non-null', () => {
    expect(shape('SELECT EXISTS (SELECT 1 FROM posts) AS a, ARRAY(SELECT title FROM posts) AS b')).toEqual(['a', 'b']);
  });

  test('a scalar subquery is nullable (no row gives NULL)', () => {
    expect(shape('SELECT (SELECT title FROM posts WHERE id = 1) AS a')).toEqual(['a?']);
    expect(shape('SELECT (SELECT p.title FROM posts p LIMIT 1) AS a')).toEqual(['a?']);
  });

  test('a scalar subquery of count(*) without GROUP BY is non-null', () => {
    expect(shape('SELECT (SELECT count(*) FROM posts p WHERE p.author_id = u.id) AS a FROM users u')).toEqual(['a']);
  });

  test('a scalar subquery of max() is nullable; of count() with GROUP BY too', () => {
    expect(shape('SELECT (SELECT max(score) FROM posts) AS a')).toEqual(['a?']);
    expect(shape('SELECT (SELECT count(*) FROM posts GROUP BY author_id LIMIT 1) AS a')).toEqual(['a?']);
  });

  test('IS NULL, IS NOT NULL, IS TRUE and IS DISTINCT FROM are non-null', () => {
    expect(shape("SELECT display_name IS NULL AS a, display_name IS NOT NULL AS b, (display_name = 'x') IS TRUE AS c, display_name IS DISTINCT FROM 'x' AS d FROM users"))
      .toEqual(['a', 'b', 'c', 'd']);
  });

  test('operators are nullable when an operand is', () => {
    expect(shape("SELECT id + 1 AS a, email || 'x' AS b, display_name || 'x' AS c, id = org_id AS d FROM users")).toEqual(['a', 'b', 'c?', 'd?']);
  });

  test('JSON field access is nullable even on a NOT NULL column', () => {
    expect(shape("SELECT settings -> 'theme' AS a, settings ->> 'theme' AS b, settings #>> '{a,b}' AS c, settings @> '{}' AS d FROM users"))
      .toEqual(['a?', 'b?', 'c?', 'd']);
  });

  test('IN lists and BETWEEN are nullable when an operand is', () => {
    expect(shape('SELECT id IN (1, 2) AS a, org_id IN (1, 2) AS b, id IN (1, NULL) AS c, id BETWEEN 1 AND 2 AS d FROM users'))
      .toEqual(['a', 'b?', 'c?', 'd']);
  });

  test('AND / OR / NOT are nullable when an argument is', () => {
    expect(shape("SELECT id > 1 AND email = 'x' AS a, NOT (display_name = 'x') AS b FROM users")).toEqual(['a', 'b?']);
  });

  test('array subscripts are nullable', () => {
    expect(shape("SELECT (ARRAY['a'])[2] AS a")).toEqual(['a?']);
  });

  test('strict functions follow their arguments; unknown functions are nullable', () => {
    expect(shape('SELECT lower(email) AS a, lower(display_name) AS b, my_function(id) AS c, length(email) AS d FROM users'))
      .toEqual(['a', 'b?', 'c?', 'd']);
  });

  test('functions that never return NULL', () => {
    expect(shape('SELECT now() AS a, concat(display_name, nickname) AS b, gen_random_uuid() AS c, current_date AS d, current_user AS e FROM users'))
      .toEqual(['a', 'b', 'c', 'd', 'e']);
  });

  test('concat_ws is nullable only through its separator', () => {
    expect(shape("SELECT concat_ws(',', display_name) AS a, concat_ws(display_name, email) AS b FROM users")).toEqual(['a', 'b?']);
  });

  test('a parameter is non-null unless it is a narg', () => {
    expect(shape('SELECT $1::text AS a, $2::int AS b', [2])).toEqual(['a', 'b?']);
  });
});

describe('functions that return NULL for non-null arguments', () => {
  // PostgreSQL 18 returns NULL for these non-null arguments: array_position(array[1,2], 3),
  // substring('abc' from 'x'), array_ndims('{}'::int[]), array_dims('{}'::int[]),
  // uuid_extract_version('00000000-0000-0000-0000-000000000000'), uuid_extract_timestamp(<v4 uuid>),
  // '{"a":1}'::jsonb @@ '$.a', '{"a":1}'::jsonb @? 'strict $.b', and current_schema with an
  // empty search_path.
  test('array_position is nullable (NULL when the element is not found)', () => {
    expect(shape('SELECT array_position(ARRAY[1, 2], 3) AS a')).toEqual(['a?']);
  });

  test('substring with a regular expression is nullable (NULL when it does not match)', () => {
    expect(shape("SELECT substring(email from '@(.*)$') AS a FROM users")).toEqual(['a?']);
  });

  test('array_ndims and array_dims are nullable (NULL for an empty array)', () => {
    expect(shape("SELECT array_ndims('{}'::int[]) AS a, array_dims('{}'::int[]) AS b")).toEqual(['a?', 'b?']);
  });

  test('uuid_extract_version and uuid_extract_timestamp are nullable (NULL for other variants / versions)', () => {
    expect(shape('SELECT uuid_extract_version(gen_random_uuid()) AS a, uuid_extract_timestamp(gen_random_uuid()) AS b'))
      .toEqual(['a?', 'b?']);
  });

  test('jsonb @@ and @? with a jsonpath are nullable', () => {
    expect(shape("SELECT settings @@ '$.a' AS a, settings @? 'strict $.b' AS b FROM users")).toEqual(['a?', 'b?']);
  });

  test('current_schema is nullable', () => {
    expect(shape('SELECT current_schema AS a, current_schema() AS b')).toEqual(['a?', 'b?']);
  });
});

describe('aggregates and window functions', () => {
  test('count is non-null, with or without GROUP BY or FILTER', () => {
    expect(shape('SELECT count(*) AS a, count(display_name) AS b, count(*) FILTER (WHERE id > 1) AS c FROM users')).toEqual(['a', 'b', 'c']);
  });

  test('sum, max, min, avg and array_agg without GROUP BY are nullable (an empty table gives NULL)', () => {
    expect(shape('SELECT sum(score) AS a, max(score) AS b, min(score) AS c, avg(score) AS d, array_agg(id) AS e FROM posts'))
      .toEqual(['a?', 'b?', 'c?', 'd?', 'e?']);
  });

  test('max and sum of a NOT NULL column under GROUP BY are non-null', () => {
    expect(shape('SELECT author_id, max(score) AS a, sum(score) AS b, array_agg(body) AS c FROM posts GROUP BY author_id'))
      .toEqual(['author_id', 'a', 'b', 'c']);
  });

  test('max of a nullable column under GROUP BY stays nullable', () => {
    expect(shape('SELECT author_id, max(published_at) AS a FROM posts GROUP BY author_id')).toEqual(['author_id', 'a?']);
  });

  test('FILTER can empty a group, so a filtered max is nullable', () => {
    expect(shape('SELECT author_id, max(score) FILTER (WHERE published_at IS NOT NULL) AS a FROM posts GROUP BY author_id'))
      .toEqual(['author_id', 'a?']);
  });

  // `SELECT max(x) FROM empty_table GROUP BY ()` returns one row with NULL.
  test('max() under GROUP BY () is nullable', () => {
    expect(shape('SELECT max(score) AS a FROM posts GROUP BY ()')).toEqual(['a?']);
  });

  test('max() under ROLLUP or a ROLLUP nested in GROUPING SETS is nullable (the grand total row)', () => {
    expect(shape('SELECT max(score) AS a FROM posts GROUP BY ROLLUP (author_id)')).toEqual(['a?']);
    expect(shape('SELECT max(score) AS a FROM posts GROUP BY GROUPING SETS (ROLLUP (author_id))')).toEqual(['a?']);
  });

  test('row_number, rank and count over a window are non-null; lag and sum over a window are nullable', () => {
    expect(shape('SELECT row_number() OVER (ORDER BY id) AS a, rank() OVER () AS b, count(*) OVER () AS c, lag(id) OVER (ORDER BY id) AS d, sum(score) OVER () AS e FROM posts'))
      .toEqual(['a', 'b', 'c', 'd?', 'e?']);
  });

  test('ROLLUP makes grouped columns nullable, even NOT NULL ones, but not count(*)', () => {
    expect(shape('SELECT author_id, count(*) AS n FROM posts GROUP BY ROLLUP (author_id)')).toEqual(['author_id?', 'n']);
  });

  test('GROUPING SETS and CUBE make grouped columns nullable', () => {
    expect(shape('SELECT author_id, score FROM posts GROUP BY GROUPING SETS ((author_id), (score))')).toEqual(['author_id?', 'score?']);
    expect(shape('SELECT author_id, GROUPING(author_id) AS g FROM posts GROUP BY CUBE (author_id)')).toEqual(['author_id?', 'g']);
  });
});

describe('WHERE narrowing', () => {
  test('IS NOT NULL in WHERE proves a column non-null', () => {
    expect(shape('SELECT display_name FROM users WHERE display_name IS NOT NULL')).toEqual(['display_name']);
  });

  test('comparisons in WHERE prove both sides non-null', () => {
    expect(shape("SELECT display_name, org_id FROM users WHERE display_name = $1 AND org_id > 3")).toEqual(['display_name', 'org_id']);
    expect(shape("SELECT display_name FROM users WHERE display_name LIKE 'a%'")).toEqual(['display_name']);
    expect(shape('SELECT org_id FROM users WHERE org_id = ANY($1)')).toEqual(['org_id']);
    expect(shape('SELECT org_id FROM users WHERE org_id IN (1, 2)')).toEqual(['org_id']);
  });

  test('narrowing reaches a star expansion', () => {
    expect(shape('SELECT * FROM orgs o LEFT JOIN memberships m ON m.org_id = o.org_id WHERE m.role IS NOT NULL'))
      .toEqual(['org_id', 'name', 'org_id?', 'user_id?', 'role']);
  });

  test('WHERE narrows an outer-joined column it tests, and only that column', () => {
    expect(shape('SELECT p.id, p.title FROM users u LEFT JOIN posts p ON p.author_id = u.id WHERE p.id IS NOT NULL'))
      .toEqual(['id', 'title?']);
  });

  test('OR, IS DISTINCT FROM and JSON operators prove nothing', () => {
    expect(shape('SELECT display_name FROM users WHERE display_name IS NOT NULL OR id = 1')).toEqual(['display_name?']);
    expect(shape("SELECT display_name FROM users WHERE display_name IS DISTINCT FROM 'x'")).toEqual(['display_name?']);
    expect(shape("SELECT display_name FROM users WHERE (display_name -> 'a') IS NULL")).toEqual(['display_name?']);
  });

  test('an ON clause of a LEFT JOIN proves nothing about the joined table', () => {
    expect(shape('SELECT p.body FROM users u LEFT JOIN posts p ON p.author_id = u.id AND p.body IS NOT NULL')).toEqual(['body?']);
  });

  test('WHERE in a subquery does not narrow the outer query', () => {
    expect(shape('SELECT u.display_name FROM users u WHERE EXISTS (SELECT 1 FROM posts p WHERE p.title = u.display_name)'))
      .toEqual(['display_name?']);
  });
});

describe('recursive CTEs', () => {
  test('a counter seeded with a literal stays non-null', () => {
    expect(shape('WITH RECURSIVE n AS (SELECT 1 AS i UNION ALL SELECT i + 1 FROM n WHERE i < 10) SELECT i FROM n')).toEqual(['i']);
  });

  test('a column that the recursive branch outer-joins is nullable', () => {
    expect(shape('WITH RECURSIVE t AS (SELECT id AS i, email AS e FROM users UNION ALL SELECT t.i, p.title FROM t LEFT JOIN posts p ON p.author_id = t.i) SELECT i, e FROM t'))
      .toEqual(['i', 'e?']);
  });

  // b takes the previous row's a, which is NULL from the second row on, so b is NULL in the
  // third row (checked on PostgreSQL 18): the recursive branch must be analysed to a fixpoint.
  test('a column fed from another column of the previous iteration takes its nullability', () => {
    expect(shape("WITH RECURSIVE t AS (SELECT 1 AS n, 'x'::text AS a, 'y'::text AS b UNION ALL SELECT n + 1, NULL, a FROM t WHERE n < 3) SELECT b FROM t"))
      .toEqual(['b?']);
  });

  test('a recursive CTE with a column list resolves the list in its recursive branch', () => {
    expect(shape('WITH RECURSIVE n (i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 10) SELECT i FROM n')).toEqual(['i']);
  });
});

describe('functions in FROM', () => {
  test('unnest gives a nullable column named after its alias', () => {
    expect(shape('SELECT x FROM unnest(ARRAY[1, 2]) AS x')).toEqual(['x?']);
  });

  test('WITH ORDINALITY adds a non-null counter', () => {
    expect(shape("SELECT * FROM unnest(ARRAY['a']) WITH ORDINALITY AS t (x, n)")).toEqual(['x?', 'n']);
  });

  test('a record-returning function without a column list has no known shape', () => {
    expect(shape("SELECT * FROM jsonb_each('{}') AS t")).toBeUndefined();
  });

  test('generate_series gives a non-null column', () => {
    expect(shape('SELECT g FROM generate_series(1, 10) AS g')).toEqual(['g']);
  });
});

describe('INSERT, UPDATE and DELETE with RETURNING', () => {
  test('INSERT RETURNING takes the table columns as the catalog says', () => {
    expect(shape("INSERT INTO users (email) VALUES ('a') RETURNING id, display_name, email AS e")).toEqual(['id', 'display_name?', 'e']);
  });

  test('INSERT RETURNING * lists every column', () => {
    expect(shape("INSERT INTO orgs (name) VALUES ('a') RETURNING *")).toEqual(['org_id', 'name']);
  });

  test('UPDATE ... FROM RETURNING sees the FROM tables', () => {
    expect(shape("UPDATE posts p SET title = 'x' FROM users u WHERE u.id = p.author_id RETURNING p.id, u.display_name"))
      .toEqual(['id', 'display_name?']);
  });

  test('DELETE RETURNING is narrowed by its WHERE', () => {
    expect(shape('DELETE FROM posts WHERE published_at IS NOT NULL RETURNING id, published_at, body')).toEqual(['id', 'published_at', 'body?']);
  });

  test('a data-modifying CTE passes its RETURNING columns on', () => {
    expect(shape('WITH d AS (DELETE FROM posts RETURNING id, body) SELECT id, body FROM d')).toEqual(['id', 'body?']);
  });

  test('a statement without a result shape gives undefined', () => {
    expect(shape('CREATE TABLE t (a int)')).toBeUndefined();
  });
});
