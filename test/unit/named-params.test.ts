import { loadModule } from 'libpg-query';
import { beforeAll, describe, expect, test } from 'vitest';
import { applyEdits, originalOffset, rewriteNamedParams } from '../../src/parse/named-params.js';

beforeAll(async () => {
  await loadModule();
});

/** `$N name` for each named slot, with `?` when it is nullable. */
function slots(sql: string): string[] {
  return rewriteNamedParams(sql).params.map((p) => `$${p.number} ${p.name}${p.nullable ? '?' : ''}`);
}

describe('@name', () => {
  test('becomes $1, and a repeated name is the same placeholder', () => {
    const result = rewriteNamedParams('SELECT * FROM users WHERE org_id = @org AND email = @email OR owner_id = @org');
    expect(result.text).toBe('SELECT * FROM users WHERE org_id = $1 AND email = $2 OR owner_id = $1');
    expect(slots('SELECT * FROM users WHERE org_id = @org AND email = @email OR owner_id = @org')).toEqual(['$1 org', '$2 email']);
    expect(result.errors).toEqual([]);
  });

  test('keeps the spelling of the name', () => {
    expect(slots('SELECT @orgId')).toEqual(['$1 orgId']);
  });

  test('a keyword can be a name', () => {
    expect(rewriteNamedParams('SELECT 1 LIMIT @limit OFFSET @offset').text).toBe('SELECT 1 LIMIT $1 OFFSET $2');
    expect(slots('SELECT @user')).toEqual(['$1 user']);
  });

  test('a quoted name', () => {
    expect(slots('SELECT @"Zip Code"')).toEqual(['$1 Zip Code']);
  });

  test('a cast right after the name stays', () => {
    expect(rewriteNamedParams('SELECT * FROM users WHERE id = ANY(@ids::bigint[]) ORDER BY id').text)
      .toBe('SELECT * FROM users WHERE id = ANY($1::bigint[]) ORDER BY id');
  });

  test('the offset of a slot is its first use in the original SQL', () => {
    const sql = 'SELECT @a, @b, @a';
    expect(rewriteNamedParams(sql).params.map((p) => p.offset)).toEqual([sql.indexOf('@a'), sql.indexOf('@b')]);
  });

  test('is not matched inside strings, quoted identifiers, comments or dollar quotes', () => {
    const sql = "SELECT '@a', \"@b\", $$ @c $$, $tag$ @d $tag$ -- @e\n/* @f */ FROM t";
    expect(rewriteNamedParams(sql)).toMatchObject({ text: sql, params: [], errors: [] });
  });

  test('is not matched inside E-strings with \\\' escapes, nested block comments or U& strings', () => {
    expect(rewriteNamedParams("SELECT E'it\\'s @a', @b").text).toBe("SELECT E'it\\'s @a', $1");
    expect(rewriteNamedParams('SELECT 1 /* /* @a */ @x */, @c').text).toBe('SELECT 1 /* /* @a */ @x */, $1');
    expect(rewriteNamedParams("SELECT U&'d\\0061t@a', @b").text).toBe("SELECT U&'d\\0061t@a', $1");
  });

  test('a string right after a word that ends in E is not an escape string', () => {
    expect(rewriteNamedParams("SELECT * FROM files WHERE path LIKE'C:\\' AND id = @id").text)
      .toBe("SELECT * FROM files WHERE path LIKE'C:\\' AND id = $1");
  });

  test('leaves the @> <@ and @@ operators alone', () => {
    const sql = "SELECT 1 WHERE tags @> '{a}' AND '{a}' <@ tags AND tsv @@ q AND tags@>'{b}'";
    expect(rewriteNamedParams(sql)).toMatchObject({ text: sql, params: [] });
  });

  test('@ followed by a space is the absolute-value operator, not a parameter', () => {
    expect(rewriteNamedParams('SELECT @ -5').params).toEqual([]);
  });

  test('email addresses in strings stay as written', () => {
    const sql = "SELECT * FROM users WHERE email = 'a@example.com' AND id = @id";
    expect(rewriteNamedParams(sql).text).toBe("SELECT * FROM users WHERE email = 'a@example.com' AND id = $1");
  });
});

describe('sqlgen.arg / sqlgen.narg and the sqlc aliases', () => {
  test('sqlgen.arg(name) and @name with the same name share a slot', () => {
    const result = rewriteNamedParams('SELECT @email, sqlgen.arg(email)');
    expect(result.text).toBe('SELECT $1, $1');
    expect(slots('SELECT @email, sqlgen.arg(email)')).toEqual(['$1 email']);
  });

  test('sqlgen.narg makes the slot nullable', () => {
    expect(rewriteNamedParams('UPDATE users SET display_name = sqlgen.narg(display_name) WHERE id = $1').text)
      .toBe('UPDATE users SET display_name = $2 WHERE id = $1');
    expect(slots('UPDATE users SET display_name = sqlgen.narg(display_name) WHERE id = $1')).toEqual(['$2 display_name?']);
  });

  test('a narg anywhere makes the shared slot nullable, before or after the arg', () => {
    expect(slots('SELECT @a, sqlgen.narg(a)')).toEqual(['$1 a?']);
    expect(slots('SELECT sqlgen.narg(a), @a')).toEqual(['$1 a?']);
  });

  test('sqlc.arg and sqlc.narg are aliases, in any case', () => {
    expect(rewriteNamedParams('SELECT sqlc.arg(a), SQLC.NARG(b), Sqlgen.Arg(c)').text).toBe('SELECT $1, $2, $3');
    expect(slots('SELECT sqlc.arg(a), SQLC.NARG(b)')).toEqual(['$1 a', '$2 b?']);
  });

  test("a quoted name: sqlc.arg('name') and sqlc.arg(\"Name\")", () => {
    expect(slots("SELECT sqlc.arg('display_name'), sqlc.arg(\"Zip\"), sqlc.arg('it''s')")).toEqual(['$1 display_name', '$2 Zip', "$3 it's"]);
  });

  test('a cast after the call stays', () => {
    expect(rewriteNamedParams('SELECT sqlgen.narg(since)::timestamptz').text).toBe('SELECT $1::timestamptz');
  });

  test('an unknown function is an error at its start, and nothing is rewritten for it', () => {
    const sql = 'SELECT 1 WHERE a = sqlgen.foo(x)';
    const result = rewriteNamedParams(sql);
    expect(result.errors).toEqual([{ offset: sql.indexOf('sqlgen'), message: 'unknown function sqlgen.foo; expected sqlgen.arg(name) or sqlgen.narg(name)' }]);
    expect(result.params).toEqual([]);
  });

  test('a call without exactly one name is an error', () => {
    expect(rewriteNamedParams('SELECT sqlgen.arg()').errors[0]?.message).toBe('sqlgen.arg takes one parameter name, as in sqlgen.arg(email)');
    expect(rewriteNamedParams('SELECT sqlc.narg(a, b)').errors[0]?.message).toBe('sqlc.narg takes one parameter name, as in sqlc.narg(email)');
    expect(rewriteNamedParams('SELECT sqlgen.arg(1)').errors).toHaveLength(1);
    expect(rewriteNamedParams("SELECT sqlgen.arg('')").errors[0]?.message).toBe('sqlgen.arg needs a non-empty name');
  });

  test('a column qualified by a table named sqlc is not a function call', () => {
    expect(rewriteNamedParams('SELECT sqlc.version FROM migrations AS sqlc').errors).toEqual([]);
  });
});

describe('numbering', () => {
  test('named slots are numbered after the highest $N written', () => {
    const result = rewriteNamedParams('SELECT * FROM t WHERE a = $2 AND b = @b AND c = $1 AND d = @d');
    expect(result.text).toBe('SELECT * FROM t WHERE a = $2 AND b = $3 AND c = $1 AND d = $4');
    expect(result.params.map((p) => p.number)).toEqual([3, 4]);
  });

  test('$N written by the user are not in params (the parse tree finds them)', () => {
    expect(rewriteNamedParams('SELECT $1, @a').params.map((p) => p.name)).toEqual(['a']);
  });

  test('SQL without any named parameter comes back unchanged', () => {
    const sql = 'SELECT $1 FROM users';
    expect(rewriteNamedParams(sql)).toEqual({ text: sql, params: [], edits: [], errors: [] });
  });
});

describe('applyEdits and originalOffset', () => {
  test('edits record what was replaced, and applyEdits reproduces the text', () => {
    const sql = 'SELECT @a, sqlgen.narg(bb)';
    const result = rewriteNamedParams(sql);
    expect(result.edits).toEqual([
      { from: 7, to: 9, text: '$1' },
      { from: 11, to: sql.length, text: '$2' },
    ]);
    expect(applyEdits(sql, result.edits)).toBe(result.text);
  });

  test('applyEdits with no edits is the identity', () => {
    expect(applyEdits('abc', [])).toBe('abc');
  });

  test('maps offsets before, inside and after shrinking edits back to the original', () => {
    const sql = 'SELECT sqlgen.arg(email) FROM nope WHERE x = @x';
    const { text, edits } = rewriteNamedParams(sql);
    expect(text).toBe('SELECT $1 FROM nope WHERE x = $2');
    expect(originalOffset(edits, 0)).toBe(0);
    expect(originalOffset(edits, text.indexOf('$1') + 1)).toBe(sql.indexOf('sqlgen'));
    expect(originalOffset(edits, text.indexOf('nope'))).toBe(sql.indexOf('nope'));
    expect(originalOffset(edits, text.indexOf('$2'))).toBe(sql.indexOf('@x'));
    expect(originalOffset(edits, text.length)).toBe(sql.length);
  });

  test('maps offsets after a growing edit', () => {
    const edits = [{ from: 3, to: 5, text: '$10' }]; // '@a' -> '$10'
    expect(originalOffset(edits, 2)).toBe(2);
    expect(originalOffset(edits, 5)).toBe(3);
    expect(originalOffset(edits, 6)).toBe(5);
  });
});
