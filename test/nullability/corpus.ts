import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

/**
 * The nullability corpus: the query files under `queries/`, each query annotated with the
 * nullability of every output column, and the means to demonstrate that annotation against
 * real data (see nullability.test.ts).
 *
 * ```sql
 * -- name: EmployeesWithDepartment :many
 * -- expect: id full_name department?
 * -- params: {"x": 1}          (optional: values for @x, sqlgen.arg(x), sqlgen.narg(x))
 * SELECT ...
 * ```
 */

export const corpusDir = import.meta.dirname;

export interface ExpectedColumn {
  readonly name: string;
  readonly nullable: boolean;
}

export interface CorpusQuery {
  /** The query file, relative to the corpus folder (`queries/joins.sql`). */
  readonly file: string;
  /** 1-based line of the `-- name:` line. */
  readonly line: number;
  readonly name: string;
  readonly command: string;
  readonly expect: readonly ExpectedColumn[];
  /** The SQL with `$N` placeholders, ready to execute. */
  readonly sql: string;
  readonly values: readonly unknown[];
}

const nameLine = /^--\s*name:\s*(\w+)\s+:(\w+)\s*$/;

/** Reads every query of the corpus, in file and then source order. */
export function loadCorpus(dir: string = corpusDir): CorpusQuery[] {
  const queriesDir = path.join(dir, 'queries');
  const files = readdirSync(queriesDir).filter((f) => f.endsWith('.sql')).sort();
  const queries = files.flatMap((f) => parseCorpusFile(readFileSync(path.join(queriesDir, f), 'utf8'), `queries/${f}`));
  const seen = new Set<string>();
  for (const q of queries) {
    if (seen.has(q.name)) throw new Error(`${q.file}:${q.line}: query name ${q.name} is used twice in the corpus`);
    seen.add(q.name);
  }
  return queries;
}

export function parseCorpusFile(text: string, file: string): CorpusQuery[] {
  const lines = text.split('\n');
  const starts = lines.flatMap((l, i) => (nameLine.test(l) ? [i] : []));
  return starts.map((start, index) => {
    const [, name = '', command = ''] = nameLine.exec(lines[start]!)!;
    const end = starts[index + 1] ?? lines.length;
    const where = `${file}:${start + 1} (${name})`;
    let expectText: string | undefined;
    let params: Record<string, unknown> = {};
    const body: string[] = [];
    for (const line of lines.slice(start + 1, end)) {
      const comment = /^\s*--\s?(.*)$/.exec(line);
      if (!comment) {
        body.push(line);
        continue;
      }
      const [, content = ''] = comment;
      if (content.startsWith('expect:')) expectText = content.slice('expect:'.length);
      if (content.startsWith('params:')) params = JSON.parse(content.slice('params:'.length)) as Record<string, unknown>;
    }
    if (expectText === undefined) throw new Error(`${where}: no "-- expect:" line`);
    const expect = expectText.trim().split(/\s+/).filter(Boolean).map((token) => ({
      name: token.replace(/\?$/, ''),
      nullable: token.endsWith('?'),
    }));
    const sql = body.join('\n').trim().replace(/;\s*$/, '');
    if (!sql) throw new Error(`${where}: no SQL`);
    const bound = bindParams(sql, params, where);
    return { file, line: start + 1, name, command, expect, sql: bound.sql, values: bound.values };
  });
}

/**
 * Replaces `@name`, `sqlgen.arg(name)` and `sqlgen.narg(name)` (and the `sqlc.` forms) with
 * `$N`, one number per name, and lists the values in that order. String literals and quoted
 * identifiers are left alone, so a jsonpath like `'$ ? (@ > 1)'` is not a parameter.
 */
export function bindParams(sql: string, params: Record<string, unknown>, where: string): { sql: string; values: unknown[] } {
  const numbers = new Map<string, number>();
  const values: unknown[] = [];
  const text = sql.replace(
    /'(?:[^']|'')*'|"(?:[^"]|"")*"|\b(?:sqlgen|sqlc)\.n?arg\(\s*(\w+)\s*\)|@(\w+)/g,
    (match, fnName: string | undefined, atName: string | undefined) => {
      const name = fnName ?? atName;
      if (name === undefined) return match;
      if (!(name in params)) throw new Error(`${where}: no value for parameter "${name}"; add it to the "-- params:" line`);
      let number = numbers.get(name);
      if (number === undefined) {
        values.push(params[name]);
        number = values.length;
        numbers.set(name, number);
      }
      return `$${number}`;
    },
  );
  const unused = Object.keys(params).filter((k) => !numbers.has(k));
  if (unused.length) throw new Error(`${where}: unused parameter values: ${unused.join(', ')}`);
  return { sql: text, values };
}

/** What running a query returned: field names as the server reports them, rows as arrays. */
export interface Execution {
  readonly fields: readonly string[];
  readonly rows: readonly (readonly unknown[])[];
}

/** A field name without its `!` / `?` override mark. */
export function unmarked(name: string): string {
  return name.replace(/[!?]$/, '');
}

/**
 * Whether a result demonstrates a query's annotation: the columns are the ones listed, there
 * is at least one row, every column expected nullable holds a NULL, and no other does.
 */
export function truthProblems(query: CorpusQuery, result: Execution): string[] {
  const problems: string[] = [];
  const names = result.fields.map(unmarked);
  const expected = query.expect.map((c) => c.name);
  if (names.join(' ') !== expected.join(' ')) {
    return [`columns are [${names.join(', ')}], the expect line lists [${expected.join(', ')}]`];
  }
  if (result.rows.length === 0) return ['returned no rows, so it demonstrates nothing'];
  query.expect.forEach((column, i) => {
    const hasNull = result.rows.some((row) => row[i] === null);
    if (column.nullable && !hasNull) problems.push(`${column.name} is expected nullable but no row has NULL there`);
    if (!column.nullable && hasNull) problems.push(`${column.name} is expected non-null but returned NULL`);
  });
  return problems;
}

/** One output column: what the corpus says and what sqlgen inferred. */
export interface FieldVerdict {
  readonly query: string;
  readonly file: string;
  readonly column: string;
  readonly truthNullable: boolean;
  readonly sqlgenNullable: boolean;
}

export function formatTable(rows: readonly FieldVerdict[]): string {
  const header = ['query', 'column', 'sqlgen', 'truth'];
  const cells = rows.map((r) => [`${r.query} (${r.file})`, r.column, r.sqlgenNullable ? 'nullable' : 'non-null', r.truthNullable ? 'nullable' : 'non-null']);
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  const line = (c: readonly string[]) => c.map((s, i) => s.padEnd(widths[i]!)).join(' | ').trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('-|-'), ...cells.map(line)].join('\n');
}
