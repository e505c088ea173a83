/** What sqlgen knows of the database's schema: plain data, read once per run. */
export interface Catalog {
  readonly types: ReadonlyMap<number, PgType>;
  readonly relations: ReadonlyMap<number, PgRelation>;
  /** Schemas searched for unqualified names, in order (`current_schemas(true)`). */
  readonly searchPath: readonly string[];
}

export interface PgType {
  readonly oid: number;
  readonly namespace: string;
  readonly name: string;
  /** `typtype`: b base, c composite, d domain, e enum, p pseudo, r range, m multirange. */
  readonly kind: 'b' | 'c' | 'd' | 'e' | 'p' | 'r' | 'm';
  /** `typcategory`, e.g. `A` for arrays. */
  readonly category: string;
  /** Element type of an array type, else 0. */
  readonly element: number;
  /** The array type whose elements are this type, else 0. */
  readonly array: number;
  /** A domain's base type, else 0. */
  readonly baseType: number;
  /** A domain declared NOT NULL. */
  readonly notNull: boolean;
  /** The relation of a composite type, else 0. */
  readonly relation: number;
  /** Enum labels in sort order; empty for other kinds. */
  readonly labels: readonly string[];
  /** The range's subtype, else 0. */
  readonly rangeSubtype: number;
  /** Owned by an extension (citext, hstore, ...). */
  readonly fromExtension: boolean;
}

export interface PgRelation {
  readonly oid: number;
  readonly namespace: string;
  readonly name: string;
  /** `relkind`: r table, p partitioned table, v view, m materialized view, f foreign table, c composite type. */
  readonly kind: string;
  /** Live attributes in `attnum` order. */
  readonly attributes: readonly PgAttribute[];
  /** `pg_get_viewdef` of a view or materialized view. */
  readonly viewDefinition: string | undefined;
  readonly comment: string | undefined;
}

export interface PgAttribute {
  readonly number: number;
  readonly name: string;
  readonly type: number;
  readonly notNull: boolean;
  readonly hasDefault: boolean;
  /** Identity or generated columns fill themselves. */
  readonly generated: boolean;
  readonly comment: string | undefined;
}

/** Finds a relation by name the way PostgreSQL resolves a table reference. */
export function findRelation(catalog: Catalog, schema: string | undefined, name: string): PgRelation | undefined {
  const index = relationIndex(catalog);
  if (schema !== undefined) return index.get(`${schema}.${name}`);
  for (const namespace of catalog.searchPath) {
    const relation = index.get(`${namespace}.${name}`);
    if (relation) return relation;
  }
  return undefined;
}

export function attributeOf(catalog: Catalog, relation: number, number: number): PgAttribute | undefined {
  return catalog.relations.get(relation)?.attributes.find((a) => a.number === number);
}

const indexes = new WeakMap<Catalog, Map<string, PgRelation>>();

function relationIndex(catalog: Catalog): Map<string, PgRelation> {
  let index = indexes.get(catalog);
  if (!index) {
    index = new Map();
    for (const relation of catalog.relations.values()) index.set(`${relation.namespace}.${relation.name}`, relation);
    indexes.set(catalog, index);
  }
  return index;
}

/** Follows domains down to the type that values actually have. */
export function baseTypeOf(catalog: Catalog, oid: number): PgType | undefined {
  let type = catalog.types.get(oid);
  for (let depth = 0; type?.kind === 'd' && depth < 32; depth++) type = catalog.types.get(type.baseType);
  return type;
}
