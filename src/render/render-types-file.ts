import type { Config } from '../config/config.js';
import type { Catalog } from '../schema/catalog.js';
import { propertyKey } from './naming.js';
import { attributeComment, fieldNaming, importLine, typeOptions } from './render-module.js';
import { sharedTypeDeclarations } from './shared-types.js';
import { storedNullable, userTables } from './table-types.js';
import { template } from './templates.js';
import type { TypeMapper } from './type-map.js';
import type { ValueCodecs } from './value-codec.js';

/**
 * Renders `_types.ts`: JsonValue, the user's enums, domains and composite types, and a row
 * type per table. It depends on the catalog and the config only, never on the queries, so
 * watch mode renders it once per schema.
 */
export function renderSharedTypes(
  catalog: Catalog,
  config: Config,
  types: TypeMapper,
  codecs: ValueCodecs,
  names: ReadonlyMap<number, string>,
  tables: ReadonlyMap<number, string>,
  fileHeader: string,
): string {
  const fieldName = fieldNaming(config);
  const shared = sharedTypeDeclarations(catalog, types, codecs, names, fieldName);
  const runtimeTypes = new Set(shared.typeImports);
  const userImports = new Map<string, Set<string>>();
  const tableViews = userTables(catalog).map((table) => ({
    name: tables.get(table.oid),
    doc: (table.comment ?? `Table \`${table.namespace}.${table.name}\`.`).replace(/\*\//g, '*\\/').replace(/\s*\n\s*/g, ' '),
    fields: table.attributes.map((attribute) => {
      const mapped = types.map(attribute.type, 'result', `${table.namespace}.${table.name}.${attribute.name}`);
      mapped.runtime.forEach((name) => runtimeTypes.add(name));
      for (const { name, from } of mapped.imports) {
        if (!userImports.has(from)) userImports.set(from, new Set());
        userImports.get(from)!.add(name);
      }
      return {
        key: propertyKey(fieldName(attribute.name)),
        type: storedNullable(catalog, attribute) ? `${mapped.text} | null` : mapped.text,
        doc: attributeComment(attribute.comment),
      };
    }),
  }));
  const parsers = shared.use.runtime.has('builtin');
  if (parsers) shared.use.runtime.add('typeParsers');
  const imports = [
    ...(shared.use.runtime.size || runtimeTypes.size ? [importLine('./_runtime.js', shared.use.runtime, runtimeTypes)] : []),
    ...[...userImports].sort(([a], [b]) => (a < b ? -1 : 1)).map(([from, names]) => importLine(from, new Set(), names)),
  ];
  return template('types')({
    header: fileHeader,
    imports,
    typeOptions: parsers ? typeOptions(config) : '',
    declarations: shared.declarations,
    tables: tableViews,
  });
}

