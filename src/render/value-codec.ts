import type { Catalog, PgType } from '../schema/catalog.js';
import { pascalCase } from './naming.js';

/** Built-in types whose text the runtime's `typeParsers` converts (the rest stays text). */
const parsedBuiltins = new Set([
  'bool', 'bytea', 'int8', 'int2', 'int4', 'oid', 'json', 'float4', 'float8', 'date', 'timestamp', 'timestamptz',
  'numeric', 'jsonb',
]);

/** A decoder a module declares once: `const decodeMoodArray = arrayDecoder(text);`. */
export interface DecoderDeclaration {
  readonly name: string;
  readonly expression: string;
}

/** What reading or sending values of some types needs, collected while rendering a module. */
export interface CodecUse {
  /** Functions imported from `_runtime.ts`. */
  readonly runtime: Set<string>;
  /** Decoders and encoders imported from `_types.ts` (composite types). */
  readonly shared: Set<string>;
  /** Decoders the module declares, by name; undefined to write them inline. */
  readonly declarations: Map<string, DecoderDeclaration> | undefined;
}

/** `inline`: decoders are written where they are used (`_types.ts`, where order matters). */
export function newCodecUse(options: { inline?: boolean } = {}): CodecUse {
  return { runtime: new Set(), shared: new Set(), declarations: options.inline ? undefined : new Map() };
}

/**
 * How values whose type has no fixed OID are read and sent. Built-in types are converted
 * by the per-query type parsers; an enum array, a composite, a range or hstore arrives as
 * text that the mapper decodes, and leaves as a literal that the call encodes.
 */
export interface ValueCodecs {
  /** The decoder for a result column of type `oid`, or undefined when `types` already reads it. */
  decoder(oid: number, use: CodecUse): string | undefined;
  /** How a parameter of type `oid` is sent, or undefined when pg sends the JS value as it is. */
  encoder(oid: number, use: CodecUse): Encoder | undefined;
  /** The expression that decodes a composite type's fields, for `_types.ts`. */
  fieldDecoder(oid: number, use: CodecUse): string;
}

/** Builds the expression that sends `value` (a property access); `nullable` if it may be null. */
export type Encoder = (value: string, nullable: boolean) => string;

export function createValueCodecs(catalog: Catalog, sharedNames: ReadonlyMap<number, string>): ValueCodecs {
  const type = (oid: number): PgType | undefined => catalog.types.get(oid);

  /** The decoder of an element or field: always one, since the runtime sees only text there. */
  const fieldDecoder = (oid: number, use: CodecUse): string => {
    const t = type(oid);
    if (t?.kind === 'd') return fieldDecoder(t.baseType, use);
    const special = decoder(oid, use);
    if (special) return special;
    // Inside an array or a record the runtime sees only text, so built-in arrays need reading too.
    if (t && t.namespace === 'pg_catalog' && (parsedBuiltins.has(t.name) || t.category === 'A')) {
      use.runtime.add('builtin');
      return `builtin(types, ${t.oid})`;
    }
    use.runtime.add('text');
    return 'text';
  };

  const declare = (name: string, expression: string, use: CodecUse): string => {
    if (!use.declarations) return expression;
    use.declarations.set(name, { name, expression });
    return name;
  };

  const decoder = (oid: number, use: CodecUse): string | undefined => {
    const t = type(oid);
    if (!t) return undefined;
    if (t.kind === 'd') return decoder(t.baseType, use);
    if (t.category === 'A' && t.element) {
      const element = type(t.element);
      const builtinArray = t.namespace === 'pg_catalog' && element?.kind !== 'r';
      if (builtinArray) return undefined;
      use.runtime.add('arrayDecoder');
      return declare(`decode${pascalCase(element?.name ?? 'value')}Array`, `arrayDecoder(${fieldDecoder(t.element, use)})`, use);
    }
    if (t.kind === 'c') {
      const name = `decode${sharedNames.get(t.oid) ?? pascalCase(t.name)}`;
      use.shared.add(name);
      return name;
    }
    if (t.kind === 'r') {
      use.runtime.add('rangeDecoder');
      return declare(`decode${pascalCase(t.name)}`, `rangeDecoder(${fieldDecoder(t.rangeSubtype, use)})`, use);
    }
    if (t.name === 'hstore' && t.fromExtension) {
      use.runtime.add('hstore');
      return 'hstore';
    }
    return undefined;
  };

  const encoder = (oid: number, use: CodecUse): Encoder | undefined => {
    const t = type(oid);
    if (!t) return undefined;
    if (t.kind === 'd') return encoder(t.baseType, use);
    const orNull = (value: string, nullable: boolean, expression: string): string =>
      nullable ? `${value} === null ? null : ${expression}` : expression;
    if (t.category === 'A' && t.element) {
      const element = encoder(t.element, use);
      return element && ((value, nullable) => orNull(value, nullable, `${value}.map((item) => ${element('item', true)})`));
    }
    if ((t.name === 'json' || t.name === 'jsonb') && t.namespace === 'pg_catalog') {
      // pg would send a JS array as a PostgreSQL array and a string unquoted.
      return (value, nullable) => orNull(value, nullable, `JSON.stringify(${value})`);
    }
    const named = (name: string, imported: Set<string>): Encoder => {
      imported.add(name);
      return (value) => `${name}(${value})`;
    };
    if (t.kind === 'c') return named(`encode${sharedNames.get(t.oid) ?? pascalCase(t.name)}`, use.shared);
    if (t.kind === 'r') return named('rangeLiteral', use.runtime);
    if (t.name === 'hstore' && t.fromExtension) return named('hstoreLiteral', use.runtime);
    return undefined;
  };

  return { decoder, encoder, fieldDecoder };
}
