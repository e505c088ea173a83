import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseArray, queryMany, queryOne, typeParsers } from '../../src/runtime/runtime.js';
import type { TypeOptions } from '../../src/runtime/runtime.js';
import { createTestDatabase, testDatabaseUrl } from '../support/database.js';
import { statement } from './helpers.js';

const STRING_MODES: TypeOptions = { int8: 'string', numeric: 'string', date: 'string' };
const OTHER_MODES: TypeOptions = { int8: 'bigint', numeric: 'number', date: 'Date' };

/** [SQL expression, the type oid the server reports, expected value with STRING_MODES] */
type Case = readonly [string, number, unknown];

const utc = (iso: string): Date => new Date(iso);

const cases: readonly Case[] = [
  ["true", 16, true],
  ["false", 16, false],
  ["'\\x00ff5c0a'::bytea", 17, Buffer.from([0x00, 0xff, 0x5c, 0x0a])],
  ["9223372036854775807::int8", 20, '9223372036854775807'],
  ["(-32768)::int2", 21, -32768],
  ["(-2147483648)::int4", 23, -2147483648],
  ["4294967295::oid", 26, 4294967295],
  [`'{"a":[1,null,"x"],"b":{"c":true}}'::json`, 114, { a: [1, null, 'x'], b: { c: true } }],
  ["0.1::float4", 700, 0.1],
  ["'-Infinity'::float4", 700, -Infinity],
  ["1.7976931348623157e308::float8", 701, 1.7976931348623157e308],
  ["'NaN'::float8", 701, NaN],
  ["0.1::float8 + 0.2::float8", 701, 0.1 + 0.2],
  ["'2024-02-29'::date", 1082, '2024-02-29'],
  ["'0044-03-15 BC'::date", 1082, '0044-03-15 BC'],
  ["'infinity'::date", 1082, 'infinity'],
  ["'2024-03-01 12:30:00.123456+05:30'::timestamptz", 1184, utc('2024-03-01T07:00:00.123Z')],
  ["'2024-03-01 12:30:00.9999999+00'::timestamptz", 1184, utc('2024-03-01T12:30:01.000Z')],
  ["'1999-12-31 23:59:59-08'::timestamptz", 1184, utc('2000-01-01T07:59:59Z')],
  ["'0005-06-07 08:09:10+00'::timestamptz", 1184, utc('0005-06-07T08:09:10Z')],
  ["'0044-03-15 12:00:00+00 BC'::timestamptz", 1184, new Date('-000043-03-15T12:00:00Z')],
  ["'infinity'::timestamptz", 1184, new Date(8.64e15)],
  ["'-infinity'::timestamptz", 1184, new Date(-8.64e15)],
  ["'2024-03-01 12:30:00.5'::timestamp", 1114, new Date(2024, 2, 1, 12, 30, 0, 500)],
  ["'12345678901234567890.000000000000000001'::numeric", 1700, '12345678901234567890.000000000000000001'],
  ["'NaN'::numeric", 1700, 'NaN'],
  [`'{"k": [1, 2.5, "é"]}'::jsonb`, 3802, { k: [1, 2.5, 'é'] }],
  ["'null'::jsonb", 3802, null],
  ["'\"text\"'::jsonb", 3802, 'text'],
  // Everything else is the server's text, as is.
  ["'12:34:56.789'::time", 1083, '12:34:56.789'],
  ["'12:34:56+05:30'::timetz", 1266, '12:34:56+05:30'],
  ["'1 year 2 months 3 days 04:05:06.5'::interval", 1186, '1 year 2 mons 3 days 04:05:06.5'],
  ["1234.5::money", 790, '$1,234.50'],
  ["'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'::uuid", 2950, 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'],
  ["'192.168.0.1/24'::inet", 869, '192.168.0.1/24'],
  ["'10.0.0.0/8'::cidr", 650, '10.0.0.0/8'],
  ["'08:00:2b:01:02:03'::macaddr", 829, '08:00:2b:01:02:03'],
  ["'(1.5,2)'::point", 600, '(1.5,2)'],
  ["'[1,5)'::int4range", 3904, '[1,5)'],
  ["'a b'::char(4)", 1042, 'a b '],
  ["'ünïcødé 🎉'::varchar", 1043, 'ünïcødé 🎉'],
  ["'x'::\"char\"", 18, 'x'],
  ["'pg_class'::regclass", 2205, 'pg_class'],
  ["B'101'", 1560, '101'],
  ["'<a>1</a>'::xml", 142, '<a>1</a>'],
  ["'fat & rat'::tsquery", 3615, "'fat' & 'rat'"],
  // Arrays: the element conversions, NULL elements, quoting, dimensions.
  ["'{t,NULL,f}'::bool[]", 1000, [true, null, false]],
  ["ARRAY['\\x01'::bytea, NULL, '\\x5c22'::bytea]", 1001, [Buffer.from([1]), null, Buffer.from([0x5c, 0x22])]],
  ["'{1,NULL,-3}'::int2[]", 1005, [1, null, -3]],
  ["'{{1,2},{3,NULL}}'::int4[]", 1007, [[1, 2], [3, null]]],
  ["'[0:2]={7,8,9}'::int4[]", 1007, [7, 8, 9]],
  ["'{}'::int4[]", 1007, []],
  ["'{9223372036854775807,NULL}'::int8[]", 1016, ['9223372036854775807', null]],
  ["'{1,NULL}'::oid[]", 1028, [1, null]],
  [`ARRAY['plain', 'with space', 'quote"d', 'back\\slash', 'com,ma', '{brace}', '', 'NULL', NULL, 'ünï 🎉']`, 1009,
    ['plain', 'with space', 'quote"d', 'back\\slash', 'com,ma', '{brace}', '', 'NULL', null, 'ünï 🎉']],
  ["ARRAY['a'::varchar, NULL]", 1015, ['a', null]],
  ["ARRAY['ab'::char(3)]", 1014, ['ab ']],
  ["ARRAY['pg_class'::name]", 1003, ['pg_class']],
  ["'{0.5,NaN,Infinity,NULL}'::float4[]", 1021, [0.5, NaN, Infinity, null]],
  ["'{0.1,-1e-300,NULL}'::float8[]", 1022, [0.1, -1e-300, null]],
  ["'{1.10,NULL,NaN}'::numeric[]", 1231, ['1.10', null, 'NaN']],
  ["'{2024-02-29,NULL,infinity}'::date[]", 1182, ['2024-02-29', null, 'infinity']],
  ["ARRAY['2024-03-01 12:30:00.5'::timestamp, NULL]", 1115, [new Date(2024, 2, 1, 12, 30, 0, 500), null]],
  ["ARRAY['2024-03-01 12:30:00+05:30'::timestamptz, NULL, 'infinity']", 1185, [utc('2024-03-01T07:00:00Z'), null, new Date(8.64e15)]],
  [`ARRAY['{"a": "x,\\"y}"}'::json, NULL]`, 199, [{ a: 'x,"y}' }, null]],
  [`ARRAY['{"a": [1, {"b": null}]}'::jsonb, 'null'::jsonb, NULL]`, 3807, [{ a: [1, { b: null }] }, null, null]],
  ["ARRAY['a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'::uuid, NULL]", 2951, ['a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', null]],
  ["ARRAY['1 day'::interval, NULL, '-00:00:01']", 1187, ['1 day', null, '-00:00:01']],
  ["ARRAY['12:00'::time, NULL]", 1183, ['12:00:00', null]],
  ["ARRAY['12:00+01'::timetz]", 1270, ['12:00:00+01']],
  ["ARRAY['::1'::inet, NULL]", 1041, ['::1', null]],
  ["ARRAY[1.5::money]", 791, ['$1.50']],
  ["ARRAY['(1,2)'::point, NULL]", 1017, ['(1,2)', null]],
  ["ARRAY['((1,1),(0,0))'::box, '((3,3),(2,2))'::box]", 1020, ['(1,1),(0,0)', '(3,3),(2,2)']],
  ["ARRAY['[1,5)'::int4range, 'empty']", 3905, ['[1,5)', 'empty']],
  ["ARRAY[B'101', NULL]", 1561, ['101', null]],
];

describe('parseArray', () => {
  it('reads quoting, escapes, NULL, nested dimensions and bounds', () => {
    expect(parseArray('{}')).toEqual([]);
    expect(parseArray('{{}}')).toEqual([[]]);
    expect(parseArray('{a,"b,c","d\\"e","f\\\\g",NULL,"NULL",""}')).toEqual(['a', 'b,c', 'd"e', 'f\\g', null, 'NULL', '']);
    expect(parseArray('{{1,2},{3,4}}', Number)).toEqual([[1, 2], [3, 4]]);
    expect(parseArray('[1:1][3:4]={{5,6}}', Number)).toEqual([[5, 6]]);
    expect(parseArray('{(1,1),(0,0);(2,2),(1,1)}', (s) => s, ';')).toEqual(['(1,1),(0,0)', '(2,2),(1,1)']);
  });
});

describe('typeParsers', () => {
  it('is cached per options', () => {
    expect(typeParsers({ ...STRING_MODES })).toBe(typeParsers(STRING_MODES));
    expect(typeParsers(OTHER_MODES)).not.toBe(typeParsers(STRING_MODES));
  });

  it('leaves unknown and non-allowlisted oids as text', () => {
    const userDefinedOid: number = 16_385; // an enum, a domain array, citext, ...
    const parse = typeParsers(STRING_MODES).getTypeParser(userDefinedOid);
    expect(parse('{1,2}')).toBe('{1,2}');
    expect(typeParsers(STRING_MODES).getTypeParser(1186)('1 day')).toBe('1 day');
  });
});

describe('ISO timestamp and date text', () => {
  const ours = typeParsers(OTHER_MODES);
  const timestamptz = ours.getTypeParser(1184) as (text: string) => Date;
  const date = ours.getTypeParser(1082) as (text: string) => Date;

  it('reads offsets with seconds, any length of fraction, long years and BC', () => {
    expect(timestamptz('2024-03-01 12:30:00.1+05:30:15').toISOString()).toBe('2024-03-01T06:59:45.100Z');
    expect(timestamptz('2024-03-01 12:30:00.12-03:30').toISOString()).toBe('2024-03-01T16:00:00.120Z');
    expect(timestamptz('2024-03-01 12:30:00.123999-00').toISOString()).toBe('2024-03-01T12:30:00.123Z');
    expect(timestamptz('10000-01-01 00:00:00+00').toISOString()).toBe('+010000-01-01T00:00:00.000Z');
    expect(timestamptz('0001-01-01 00:00:00+00 BC').toISOString()).toBe('0000-01-01T00:00:00.000Z');
    expect(timestamptz('0099-12-31 23:59:59.999999+00').toISOString()).toBe('0099-12-31T23:59:59.999Z');
    expect(timestamptz('0000001-02-03 04:05:06+00').toISOString()).toBe('0001-02-03T04:05:06.000Z');
  });

  it('refuses text in another DateStyle or cut short, naming it', () => {
    const timestamps = ['2024-03-01T12:30:00Z', 'Fri Mar 01 12:30:00 2024 UTC', '03/01/2024 12:30:00 UTC', '2024-03-01 12:30',
      '2024-03-01 12:30:00+5', '2024-03-01 12:30:00.+00', '24-03-01 12:30:00+00', '2024-03-01 12:30:00+00 AD', '2024-03-01 12:30:00+00:', ''];
    for (const text of timestamps) expect(() => timestamptz(text), text).toThrow(`sqlgen: cannot read timestamp "${text}" (is DateStyle ISO?)`);
    for (const text of ['2024-03-01 BCE', '2024-03', '01/03/2024', '2024-03-01 00:00:00']) {
      expect(() => date(text), text).toThrow(`sqlgen: cannot read date "${text}" (is DateStyle ISO?)`);
    }
  });
});

/** Runs `fn` with the process in time zone `zone` (Node rereads TZ when it is assigned). */
async function inTimeZone<T>(zone: string, fn: () => T | Promise<T>): Promise<T> {
  const previous = process.env.TZ;
  process.env.TZ = zone;
  try {
    return await fn();
  } finally {
    if (previous === undefined) delete process.env.TZ;
    else process.env.TZ = previous;
  }
}

describe('timestamp without time zone and date in Date mode', () => {
  it('read as local time exactly as pg does, in a time zone with DST', () =>
    inTimeZone('America/New_York', () => {
      const ours = typeParsers(OTHER_MODES);
      for (const text of ['2024-03-10 02:30:00', '2024-11-03 01:30:00', '1900-01-01 00:00:00', '2024-03-01 12:30:00.123456']) {
        expect(ours.getTypeParser(1114)(text), text).toEqual(pg.types.getTypeParser(1114)(text));
      }
      for (const text of ['2024-03-10', '1883-11-18', '2024-02-29']) {
        expect(ours.getTypeParser(1082)(text), text).toEqual(pg.types.getTypeParser(1082)(text));
      }
      expect((ours.getTypeParser(1114)('2024-07-01 00:00:00') as Date).toISOString()).toBe('2024-07-01T04:00:00.000Z');
    }));
});

describe.skipIf(!testDatabaseUrl)('type parsers against PostgreSQL', () => {
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let client: pg.Client;

  beforeAll(async () => {
    database = await createTestDatabase();
    client = new pg.Client({ connectionString: database.url });
    await client.connect();
  });

  afterAll(async () => {
    await client?.end();
    await database?.drop();
  });

  /** Runs `SELECT expr` through the runtime and checks the server typed it as `oid`. */
  async function select(expression: string, oid: number, options: TypeOptions = STRING_MODES): Promise<unknown> {
    const described = await client.query({ text: `SELECT ${expression} AS v LIMIT 0` });
    expect(described.fields[0]?.dataTypeID, expression).toBe(oid);
    const row = await queryOne(client, statement('Select', `SELECT ${expression}`, { types: options, map: (r: unknown[]) => r[0] }), []);
    return row;
  }

  it('converts every allowlisted type and its array as the generated types claim', async () => {
    for (const [expression, oid, expected] of cases) {
      expect(await select(expression, oid), expression).toEqual(expected);
    }
  });

  it('returns SQL NULL as null for every type', async () => {
    for (const [, oid] of cases) {
      const typeName = (await client.query('SELECT format_type($1, NULL) AS t', [oid])).rows[0].t as string;
      expect(await select(`NULL::${typeName}`, oid), typeName).toBeNull();
    }
  });

  it('applies the int8, numeric and date modes, also inside arrays', async () => {
    const number: TypeOptions = { int8: 'number', numeric: 'number', date: 'string' };
    expect(await select('9223372036854775807::int8', 20, OTHER_MODES)).toBe(9223372036854775807n);
    expect(await select("'{1,NULL,-9223372036854775808}'::int8[]", 1016, OTHER_MODES)).toEqual([1n, null, -9223372036854775808n]);
    expect(await select('(2^53)::int8', 20, number)).toBe(2 ** 53);
    expect(await select("'{1,NULL}'::int8[]", 1016, number)).toEqual([1, null]);
    expect(await select('1.25::numeric', 1700, OTHER_MODES)).toBe(1.25);
    expect(await select("'{1.5,NULL,NaN}'::numeric[]", 1231, OTHER_MODES)).toEqual([1.5, null, NaN]);
    expect(await select("'2024-02-29'::date", 1082, OTHER_MODES)).toEqual(new Date(2024, 1, 29));
    expect(await select("'0044-03-15 BC'::date", 1082, OTHER_MODES)).toEqual(new Date(new Date(-43, 2, 15).setFullYear(-43, 2, 15)));
    expect(await select("'0005-01-02'::date", 1082, OTHER_MODES)).toEqual(new Date(new Date(5, 0, 2).setFullYear(5, 0, 2)));
    expect(await select("'{2024-02-29,NULL}'::date[]", 1182, OTHER_MODES)).toEqual([new Date(2024, 1, 29), null]);
    expect(await select("'-infinity'::date", 1082, OTHER_MODES)).toEqual(new Date(-8.64e15));
  });

  it('reads timestamptz in any session time zone, historical offsets with seconds included', async () => {
    const instant = utc('1850-01-01T00:00:00Z');
    for (const zone of ['UTC', 'Asia/Kolkata', 'America/St_Johns', 'Europe/Amsterdam', 'Pacific/Chatham']) {
      await client.query(`SET timezone = '${zone}'`);
      const value = await select(`'2024-06-30 23:59:59.999+00'::timestamptz`, 1184);
      expect(value, zone).toEqual(utc('2024-06-30T23:59:59.999Z'));
      expect(await select(`'1850-01-01 00:00:00+00'::timestamptz`, 1184), zone).toEqual(instant);
    }
    // The last zone's local mean time in 1850: the server writes an offset with seconds.
    const text = (await client.query(`SELECT '1850-01-01 00:00:00+00'::timestamptz::text AS t`)).rows[0].t;
    expect(text).toBe('1850-01-01 12:13:48+12:13:48');
    await client.query('SET timezone = UTC');
  });

  it('reads every timestamp of odd series exactly as the server counts it, in odd session time zones', async () => {
    const series = [
      // 4713 BC to AD 275000, in steps of odd days, hours, minutes and microseconds
      "timestamptz '4713-01-01 00:00:00+00 BC', timestamptz '275000-01-01 00:00:00+00', interval '1234 days 05:06:07.891234'",
      // around year 0 and the first century, which Date's constructors misread as 1900-1999
      "timestamptz '0003-12-25 00:00:00+00 BC', timestamptz '0101-01-02 00:00:00+00', interval '6 days 23:59:59.999999'",
      // fractions of every length; the historical local mean times of the zones below (offsets with seconds)
      "timestamptz '2024-03-01 00:00:00+00', timestamptz '2024-03-01 00:00:00.5+00', interval '0.001234 seconds'",
      "timestamptz '1800-01-01 00:00:00+00', timestamptz '1940-01-01 00:00:00+00', interval '11 days 13:17:19.000123'",
    ];
    const check = async (type: string, options: TypeOptions): Promise<number> => {
      let rows = 0;
      for (const range of series) {
        const sql = `SELECT t::${type}, floor(extract(epoch FROM t::${type}) * 1000)::float8, t::${type}::text FROM generate_series(${range}) AS t`;
        const result = await queryMany(client, statement('Series', sql, { types: options, map: (r: unknown[]) => r }), []);
        const wrong = result.filter(([date, ms]) => (date as Date).getTime() !== ms).slice(0, 3);
        expect(wrong, `${type} ${range}`).toEqual([]);
        expect(result[0]?.[0], sql).toBeInstanceOf(Date);
        rows += result.length;
      }
      return rows;
    };
    for (const zone of ['UTC', 'Asia/Kolkata', 'America/St_Johns', 'Europe/Amsterdam', 'Pacific/Chatham']) {
      await client.query(`SET TIME ZONE '${zone}'`);
      expect(await check('timestamptz', STRING_MODES)).toBeGreaterThan(90_000);
    }
    // Without a time zone the text is local time: with the process in UTC it is the server's epoch.
    await inTimeZone('UTC', async () => {
      await check('timestamp', STRING_MODES);
      await check('date', OTHER_MODES);
    });
    await client.query('SET TIME ZONE UTC');
  });

  it('reads bytea in escape output format', async () => {
    await client.query("SET bytea_output = 'escape'");
    expect(await select("'\\x00ff5c0a41'::bytea", 17)).toEqual(Buffer.from([0x00, 0xff, 0x5c, 0x0a, 0x41]));
    expect(await select("ARRAY['\\x5c00'::bytea, NULL]", 1001)).toEqual([Buffer.from([0x5c, 0x00]), null]);
    await client.query("SET bytea_output = 'hex'");
  });

  it('is not affected by pg.types.setTypeParser changes in the same process', async () => {
    const oids = [16, 17, 20, 21, 23, 26, 114, 700, 701, 1082, 1114, 1184, 1700, 3802, 1186, 1000, 1007, 1009, 1016, 1182, 1185, 1231, 3807];
    const originals = oids.map((oid) => pg.types.getTypeParser(oid));
    for (const oid of oids) pg.types.setTypeParser(oid, () => 'HACKED');
    try {
      const raw = await client.query('SELECT 1::int4 AS v');
      expect(raw.rows[0].v).toBe('HACKED'); // the override is live for plain pg queries
      for (const [expression, oid, expected] of cases) {
        expect(await select(expression, oid), expression).toEqual(expected);
      }
    } finally {
      oids.forEach((oid, i) => pg.types.setTypeParser(oid, originals[i] as (value: string) => unknown));
    }
  });
});
