import type { AnalyzedQuery } from '../analyze/analyzed-query.js';
import type { Catalog, PgRelation } from '../schema/catalog.js';
import { pascalCase, singular } from './naming.js';

const systemNamespaces = new Set(['pg_catalog', 'information_schema']);
const tableKinds = new Set(['r', 'p', 'f']);

/** The user's tables, in a stable order. */
export function userTables(catalog: Catalog): PgRelation[] {
  return [...catalog.relations.values()]
    .filter((r) => tableKinds.has(r.kind) && !systemNamespaces.has(r.namespace))
    .sort((a, b) => (a.namespace + '.' + a.name < b.namespace + '.' + b.name ? -1 : 1));
}

/**
 * The exported name of each table's row type: `users` -> `User`, `post_tags` -> `PostTag`.
 * A table outside `public` whose name clashes takes its schema as a prefix; a name that
 * clashes with an enum, domain or composite type gets `Row` appended.
 */
export function tableTypeNames(catalog: Catalog, taken: ReadonlySet<string>): ReadonlyMap<number, string> {
  const tables = userTables(catalog);
  const plain = (r: PgRelation): string => pascalCase(singular(r.name));
  const counts = new Map<string, number>();
  for (const table of tables) counts.set(plain(table), (counts.get(plain(table)) ?? 0) + 1);
  const names = new Map<number, string>();
  for (const table of tables) {
    let name = plain(table);
    if ((counts.get(name) ?? 0) > 1 && table.namespace !== 'public') name = pascalCase(`${table.namespace}_${singular(table.name)}`);
    if (taken.has(name)) name = `${name}Row`;
    names.set(table.oid, name);
  }
  return names;
}

/** Whether a column of `relation` can be NULL as its table stores it. */
export function storedNullable(catalog: Catalog, attribute: PgRelation['attributes'][number]): boolean {
  return !attribute.notNull && !catalog.types.get(attribute.type)?.notNull;
}

/**
 * The table whose whole row a query returns — every column, in order, unrenamed and with
 * the table's own nullability (`SELECT * FROM users`, `RETURNING *`) — so its row type can be
 * that table's type.
 */
export function tableOfRow(query: AnalyzedQuery, catalog: Catalog): PgRelation | undefined {
  const first = query.columns[0];
  const relation = first ? catalog.relations.get(first.relation) : undefined;
  if (!relation || !tableKinds.has(relation.kind) || relation.attributes.length !== query.columns.length) return undefined;
  const whole = relation.attributes.every((attribute, i) => {
    const column = query.columns[i]!;
    return column.relation === relation.oid && column.attribute === attribute.number && column.name === attribute.name
      && column.nullable === storedNullable(catalog, attribute);
  });
  return whole ? relation : undefined;
}
