import type { Config, TypeOverride } from '../config/config.js';
import type { Catalog, PgType } from '../schema/catalog.js';

/** A TypeScript type for a PostgreSQL value, with what it needs imported. */
export interface TsType {
  readonly text: string;
  /** Names imported from the generated `_types.ts`. */
  readonly shared: readonly string[];
  /** User types from `types.overrides`: name and module, as written in the config. */
  readonly imports: readonly { readonly name: string; readonly from: string }[];
  /** Types imported from the generated `_runtime.ts` (`Range`). */
  readonly runtime: readonly string[];
}

export type Side = 'result' | 'param';

/** PostgreSQL built-in types by name, result side. */
const builtins: Readonly<Record<string, string>> = {
  int2: 'number', int4: 'number', float4: 'number', float8: 'number', oid: 'number',
  bool: 'boolean',
  text: 'string', varchar: 'string', bpchar: 'string', char: 'string', name: 'string', citext: 'string',
  uuid: 'string', inet: 'string', cidr: 'string', macaddr: 'string', macaddr8: 'string',
  tsvector: 'string', tsquery: 'string', xml: 'string', bit: 'string', varbit: 'string', money: 'string',
  time: 'string', timetz: 'string', interval: 'string',
  timestamptz: 'Date', timestamp: 'Date',
  bytea: 'Buffer',
  json: 'JsonValue', jsonb: 'JsonValue',
  void: 'void', unknown: 'string', regclass: 'string', regtype: 'string', pg_lsn: 'string',
};

export interface TypeMapper {
  /** The TypeScript type of a value of type `oid`; `column` is `schema.table.column` when known. */
  map(oid: number, side: Side, column?: string): TsType;
  /** Types that fell back to `string`, for warnings. */
  readonly unknownTypes: ReadonlySet<string>;
}

const none: readonly never[] = [];

/**
 * The frozen PostgreSQL -> TypeScript table of SPEC §4, with the config's modes and
 * overrides applied. Parameters accept what pg can send (`number | string | bigint` for int8).
 */
export function createTypeMapper(catalog: Catalog, config: Config, sharedNames: ReadonlyMap<number, string>): TypeMapper {
  const unknownTypes = new Set<string>();
  const overrides = config.types.overrides;

  const fromOverride = (override: string | TypeOverride): TsType => {
    if (typeof override === 'string') return plain(override);
    const name = /^[A-Za-z_$][\w$]*/.exec(override.type)?.[0];
    return { ...plain(override.type), imports: override.import && name ? [{ name, from: override.import }] : none };
  };

  const typeOverride = (type: PgType): TsType | undefined => {
    const found = overrides[`${type.namespace}.${type.name}`] ?? overrides[type.name];
    return found === undefined ? undefined : fromOverride(found as string | TypeOverride);
  };

  const map = (oid: number, side: Side, column?: string): TsType => {
    if (column !== undefined && overrides[column] !== undefined) return fromOverride(overrides[column] as string | TypeOverride);
    const type = catalog.types.get(oid);
    if (!type) {
      unknownTypes.add(`oid ${oid}`);
      return plain('string');
    }
    const override = typeOverride(type);
    if (override) return override;
    if (type.category === 'A' && type.element) {
      const element = map(type.element, side);
      const inner = /[|&]/.test(element.text) ? `(${element.text})` : element.text;
      return { ...element, text: side === 'param' ? `readonly ${inner}[]` : `${inner}[]` };
    }
    const name = sharedNames.get(type.oid);
    if (name) return shared(name);
    if (type.kind === 'd') return map(type.baseType, side);
    if (type.kind === 'r') {
      const bound = map(type.rangeSubtype, 'result');
      const range = { ...bound, text: `Range<${bound.text}>`, runtime: [...bound.runtime, 'Range'] };
      return side === 'param' ? { ...range, text: `${range.text} | string` } : range;
    }
    if (type.name === 'hstore' && type.fromExtension) return plain('Record<string, string | null>');
    return builtin(type, side);
  };

  const builtin = (type: PgType, side: Side): TsType => {
    switch (type.name) {
      case 'int8':
        return plain(side === 'param' ? 'string | number | bigint' : config.types.int8);
      case 'numeric':
        return plain(side === 'param' ? 'string | number' : config.types.numeric);
      case 'date':
        return plain(side === 'param' ? 'string | Date' : config.types.date);
      case 'timestamptz':
      case 'timestamp':
        return plain(side === 'param' ? 'Date | string' : 'Date');
      case 'json':
      case 'jsonb':
        return shared('JsonValue');
    }
    const known = builtins[type.name];
    if (known && (type.namespace === 'pg_catalog' || type.fromExtension)) return plain(known);
    unknownTypes.add(type.namespace === 'pg_catalog' ? type.name : `${type.namespace}.${type.name}`);
    return plain('string');
  };

  return { map, unknownTypes };
}

function plain(text: string): TsType {
  return { text, shared: none, imports: none, runtime: none };
}

function shared(name: string): TsType {
  return { ...plain(name), shared: [name] };
}
