import type { Catalog, PgType } from '../schema/catalog.js';
import { pascalCase } from './naming.js';
import type { TypeMapper } from './type-map.js';

const systemNamespaces = new Set(['pg_catalog', 'information_schema']);

/** Enums and domains the user declared (not PostgreSQL's own, nor an extension's). */
function userTypes(catalog: Catalog): PgType[] {
  return [...catalog.types.values()]
    .filter((t) => (t.kind === 'e' || t.kind === 'd') && !systemNamespaces.has(t.namespace) && !t.fromExtension)
    .sort((a, b) => (a.namespace + '.' + a.name < b.namespace + '.' + b.name ? -1 : 1));
}

/**
 * The exported TypeScript name of each enum and domain: `mpaa_rating` -> `MpaaRating`; when
 * two schemas declare the same name, the one outside `public` is prefixed with its schema.
 */
export function sharedTypeNames(catalog: Catalog): ReadonlyMap<number, string> {
  const types = userTypes(catalog);
  const counts = new Map<string, number>();
  for (const type of types) counts.set(pascalCase(type.name), (counts.get(pascalCase(type.name)) ?? 0) + 1);
  const names = new Map<number, string>();
  for (const type of types) {
    const plain = pascalCase(type.name);
    const clash = (counts.get(plain) ?? 0) > 1 || plain === 'JsonValue';
    names.set(type.oid, clash && type.namespace !== 'public' ? pascalCase(`${type.namespace}_${type.name}`) : plain);
  }
  return names;
}

export interface Declaration {
  readonly name: string;
  readonly type: string;
  readonly doc: string;
}

/** `export type MpaaRating = 'G' | 'PG';` and `export type Email = string;` for `_types.ts`. */
export function sharedTypeDeclarations(catalog: Catalog, mapper: TypeMapper, names: ReadonlyMap<number, string>): Declaration[] {
  return userTypes(catalog).map((type) => {
    const name = names.get(type.oid)!;
    if (type.kind === 'e') {
      const labels = type.labels.map((label) => `'${label.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`);
      return { name, type: labels.join(' | ') || 'never', doc: `Enum \`${type.namespace}.${type.name}\`.` };
    }
    const base = catalog.types.get(type.baseType);
    return {
      name,
      type: mapper.map(type.baseType, 'result').text,
      doc: `Domain \`${type.namespace}.${type.name}\` over \`${base?.name ?? 'unknown'}\`${type.notNull ? ', NOT NULL' : ''}.`,
    };
  });
}
