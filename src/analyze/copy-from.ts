import { baseTypeOf, type Catalog, type PgType } from '../schema/catalog.js';
import { as, type Node } from './ast.js';
import { sqlTokens } from '../parse/sql-tokens.js';
import { quoteIdentifier } from './star-expansion.js';

/**
 * Rewrites a one-row `INSERT ... VALUES (...)` into a bulk insert that takes one array per
 * parameter, so any number of rows go in one statement:
 *
 * ```sql
 * INSERT INTO authors (name, bio) VALUES ($1, $2)
 * -- becomes
 * INSERT INTO authors (name, bio) SELECT u.p1, u.p2 FROM unnest($1::text[], $2::text[]) AS u (p1, p2)
 * ```
 *
 * Array- and composite-typed parameters travel as literals (`unnest` would flatten or spread
 * them) and are cast back. Returns an error message when the statement has another shape.
 */
export function copyFromSql(text: string, statement: Node, paramTypes: readonly number[], catalog: Catalog): string | { error: string; offset: number } {
  const insert = as(statement, 'InsertStmt');
  const select = as(insert?.selectStmt as Node | undefined, 'SelectStmt');
  const rows = (select?.valuesLists as Node[] | undefined) ?? [];
  if (!insert || rows.length !== 1) {
    return { error: ':copyfrom needs an INSERT INTO table (columns) VALUES (...) with one row of parameters', offset: 0 };
  }
  if ((insert.returningClause as Node | undefined)?.exprs ?? insert.returningList) {
    return { error: ':copyfrom returns the number of rows inserted, so it cannot have RETURNING', offset: 0 };
  }
  const tokens = sqlTokens(text);
  const values = tokens.findIndex((t) => t.kind === 'word' && t.text.toLowerCase() === 'values');
  const open = tokens[values + 1];
  if (values < 0 || open?.text !== '(') return { error: ':copyfrom needs a VALUES list', offset: 0 };
  let depth = 0;
  let close = values + 1;
  for (; close < tokens.length; close++) {
    if (tokens[close]!.text === '(') depth++;
    if (tokens[close]!.text === ')' && --depth === 0) break;
  }
  const closing = tokens[close];
  if (!closing) return { error: ':copyfrom needs a VALUES list', offset: 0 };

  const inside = tokens.slice(values + 2, close).filter((t) => t.kind === 'param');
  const outside = tokens.filter((t, i) => t.kind === 'param' && (i < values || i > close));
  if (outside.length) return { error: ':copyfrom parameters must all stand in the VALUES list', offset: outside[0]!.start };

  let select_ = '';
  let last = open.end;
  for (const token of inside) {
    const number = Number(token.text.slice(1));
    const type = catalog.types.get(paramTypes[number - 1] ?? 0);
    select_ += text.slice(last, token.start) + (type && travelsAsText(catalog, type) ? `u.p${number}::${typeName(catalog, type)}` : `u.p${number}`);
    last = token.end;
  }
  select_ += text.slice(last, closing.start);

  const arrays = paramTypes.map((oid, i) => {
    const type = catalog.types.get(oid);
    const element = !type || travelsAsText(catalog, type) ? 'text' : typeName(catalog, type);
    return `$${i + 1}::${element}[]`;
  });
  const columns = paramTypes.map((_, i) => `p${i + 1}`);
  return `${text.slice(0, tokens[values]!.start)}SELECT ${select_.trim()} FROM unnest(${arrays.join(', ')}) AS u (${columns.join(', ')})${text.slice(closing.end)}`;
}

/**
 * `unnest` flattens a 2-D array and spreads a composite over several columns, so values of
 * those types go in as text literals and are cast back.
 */
function travelsAsText(catalog: Catalog, type: PgType): boolean {
  const base = baseTypeOf(catalog, type.oid);
  return base?.category === 'A' || base?.kind === 'c';
}

/** A type as SQL can name it: `int4`, `"public"."mood"`, `text[]`. */
function typeName(catalog: Catalog, type: PgType): string {
  if (type.category === 'A' && type.element) {
    const element = catalog.types.get(type.element);
    return element ? `${typeName(catalog, element)}[]` : 'text[]';
  }
  if (type.namespace !== 'pg_catalog') return `${quoteIdentifier(type.namespace)}.${quoteIdentifier(type.name)}`;
  // Without its length, `bit` means bit(1); varbit takes any length and casts to bit(n) on insert.
  return type.name === 'bit' ? 'varbit' : type.name === 'char' ? '"char"' : type.name;
}

/**
 * The `COPY` that stores the same rows as a bulk insert made by copyFromSql, its columns in
 * parameter order, so that row values go in as the generated code lists them:
 *
 * ```sql
 * INSERT INTO authors (name, bio) SELECT u.p2, u.p1 FROM unnest($1::text[], $2::text[]) AS u (p1, p2)
 * -- gives
 * COPY authors (bio, name) FROM STDIN
 * ```
 *
 * Undefined unless every value is one parameter going straight into its column: an expression,
 * a cast the user wrote, DEFAULT, a parameter used twice, `ON CONFLICT`, `WITH` or `OVERRIDING`
 * have no COPY equivalent. (The casts copyFromSql adds back from text are fine: COPY reads that
 * text with the column's input function, as the cast does.) Works on the text alone because the
 * code generator sees no parse tree, and copyFromSql's output has a fixed shape.
 */
export function copyInSql(bulk: string): string | undefined {
  const tokens = sqlTokens(bulk);
  let i = 0;
  const word = (text: string): boolean => tokens[i]?.kind === 'word' && tokens[i]!.text.toLowerCase() === text && ++i > 0;
  const symbol = (text: string): boolean => tokens[i]?.kind === 'symbol' && tokens[i]!.text === text && ++i > 0;
  const name = (): string | undefined => {
    const token = tokens[i];
    return token && (token.kind === 'word' || token.kind === 'quoted') && ++i > 0 ? token.text : undefined;
  };

  if (!word('insert') || !word('into')) return undefined;
  const relationStart = tokens[i]?.start;
  do if (name() === undefined) return undefined;
  while (symbol('.'));
  const relation = bulk.slice(relationStart, tokens[i - 1]!.end);
  if (word('as') && name() === undefined) return undefined;
  const columns: string[] = [];
  if (!symbol('(')) return undefined;
  do {
    const column = name();
    if (column === undefined) return undefined;
    columns.push(column);
  } while (symbol(','));
  if (!symbol(')') || !word('select')) return undefined;

  // Each value: u.pN, or u.pN::type when $N travels as text.
  const values: { param: number; cast: boolean }[] = [];
  do {
    if (!word('u') || !symbol('.')) return undefined;
    const param = /^p([1-9][0-9]*)$/.exec(name() ?? '');
    if (!param) return undefined;
    // copyFromSql's casts are to an array (`int4[]`, `public.mood[]`) or to a composite, which
    // it names with its schema (`public.address`); a cast to anything else is the user's.
    const cast = symbol(':') && symbol(':');
    if (cast) {
      let parts = 0;
      do if (name() === undefined || ++parts > 2) return undefined;
      while (symbol('.'));
      let dimensions = 0;
      while (symbol('[')) if (!symbol(']') || ++dimensions > 1) return undefined;
      if (parts !== 2 && dimensions !== 1) return undefined;
    }
    values.push({ param: Number(param[1]), cast });
  } while (symbol(','));
  if (!word('from') || !word('unnest') || !symbol('(')) return undefined;

  // The arrays: which parameters travel as text.
  const asText = new Set<number>();
  let parameters = 0;
  do {
    const param = tokens[i];
    if (param?.kind !== 'param' || Number(param.text.slice(1)) !== ++parameters) return undefined;
    i++;
    if (!symbol(':') || !symbol(':')) return undefined;
    const typeStart = i;
    while (i < tokens.length && tokens[i]!.text !== ',' && tokens[i]!.text !== ')') i++;
    if (tokens.slice(typeStart, i).map((t) => t.text.toLowerCase()).join('') === 'text[]') asText.add(parameters);
  } while (symbol(','));
  if (!symbol(')') || !word('as') || !word('u') || !symbol('(')) return undefined;
  while (i < tokens.length && !symbol(')')) i++;
  while (symbol(';'));
  if (i !== tokens.length) return undefined; // ON CONFLICT and the like

  const byParam = new Map(values.map((value, index) => [value.param, columns[index]]));
  const valid =
    values.length === columns.length && values.length === parameters && byParam.size === parameters &&
    values.every((value) => value.param <= parameters && (!value.cast || asText.has(value.param)));
  if (!valid) return undefined;
  const ordered = Array.from({ length: parameters }, (_, index) => byParam.get(index + 1)!);
  return `COPY ${relation} (${ordered.join(', ')}) FROM STDIN`;
}
