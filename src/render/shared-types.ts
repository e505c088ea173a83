import type { Catalog, PgType } from '../schema/catalog.js';
import { pascalCase, propertyKey } from './naming.js';
import type { TypeMapper } from './type-map.js';
import { newCodecUse, type CodecUse, type ValueCodecs } from './value-codec.js';

const systemNamespaces = new Set(['pg_catalog', 'information_schema']);

/** Enums, domains and composite types the user declared (not PostgreSQL's own, nor an extension's). */
function userTypes(catalog: Catalog): PgType[] {
  const declared = (t: PgType): boolean =>
    t.kind === 'e' || t.kind === 'd' || (t.kind === 'c' && catalog.relations.get(t.relation)?.kind === 'c');
  return [...catalog.types.values()]
    .filter((t) => declared(t) && !systemNamespaces.has(t.namespace) && !t.fromExtension)
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
  readonly doc: string;
  /** An alias: `export type Name = type`. */
  readonly type?: string;
  /** A composite type: an interface, with its decoder and encoder. */
  readonly fields?: readonly { readonly key: string; readonly type: string }[];
  readonly decoders?: string;
  readonly values?: string;
}

export interface SharedTypes {
  readonly declarations: readonly Declaration[];
  readonly use: CodecUse;
  readonly typeImports: readonly string[];
}

/**
 * What `_types.ts` declares: `export type MpaaRating = 'G' | 'PG';`, `export type Email = string;`
 * and, for a composite type, its interface with a decoder and an encoder.
 */
export function sharedTypeDeclarations(
  catalog: Catalog,
  mapper: TypeMapper,
  codecs: ValueCodecs,
  names: ReadonlyMap<number, string>,
  fieldName: (name: string) => string,
): SharedTypes {
  const use = newCodecUse({ inline: true });
  const typeImports = new Set<string>();
  const declarations = orderByDependency(catalog, userTypes(catalog)).map((type): Declaration => {
    const name = names.get(type.oid)!;
    if (type.kind === 'e') {
      const labels = type.labels.map(stringLiteral);
      return { name, type: labels.join(' | ') || 'never', doc: `Enum \`${type.namespace}.${type.name}\`.` };
    }
    if (type.kind === 'd') {
      const base = catalog.types.get(type.baseType);
      const mapped = mapper.map(type.baseType, 'result');
      mapped.runtime.forEach((n) => typeImports.add(n));
      return {
        name,
        type: mapped.text,
        doc: `Domain \`${type.namespace}.${type.name}\` over \`${base?.name ?? 'unknown'}\`${type.notNull ? ', NOT NULL' : ''}.`,
      };
    }
    const attributes = catalog.relations.get(type.relation)?.attributes ?? [];
    const keys = attributes.map((a) => fieldName(a.name));
    use.runtime.add('recordDecoder').add('recordLiteral');
    return {
      name,
      doc: `Composite type \`${type.namespace}.${type.name}\`.`,
      fields: attributes.map((a, i) => {
        const mapped = mapper.map(a.type, 'result');
        mapped.runtime.forEach((n) => typeImports.add(n));
        return { key: propertyKey(keys[i]!), type: `${mapped.text} | null` };
      }),
      decoders: attributes.map((a, i) => `[${stringLiteral(keys[i]!)}, ${codecs.fieldDecoder(a.type, use)}]`).join(', '),
      values: keys.map((key) => (/^[A-Za-z_$][\w$]*$/.test(key) ? `value.${key}` : `value[${JSON.stringify(key)}]`)).join(', '),
    };
  });
  return { declarations, use, typeImports: [...typeImports].sort() };
}

/** A single-quoted TypeScript string literal. */
function stringLiteral(value: string): string {
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'").replace(/\n/g, '\\n')}'`;
}

/** Composite types after the composite types their fields use. */
function orderByDependency(catalog: Catalog, types: readonly PgType[]): PgType[] {
  const ordered: PgType[] = [];
  const placed = new Set<number>();
  const place = (type: PgType, depth: number): void => {
    if (placed.has(type.oid) || depth > 32) return;
    for (const attribute of catalog.relations.get(type.relation)?.attributes ?? []) {
      const field = fieldComposite(catalog, attribute.type);
      const declared = field && types.find((t) => t.oid === field.oid);
      if (declared) place(declared, depth + 1);
    }
    placed.add(type.oid);
    ordered.push(type);
  };
  types.forEach((type) => place(type, 0));
  return ordered;
}

function fieldComposite(catalog: Catalog, oid: number): PgType | undefined {
  let type = catalog.types.get(oid);
  for (let depth = 0; type && depth < 32; depth++) {
    if (type.kind === 'c') return type;
    const next = type.kind === 'd' ? type.baseType : type.category === 'A' ? type.element : 0;
    type = catalog.types.get(next);
  }
  return undefined;
}
