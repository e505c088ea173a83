import type { Catalog } from '../schema/catalog.js';
import type { Node } from './ast.js';

/** A column visible in a query, with what is known about it. */
export interface Column {
  readonly name: string;
  readonly nullable: boolean;
  /** Identity of the column in its scope, so WHERE narrowing can find it again. */
  readonly key: number;
  /** How a star expansion names it: `u` in `u.email`; undefined for a USING column. */
  readonly qualifier: string | undefined;
  /** Its type's OID when it comes from a table column, else undefined. */
  readonly type: number | undefined;
}

/** A FROM item that can be named in a qualified reference (`u.email`, `u.*`). */
export interface RangeItem {
  readonly refName: string;
  /** Undefined when the columns are not known (a function without a column list). */
  readonly columns: readonly Column[] | undefined;
}

/** One top-level element of a FROM list: its columns in `*` order. */
export interface FromElement {
  readonly items: readonly RangeItem[];
  readonly columns: readonly Column[] | undefined;
}

export interface Scope {
  readonly parent: Scope | undefined;
  readonly ctes: ReadonlyMap<string, readonly Column[] | undefined>;
  readonly elements: readonly FromElement[];
  /** Keys of columns that the WHERE clause proves non-null. */
  readonly narrowed: ReadonlySet<number>;
}

export interface AnalysisContext {
  readonly catalog: Catalog;
  /** `$N` numbers of parameters that may be null (`sqlgen.narg`). */
  readonly nullableParams: ReadonlySet<number>;
  /** Types of the parameters, `$1` first, as PostgreSQL described them. */
  readonly paramTypes: readonly number[];
  /** Columns of each view, worked out from its definition once per run. */
  readonly views: Map<number, readonly Column[] | undefined>;
  readonly parse: (sql: string) => Node | undefined;
  nextKey: number;
}

export const emptyScope: Scope = Object.freeze({
  parent: undefined,
  ctes: new Map(),
  elements: [],
  narrowed: new Set<number>(),
});

export function newColumn(context: AnalysisContext, name: string, nullable: boolean, qualifier: string | undefined, type?: number): Column {
  return { name, nullable, key: context.nextKey++, qualifier, type };
}

export function withNullable(column: Column): Column {
  return column.nullable ? column : { ...column, nullable: true };
}

/** Resolves `col`, `t.col` or `schema.t.col` the way PostgreSQL does, innermost scope first. */
export function resolveColumn(scope: Scope | undefined, names: readonly string[]): Column | 'unknown' {
  const column = names[names.length - 1]!;
  const qualifier = names.length > 1 ? names[names.length - 2] : undefined;
  for (let s = scope; s; s = s.parent) {
    const found = qualifier === undefined ? findUnqualified(s, column) : findQualified(s, qualifier, column);
    if (found === 'unknown') return 'unknown';
    if (found) return s.narrowed.has(found.key) ? { ...found, nullable: false } : found;
  }
  return 'unknown';
}

function findUnqualified(scope: Scope, name: string): Column | 'unknown' | undefined {
  const matches: Column[] = [];
  let unknown = false;
  for (const element of scope.elements) {
    if (!element.columns) {
      unknown = true;
      continue;
    }
    for (const column of element.columns) if (column.name === name) matches.push(column);
  }
  if (matches.length === 1 && !unknown) return matches[0];
  return matches.length || unknown ? 'unknown' : undefined;
}

function findQualified(scope: Scope, qualifier: string, name: string): Column | 'unknown' | undefined {
  for (const element of scope.elements) {
    for (const item of element.items) {
      if (item.refName !== qualifier) continue;
      if (!item.columns) return 'unknown';
      return item.columns.find((c) => c.name === name) ?? 'unknown';
    }
  }
  return undefined;
}

/** The range item a qualified star (`u.*`) names. */
export function findItem(scope: Scope, refName: string): RangeItem | undefined {
  for (let s: Scope | undefined = scope; s; s = s.parent) {
    for (const element of s.elements) {
      const item = element.items.find((i) => i.refName === refName);
      if (item) return item;
    }
  }
  return undefined;
}

export function findCte(scope: Scope | undefined, name: string): { columns: readonly Column[] | undefined } | undefined {
  for (let s = scope; s; s = s.parent) {
    if (s.ctes.has(name)) return { columns: s.ctes.get(name) };
  }
  return undefined;
}
