import pg from 'pg';
import type { ClientBase, CustomTypesConfig, DatabaseError, PoolClient, QueryConfig, QueryResult } from 'pg';

/**
 * Anything that can run a query: `pg.Pool`, `pg.Client`, `pg.PoolClient`, or `observe()` of one.
 * Other implementations work too; the runtime just cannot hold on to one of their connections.
 */
export interface Queryable {
  query(config: QueryConfig): Promise<QueryResult>;
}

/** What one generated query hands to the runtime; the generator creates one per query, once. */
export interface Statement<Row = never> {
  /** The query's name as the user wrote it, e.g. `GetUser` (errors, observability). */
  readonly name: string;
  /** SQL with `$1..$N`. */
  readonly text: string;
  /** Prepared statement name, e.g. `sqlgen_3f2a9c01b7de`; absent when prepared statements are off. */
  readonly prepare?: string;
  /** Result conversions, from `typeParsers()`. */
  readonly types: TypeParsers;
  /** `true`: rows arrive as arrays and `map` takes `unknown[]`; `false`: `map` takes an object. */
  readonly arrayRows: boolean;
  /** Builds the row type; absent for `:exec`, `:execrows` and `:copyfrom`. */
  readonly map?: (row: any) => Row;
  /**
   * `:copyfrom` only: `COPY table (columns) FROM STDIN`, columns in parameter order, which copyFrom
   * streams the rows through on a pg pool or client; absent when the INSERT does more than put
   * each parameter into a column (`text` is then the only way).
   */
  readonly copy?: string;
}

// --- Type parsers --------------------------------------------------------------------------------

export type Int8Mode = 'string' | 'bigint' | 'number';

export interface TypeOptions {
  readonly int8: Int8Mode;
  readonly numeric: 'string' | 'number';
  readonly date: 'string' | 'Date';
}

/** What pg accepts as a query's `types`. */
export type TypeParsers = CustomTypesConfig;

type Parser = (text: string) => unknown;

const identity = (text: string): string => text;
const parseBool = (text: string): boolean => text === 't';
const parseJson = (text: string): unknown => JSON.parse(text);

// The largest and smallest instants a Date holds; PostgreSQL's ±infinity map to them so that
// the value is still a Date and still sorts before or after every other one.
const INFINITY = 8.64e15;

// ISO output (`DateStyle` ISO, PostgreSQL's default) has every field but the year at a fixed
// place, so it is read by position, one character code at a time: a regular expression and its
// match arrays cost several times more, and a 100-row page of timestamps calls this 100 times.
const DASH = 45;
const COLON = 58;
const DOT = 46;
const SPACE = 32;
const PLUS = 43;
const DIGIT_0 = 48;
const DAY_MS = 86_400_000;

/** The two-digit number at `i`, or NaN when either character is no digit (or past the end). */
function twoDigits(text: string, i: number): number {
  const tens = text.charCodeAt(i) - DIGIT_0;
  const ones = text.charCodeAt(i + 1) - DIGIT_0;
  return tens >= 0 && tens <= 9 && ones >= 0 && ones <= 9 ? tens * 10 + ones : NaN;
}

/** Where the year's digits (at least four) end, at the dash before the month; -1 if they do not. */
function yearEnd(text: string): number {
  let i = 0;
  for (let c = text.charCodeAt(0) - DIGIT_0; c >= 0 && c <= 9; c = text.charCodeAt(++i) - DIGIT_0);
  return i >= 4 && text.charCodeAt(i) === DASH && text.charCodeAt(i + 3) === DASH ? i : -1;
}

/** Whether ` BC` stands at `i`. */
function isBC(text: string, i: number): boolean {
  return text.startsWith(' BC', i);
}

/** The year of ISO text whose digits end at `digitsEnd`, as JavaScript counts it: 1 BC is 0, 44 BC is -43. */
function astronomicalYear(text: string, digitsEnd: number, bc: boolean): number {
  let year = 0;
  for (let i = 0; i < digitsEnd; i++) year = year * 10 + text.charCodeAt(i) - DIGIT_0;
  return bc ? 1 - year : year;
}

/**
 * Days from 1970-01-01 to a day of the proleptic Gregorian calendar, `month` 0-11, for any year
 * (the civil-from-days algorithm run backwards). Date.UTC does the same several times slower and
 * reads the years 0..99 as 1900..1999.
 */
function daysFromEpoch(year: number, month: number, day: number): number {
  const y = month < 2 ? year - 1 : year; // years start in March, so February's leap day comes last
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const dayOfYear = Math.floor((153 * (month < 2 ? month + 10 : month - 2) + 2) / 5) + day - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146_097 + dayOfEra - 719_468;
}

/**
 * Reads `2024-03-01 12:30:00.123456+05:30` and `0044-03-15 12:00:00+00 BC`; offsets may carry
 * seconds (`+05:53:28`, historical zones). Fractions past milliseconds are cut off, not rounded.
 * Without an offset (`timestamp`) the time is local, as pg does it.
 */
function parseTimestamp(text: string): Date {
  if (text === 'infinity' || text === '-infinity') return new Date(text === 'infinity' ? INFINITY : -INFINITY);
  const y = yearEnd(text);
  const month = twoDigits(text, y + 1) - 1;
  const day = twoDigits(text, y + 4);
  const hour = twoDigits(text, y + 7);
  const minute = twoDigits(text, y + 10);
  const second = twoDigits(text, y + 13);
  let i = y + 15;
  let millis = 0;
  if (text.charCodeAt(i) === DOT) {
    const start = (i += 1);
    for (let digit = text.charCodeAt(i) - DIGIT_0; digit >= 0 && digit <= 9; digit = text.charCodeAt(++i) - DIGIT_0) {
      if (i - start < 3) millis = millis * 10 + digit;
    }
    if (i === start) millis = NaN;
    else if (i - start < 3) millis *= i - start === 1 ? 100 : 10;
  }
  let offset: number | undefined;
  const sign = text.charCodeAt(i);
  if (sign === PLUS || sign === DASH) {
    offset = twoDigits(text, i + 1) * 3600;
    i += 3;
    if (text.charCodeAt(i) === COLON) {
      offset += twoDigits(text, i + 1) * 60;
      i += 3;
      if (text.charCodeAt(i) === COLON) {
        offset += twoDigits(text, i + 1);
        i += 3;
      }
    }
    if (sign === DASH) offset = -offset;
  }
  const bc = isBC(text, i);
  if (bc) i += 3;
  const valid =
    y > 0 && i === text.length && text.charCodeAt(y + 6) === SPACE && text.charCodeAt(y + 9) === COLON &&
    text.charCodeAt(y + 12) === COLON && !Number.isNaN(month + day + hour + minute + second + millis + (offset ?? 0));
  if (!valid) throw new Error(`sqlgen: cannot read timestamp "${text}" (is DateStyle ISO?)`);
  const year = astronomicalYear(text, y, bc);
  if (offset === undefined) {
    const local = new Date(year, month, day, hour, minute, second, millis);
    if (year < 100) local.setFullYear(year, month, day);
    return local;
  }
  const seconds = hour * 3600 + minute * 60 + second - offset;
  return new Date(daysFromEpoch(year, month, day) * DAY_MS + seconds * 1000 + millis);
}

/** `date` as a Date: local midnight, as pg does it. */
function parseDate(text: string): Date {
  if (text === 'infinity' || text === '-infinity') return new Date(text === 'infinity' ? INFINITY : -INFINITY);
  const y = yearEnd(text);
  const month = twoDigits(text, y + 1) - 1;
  const day = twoDigits(text, y + 4);
  const bc = isBC(text, y + 6);
  if (y < 0 || text.length !== y + (bc ? 9 : 6) || Number.isNaN(month + day)) {
    throw new Error(`sqlgen: cannot read date "${text}" (is DateStyle ISO?)`);
  }
  const year = astronomicalYear(text, y, bc);
  const date = new Date(year, month, day);
  if (year < 100) date.setFullYear(year, month, day);
  return date;
}

/** `bytea` in hex (`\x0aff`, the default) or escape format (`bytea_output = 'escape'`). */
function parseBytea(text: string): Buffer {
  if (text.startsWith('\\x')) return Buffer.from(text.slice(2), 'hex');
  const bytes: number[] = [];
  for (let i = 0; i < text.length; i++) {
    if (text[i] !== '\\') {
      bytes.push(text.charCodeAt(i));
    } else if (text[i + 1] === '\\') {
      bytes.push(0x5c);
      i += 1;
    } else {
      bytes.push(parseInt(text.slice(i + 1, i + 4), 8));
      i += 3;
    }
  }
  return Buffer.from(bytes);
}

/**
 * Parses PostgreSQL's array output into nested JS arrays, converting each element with `parse`.
 * Handles quoting, backslash escapes, `NULL` (a quoted `"NULL"` is text), nested dimensions and a
 * lower bound decoration like `[0:1]={7,8}`.
 *
 * @example parseArray('{{1,NULL},{"a\\"b",c}}', (s) => s) // [['1', null], ['a"b', 'c']]
 */
export function parseArray(text: string, parse: (element: string) => unknown = identity, delimiter = ','): unknown[] {
  let i = text.startsWith('[') ? text.indexOf('=') + 1 : 0;
  const readLevel = (): unknown[] => {
    const items: unknown[] = [];
    i += 1; // '{'
    if (text[i] === '}') {
      i += 1;
      return items;
    }
    while (i < text.length) {
      if (text[i] === '{') {
        items.push(readLevel());
      } else if (text[i] === '"') {
        let value = '';
        let start = (i += 1);
        while (i < text.length && text[i] !== '"') {
          if (text[i] === '\\') {
            value += text.slice(start, i);
            start = i + 1; // keep the escaped character, skip the backslash
            i += 1;
          }
          i += 1;
        }
        items.push(parse(value + text.slice(start, i)));
        i += 1; // closing quote
      } else {
        const start = i;
        while (i < text.length && text[i] !== delimiter && text[i] !== '}') i += 1;
        const raw = text.slice(start, i);
        items.push(raw === 'NULL' ? null : parse(raw));
      }
      if (text[i++] === '}') return items; // else a delimiter
    }
    return items;
  };
  return readLevel();
}

// Built-in array types whose elements are returned as text. Every other built-in array type is
// listed with its element's parser in buildParsers; box[] (1020) is the one with ';' delimiters.
const TEXT_ARRAYS = [
  143, 271, 629, 651, 719, 775, 791, 1002, 1003, 1006, 1008, 1009, 1010, 1011, 1012, 1013, 1014, 1015, 1017,
  1018, 1019, 1027, 1034, 1040, 1041, 1183, 1187, 1270, 1561, 1563, 2201, 2207, 2208, 2209, 2210, 2211,
  2949, 2951, 3221, 3643, 3644, 3645, 3735, 3770, 3905, 3907, 3909, 3911, 3913, 3927, 4073, 4090, 4097,
  4192, 5039, 6150, 6151, 6152, 6153, 6155, 6157,
];

function buildParsers(options: TypeOptions): TypeParsers {
  const int8: Parser = options.int8 === 'bigint' ? BigInt : options.int8 === 'number' ? Number : identity;
  // [type oid, its array type oid, parser]
  const converted: readonly (readonly [number, number, Parser])[] = [
    [16, 1000, parseBool],
    [17, 1001, parseBytea],
    [20, 1016, int8],
    [21, 1005, Number],
    [23, 1007, Number],
    [26, 1028, Number],
    [114, 199, parseJson],
    [700, 1021, Number],
    [701, 1022, Number],
    [1082, 1182, options.date === 'Date' ? parseDate : identity],
    [1114, 1115, parseTimestamp],
    [1184, 1185, parseTimestamp],
    [1700, 1231, options.numeric === 'number' ? Number : identity],
    [3802, 3807, parseJson],
  ];
  const parsers = new Map<number, Parser>();
  for (const [oid, arrayOid, parse] of converted) {
    parsers.set(oid, parse);
    parsers.set(arrayOid, (text) => parseArray(text, parse));
  }
  for (const arrayOid of TEXT_ARRAYS) parsers.set(arrayOid, (text) => parseArray(text));
  parsers.set(1020, (text) => parseArray(text, identity, ';'));
  return Object.freeze({ getTypeParser: (oid: number): Parser => parsers.get(oid) ?? identity });
}

const parserCache = new Map<string, TypeParsers>();

/**
 * Result conversions for a query's `types`, matching the TypeScript types sqlgen emits: only the
 * built-in types in the allowlist above are converted; everything else (time, interval, uuid,
 * enums, ...) stays text. pg's global parsers (`pg.types.setTypeParser`) are never read or
 * changed, so generated code behaves the same beside other pg code in one process.
 *
 * @example const types = typeParsers({ int8: 'string', numeric: 'string', date: 'string' });
 */
export function typeParsers(options: TypeOptions): TypeParsers {
  const key = `${options.int8}/${options.numeric}/${options.date}`;
  let parsers = parserCache.get(key);
  if (parsers === undefined) {
    parsers = buildParsers(options);
    parserCache.set(key, parsers);
  }
  return parsers;
}

// --- Types without a fixed OID ------------------------------------------------------------------

/**
 * Reads the text of a value whose type has no OID fixed across databases (arrays of enums,
 * domains or extension types, composite types, ranges, hstore). Generated mappers build one
 * per column from these pieces. `null` stays `null`.
 */
export type Decoder<T = unknown> = (value: unknown) => T | null;

/** Text as it is: enums, citext and the like. */
export const text: Decoder<string> = (value) => (value === null ? null : String(value));

/** The built-in type `oid`, read as `types` reads it. */
export function builtin<T = unknown>(types: TypeParsers, oid: number): Decoder<T> {
  const parse = types.getTypeParser(oid, 'text') as Parser;
  return (value) => (value === null ? null : (parse(value as string) as T));
}

/** `{a,b}` -> `['a', 'b']`, each element read by `element`. */
export function arrayDecoder<T>(element: Decoder<T>, delimiter = ','): Decoder<(T | null)[]> {
  return (value) => (value === null ? null : (parseArray(value as string, (item) => element(item), delimiter) as (T | null)[]));
}

/** The fields of a record's text form `(a,"b c",)`; an empty field is NULL. */
export function parseRecord(record: string): (string | null)[] {
  const fields: (string | null)[] = [];
  let i = 1; // '('
  while (i < record.length) {
    if (record[i] === '"') {
      let value = '';
      i += 1;
      while (i < record.length) {
        if (record[i] === '\\' || (record[i] === '"' && record[i + 1] === '"')) {
          value += record[i + 1];
          i += 2;
        } else if (record[i] === '"') {
          i += 1;
          break;
        } else {
          value += record[i];
          i += 1;
        }
      }
      fields.push(value);
    } else {
      const start = i;
      while (i < record.length && record[i] !== ',' && record[i] !== ')') i += 1;
      fields.push(i === start ? null : record.slice(start, i));
    }
    if (record[i] === ')') break;
    i += 1; // ','
  }
  return fields;
}

/** A composite type's value as an object, each field read by its decoder. */
export function recordDecoder<T>(fields: readonly (readonly [keyof T & string, Decoder])[]): Decoder<T> {
  return (value) => {
    if (value === null) return null;
    const texts = parseRecord(value as string);
    const row: Record<string, unknown> = {};
    fields.forEach(([name, decode], i) => {
      row[name] = decode(texts[i] ?? null);
    });
    return row as T;
  };
}

/** A range value. An empty range has no bounds; a `null` bound is unbounded. */
export interface Range<T> {
  readonly lower: T | null;
  readonly upper: T | null;
  readonly lowerInclusive: boolean;
  readonly upperInclusive: boolean;
  readonly empty: boolean;
}

function rangeBound(bound: string): string | null {
  if (bound === '') return null;
  if (!bound.startsWith('"')) return bound;
  return bound.slice(1, -1).replace(/\\(.)|""/g, (_, escaped: string | undefined) => escaped ?? '"');
}

/** `[1,10)` -> `{ lower: 1, upper: 10, lowerInclusive: true, upperInclusive: false, empty: false }`. */
export function rangeDecoder<T>(bound: Decoder<T>): Decoder<Range<T>> {
  return (value) => {
    if (value === null) return null;
    const range = value as string;
    if (range === 'empty') return { lower: null, upper: null, lowerInclusive: false, upperInclusive: false, empty: true };
    // The comma between the bounds is the first one outside double quotes.
    let quoted = false;
    let comma = -1;
    for (let i = 1; i < range.length - 1 && comma < 0; i++) {
      if (range[i] === '\\') i += 1;
      else if (range[i] === '"') quoted = !quoted;
      else if (range[i] === ',' && !quoted) comma = i;
    }
    const lower = rangeBound(range.slice(1, comma));
    const upper = rangeBound(range.slice(comma + 1, -1));
    return {
      lower: lower === null ? null : bound(lower),
      upper: upper === null ? null : bound(upper),
      lowerInclusive: range[0] === '[',
      upperInclusive: range[range.length - 1] === ']',
      empty: false,
    };
  };
}

function quoted(value: unknown): string {
  return `"${elementText(value).replace(/["\\]/g, '\\$&')}"`;
}

/** A range literal for a parameter: from a `Range`, or the literal text as it is. */
export function rangeLiteral<T>(range: Range<T> | string | null): string | null {
  if (range === null || typeof range === 'string') return range;
  if (range.empty) return 'empty';
  const bound = (value: T | null): string => (value === null ? '' : quoted(value));
  return `${range.lowerInclusive ? '[' : '('}${bound(range.lower)},${bound(range.upper)}${range.upperInclusive ? ']' : ')'}`;
}

/** A record literal for a composite-typed parameter, fields in the type's order. */
export function recordLiteral(values: readonly unknown[] | null): string | null {
  if (values === null) return null;
  return `(${values.map((value) => (value === null || value === undefined ? '' : quoted(value))).join(',')})`;
}

const hstorePair = /"((?:[^"\\]|\\.)*)"\s*=>\s*(NULL|"((?:[^"\\]|\\.)*)")/g;

/** hstore's text form `"a"=>"1", "b"=>NULL` as an object. */
export const hstore: Decoder<Record<string, string | null>> = (value) => {
  if (value === null) return null;
  const result: Record<string, string | null> = {};
  const unescape = (part: string): string => part.replace(/\\(.)/g, '$1');
  for (const match of (value as string).matchAll(hstorePair)) {
    result[unescape(match[1] as string)] = match[3] === undefined ? null : unescape(match[3]);
  }
  return result;
};

/** An hstore literal for a parameter. */
export function hstoreLiteral(value: Readonly<Record<string, string | null>> | null): string | null {
  if (value === null) return null;
  return Object.entries(value)
    .map(([key, item]) => `${quoted(key)}=>${item === null ? 'NULL' : quoted(item)}`)
    .join(', ');
}

// --- Errors --------------------------------------------------------------------------------------

export interface SqlgenErrorDetails {
  readonly cause?: unknown;
  readonly code?: string | undefined;
  readonly queryName?: string | undefined;
  readonly constraint?: string | undefined;
  readonly table?: string | undefined;
  readonly column?: string | undefined;
  readonly detail?: string | undefined;
}

/** Base class of every error sqlgen raises for a failed database call. */
export class SqlgenError extends Error {
  override name = 'SqlgenError';
  /** The SQLSTATE, e.g. `23505`. */
  readonly code: string | undefined;
  /** The query's name, e.g. `CreateUser`; absent for transaction control. */
  readonly queryName: string | undefined;
  readonly constraint: string | undefined;
  readonly table: string | undefined;
  readonly column: string | undefined;
  readonly detail: string | undefined;

  constructor(message: string, details: SqlgenErrorDetails = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.code = details.code;
    this.queryName = details.queryName;
    this.constraint = details.constraint;
    this.table = details.table;
    this.column = details.column;
    this.detail = details.detail;
  }
}

export class UniqueViolationError extends SqlgenError { override name = 'UniqueViolationError'; }
export class ForeignKeyViolationError extends SqlgenError { override name = 'ForeignKeyViolationError'; }
export class NotNullViolationError extends SqlgenError { override name = 'NotNullViolationError'; }
export class CheckViolationError extends SqlgenError { override name = 'CheckViolationError'; }
export class SerializationFailureError extends SqlgenError { override name = 'SerializationFailureError'; }
export class DeadlockDetectedError extends SqlgenError { override name = 'DeadlockDetectedError'; }
export class QueryCanceledError extends SqlgenError { override name = 'QueryCanceledError'; }
/** A `:one` query returned more than one row (code `21000`, cardinality violation). */
export class TooManyRowsError extends SqlgenError { override name = 'TooManyRowsError'; }
/** The connection could not be opened or died (server restart, `pg_terminate_backend`, network). */
export class ConnectionError extends SqlgenError { override name = 'ConnectionError'; }

const errorClasses: Readonly<Record<string, typeof SqlgenError>> = {
  '23505': UniqueViolationError,
  '23503': ForeignKeyViolationError,
  '23502': NotNullViolationError,
  '23514': CheckViolationError,
  '40001': SerializationFailureError,
  '40P01': DeadlockDetectedError,
  '57014': QueryCanceledError,
};

// Errors after which the session is gone: connection exceptions, shutdowns, session timeouts.
const SESSION_ENDED = new Set(['57P01', '57P02', '57P03', '57P05', '25P03']);

function isDatabaseError(error: unknown): error is DatabaseError & { code: string } {
  return error instanceof Error && typeof (error as DatabaseError).code === 'string' && 'severity' in error;
}

function errorCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

function endsSession(error: DatabaseError & { code: string }): boolean {
  return error.code.startsWith('08') || SESSION_ENDED.has(error.code) || error.severity === 'FATAL';
}

/** Turns what pg threw into a typed error; errors that did not come from the database pass through. */
function toError(error: unknown, queryName: string | undefined): unknown {
  if (error instanceof SqlgenError) return error;
  const prefix = queryName === undefined ? '' : `${queryName}: `;
  if (isDatabaseError(error)) {
    const lost = endsSession(error);
    const ErrorClass = lost ? ConnectionError : errorClasses[error.code] ?? SqlgenError;
    return new ErrorClass(`${prefix}${lost ? 'database connection lost: ' : ''}${error.message}`, {
      cause: error,
      code: error.code,
      queryName,
      constraint: error.constraint,
      table: error.table,
      column: error.column,
      detail: error.detail,
    });
  }
  // pg's own messages for a dead client, and socket errors (ECONNRESET, EPIPE, ...)
  if (error instanceof Error && (/^Connection terminated|not queryable/.test(error.message) || 'errno' in error)) {
    const message = `${prefix}database connection lost: ${error.message}`;
    return new ConnectionError(message, { cause: error, code: '08006', queryName });
  }
  return error;
}

// --- Running statements --------------------------------------------------------------------------

type Config = QueryConfig & { readonly rowMode?: 'array' | undefined };

function connectFailure(error: unknown, queryName: string | undefined): ConnectionError {
  const message = `${queryName === undefined ? '' : `${queryName}: `}could not connect to the database: ${
    error instanceof Error ? error.message : String(error)
  }`;
  const code = isDatabaseError(error) ? error.code : '08001';
  return new ConnectionError(message, { cause: error, code, queryName });
}

/** Checks a client out for one piece of work and always gives it back, destroyed if its connection broke. */
async function leased<T>(
  pool: pg.Pool,
  queryName: string | undefined,
  work: (client: PoolClient, markBroken: () => void) => Promise<T>,
): Promise<T> {
  let client: PoolClient;
  try {
    client = await pool.connect();
  } catch (error) {
    throw connectFailure(error, queryName);
  }
  let broken = false;
  // A checked-out pg client has no 'error' listener; without one a dying socket crashes the process.
  const markBroken = (): void => {
    broken = true;
  };
  client.on('error', markBroken);
  try {
    return await work(client, markBroken);
  } finally {
    client.removeListener('error', markBroken);
    client.release(broken);
  }
}

/** The parts of pg's connection (`client.connection`) that statements and COPY are sent through. */
interface Connection {
  readonly stream: NodeJS.WritableStream & { writable: boolean; cork?(): void; uncork?(): void };
  readonly parsedStatements: Record<string, string | undefined>;
  /** Names whose Parse is on the wire but not yet confirmed; older pg versions lack it. */
  readonly submittedNamedStatements?: Record<string, string | undefined>;
  parse(message: { text: string; name: string | undefined; types: readonly number[] }): void;
  bind(message: { statement: string | undefined; values: readonly unknown[] }): void;
  describe(message: { type: 'P'; name: string }): void;
  execute(message: object): void;
  sync(): void;
  query(text: string): void;
  endCopyFrom(): void;
  sendCopyFail(message: string): void;
}

interface Field {
  readonly name: string;
  readonly dataTypeID: number;
}

/**
 * The result columns of a prepared statement on one connection. They cannot change while the
 * statement exists: PostgreSQL refuses to run it instead (0A000, see reprepare), and deallocate
 * forgets the description with the statement.
 */
interface Description {
  readonly fields: readonly Field[];
  /** Parsers for `fields`, built for `types`; another Statement may share the name with other types. */
  types: TypeParsers | undefined;
  parsers: readonly Parser[];
  /** For rows as objects: every column set to null. */
  emptyRow: Record<string, unknown> | undefined;
}

/** Per connection, by statement name. */
const descriptions = new WeakMap<object, Map<string, Description>>();

/** pg's serialisation of one parameter (Date, Buffer, array, JSON, `toPostgres`), exactly as its Query does it. */
const prepareValue = (pg as unknown as { utils: { prepareValue(value: unknown): unknown } }).utils.prepareValue;

const none: readonly never[] = [];
const ignore = (): void => undefined;

/** The row count at the end of a command tag: `SELECT 5`, `INSERT 0 5`, `COPY 5`; null for `CREATE TABLE`. */
function tagRowCount(tag: string): number | null {
  let count = 0;
  let scale = 1;
  let i = tag.length - 1;
  for (let digit = tag.charCodeAt(i) - DIGIT_0; digit >= 0 && digit <= 9; digit = tag.charCodeAt(--i) - DIGIT_0) {
    count += digit * scale;
    scale *= 10;
  }
  return i < tag.length - 1 && tag.charCodeAt(i) === SPACE ? count : null;
}

/** The connection of a pg client that runs submittable queries (pg-native and pipeline mode do not). */
function connectionOf(db: Queryable): Connection | undefined {
  const client = db as { connection?: Partial<Connection>; pipeline?: boolean };
  const connection = client.connection;
  if (connection === undefined || client.pipeline === true || connection.parsedStatements === undefined) return undefined;
  return typeof connection.bind === 'function' ? (connection as Connection) : undefined;
}

/**
 * One run of a statement, handed to pg's client as a submittable query: pg calls `submit` when the
 * connection is free and passes it the server's answers. It sends what pg's own Query sends for a
 * named statement (Parse the first time, Bind, Describe, Execute, Sync) except the Describe once
 * the statement's columns are known on the connection, and it reads rows with parsers built once
 * per statement and connection rather than once per query. For a primary-key lookup that is
 * about a third less CPU time in Node, and one message less for the server to answer.
 */
class Execution {
  /** Read by pg: it records `name` as parsed (with `text`) once the server confirms the Parse. */
  readonly name: string | undefined;
  readonly text: string;
  /** Called once with the outcome (the Execution itself); pg wraps it when a `query_timeout` applies. */
  callback: (error: Error | null, result?: Execution) => void = ignore;
  /**
   * The result. Neither this array nor the result object come from a literal: V8 moves the
   * objects of an array or object literal straight to the old generation once they tend to
   * outlive a young-generation GC, as a query's rows do while they arrive, and an old holder of
   * young rows keeps them through every young GC until a full one. In the 100-row benchmark that
   * tripled the time spent collecting garbage.
   */
  readonly rows: unknown[] = new Array();
  rowCount: number | null = null;
  private readonly values: unknown[];
  private readonly statement: Statement<unknown>;
  private cache: Map<string, Description> | undefined;
  private description: Description | undefined;
  private parsers: readonly Parser[] = none;

  constructor(statement: Statement<unknown>, values: readonly unknown[]) {
    this.statement = statement;
    this.name = statement.prepare;
    this.text = statement.text;
    // Serialised here rather than while writing the Bind, so that a value pg cannot serialise
    // fails the call before anything is sent.
    this.values = new Array(values.length);
    for (let i = 0; i < values.length; i++) this.values[i] = prepareValue(values[i]);
  }

  submit(connection: Connection): Error | null {
    const name = this.name;
    const previous = name === undefined ? undefined : connection.parsedStatements[name] ?? connection.submittedNamedStatements?.[name];
    if (previous !== undefined && previous !== this.text) {
      return new Error(`Prepared statements must be unique - '${name}' was used for a different statement`);
    }
    if (name !== undefined) {
      this.cache = descriptions.get(connection);
      if (this.cache === undefined) descriptions.set(connection, (this.cache = new Map()));
      if (previous !== undefined) this.description = this.cache.get(name);
    }
    // One write for all the messages, as pg's Query does it.
    connection.stream.cork?.();
    try {
      if (previous === undefined) {
        connection.parse({ text: this.text, name, types: [] });
        if (name !== undefined && connection.submittedNamedStatements !== undefined) connection.submittedNamedStatements[name] = this.text;
      }
      connection.bind({ statement: name, values: this.values });
      if (this.description === undefined) connection.describe({ type: 'P', name: '' });
      else this.parsers = parsersFor(this.description, this.statement.types);
      connection.execute({});
      connection.sync();
    } finally {
      connection.stream.uncork?.();
    }
    return null;
  }

  handleRowDescription(message: { fields: readonly Field[] }): void {
    this.describe(message.fields);
  }

  handleDataRow(message: { fields: readonly (string | null)[] }): void {
    const texts = message.fields;
    const parsers = this.parsers;
    const values: unknown[] = new Array(texts.length);
    for (let i = 0; i < texts.length; i++) {
      const text = texts[i] as string | null;
      const parse = parsers[i];
      values[i] = text === null || parse === undefined ? text : parse(text);
    }
    this.rows.push(this.statement.arrayRows ? values : this.object(values));
  }

  handleCommandComplete(message: { text: string }): void {
    // No RowDescription came back for the Describe: the statement returns no rows (NoData).
    if (this.description === undefined) this.describe(none);
    this.rowCount = tagRowCount(message.text);
  }

  handleReadyForQuery(): void {
    this.callback(null, this);
  }

  handleError(error: Error): void {
    this.callback(error);
  }

  handleEmptyQuery(): void {}
  handlePortalSuspended(): void {}
  handleCopyInResponse(connection: Connection): void {
    connection.sendCopyFail('sqlgen: COPY FROM STDIN is run by copyFrom only');
  }
  handleCopyData(): void {}

  private describe(fields: readonly Field[]): void {
    const description: Description = { fields, types: undefined, parsers: [], emptyRow: undefined };
    this.description = description;
    this.parsers = parsersFor(description, this.statement.types);
    if (this.name !== undefined) this.cache?.set(this.name, description);
  }

  private object(values: readonly unknown[]): Record<string, unknown> {
    const description = this.description as Description;
    // Spread from a template that has every column as its own property, as pg does it, so that
    // a column named __proto__ is data rather than the prototype.
    description.emptyRow ??= Object.fromEntries(description.fields.map((field) => [field.name, null]));
    const row: Record<string, unknown> = { ...description.emptyRow };
    for (let i = 0; i < values.length; i++) row[(description.fields[i] as Field).name] = values[i];
    return row;
  }
}

function parsersFor(description: Description, types: TypeParsers): readonly Parser[] {
  if (description.types !== types) {
    description.parsers = description.fields.map((field) => types.getTypeParser(field.dataTypeID, 'text') as Parser);
    description.types = types;
  }
  return description.parsers;
}

/** Pool clients that carry the 'error' listener of `guard`. */
const guarded = new WeakSet<object>();

/**
 * A checked-out pg client has no 'error' listener, and an 'error' event without one (a socket
 * dying mid-query) crashes the process. `leased` adds and removes one per checkout; the per-query
 * path adds one per client, once, which costs nothing per call. The failure still reaches the
 * query that was running, and pg-pool drops a client whose connection died when it comes back.
 */
function guard(client: PoolClient): void {
  if (guarded.has(client)) return;
  client.on('error', ignore);
  guarded.add(client);
}

/**
 * After `error`, whether the connection is in an unknown state and must not go back to the pool:
 * anything the server did not report (a read timeout, a dead socket, a value pg could not
 * serialise mid-message) and the server's reports that the session is over.
 */
function leavesConnectionUnknown(error: unknown): boolean {
  return !isDatabaseError(error) || endsSession(error);
}

function isPool(db: Queryable): db is Queryable & pg.Pool {
  return 'idleCount' in db && typeof (db as Partial<pg.Pool>).connect === 'function';
}

function isClient(db: Queryable): db is Queryable & ClientBase {
  return db instanceof pg.Client || typeof (db as Partial<ClientBase>).getTransactionStatus === 'function';
}

/** Named statements that went stale inside a failed transaction, to deallocate before next use. */
const staleStatements = new WeakMap<object, Set<string>>();

function hasStaleStatement(db: Queryable, statement: Statement<unknown>): boolean {
  return statement.prepare !== undefined && staleStatements.get(db)?.has(statement.prepare) === true;
}

/** A prepared statement whose result shape changed under it (see reprepare). */
function isStalePlan(statement: Statement<unknown>, error: unknown): boolean {
  return statement.prepare !== undefined && errorCode(error) === '0A000';
}

/** Drops a prepared statement on the server and from pg's record; false if it cannot be done now. */
async function deallocate(db: Queryable, name: string, connection: Connection): Promise<boolean> {
  try {
    await db.query({ text: `DEALLOCATE ${pg.escapeIdentifier(name)}` });
  } catch (error) {
    if (errorCode(error) !== '26000') {
      // In a failed transaction block nothing runs until ROLLBACK: do it on the next use instead.
      const stale = staleStatements.get(db) ?? new Set<string>();
      staleStatements.set(db, stale.add(name));
      return false;
    }
  }
  delete connection.parsedStatements[name];
  descriptions.get(connection)?.delete(name);
  staleStatements.get(db)?.delete(name);
  return true;
}

function queryConfig(statement: Statement<unknown>, values: readonly unknown[]): Config {
  return {
    text: statement.text,
    values: values as unknown[],
    types: statement.types,
    name: statement.prepare,
    rowMode: statement.arrayRows ? 'array' : undefined,
  };
}

/** Runs `execution` on a pg client (one that `connectionOf` accepts). */
function submitTo(client: Queryable, execution: Execution): Promise<QueryResult> {
  return new Promise((resolve, reject) => {
    execution.callback = (error, result) => (error === null ? resolve(result as unknown as QueryResult) : reject(error));
    client.query(execution as unknown as QueryConfig);
  });
}

/** One attempt on one connection; a Queryable that is no pg client gets pg's query config. */
function attemptOn(db: Queryable, statement: Statement<unknown>, values: readonly unknown[]): Promise<QueryResult> {
  if (connectionOf(db) === undefined) return db.query(queryConfig(statement, values));
  return submitTo(db, new Execution(statement, values));
}

/**
 * After a schema change (`ALTER TABLE ... ADD COLUMN` under `SELECT *`), PostgreSQL refuses to run a
 * prepared statement whose result shape changed: 0A000 "cached plan must not change result type",
 * and keeps refusing for as long as the statement exists. pg meanwhile remembers that it parsed the
 * name on this connection and would never send Parse again. So: DEALLOCATE on the same connection,
 * forget the name in pg, and run again, which parses afresh. Inside a failed transaction that must
 * wait for the next use; on a Queryable whose connection we cannot reach, the retry runs unnamed.
 */
async function reprepare(db: Queryable, statement: Statement<unknown>, values: readonly unknown[], failure: unknown): Promise<QueryResult> {
  const connection = (db as { connection?: Connection }).connection;
  if (connection?.parsedStatements === undefined) return db.query({ ...queryConfig(statement, values), name: undefined });
  if (!(await deallocate(db, statement.prepare as string, connection))) throw failure;
  return attemptOn(db, statement, values);
}

/** A statement on one connection: a client, or a Queryable we cannot look into. */
async function onClient(db: Queryable, statement: Statement<unknown>, values: readonly unknown[]): Promise<QueryResult> {
  if (hasStaleStatement(db, statement)) {
    const connection = (db as { connection?: Connection }).connection;
    if (connection?.parsedStatements !== undefined) await deallocate(db, statement.prepare as string, connection);
  }
  try {
    return await attemptOn(db, statement, values);
  } catch (error) {
    if (!isStalePlan(statement, error)) throw error;
    return reprepare(db, statement, values, error);
  }
}

/**
 * A statement on a pool, the path nearly every query takes. Our own checkout rather than
 * pool.query: the 0A000 retry must reach the same connection, and pool.query would destroy a
 * healthy connection for every constraint violation. Written with callbacks rather than awaits,
 * which saves promises and microtask turns on every query.
 */
function onPool(pool: pg.Pool, statement: Statement<unknown>, values: readonly unknown[]): Promise<QueryResult> {
  return new Promise((resolve, reject) => {
    const execution = new Execution(statement, values);
    pool.connect((connectError, client, release) => {
      if (connectError || client === undefined) {
        reject(connectFailure(connectError, statement.name));
        return;
      }
      guard(client);
      const succeed = (result: QueryResult): void => {
        release();
        resolve(result);
      };
      const fail = (error: unknown): void => {
        release(leavesConnectionUnknown(error));
        reject(error);
      };
      if (connectionOf(client) === undefined || hasStaleStatement(client, statement)) {
        onClient(client, statement, values).then(succeed, fail);
        return;
      }
      execution.callback = (error, result) => {
        if (error === null) succeed(result as unknown as QueryResult);
        else if (isStalePlan(statement, error)) reprepare(client, statement, values, error).then(succeed, fail);
        else fail(error);
      };
      try {
        client.query(execution as unknown as QueryConfig);
      } catch (error) {
        fail(error);
      }
    });
  });
}

/** Runs a statement on any Queryable. Rejects with what pg threw; the caller makes it a typed error. */
function execute(db: Queryable, statement: Statement<unknown>, values: readonly unknown[]): Promise<QueryResult> {
  const observation = observationOf(db);
  if (observation !== undefined) return executeObserved(observation, statement, values);
  return isPool(db) ? onPool(db, statement, values) : onClient(db, statement, values);
}

async function executeObserved(
  observation: Observation,
  statement: Statement<unknown>,
  values: readonly unknown[],
): Promise<QueryResult> {
  const started = performance.now();
  const report = (rowCount: number | null, error: Error | null): void => {
    const durationMs = performance.now() - started;
    observation.listener({ queryName: statement.name, text: statement.text, durationMs, rowCount, error });
  };
  let result: QueryResult;
  try {
    result = await execute(observation.target, statement, values);
  } catch (error) {
    const typed = toError(error, statement.name);
    report(null, typed as Error);
    throw typed;
  }
  report(result.rowCount ?? result.rows.length, null);
  return result;
}

/**
 * `execute`, with pg's errors made typed. The typed error is created here, in an async function
 * after an await, so that its stack leads back to the application's call (V8's async stack
 * traces) rather than to the socket callback in which pg reported the failure.
 */
async function run(db: Queryable, statement: Statement<unknown>, values: readonly unknown[]): Promise<QueryResult> {
  try {
    return await execute(db, statement, values);
  } catch (error) {
    throw toError(error, statement.name);
  }
}

// --- Query commands ------------------------------------------------------------------------------

/**
 * Runs a `:one` query: the row, or `null` when there is none.
 *
 * @example const user = await queryOne(db, getUserStatement, [id]); // GetUserRow | null
 * @throws TooManyRowsError when the query returned more than one row.
 */
export async function queryOne<Row>(
  db: Queryable,
  statement: Statement<Row>,
  values: readonly unknown[],
): Promise<Row | null> {
  const { rows } = await run(db, statement, values);
  if (rows.length > 1) {
    throw new TooManyRowsError(`${statement.name}: expected at most one row, got ${rows.length}`, {
      code: '21000',
      queryName: statement.name,
    });
  }
  const row: unknown = rows[0];
  if (row === undefined) return null;
  return statement.map === undefined ? (row as Row) : statement.map(row);
}

/** Runs a `:many` query. @example const users = await queryMany(db, listUsersStatement, [ids]); */
export async function queryMany<Row>(
  db: Queryable,
  statement: Statement<Row>,
  values: readonly unknown[],
): Promise<Row[]> {
  const { rows } = await run(db, statement, values);
  return statement.map === undefined ? (rows as Row[]) : rows.map(statement.map);
}

/** Runs an `:exec` query. @example await exec(db, deleteUserStatement, [id]); */
export async function exec(db: Queryable, statement: Statement<unknown>, values: readonly unknown[]): Promise<void> {
  await run(db, statement, values);
}

/** Runs an `:execrows` query: rows affected. @example const n = await execRows(db, renameStatement, [id, name]); */
export async function execRows(
  db: Queryable,
  statement: Statement<unknown>,
  values: readonly unknown[],
): Promise<number> {
  const { rowCount } = await run(db, statement, values);
  return rowCount ?? 0;
}

// --- Bulk insert ---------------------------------------------------------------------------------

const TWO_DIGITS = Array.from({ length: 100 }, (_, n) => String(n).padStart(2, '0'));
const THREE_DIGITS = Array.from({ length: 1000 }, (_, n) => String(n).padStart(3, '0'));

/**
 * The 1st of January 1973. Before it a zone's offset may have seconds (local mean time; Monrovia
 * kept -0:44:30 until 1972), which getTimezoneOffset rounds to minutes.
 */
const SECONDS_IN_OFFSETS_UNTIL = 94_694_400_000;

/** The zone's offset at `date` in seconds, east positive, exact to the second. */
function utcOffset(date: Date): number {
  const rounded = -date.getTimezoneOffset() * 60;
  if (date.getTime() >= SECONDS_IN_OFFSETS_UNTIL) return rounded;
  const wall =
    daysFromEpoch(date.getFullYear(), date.getMonth(), date.getDate()) * DAY_MS +
    ((date.getHours() * 60 + date.getMinutes()) * 60 + date.getSeconds()) * 1000 + date.getMilliseconds();
  return Math.round((wall - date.getTime()) / 1000);
}

/**
 * A Date as pg sends a parameter: local time with its offset (UTC if
 * pg.defaults.parseInputDatesAsUTC), `0044-03-15T12:00:00.000+00:00 BC` before year 1, so that a
 * `timestamp` column gets the local time and a `timestamptz` column the instant. An offset with
 * seconds is written with them (pg would round it and shift the instant). The fields come from
 * the time value by arithmetic (the inverse of daysFromEpoch), a few times faster than a shifted
 * Date and its getters; a bulk insert formats one per row and column.
 */
function timestampText(date: Date): string {
  const offset = pg.defaults.parseInputDatesAsUTC === true ? 0 : utcOffset(date);
  const local = date.getTime() + offset * 1000;
  if (Number.isNaN(local)) return String(date); // 'Invalid Date', which the server rejects
  const days = Math.floor(local / DAY_MS);
  let millis = local - days * DAY_MS;
  const shifted = days + 719_468; // days since 0000-03-01
  const era = Math.floor(shifted / 146_097);
  const dayOfEra = shifted - era * 146_097;
  const yearOfEra = Math.floor(
    (dayOfEra - Math.floor(dayOfEra / 1460) + Math.floor(dayOfEra / 36_524) - Math.floor(dayOfEra / 146_096)) / 365,
  );
  const dayOfYear = dayOfEra - (365 * yearOfEra + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100));
  const monthFromMarch = Math.floor((5 * dayOfYear + 2) / 153);
  const day = dayOfYear - Math.floor((153 * monthFromMarch + 2) / 5) + 1;
  const month = monthFromMarch < 10 ? monthFromMarch + 3 : monthFromMarch - 9;
  const year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0);
  const hour = Math.floor(millis / 3_600_000);
  millis -= hour * 3_600_000;
  const minute = Math.floor(millis / 60_000);
  millis -= minute * 60_000;
  const second = Math.floor(millis / 1000);
  const yearText = String(year < 1 ? 1 - year : year).padStart(4, '0');
  return (
    `${yearText}-${TWO_DIGITS[month]}-${TWO_DIGITS[day]}T${TWO_DIGITS[hour]}:${TWO_DIGITS[minute]}:` +
    `${TWO_DIGITS[second]}.${THREE_DIGITS[millis - second * 1000]}${offsetText(offset)}${year < 1 ? ' BC' : ''}`
  );
}

/** `+05:30`, `-03:30`, `+05:53:28`. */
function offsetText(seconds: number): string {
  const size = seconds < 0 ? -seconds : seconds;
  const hhmm = `${seconds < 0 ? '-' : '+'}${TWO_DIGITS[Math.floor(size / 3600)]}:${TWO_DIGITS[Math.floor(size / 60) % 60]}`;
  return size % 60 === 0 ? hhmm : `${hhmm}:${TWO_DIGITS[size % 60]}`;
}

/** One array element's text, serialised the way pg serialises a parameter. */
function elementText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value instanceof Date) return timestampText(value);
  if (ArrayBuffer.isView(value)) {
    return `\\x${Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('hex')}`;
  }
  if (Array.isArray(value)) return arrayLiteral(value) as string;
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

function arrayElement(value: unknown): string {
  if (value === null || value === undefined) return 'NULL';
  if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean') return String(value);
  const text = elementText(value);
  return text.includes('"') || text.includes('\\') ? `"${text.replace(/["\\]/g, '\\$&')}"` : `"${text}"`;
}

/**
 * A PostgreSQL array literal for a JS array (nested arrays become dimensions). A bulk insert
 * sends an array-typed column's values as these literals: COPY reads them as they are, and the
 * `unnest` statement, which would flatten a 2-D array, takes them as text[] and casts them back
 * (`u.tags::text[]`).
 *
 * @example arrayLiteral(['a', null, 'b"c']) // '{"a",NULL,"b\\"c"}'
 */
export function arrayLiteral(value: readonly unknown[] | null): string | null {
  if (value === null) return null;
  return `{${value.map((item) => (Array.isArray(item) ? arrayLiteral(item) : arrayElement(item))).join(',')}}`;
}

/** A row's values, checked to be as many as row 0 has. */
function rowValues<P>(rows: readonly P[], index: number, toValues: (row: P) => readonly unknown[], width: number): readonly unknown[] {
  const values = toValues(rows[index] as P);
  if (width >= 0 && values.length !== width) {
    throw new TypeError(`copyFrom: row ${index} has ${values.length} values, row 0 has ${width}`);
  }
  return values;
}

// COPY's text format: one line per row, fields split by tabs, `\N` for NULL, and a backslash before
// the characters that would end a field or a line (and before itself).
const COPY_SPECIAL = /[\\\t\n\r]/;
const COPY_SPECIALS = /[\\\t\n\r]/g;
const COPY_ESCAPES: Readonly<Record<string, string>> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' };
const copyEscape = (text: string): string =>
  COPY_SPECIAL.test(text) ? text.replace(COPY_SPECIALS, (c) => COPY_ESCAPES[c] as string) : text;

/**
 * One value as a COPY field: the text pg would send for it as a parameter, so that the column's
 * input function sees what an INSERT's parameter would give it. Numbers, booleans and Dates hold
 * no character that needs escaping.
 */
function copyField(value: unknown): string {
  switch (typeof value) {
    case 'string':
      return copyEscape(value);
    case 'number':
    case 'bigint':
      return String(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'undefined':
      return '\\N';
    default:
      if (value === null) return '\\N';
      if (value instanceof Date) return timestampText(value);
      return copyEscape(elementText(value));
  }
}

/**
 * Characters of COPY data per CopyData message. Large enough that messages and socket writes
 * are few, small enough that encoding the next chunk overlaps with the server parsing this one
 * and that memory stays flat for any number of rows.
 */
const COPY_CHUNK_CHARS = 256 * 1024;

/** A CopyData message ('d', its length, the bytes) around `text`, in one buffer. */
function copyData(text: string): Buffer {
  const length = Buffer.byteLength(text);
  const message = Buffer.allocUnsafe(5 + length);
  message[0] = 0x64;
  message.writeUInt32BE(4 + length, 1);
  message.write(text, 5);
  return message;
}

/** Encodes rows a chunk at a time into CopyData messages; each call gives the next, then null. */
function copyMessages<P>(rows: readonly P[], toValues: (row: P) => readonly unknown[]): () => Buffer | null {
  let next = 0;
  let width = -1;
  return () => {
    if (next >= rows.length) return null;
    let text = '';
    while (next < rows.length && text.length < COPY_CHUNK_CHARS) {
      const values = rowValues(rows, next, toValues, width);
      width = values.length;
      let line = '';
      for (let c = 0; c < values.length; c++) line += (c === 0 ? '' : '\t') + copyField(values[c]);
      text += `${line}\n`;
      next += 1;
    }
    return copyData(text);
  };
}

/**
 * `COPY ... FROM STDIN`, handed to pg's client as a submittable query like Execution. Once the
 * server is ready for data it writes CopyData messages as fast as the socket takes them (waiting
 * for 'drain' in between), then CopyDone. A row that cannot be encoded ends the COPY with
 * CopyFail, so the server keeps none of it, and the call fails with that row's error.
 */
class CopyIn {
  /** What `submit` sends, as a simple-protocol query. */
  readonly text: string;
  /** Called once with the outcome; pg wraps it when a `query_timeout` applies. */
  callback: (error: Error | null, rowCount?: number) => void = ignore;
  /** The server took the COPY (CopyInResponse) and reads data. */
  started = false;
  /** Our own error: a row that could not be encoded. */
  failure: unknown = undefined;
  private sent = false;
  private settled = false;
  private rowCount = 0;
  private readonly next: () => Buffer | null;

  constructor(text: string, next: () => Buffer | null) {
    this.text = text;
    this.next = next;
  }

  submit(connection: Connection): null {
    connection.query(this.text);
    return null;
  }

  handleCopyInResponse(connection: Connection): void {
    this.started = true;
    if (this.settled) connection.sendCopyFail('sqlgen: the copy was abandoned'); // pg gave up waiting
    else this.pump(connection);
  }

  handleCommandComplete(message: { text: string }): void {
    // With a savepoint around it, SAVEPOINT and RELEASE complete too.
    if (message.text.startsWith('COPY ')) this.rowCount = tagRowCount(message.text) ?? 0;
  }

  handleReadyForQuery(): void {
    this.settle(null);
  }

  handleError(error: Error, connection: Connection): void {
    // pg failed the query itself (a read timeout) while data may still be going out: end the
    // COPY so that the server rolls it back and the connection comes back to normal.
    if (this.started && !this.sent && !isDatabaseError(error) && connection.stream.writable) this.fail(connection, error);
    this.sent = true;
    this.settle(this.failure === undefined ? error : (this.failure as Error));
  }

  handleRowDescription(): void {}
  handleDataRow(): void {}
  handleEmptyQuery(): void {}
  handlePortalSuspended(): void {}
  handleCopyData(): void {}

  private pump(connection: Connection): void {
    const stream = connection.stream;
    while (!this.sent && stream.writable) {
      let message: Buffer | null;
      try {
        message = this.next();
      } catch (error) {
        this.failure = error;
        this.fail(connection, error);
        return;
      }
      if (message === null) {
        this.sent = true;
        connection.endCopyFrom();
        return;
      }
      if (!stream.write(message)) {
        stream.once('drain', () => this.pump(connection));
        return;
      }
    }
  }

  private fail(connection: Connection, error: unknown): void {
    this.sent = true;
    connection.sendCopyFail(`sqlgen: ${error instanceof Error ? error.message : String(error)}`);
  }

  private settle(error: Error | null): void {
    if (this.settled) return;
    this.settled = true;
    this.callback(error, this.rowCount);
  }
}

/**
 * Whether the server refused COPY into a table that INSERT can write to: one under row-level
 * security (0A000, before it takes any data) or a view (42809, an INSERT goes through its rules).
 */
function refusesCopy(error: unknown, started: boolean): boolean {
  const code = errorCode(error);
  return code === '42809' || (code === '0A000' && !started);
}

/** Statements the server refused to COPY into; they use the unnest statement from then on. */
const copyRefused = new WeakSet<object>();
/** Statements that COPY has worked for; inside a transaction they run without a savepoint. */
const copyAccepted = new WeakSet<object>();
const COPY_SAVEPOINT = 'sqlgen_copy';

function submitCopy(client: Queryable, copy: CopyIn): Promise<number> {
  return new Promise((resolve, reject) => {
    copy.callback = (error, rowCount) => (error === null ? resolve(rowCount ?? 0) : reject(error));
    client.query(copy as unknown as QueryConfig);
  });
}

/**
 * One COPY of all rows on `client` (one statement: all rows or none). Resolves to the row count,
 * or to undefined when the server refuses COPY into this table where an INSERT would work; it then
 * remembers that. Inside a transaction a refusal would abort it, so until COPY has worked for the
 * statement it runs inside a savepoint, sent with it in one message: no extra round trip.
 * `markBroken` hears of failures that leave the connection in an unknown state; a row that could
 * not be encoded is not one (the server has answered the CopyFail).
 */
async function copyOn<P>(
  client: ClientBase,
  statement: Statement<unknown>,
  copySql: string,
  rows: readonly P[],
  toValues: (row: P) => readonly unknown[],
  markBroken: () => void,
): Promise<number | undefined> {
  const wrapped = !copyAccepted.has(statement) && inTransaction(client);
  const text = wrapped ? `SAVEPOINT ${COPY_SAVEPOINT}; ${copySql}; RELEASE SAVEPOINT ${COPY_SAVEPOINT}` : copySql;
  const copy = new CopyIn(text, copyMessages(rows, toValues));
  try {
    const rowCount = await submitCopy(client, copy);
    copyAccepted.add(statement);
    return rowCount;
  } catch (error) {
    if (error !== copy.failure && leavesConnectionUnknown(error)) markBroken();
    if (!refusesCopy(error, copy.started)) throw error;
    copyRefused.add(statement);
    if (wrapped) await client.query(`ROLLBACK TO SAVEPOINT ${COPY_SAVEPOINT}; RELEASE SAVEPOINT ${COPY_SAVEPOINT}`);
    else if (inTransaction(client)) throw error; // the transaction is aborted; the next call inserts
    return undefined;
  }
}

/**
 * COPY on a pg client, reported to `db`'s listener if it is observed; when the server refuses
 * COPY, the unnest statement on `db` (the same client, observed or not) instead.
 */
async function copyRows<P>(
  client: ClientBase,
  db: Queryable,
  statement: Statement<unknown>,
  copySql: string,
  rows: readonly P[],
  toValues: (row: P) => readonly unknown[],
  markBroken: () => void = ignore,
): Promise<number> {
  const listener = observationOf(db)?.listener;
  const started = performance.now();
  const report = (rowCount: number | null, error: Error | null): void =>
    listener?.({ queryName: statement.name, text: copySql, durationMs: performance.now() - started, rowCount, error });
  let rowCount: number | undefined;
  try {
    rowCount = await copyOn(client, statement, copySql, rows, toValues, markBroken);
  } catch (error) {
    const typed = toError(error, statement.name);
    report(null, typed as Error);
    throw typed;
  }
  if (rowCount !== undefined) {
    report(rowCount, null);
    return rowCount;
  }
  try {
    return await insertWithUnnest(db, statement, rows, toValues);
  } catch (error) {
    if (!(error instanceof SqlgenError) || error instanceof ConnectionError) markBroken();
    throw error;
  }
}

/**
 * Literal text per unnest statement (all columns together). PostgreSQL caps one message and one
 * value at 1 GB and V8 caps a string near 512 M characters; 32 M characters is far below both even
 * when UTF-8 triples the size, keeps memory flat, and is large enough that per-statement overhead
 * does not show (100,000 typical rows are a few statements).
 */
const CHUNK_CHARS = 32 * 1024 * 1024;

interface Chunk {
  /** One array literal per column. */
  readonly values: string[];
  /** The index of the first row not in this chunk. */
  readonly end: number;
}

/** Encodes rows from `start` on into column literals, stopping once they pass CHUNK_CHARS. */
function encodeChunk<P>(rows: readonly P[], start: number, toValues: (row: P) => readonly unknown[]): Chunk {
  const columns: string[][] = [];
  let size = 0;
  let end = start;
  while (end < rows.length && (end === start || size < CHUNK_CHARS)) {
    const values = rowValues(rows, end, toValues, end === start ? -1 : columns.length);
    if (columns.length === 0) for (let c = 0; c < values.length; c++) columns.push([]);
    for (let c = 0; c < values.length; c++) {
      const element = arrayElement(values[c]);
      (columns[c] as string[]).push(element);
      size += element.length + 1;
    }
    end += 1;
  }
  return { values: columns.map((column) => `{${column.join(',')}}`), end };
}

/**
 * The bulk insert for any Queryable: `statement.text` has one array parameter per inserted value,
 * e.g. `INSERT INTO t (a, b) SELECT * FROM unnest($1::int4[], $2::text[])`. Rows go as column
 * arrays, one statement per chunk; when there is more than one chunk they run in one transaction
 * (or savepoint), so a failure inserts nothing.
 */
async function insertWithUnnest<P>(
  db: Queryable,
  statement: Statement<unknown>,
  rows: readonly P[],
  toValues: (row: P) => readonly unknown[],
): Promise<number> {
  let chunk = encodeChunk(rows, 0, toValues);
  if (chunk.end === rows.length) return execRows(db, statement, chunk.values);
  const insertAll = async (tx: Queryable): Promise<number> => {
    let count = await execRows(tx, statement, chunk.values);
    while (chunk.end < rows.length) {
      chunk = encodeChunk(rows, chunk.end, toValues);
      count += await execRows(tx, statement, chunk.values);
    }
    return count;
  };
  const target = observationOf(db)?.target ?? db;
  if (isPool(target) || isClient(target)) return withTransaction(db as pg.Pool | ClientBase, insertAll);
  return insertAll(db); // a Queryable we cannot hold one connection of
}

/**
 * Bulk insert of `rows`, `toValues(row)` giving a row's values in parameter order; returns the
 * number of rows inserted, all of them or none. On a pg pool or client with `statement.copy` set
 * it is one `COPY ... FROM STDIN`, streamed; otherwise (another Queryable, or a table COPY cannot
 * write to: row-level security, a view) the unnest statement in `statement.text`.
 *
 * @example await copyFrom(db, insertUsersStatement, users, (u) => [u.email, u.displayName]);
 */
export async function copyFrom<P>(
  db: Queryable,
  statement: Statement<unknown>,
  rows: readonly P[],
  toValues: (row: P) => readonly unknown[],
): Promise<number> {
  if (rows.length === 0) return 0;
  const observation = observationOf(db);
  const target = observation?.target ?? db;
  const copySql = copyRefused.has(statement) ? undefined : statement.copy;
  if (copySql === undefined || (!isPool(target) && connectionOf(target) === undefined)) {
    return insertWithUnnest(db, statement, rows, toValues);
  }
  if (!isPool(target)) return copyRows(target as ClientBase, db, statement, copySql, rows, toValues);
  return leased(target, statement.name, (client, markBroken) => {
    const tx = observation === undefined ? client : observe(client, observation.listener);
    if (connectionOf(client) === undefined) return insertWithUnnest(tx, statement, rows, toValues); // pg-native
    return copyRows(client, tx, statement, copySql, rows, toValues, markBroken);
  });
}

// --- Transactions --------------------------------------------------------------------------------

export type IsolationLevel = 'read committed' | 'repeatable read' | 'serializable';

export interface TransactionOptions {
  readonly isolationLevel?: IsolationLevel;
  readonly readOnly?: boolean;
  readonly deferrable?: boolean;
  /**
   * How often `fn` may run again after a serialization failure (40001), a deadlock (40P01) or a
   * prepared statement gone stale after a schema change (0A000). Default 0.
   */
  readonly maxRetries?: number;
  /** Applied with `set_config(name, value, true)`; they last until the (outermost) transaction ends. */
  readonly settings?: Readonly<Record<string, string | number | boolean>>;
}

const ISOLATION: Readonly<Record<IsolationLevel, string>> = {
  'read committed': 'READ COMMITTED',
  'repeatable read': 'REPEATABLE READ',
  serializable: 'SERIALIZABLE',
};
const RETRYABLE = new Set(['40001', '40P01', '0A000']);
const SAVEPOINT = 'sqlgen_savepoint';

/** Clients inside a withTransaction, for pg versions without getTransactionStatus(). */
const openTransactions = new WeakSet<object>();

function inTransaction(client: ClientBase): boolean {
  const status = typeof client.getTransactionStatus === 'function' ? client.getTransactionStatus() : null;
  return status === 'T' || status === 'E' || (status === null && openTransactions.has(client));
}

function settingsSql(options: TransactionOptions): string {
  const entries = Object.entries(options.settings ?? {});
  if (entries.length === 0) return '';
  // Literals rather than parameters, so that BEGIN and the settings are one round trip.
  const literal = (value: unknown): string => pg.escapeLiteral(String(value));
  const calls = entries.map(([name, value]) => `set_config(${literal(name)}, ${literal(value)}, true)`);
  return `; SELECT ${calls.join(', ')}`;
}

function beginSql(options: TransactionOptions): string {
  let sql = 'BEGIN';
  if (options.isolationLevel !== undefined) {
    const level = ISOLATION[options.isolationLevel];
    if (level === undefined) throw new TypeError(`unknown isolationLevel "${options.isolationLevel}"`);
    sql += ` ISOLATION LEVEL ${level}`;
  }
  if (options.readOnly !== undefined) sql += options.readOnly ? ' READ ONLY' : ' READ WRITE';
  if (options.deferrable !== undefined) sql += options.deferrable ? ' DEFERRABLE' : ' NOT DEFERRABLE';
  return sql + settingsSql(options);
}

async function control(client: ClientBase, sql: string): Promise<QueryResult> {
  try {
    return await client.query(sql);
  } catch (error) {
    throw toError(error, undefined);
  }
}

/** One attempt: BEGIN, fn, COMMIT (or ROLLBACK when `rollback` or fn threw). */
async function attempt<T>(
  client: ClientBase,
  tx: ClientBase,
  fn: (tx: ClientBase) => Promise<T>,
  options: TransactionOptions,
  rollback: boolean,
  markBroken: () => void,
): Promise<T> {
  try {
    await control(client, beginSql(options));
    openTransactions.add(client);
    let result: T;
    try {
      result = await fn(tx);
    } catch (error) {
      await client.query('ROLLBACK').catch(markBroken); // ROLLBACK failing means the connection is gone
      throw error;
    }
    if (rollback) {
      await control(client, 'ROLLBACK');
      return result;
    }
    const commit = await control(client, 'COMMIT');
    // COMMIT of a transaction that an error (caught inside fn) had aborted answers ROLLBACK.
    if (commit.command === 'ROLLBACK') {
      const message = 'transaction rolled back: a statement in it failed and the error was caught';
      throw new SqlgenError(message, { code: '25P02' });
    }
    return result;
  } catch (error) {
    if (error instanceof ConnectionError) markBroken();
    throw error;
  } finally {
    openTransactions.delete(client);
  }
}

/** A nested call: the same work inside a savepoint of the caller's transaction. */
async function nested<T>(
  client: ClientBase,
  tx: ClientBase,
  fn: (tx: ClientBase) => Promise<T>,
  options: TransactionOptions,
  rollback: boolean,
): Promise<T> {
  if (options.isolationLevel !== undefined || options.readOnly !== undefined || options.deferrable !== undefined) {
    throw new TypeError('isolationLevel, readOnly and deferrable cannot change inside a transaction');
  }
  await control(client, `SAVEPOINT ${SAVEPOINT}${settingsSql(options)}`);
  const undo = `ROLLBACK TO SAVEPOINT ${SAVEPOINT}; RELEASE SAVEPOINT ${SAVEPOINT}`;
  let result: T;
  try {
    result = await fn(tx);
  } catch (error) {
    await client.query(undo).catch(() => undefined); // a dead connection fails the outer transaction anyway
    throw error;
  }
  await control(client, rollback ? undo : `RELEASE SAVEPOINT ${SAVEPOINT}`);
  return result;
}

async function transaction<T>(
  db: pg.Pool | ClientBase,
  fn: (tx: ClientBase) => Promise<T>,
  options: TransactionOptions,
  rollback: boolean,
): Promise<T> {
  const observation = observationOf(db);
  const target = (observation?.target ?? db) as pg.Pool | ClientBase;
  if (!isPool(target) && inTransaction(target)) return nested(target, db as ClientBase, fn, options, rollback);
  const maxRetries = options.maxRetries ?? 0;
  for (let retry = 0; ; retry++) {
    try {
      if (!isPool(target)) return await attempt(target, db as ClientBase, fn, options, rollback, () => undefined);
      return await leased(target, undefined, (client, markBroken) => {
        const tx = observation === undefined ? client : observe(client, observation.listener);
        return attempt(client, tx, fn, options, rollback, markBroken);
      });
    } catch (error) {
      if (retry >= maxRetries || !RETRYABLE.has(errorCode(error) ?? '')) throw error;
      // Full jitter: a random wait up to 10 ms, 20 ms, 40 ms, ... (at most 1 s) spreads out the retries.
      await new Promise((resolve) => setTimeout(resolve, Math.random() * Math.min(1000, 10 * 2 ** retry)));
    }
  }
}

/**
 * Runs `fn` in a transaction and commits, or rolls back when `fn` throws. Given a pool it takes a
 * client and always gives it back (destroyed if its connection broke); given a client already in
 * a transaction it nests with a savepoint. With `maxRetries`, `fn` is re-run on serialization
 * failures and deadlocks, so keep side effects outside the database out of it.
 *
 * @example
 * await withTransaction(pool, async (tx) => {
 *   await debit(tx, { id: from, amount });
 *   await credit(tx, { id: to, amount });
 * }, { isolationLevel: 'serializable', maxRetries: 5, settings: { 'app.tenant_id': tenantId } });
 */
export function withTransaction<T>(
  db: pg.Pool | ClientBase,
  fn: (tx: ClientBase) => Promise<T>,
  options: TransactionOptions = {},
): Promise<T> {
  return transaction(db, fn, options, false);
}

/**
 * Runs `fn` in a transaction that is always rolled back, for tests against a real database:
 * every change `fn` makes is gone afterwards. Nests with a savepoint like withTransaction.
 *
 * @example it('renames', () => withRollback(pool, async (tx) => { await renameUser(tx, p); ... }));
 */
export function withRollback<T>(db: pg.Pool | ClientBase, fn: (tx: ClientBase) => Promise<T>): Promise<T> {
  return transaction(db, fn, {}, true);
}

// --- Observability -------------------------------------------------------------------------------

export interface QueryEvent {
  /** The query's name, e.g. `GetUser`. */
  readonly queryName: string;
  readonly text: string;
  readonly durationMs: number;
  /** Rows returned or affected; null when the query failed. */
  readonly rowCount: number | null;
  readonly error: Error | null;
}

export type QueryListener = (event: QueryEvent) => void;

interface Observation {
  readonly target: Queryable;
  readonly listener: QueryListener;
}

const OBSERVATION = Symbol('sqlgen.observation');

function observationOf(db: unknown): Observation | undefined {
  return (db as { [OBSERVATION]?: Observation })[OBSERVATION];
}

/**
 * Wraps a pool or client so that every generated query run through it (also inside
 * withTransaction) reports its name, duration, row count and error to `listener`. The result
 * is used exactly like `db`. Unwrapped pools and clients pay nothing. An exception thrown by
 * the listener reaches the caller of the query.
 *
 * @example
 * const db = observe(pool, (e) => logger.debug({ query: e.queryName, ms: e.durationMs, rows: e.rowCount }));
 * await getUser(db, { id });
 */
export function observe<Q extends Queryable>(db: Q, listener: QueryListener): Q {
  const outer = observationOf(db);
  const observation: Observation = outer === undefined
    ? { target: db, listener }
    : { target: outer.target, listener: (event) => { outer.listener(event); listener(event); } };
  const target = observation.target as Q;
  return new Proxy(target, {
    get(object, key) {
      if (key === OBSERVATION) return observation;
      const value: unknown = Reflect.get(object, key);
      return typeof value === 'function' ? value.bind(object) : value;
    },
  });
}
