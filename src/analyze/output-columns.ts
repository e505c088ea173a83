import { as, stringsOf, unwrapCast, type Node } from './ast.js';
import { isNullable, narrowedBy, type ExpressionContext } from './expression-nullability.js';
import { fromElements, relationColumns } from './from-clause.js';
import { findRelation } from '../schema/catalog.js';
import { findItem, newColumn, resolveColumn, type AnalysisContext, type Column, type FromElement, type Scope } from './scope.js';

/**
 * The result columns of a statement (SELECT, VALUES, set operations, and INSERT / UPDATE /
 * DELETE with RETURNING), with their nullability; undefined when the shape cannot be
 * worked out from the parse tree (the caller then treats every column as nullable).
 */
export function outputColumns(statement: Node, scope: Scope, context: AnalysisContext): Column[] | undefined {
  const select = as(statement, 'SelectStmt') ?? (statement.targetList || statement.op ? statement : undefined);
  if (select) return selectColumns(select, scope, context);
  const insert = as(statement, 'InsertStmt');
  if (insert) return modifyColumns(insert, [], undefined, scope, context);
  const update = as(statement, 'UpdateStmt');
  if (update) return modifyColumns(update, (update.fromClause as Node[] | undefined) ?? [], undefined, scope, context);
  const del = as(statement, 'DeleteStmt');
  if (del) return modifyColumns(del, (del.usingClause as Node[] | undefined) ?? [], del.whereClause as Node | undefined, scope, context);
  return undefined;
}

/** Where each star of a target list came from, for expanding it in the emitted SQL. */
export interface StarExpansion {
  /** Offset of the star's column reference in the statement text. */
  readonly location: number;
  /** The columns it stands for, or undefined when they are not known. */
  readonly columns: readonly Column[] | undefined;
  /** The star sits over a single FROM item, so its columns need no qualifier. */
  readonly single: boolean;
}

/** The scope a statement's target list (or RETURNING list) is evaluated in. */
export interface StatementScope {
  readonly scope: Scope;
  readonly targets: readonly Node[];
  readonly groupedRows: boolean;
  readonly groupingSets: boolean;
}

function withCtes(statement: Node, scope: Scope, context: AnalysisContext): Scope {
  const clause = statement.withClause as Node | undefined;
  const ctes = (clause?.ctes as Node[] | undefined) ?? [];
  if (!ctes.length) return scope;
  const visible = new Map<string, readonly Column[] | undefined>();
  let inner: Scope = { parent: scope, ctes: visible, elements: [], narrowed: new Set() };
  for (const node of ctes) {
    const cte = as(node, 'CommonTableExpr')!;
    const name = cte.ctename as string;
    const query = cte.ctequery as Node;
    let columns: Column[] | undefined;
    const body = as(query, 'SelectStmt');
    const names = stringsOf(cte.aliascolnames as Node[] | undefined);
    const named = (list: Column[] | undefined) =>
      list?.map((c, i) => newColumn(context, names[i] ?? c.name, c.nullable, undefined, c.type));
    if (clause?.recursive && body && body.op === 'SETOP_UNION') {
      // The non-recursive branch first, then the recursive branch over what the CTE holds so
      // far, until no column becomes nullable any more (each round can only add nullability).
      columns = selectColumns(body.larg as Node, inner, context);
      for (let round = 0; round < 16 && columns; round++) {
        visible.set(name, named(columns));
        inner = { ...inner, ctes: visible };
        const next = combine(columns, selectColumns(body.rarg as Node, inner, context), (a, b) => a || b);
        const stable = next?.every((c, i) => c.nullable === columns![i]!.nullable);
        columns = next;
        if (stable) break;
      }
    } else {
      columns = outputColumns(query, inner, context);
    }
    visible.set(name, named(columns));
  }
  return inner;
}

function selectColumns(select: Node, outer: Scope, context: AnalysisContext): Column[] | undefined {
  const values = select.valuesLists as Node[] | undefined;
  const plain = (select.op ?? 'SETOP_NONE') === 'SETOP_NONE' && !values?.length;
  // selectScope reads the WITH clause itself; the other shapes read it here.
  if (plain) return targetColumns(selectScope(select, outer, context), context);
  const scope = withCtes(select, outer, context);
  switch (select.op as string | undefined) {
    case 'SETOP_UNION':
      return combine(selectColumns(select.larg as Node, scope, context), selectColumns(select.rarg as Node, scope, context), (a, b) => a || b);
    case 'SETOP_INTERSECT':
      return combine(selectColumns(select.larg as Node, scope, context), selectColumns(select.rarg as Node, scope, context), (a, b) => a && b);
    case 'SETOP_EXCEPT': {
      const left = selectColumns(select.larg as Node, scope, context);
      selectColumns(select.rarg as Node, scope, context);
      return left;
    }
  }
  return valuesColumns(values ?? [], scope, context);
}

/** Resolves the FROM clause and WHERE narrowing of a plain SELECT. */
export function selectScope(select: Node, outer: Scope, context: AnalysisContext): StatementScope {
  const base = withCtes(select, outer, context);
  const elements = fromElements(select.fromClause as Node[] | undefined, base, context);
  const unfiltered: Scope = { parent: base, ctes: new Map(), elements, narrowed: new Set() };
  const scope: Scope = { ...unfiltered, narrowed: narrowedBy(select.whereClause as Node | undefined, unfiltered) };
  const group = (select.groupClause as Node[] | undefined) ?? [];
  const sets = group.map((g) => as(g, 'GroupingSet')?.kind as string | undefined).filter(Boolean);
  // Only plain GROUP BY (or GROUPING SETS without an empty set) makes every group non-empty:
  // `GROUP BY ()`, ROLLUP and CUBE also give a grand total over possibly no rows.
  const emptySet = sets.some((kind) => kind !== 'GROUPING_SET_SETS')
    || group.some((g) => ((as(g, 'GroupingSet')?.content as Node[] | undefined) ?? []).some((c) => as(c, 'GroupingSet')?.kind === 'GROUPING_SET_EMPTY'));
  return {
    scope,
    targets: (select.targetList as Node[] | undefined) ?? [],
    groupedRows: group.length > 0 && !emptySet,
    groupingSets: sets.some((kind) => kind !== 'GROUPING_SET_EMPTY'),
  };
}

/** Resolves the target relation (and FROM / USING) of INSERT, UPDATE or DELETE. */
export function modifyScope(statement: Node, extra: readonly Node[], where: Node | undefined, outer: Scope, context: AnalysisContext): StatementScope {
  const base = withCtes(statement, outer, context);
  const relation = statement.relation as Node;
  const name = relation.relname as string;
  const refName = ((relation.alias as Node | undefined)?.aliasname as string | undefined) ?? name;
  const found = findRelation(context.catalog, relation.schemaname as string | undefined, name);
  const columns = found ? relationColumns(found, context)?.map((c) => newColumn(context, c.name, c.nullable, refName, c.type)) : undefined;
  const target: FromElement = { items: [{ refName, columns }], columns };
  const elements = [target, ...fromElements(extra, { ...base, elements: [target] }, context)];
  const unfiltered: Scope = { parent: base, ctes: new Map(), elements, narrowed: new Set() };
  const returning = (statement.returningClause as Node | undefined)?.exprs ?? statement.returningList;
  return {
    scope: { ...unfiltered, narrowed: narrowedBy(where, unfiltered) },
    targets: (returning as Node[] | undefined) ?? [],
    groupedRows: false,
    groupingSets: false,
  };
}

function modifyColumns(statement: Node, extra: readonly Node[], where: Node | undefined, scope: Scope, context: AnalysisContext): Column[] | undefined {
  return targetColumns(modifyScope(statement, extra, where, scope, context), context);
}

/** The columns a target list produces, stars expanded. */
export function targetColumns(statement: StatementScope, context: AnalysisContext): Column[] | undefined {
  const columns: Column[] = [];
  const expression: ExpressionContext = { scope: statement.scope, analysis: context, groupedRows: statement.groupedRows };
  for (const target of statement.targets) {
    const res = as(target, 'ResTarget')!;
    const star = starOf(res.val as Node | undefined, statement.scope);
    if (star) {
      if (!star.columns) return undefined;
      columns.push(...star.columns);
      continue;
    }
    const val = res.val as Node;
    // With ROLLUP / CUBE / GROUPING SETS, grouped columns are NULL in the subtotal rows.
    const nullable = isNullable(val, expression) || (statement.groupingSets && !aggregateLike(val));
    columns.push(newColumn(context, (res.name as string | undefined) ?? figureName(val), nullable, undefined, columnType(val, statement.scope)));
  }
  return columns;
}

/** The columns `*` or `t.*` stands for in `scope`, or undefined when `val` is no star. */
export function starOf(val: Node | undefined, scope: Scope): Omit<StarExpansion, 'location'> | undefined {
  const ref = as(val, 'ColumnRef');
  const names = stringsOf(ref?.fields as Node[] | undefined);
  if (!ref || names.at(-1) !== '*') return undefined;
  if (names.length === 1) {
    const unknown = scope.elements.some((e) => !e.columns);
    const columns = unknown ? undefined : scope.elements.flatMap((e) => e.columns!);
    const only = scope.elements.length === 1 ? scope.elements[0] : undefined;
    return { columns: columns?.map((c) => (scope.narrowed.has(c.key) ? { ...c, nullable: false } : c)), single: Boolean(only && only.items.length <= 1) };
  }
  const item = findItem(scope, names.at(-2)!);
  return { columns: item?.columns?.map((c) => (scope.narrowed.has(c.key) ? { ...c, nullable: false } : c)), single: false };
}

/** The name PostgreSQL gives an unaliased result column (its FigureColname). */
export function figureName(node: Node | undefined): string {
  const kind = node ? Object.keys(node)[0] : undefined;
  const f = kind ? (node![kind] as Node) : undefined;
  switch (kind) {
    case 'ColumnRef':
      return stringsOf(f!.fields as Node[]).at(-1) ?? '?column?';
    case 'FuncCall':
      return stringsOf(f!.funcname as Node[]).at(-1) ?? '?column?';
    case 'TypeCast': {
      const inner = figureName(f!.arg as Node);
      return inner !== '?column?' ? inner : stringsOf(as(f!.typeName as Node, 'TypeName')?.names ?? (f!.typeName as Node).names).at(-1) ?? '?column?';
    }
    case 'CollateClause':
      return figureName(f!.arg as Node);
    case 'A_Indirection': {
      const last = ((f!.indirection as Node[] | undefined) ?? []).at(-1);
      const field = as(last, 'String')?.sval as string | undefined;
      return field ?? figureName(f!.arg as Node);
    }
    case 'CaseExpr':
      return 'case';
    case 'CoalesceExpr':
      return 'coalesce';
    case 'MinMaxExpr':
      return f!.op === 'IS_GREATEST' ? 'greatest' : 'least';
    case 'A_ArrayExpr':
      return 'array';
    case 'RowExpr':
      return 'row';
    case 'SubLink':
      switch (f!.subLinkType) {
        case 'EXISTS_SUBLINK':
          return 'exists';
        case 'ARRAY_SUBLINK':
          return 'array';
        case 'EXPR_SUBLINK': {
          const select = as(f!.subselect as Node, 'SelectStmt');
          const target = as((select?.targetList as Node[] | undefined)?.[0], 'ResTarget');
          return (target?.name as string | undefined) ?? figureName(target?.val as Node | undefined);
        }
      }
      return '?column?';
    case 'GroupingFunc':
      return 'grouping';
    case 'SQLValueFunction':
      return String(f!.op ?? '').replace(/^SVFOP_/, '').toLowerCase().replace(/_n$/, '') || '?column?';
    default:
      return '?column?';
  }
}

/** The type of a result column that is a plain column reference. */
function columnType(val: Node | undefined, scope: Scope): number | undefined {
  const ref = as(val, 'ColumnRef');
  if (!ref) return undefined;
  const column = resolveColumn(scope, stringsOf(ref.fields as Node[]));
  return column === 'unknown' ? undefined : column.type;
}

function aggregateLike(node: Node | undefined): boolean {
  const call = as(unwrapCast(node), 'FuncCall');
  return Boolean(call && !call.over && (call.agg_star || stringsOf(call.funcname as Node[]).at(-1) === 'count'))
    || Boolean(as(node, 'GroupingFunc'));
}

function valuesColumns(rows: readonly Node[], scope: Scope, context: AnalysisContext): Column[] {
  const expression: ExpressionContext = { scope, analysis: context, groupedRows: false };
  const lists = rows.map((row) => (as(row, 'List')?.items as Node[] | undefined) ?? []);
  const width = lists[0]?.length ?? 0;
  return Array.from({ length: width }, (_, i) =>
    newColumn(context, `column${i + 1}`, lists.some((items) => isNullable(items[i], expression)), undefined));
}

function combine(left: Column[] | undefined, right: Column[] | undefined, nullable: (a: boolean, b: boolean) => boolean): Column[] | undefined {
  if (!left || !right || left.length !== right.length) return undefined;
  return left.map((c, i) => ({ ...c, nullable: nullable(c.nullable, right[i]!.nullable) }));
}
