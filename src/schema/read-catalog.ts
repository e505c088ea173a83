import type { Catalog, PgAttribute, PgRelation, PgType } from './catalog.js';
import type { DbSession } from './db-session.js';

const typesSql = `
SELECT t.oid::int AS oid, n.nspname AS namespace, t.typname AS name, t.typtype AS kind,
       t.typcategory AS category, t.typelem::int AS element, t.typarray::int AS array,
       t.typbasetype::int AS base_type, t.typnotnull AS not_null, t.typrelid::int AS relation,
       coalesce(r.rngsubtype, 0)::int AS range_subtype,
       coalesce((SELECT array_agg(e.enumlabel ORDER BY e.enumsortorder) FROM pg_enum e WHERE e.enumtypid = t.oid), '{}') AS labels,
       EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_type'::regclass AND d.objid = t.oid AND d.deptype = 'e') AS from_extension
FROM pg_type t
JOIN pg_namespace n ON n.oid = t.typnamespace
LEFT JOIN pg_range r ON r.rngtypid = t.oid
WHERE n.nspname <> 'pg_toast' AND (t.typrelid = 0 OR t.typtype = 'c')
ORDER BY t.oid`;

const relationsSql = `
SELECT c.oid::int AS oid, n.nspname AS namespace, c.relname AS name, c.relkind::text AS kind,
       CASE WHEN c.relkind IN ('v', 'm') AND n.nspname NOT IN ('pg_catalog', 'information_schema')
            THEN pg_get_viewdef(c.oid) END AS view_definition,
       obj_description(c.oid, 'pg_class') AS comment
FROM pg_class c
JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind IN ('r', 'p', 'v', 'm', 'f', 'c') AND n.nspname <> 'pg_toast'
ORDER BY c.oid`;

const attributesSql = `
SELECT a.attrelid::int AS relation, a.attnum::int AS number, a.attname AS name, a.atttypid::int AS type,
       a.attnotnull AS not_null, a.atthasdef AS has_default,
       (a.attidentity <> '' OR a.attgenerated <> '') AS generated,
       d.description AS comment
FROM pg_attribute a
JOIN pg_class c ON c.oid = a.attrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
-- A join, not col_description(): one call per attribute doubled the query's time.
LEFT JOIN pg_description d ON d.objoid = a.attrelid AND d.classoid = 'pg_class'::regclass AND d.objsubid = a.attnum
WHERE a.attnum > 0 AND NOT a.attisdropped
  AND c.relkind IN ('r', 'p', 'v', 'm', 'f', 'c') AND n.nspname <> 'pg_toast'
ORDER BY a.attrelid, a.attnum`;

interface TypeRow {
  oid: number; namespace: string; name: string; kind: PgType['kind']; category: string;
  element: number; array: number; base_type: number; not_null: boolean; relation: number;
  range_subtype: number; labels: string[] | string; from_extension: boolean;
}
interface RelationRow { oid: number; namespace: string; name: string; kind: string; view_definition: string | null; comment: string | null }
interface AttributeRow {
  relation: number; number: number; name: string; type: number; not_null: boolean;
  has_default: boolean; generated: boolean; comment: string | null;
}

/** Reads types, relations, attributes and the search path in four queries. */
export async function readCatalog(session: DbSession): Promise<Catalog> {
  // One after another: a connection runs one query at a time anyway.
  const typeRows = await session.query<TypeRow>(typesSql);
  const relationRows = await session.query<RelationRow>(relationsSql);
  const attributeRows = await session.query<AttributeRow>(attributesSql);
  const pathRows = await session.query<{ schemas: string[] | string }>('SELECT current_schemas(true) AS schemas');

  const types = new Map<number, PgType>();
  for (const row of typeRows) {
    types.set(row.oid, Object.freeze({
      oid: row.oid,
      namespace: row.namespace,
      name: row.name,
      kind: row.kind,
      category: row.category,
      element: row.element,
      array: row.array,
      baseType: row.base_type,
      notNull: row.not_null,
      relation: row.relation,
      labels: textArray(row.labels),
      rangeSubtype: row.range_subtype,
      fromExtension: row.from_extension,
    }));
  }

  const attributes = new Map<number, PgAttribute[]>();
  for (const row of attributeRows) {
    let list = attributes.get(row.relation);
    if (!list) attributes.set(row.relation, (list = []));
    list.push(Object.freeze({
      number: row.number,
      name: row.name,
      type: row.type,
      notNull: row.not_null,
      hasDefault: row.has_default,
      generated: row.generated,
      comment: row.comment ?? undefined,
    }));
  }

  const relations = new Map<number, PgRelation>();
  for (const row of relationRows) {
    relations.set(row.oid, Object.freeze({
      oid: row.oid,
      namespace: row.namespace,
      name: row.name,
      kind: row.kind,
      attributes: Object.freeze(attributes.get(row.oid) ?? []),
      viewDefinition: row.view_definition ?? undefined,
      comment: row.comment ?? undefined,
    }));
  }

  return Object.freeze({ types, relations, searchPath: Object.freeze(textArray(pathRows[0]?.schemas ?? [])) });
}

/** `name[]` arrives as a JS array from pg and as its text form from some drivers. */
function textArray(value: string[] | string): string[] {
  if (Array.isArray(value)) return value;
  const inner = value.replace(/^\{|\}$/g, '');
  if (!inner) return [];
  return inner.split(',').map((item) => item.replace(/^"(.*)"$/, '$1').replace(/\\(.)/g, '$1'));
}
