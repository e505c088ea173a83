import { describe, expect, test } from 'vitest';
import type { Config, TypesConfig } from '../../src/config/config.js';
import { createTypeMapper, type Side } from '../../src/render/type-map.js';
import { arrayOid, oid, testCatalog, user } from './fixtures/catalog.js';

const catalog = testCatalog();
const sharedNames = new Map<number, string>([[user.mood, 'Mood'], [user.auditMood, 'AuditMood']]);

function configWith(types: Partial<Omit<TypesConfig, 'overrides'>> & { overrides?: Record<string, unknown> } = {}): Config {
  return {
    configPath: '/p/sqlgen.config.json',
    rootDir: '/p',
    database: undefined,
    migrations: '/p/migrations',
    queries: ['queries/**/*.sql'],
    out: '/p/generated',
    types: { int8: 'string', numeric: 'string', date: 'string', ...types, overrides: (types.overrides ?? {}) as TypesConfig['overrides'] },
    naming: { fields: 'camel' },
    runtime: { preparedStatements: true, arrayRows: true },
  };
}

function mapper(types?: Parameters<typeof configWith>[0]) {
  return createTypeMapper(catalog, configWith(types), sharedNames);
}

function text(typeOid: number, side: Side = 'result', types?: Parameters<typeof configWith>[0], column?: string): string {
  return mapper(types).map(typeOid, side, column).text;
}

describe('SPEC §4 default table, result side', () => {
  test.each([
    ['int2', 'number'], ['int4', 'number'], ['float4', 'number'], ['float8', 'number'], ['oid', 'number'],
    ['int8', 'string'], ['numeric', 'string'], ['money', 'string'],
    ['bool', 'boolean'],
    ['text', 'string'], ['varchar', 'string'], ['bpchar', 'string'], ['char', 'string'], ['name', 'string'],
    ['uuid', 'string'], ['inet', 'string'], ['cidr', 'string'], ['macaddr', 'string'], ['tsvector', 'string'], ['xml', 'string'], ['bit', 'string'],
    ['timestamptz', 'Date'], ['timestamp', 'Date'],
    ['date', 'string'],
    ['time', 'string'], ['timetz', 'string'], ['interval', 'string'],
    ['bytea', 'Buffer'],
    ['json', 'JsonValue'], ['jsonb', 'JsonValue'],
  ] as const)('%s -> %s', (name, expected) => {
    const m = mapper();
    expect(m.map(oid[name]!, 'result').text).toBe(expected);
    expect(m.unknownTypes.size).toBe(0);
  });

  test('citext from an extension is a string without a warning', () => {
    const m = mapper();
    expect(m.map(user.citext, 'result').text).toBe('string');
    expect([...m.unknownTypes]).toEqual([]);
  });

  test('json and jsonb import the shared JsonValue type', () => {
    expect(mapper().map(oid.jsonb, 'result')).toEqual({ text: 'JsonValue', shared: ['JsonValue'], imports: [], runtime: [] });
  });

  test('an enum is its shared union type', () => {
    expect(mapper().map(user.mood, 'result')).toEqual({ text: 'Mood', shared: ['Mood'], imports: [], runtime: [] });
    expect(text(user.auditMood)).toBe('AuditMood');
  });

  test('a domain is its base type', () => {
    expect(text(user.emailAddress)).toBe('string');
    expect(text(user.shortText, 'param')).toBe('string');
  });

  test('a domain with a shared name uses it', () => {
    const m = createTypeMapper(catalog, configWith(), new Map([[user.emailAddress, 'EmailAddress']]));
    expect(m.map(user.emailAddress, 'result')).toEqual({ text: 'EmailAddress', shared: ['EmailAddress'], imports: [], runtime: [] });
  });
});

describe('config modes', () => {
  test('int8 as bigint or number', () => {
    expect(text(oid.int8, 'result', { int8: 'bigint' })).toBe('bigint');
    expect(text(oid.int8, 'result', { int8: 'number' })).toBe('number');
  });

  test('numeric as number', () => {
    expect(text(oid.numeric, 'result', { numeric: 'number' })).toBe('number');
  });

  test('date as Date', () => {
    expect(text(oid.date, 'result', { date: 'Date' })).toBe('Date');
  });

  test('modes do not change other types', () => {
    expect(text(oid.int4, 'result', { int8: 'bigint', numeric: 'number', date: 'Date' })).toBe('number');
    expect(text(oid.timestamp, 'result', { date: 'Date' })).toBe('Date');
  });
});

describe('parameter side', () => {
  test('accepts what pg can send for int8, numeric, date and timestamps', () => {
    expect(text(oid.int8, 'param')).toBe('string | number | bigint');
    expect(text(oid.int8, 'param', { int8: 'bigint' })).toBe('string | number | bigint');
    expect(text(oid.numeric, 'param')).toBe('string | number');
    expect(text(oid.date, 'param')).toBe('string | Date');
    expect(text(oid.date, 'param', { date: 'Date' })).toBe('string | Date');
    expect(text(oid.timestamptz, 'param')).toBe('Date | string');
    expect(text(oid.timestamp, 'param')).toBe('Date | string');
  });

  test('every other type is the same as on the result side', () => {
    for (const name of ['int4', 'bool', 'text', 'uuid', 'bytea', 'jsonb', 'interval'] as const) {
      expect(text(oid[name]!, 'param'), name).toBe(text(oid[name]!, 'result'));
    }
    expect(text(user.mood, 'param')).toBe('Mood');
  });
});

describe('arrays', () => {
  test('T[] on the result side', () => {
    expect(text(arrayOid.int4)).toBe('number[]');
    expect(text(arrayOid.text)).toBe('string[]');
    expect(text(arrayOid.timestamptz)).toBe('Date[]');
  });

  test('readonly T[] on the parameter side, with unions parenthesised', () => {
    expect(text(arrayOid.int4, 'param')).toBe('readonly number[]');
    expect(text(arrayOid.int8, 'param')).toBe('readonly (string | number | bigint)[]');
    expect(text(arrayOid.timestamptz, 'param')).toBe('readonly (Date | string)[]');
  });

  test('arrays of enums and JSON carry the shared import', () => {
    expect(mapper().map(user.moodArray, 'result')).toEqual({ text: 'Mood[]', shared: ['Mood'], imports: [], runtime: [] });
    expect(mapper().map(arrayOid.jsonb, 'param')).toEqual({ text: 'readonly JsonValue[]', shared: ['JsonValue'], imports: [], runtime: [] });
  });

  test('an array of a domain is an array of its base type', () => {
    expect(text(user.shortTextArray)).toBe('string[]');
  });

  test('config modes reach array elements', () => {
    expect(text(arrayOid.int8, 'result', { int8: 'bigint' })).toBe('bigint[]');
    expect(text(arrayOid.date, 'result', { date: 'Date' })).toBe('Date[]');
  });
});

describe('ranges', () => {
  test("a range is the runtime's Range of its subtype; parameters also take the literal text", () => {
    const m = mapper();
    expect(m.map(oid.int4range, 'result')).toEqual({ text: 'Range<number>', shared: [], imports: [], runtime: ['Range'] });
    expect(m.map(oid.int4range, 'param').text).toBe('Range<number> | string');
    expect(m.unknownTypes.size).toBe(0);
  });

  test('an array of ranges parenthesises the parameter union', () => {
    expect(text(arrayOid.int4range, 'param')).toBe('readonly (Range<number> | string)[]');
    expect(mapper().map(arrayOid.int4range, 'result')).toMatchObject({ text: 'Range<number>[]', runtime: ['Range'] });
  });
});

describe('overrides', () => {
  test('by type name, on both sides', () => {
    expect(text(oid.jsonb, 'result', { overrides: { jsonb: 'unknown' } })).toBe('unknown');
    expect(text(oid.jsonb, 'param', { overrides: { jsonb: 'unknown' } })).toBe('unknown');
    expect(mapper({ overrides: { jsonb: 'unknown' } }).map(oid.jsonb, 'result').shared).toEqual([]);
  });

  test('by schema-qualified type name', () => {
    expect(text(user.mood, 'result', { overrides: { 'public.mood': 'string' } })).toBe('string');
    expect(text(user.auditMood, 'result', { overrides: { 'public.mood': 'string' } })).toBe('AuditMood');
  });

  test('a type override beats the config mode', () => {
    expect(text(oid.int8, 'result', { int8: 'number', overrides: { int8: 'bigint' } })).toBe('bigint');
  });

  test('a type override reaches array elements', () => {
    expect(text(arrayOid.jsonb, 'result', { overrides: { jsonb: 'unknown' } })).toBe('unknown[]');
  });

  test('by schema.table.column, with its import', () => {
    const overrides = { 'public.users.settings': { type: 'UserSettings', import: '../src/types.js' } };
    expect(mapper({ overrides }).map(oid.jsonb, 'result', 'public.users.settings')).toEqual({
      text: 'UserSettings', shared: [], imports: [{ name: 'UserSettings', from: '../src/types.js' }], runtime: [],
    });
  });

  test('a column override without an import needs none', () => {
    expect(mapper({ overrides: { 'public.users.settings': { type: 'Record<string, string>' } } }).map(oid.jsonb, 'result', 'public.users.settings'))
      .toEqual({ text: 'Record<string, string>', shared: [], imports: [], runtime: [] });
  });

  test('the column override wins over the type override', () => {
    const overrides = { jsonb: 'unknown', 'public.users.settings': 'UserSettings' };
    expect(text(oid.jsonb, 'result', { overrides }, 'public.users.settings')).toBe('UserSettings');
    expect(text(oid.jsonb, 'result', { overrides }, 'public.posts.meta')).toBe('unknown');
  });

  test('a column override does not leak to other columns of the same type', () => {
    expect(text(oid.jsonb, 'result', { overrides: { 'public.users.settings': 'UserSettings' } }, 'public.users.other')).toBe('JsonValue');
  });
});

describe('unknown types', () => {
  test('a built-in type outside the table is a string and is recorded by name', () => {
    const m = mapper();
    expect(m.map(oid.point, 'result').text).toBe('string');
    expect(m.map(oid.point, 'param').text).toBe('string');
    expect([...m.unknownTypes]).toEqual(['point']);
  });

  test('a user type that is neither enum nor domain is recorded with its schema', () => {
    const m = mapper();
    expect(m.map(user.address, 'result').text).toBe('string');
    expect([...m.unknownTypes]).toEqual(['public.address']);
  });

  test('an OID missing from the catalog is recorded as such', () => {
    const m = mapper();
    expect(m.map(424242, 'result').text).toBe('string');
    expect([...m.unknownTypes]).toEqual(['oid 424242']);
  });

  test('an array of an unknown type is string[] and records the element', () => {
    const m = mapper();
    expect(m.map(arrayOid.point, 'result').text).toBe('string[]');
    expect([...m.unknownTypes]).toEqual(['point']);
  });

  test('an overridden type is not recorded', () => {
    const m = mapper({ overrides: { point: '{ x: number; y: number }' } });
    expect(m.map(oid.point, 'result').text).toBe('{ x: number; y: number }');
    expect(m.unknownTypes.size).toBe(0);
  });
});
