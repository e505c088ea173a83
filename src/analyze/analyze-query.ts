import { parseSync } from 'libpg-query';
import type { Diagnostic } from '../diagnostics.js';
import { applyEdits, originalOffset } from '../parse/named-params.js';
import { queryDiagnostic, type ParsedQuery } from '../parse/parse-query.js';
import type { QueryFile } from '../parse/query-source.js';
import { attributeOf, type Catalog } from '../schema/catalog.js';
import type { DescribeResult } from '../schema/db-session.js';
import type { AnalyzedColumn, AnalyzedParam, AnalyzedQuery } from './analyzed-query.js';
import { as, type Node } from './ast.js';
import { copyFromSql } from './copy-from.js';
import { modifyScope, outputColumns, selectScope, targetColumns, type StatementScope } from './output-columns.js';
import { paramContexts } from './param-context.js';
import { emptyScope, type AnalysisContext, type Column } from './scope.js';
import { expandStars } from './star-expansion.js';

/** State shared by the analysis of every query in a run. */
export interface RunContext {
  readonly catalog: Catalog;
  readonly views: Map<number, readonly Column[] | undefined>;
}

export function newRunContext(catalog: Catalog): RunContext {
  return { catalog, views: new Map() };
}

export type AnalyzeResult = { readonly query: AnalyzedQuery } | { readonly diagnostics: readonly Diagnostic[] };

/**
 * Combines what PostgreSQL said of a statement (parameter and column types, source
 * columns) with what its parse tree says (names, nullability, stars) into the data the
 * code generator needs.
 */
export function analyzeQuery(file: QueryFile, parsed: ParsedQuery, described: DescribeResult, run: RunContext): AnalyzeResult {
  const { source } = parsed;
  const fail = (offset: number | undefined, message: string, hint?: string): AnalyzeResult => ({
    diagnostics: [queryDiagnostic(file, source, offset, message, hint)],
  });
  if (!described.ok) {
    const { error } = described;
    const offset = error.position ? originalOffset(parsed.edits, error.position - 1) : undefined;
    return fail(offset, error.message, [error.detail, error.hint].filter(Boolean).join('; ') || undefined);
  }

  const contexts = paramContexts(parsed.statement, run.catalog);
  const params: AnalyzedParam[] = parsed.params.map((slot) => {
    const found = contexts.get(slot.number);
    return {
      number: slot.number,
      name: slot.name ?? found?.name ?? `p${slot.number}`,
      typeOid: described.paramTypes[slot.number - 1] ?? 0,
      nullable: slot.nullable || Boolean(found?.target && !found.target.notNull),
      rowCount: found?.rowCount ?? false,
    };
  });

  const context: AnalysisContext = {
    catalog: run.catalog,
    // A parameter that may be null (a narg, or one bound to a nullable column) makes what it
    // reaches nullable too.
    nullableParams: new Set(params.filter((p) => p.nullable).map((p) => p.number)),
    paramTypes: described.paramTypes,
    views: run.views,
    parse: parseView,
    nextKey: 1,
  };

  const fields = described.fields;
  // The scope of the statement's own target list serves both its columns and its stars.
  const scope = source.command === 'copyfrom' ? undefined : statementScope(parsed.statement, context);
  const inferred = scope ? targetColumns(scope, context) : outputColumns(parsed.statement, emptyScope, context);
  const known = inferred?.length === fields.length ? inferred : undefined;
  const columns: AnalyzedColumn[] = fields.map((field, i) => {
    const mark = /[!?]$/.exec(field.name)?.[0];
    // The row description reports a domain column as its base type; the table knows the domain.
    const attribute = attributeOf(run.catalog, field.tableOid, field.columnNumber);
    return {
      name: mark ? field.name.slice(0, -1) : field.name,
      typeOid: attribute?.type ?? field.typeOid,
      nullable: mark ? mark === '?' : known?.[i]?.nullable ?? true,
      relation: field.tableOid,
      attribute: field.columnNumber,
    };
  });

  const names = new Map<string, number>();
  for (const column of columns) names.set(column.name, (names.get(column.name) ?? 0) + 1);
  const repeated = [...names].find(([, count]) => count > 1);
  if (repeated && (source.command === 'one' || source.command === 'many')) {
    return fail(undefined, `query ${source.name} returns more than one column named "${repeated[0]}"; give each an alias`);
  }
  if ((source.command === 'one' || source.command === 'many') && !columns.length) {
    return fail(undefined, `query ${source.name} is :${source.command} but returns no columns; use :exec or :execrows, or add RETURNING`);
  }


  let sql = parsed.text;
  if (source.command === 'copyfrom') {
    const bulk = copyFromSql(parsed.text, parsed.statement, described.paramTypes, run.catalog);
    if (typeof bulk !== 'string') return fail(originalOffset(parsed.edits, bulk.offset), bulk.error);
    sql = bulk;
  } else {
    const edits = scope ? expandStars(parsed.text, scope, fields.map((f) => f.name)) : undefined;
    if (edits?.length) sql = applyEdits(parsed.text, edits);
  }

  return {
    query: {
      name: source.name,
      command: source.command,
      doc: source.doc,
      sourceSql: source.sql,
      sql,
      params,
      columns: source.command === 'one' || source.command === 'many' ? columns : [],
    },
  };
}

/** The scope of the statement's own target list, where its stars are expanded. */
function statementScope(statement: Node, context: AnalysisContext): StatementScope | undefined {
  const select = as(statement, 'SelectStmt');
  if (select) return select.op === 'SETOP_NONE' && !select.valuesLists ? selectScope(select, emptyScope, context) : undefined;
  const insert = as(statement, 'InsertStmt');
  if (insert) return modifyScope(insert, [], undefined, emptyScope, context);
  const update = as(statement, 'UpdateStmt');
  if (update) return modifyScope(update, (update.fromClause as Node[] | undefined) ?? [], undefined, emptyScope, context);
  const del = as(statement, 'DeleteStmt');
  if (del) return modifyScope(del, (del.usingClause as Node[] | undefined) ?? [], undefined, emptyScope, context);
  return undefined;
}

function parseView(sql: string): Node | undefined {
  try {
    const [first] = (parseSync(sql).stmts ?? []) as { stmt: Node }[];
    return first?.stmt;
  } catch {
    return undefined;
  }
}
