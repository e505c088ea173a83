import { findRelation, type PgRelation } from '../schema/catalog.js';
import { as, stringsOf, type Node } from './ast.js';
import { narrowedBy } from './expression-nullability.js';
import { outputColumns } from './output-columns.js';
import {
  emptyScope, findCte, newColumn, withNullable,
  type AnalysisContext, type Column, type FromElement, type RangeItem, type Scope,
} from './scope.js';

/**
 * Turns a FROM list into the elements a query sees, with every column that an outer join
 * can null marked nullable.
 *
 * `FROM users u LEFT JOIN posts p ON p.author_id = u.id` gives one element whose columns are
 * `u.*` as the catalog says and `p.*` all nullable.
 */
export function fromElements(list: readonly Node[] | undefined, scope: Scope, context: AnalysisContext): FromElement[] {
  const elements: FromElement[] = [];
  for (const node of list ?? []) {
    // LATERAL items see the items to their left.
    const lateralScope: Scope = { ...scope, elements: [...scope.elements, ...elements] };
    elements.push(fromItem(node, scope, lateralScope, context));
  }
  return elements;
}

function fromItem(node: Node, scope: Scope, lateralScope: Scope, context: AnalysisContext): FromElement {
  const rangeVar = as(node, 'RangeVar');
  if (rangeVar) return relationElement(rangeVar, scope, context);

  const subselect = as(node, 'RangeSubselect');
  if (subselect) {
    const inner = outputColumns(subselect.subquery as Node, subselect.lateral ? lateralScope : scope, context);
    return aliased(subselect.alias as Node | undefined, undefined, inner, context);
  }

  const fn = as(node, 'RangeFunction');
  if (fn) return functionElement(fn, context);

  const join = as(node, 'JoinExpr');
  if (join) return joinElement(join, scope, lateralScope, context);

  return { items: [], columns: undefined };
}

function relationElement(rangeVar: Node, scope: Scope, context: AnalysisContext): FromElement {
  const name = rangeVar.relname as string;
  const schema = rangeVar.schemaname as string | undefined;
  const cte = schema === undefined ? findCte(scope, name) : undefined;
  if (cte) return aliased(rangeVar.alias as Node | undefined, name, cte.columns, context);
  const relation = findRelation(context.catalog, schema, name);
  return aliased(rangeVar.alias as Node | undefined, name, relation ? relationColumns(relation, context) : undefined, context);
}

/** A table's columns as the catalog says; a view's as its definition says. */
export function relationColumns(relation: PgRelation, context: AnalysisContext): readonly Column[] | undefined {
  if (relation.kind !== 'v' && relation.kind !== 'm') {
    // A NOT NULL domain is enforced on every write, like attnotnull.
    return relation.attributes.map((a) => newColumn(context, a.name, !a.notNull && !context.catalog.types.get(a.type)?.notNull, undefined, a.type));
  }
  if (!context.views.has(relation.oid)) {
    context.views.set(relation.oid, undefined); // a view that refers to itself stays unknown
    const tree = relation.viewDefinition ? context.parse(relation.viewDefinition) : undefined;
    const columns = tree ? outputColumns(tree, emptyScope, context) : undefined;
    const named = columns?.length === relation.attributes.length
      ? columns.map((c, i) => ({ ...c, name: relation.attributes[i]!.name }))
      : undefined;
    context.views.set(relation.oid, named);
  }
  const known = context.views.get(relation.oid);
  return (known ?? relation.attributes.map((a) => ({ name: a.name, nullable: true, type: a.type }))).map((c) =>
    newColumn(context, c.name, c.nullable, undefined, c.type));
}

/** Applies `AS alias (a, b)` and names the qualifier a star expansion uses. */
function aliased(alias: Node | undefined, name: string | undefined, columns: readonly Column[] | undefined, context: AnalysisContext): FromElement {
  const refName = (alias?.aliasname as string | undefined) ?? name;
  const renames = stringsOf(alias?.colnames as Node[] | undefined);
  const renamed = columns?.map((c, i) => newColumn(context, renames[i] ?? c.name, c.nullable, refName, c.type));
  const items: RangeItem[] = refName ? [{ refName, columns: renamed }] : [];
  return { items, columns: renamed };
}

/** Set-returning functions whose one output column is known never to be null. */
const nonNullSeries = new Set(['generate_series', 'generate_subscripts']);

function functionElement(fn: Node, context: AnalysisContext): FromElement {
  const alias = fn.alias as Node | undefined;
  const calls = ((fn.functions as Node[] | undefined) ?? []).map((f) => as(as(f, 'List')?.items?.[0], 'FuncCall'));
  const colnames = stringsOf(alias?.colnames as Node[] | undefined);
  const single = calls.length === 1 ? calls[0] : undefined;
  const fnName = single ? stringsOf(single.funcname as Node[]).at(-1) : undefined;
  let columns: Column[] | undefined;
  // One column per call for scalar set-returning functions; others (records) are unknown
  // unless the alias names the columns.
  const oneColumn = fnName && (nonNullSeries.has(fnName) || (fnName === 'unnest' && ((single?.args as Node[] | undefined)?.length ?? 0) <= 1));
  if (fnName && oneColumn) {
    const refName = (alias?.aliasname as string | undefined) ?? fnName;
    columns = [newColumn(context, colnames[0] ?? (alias?.aliasname as string | undefined) ?? fnName, !nonNullSeries.has(fnName), refName)];
    if (fn.ordinality) columns.push(newColumn(context, colnames[1] ?? 'ordinality', false, refName));
    return { items: [{ refName, columns }], columns };
  }
  if (colnames.length && alias) {
    const refName = alias.aliasname as string;
    columns = colnames.map((name, i) => newColumn(context, name, !(fn.ordinality && i === colnames.length - 1), refName));
    return { items: [{ refName, columns }], columns };
  }
  const refName = (alias?.aliasname as string | undefined) ?? fnName;
  return { items: refName ? [{ refName, columns: undefined }] : [], columns: undefined };
}

function joinElement(join: Node, scope: Scope, lateralScope: Scope, context: AnalysisContext): FromElement {
  const left = fromItem(join.larg as Node, scope, lateralScope, context);
  const rightScope: Scope = { ...lateralScope, elements: [...lateralScope.elements, left] };
  const right = fromItem(join.rarg as Node, scope, rightScope, context);
  const type = join.jointype as string;

  let l = left;
  let r = right;
  if (type === 'JOIN_INNER' && join.quals) {
    // An inner join's ON clause filters like WHERE: a column it compares is not null.
    const keys = narrowedBy(join.quals as Node, { ...scope, elements: [left, right] });
    l = narrowElement(l, keys);
    r = narrowElement(r, keys);
  }
  if (type === 'JOIN_LEFT' || type === 'JOIN_FULL') r = nullElement(r);
  if (type === 'JOIN_RIGHT' || type === 'JOIN_FULL') l = nullElement(l);

  const using = join.isNatural ? naturalColumns(left, right) : stringsOf(join.usingClause as Node[] | undefined);
  let columns: Column[] | undefined;
  if (l.columns && r.columns) {
    // A merged column is the left one, the right one, or (FULL) COALESCE of the two as they
    // were before the join: NULL for a row of either side whose own column is NULL.
    const merged = using.map((name) => {
      const a = left.columns!.find((c) => c.name === name);
      const b = right.columns!.find((c) => c.name === name);
      const nullable = type === 'JOIN_INNER' ? false
        : type === 'JOIN_LEFT' ? (a?.nullable ?? true)
          : type === 'JOIN_RIGHT' ? (b?.nullable ?? true)
            : (a?.nullable ?? true) || (b?.nullable ?? true);
      return newColumn(context, name, nullable, undefined, a?.type ?? b?.type);
    });
    const rest = (side: readonly Column[]) => side.filter((c) => !using.includes(c.name));
    columns = [...merged, ...rest(l.columns), ...rest(r.columns)];
  }

  const alias = join.alias as Node | undefined;
  if (alias) return aliased(alias, undefined, columns, context);
  return { items: [...l.items, ...r.items], columns };
}

function naturalColumns(left: FromElement, right: FromElement): string[] {
  if (!left.columns || !right.columns) return [];
  const names = new Set(right.columns.map((c) => c.name));
  return left.columns.filter((c) => names.has(c.name)).map((c) => c.name);
}

function nullElement(element: FromElement): FromElement {
  return mapColumns(element, withNullable);
}

function narrowElement(element: FromElement, keys: ReadonlySet<number>): FromElement {
  if (!keys.size) return element;
  return mapColumns(element, (c) => (keys.has(c.key) ? { ...c, nullable: false } : c));
}

function mapColumns(element: FromElement, map: (column: Column) => Column): FromElement {
  const mapped = new Map<Column, Column>();
  const get = (column: Column): Column => {
    let result = mapped.get(column);
    if (!result) mapped.set(column, (result = map(column)));
    return result;
  };
  return {
    items: element.items.map((item) => ({ refName: item.refName, columns: item.columns?.map(get) })),
    columns: element.columns?.map(get),
  };
}

