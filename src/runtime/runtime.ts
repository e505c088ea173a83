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
const TIMESTAMP =
  /^(\d{4,})-(\d\d)-(\d\d) (\d\d):(\d\d):(\d\d)(?:\.(\d+))?(?:([+-])(\d\d)(?::(\d\d))?(?::(\d\d))?)?( BC)?$/;
const DATE = /^(\d{4,})-(\d\d)-(\d\d)( BC)?$/;

/**
 * Reads ISO output (`DateStyle` ISO, PostgreSQL's default): `2024-03-01 12:30:00.123456+05:30`,
 * `0044-03-15 12:00:00+00 BC`. Without an offset (`timestamp`) the time is local, as pg does it.
 */
function parseTimestamp(text: string): Date {
  if (text === 'infinity' || text === '-infinity') return new Date(text === 'infinity' ? INFINITY : -INFINITY);
  const m = TIMESTAMP.exec(text);
  if (m === null) throw new Error(`sqlgen: cannot read timestamp "${text}" (is DateStyle ISO?)`);
  const [year, month, day] = [m[12] === undefined ? Number(m[1]) : 1 - Number(m[1]), Number(m[2]) - 1, Number(m[3])];
  const [hour, minute, second] = [Number(m[4]), Number(m[5]), Number(m[6])];
  const millis = m[7] === undefined ? 0 : Number(m[7].slice(0, 3).padEnd(3, '0'));
  // The Date constructor and Date.UTC read years 0..99 as 1900..1999, hence the setFullYear calls.
  if (m[8] === undefined) {
    const local = new Date(year, month, day, hour, minute, second, millis);
    if (year < 100) local.setFullYear(year, month, day);
    return local;
  }
  const utc = new Date(Date.UTC(year, month, day, hour, minute, second, millis));
  if (year < 100) utc.setUTCFullYear(year, month, day);
  const offset = (Number(m[9]) * 3600 + Number(m[10] ?? 0) * 60 + Number(m[11] ?? 0)) * (m[8] === '-' ? -1 : 1);
  return new Date(utc.getTime() - offset * 1000);
}

/** `date` as a Date: local midnight, as pg does it. */
function parseDate(text: string): Date {
  if (text === 'infinity' || text === '-infinity') return new Date(text === 'infinity' ? INFINITY : -INFINITY);
  const m = DATE.exec(text);
  if (m === null) throw new Error(`sqlgen: cannot read date "${text}" (is DateStyle ISO?)`);
  const year = m[4] === undefined ? Number(m[1]) : 1 - Number(m[1]);
  const date = new Date(year, Number(m[2]) - 1, Number(m[3]));
  if (year < 100) date.setFullYear(year, Number(m[2]) - 1, Number(m[3]));
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

/** Turns what pg threw into a typed error; errors that did not come from the database pass through. */
function toError(error: unknown, queryName: string | undefined): unknown {
  if (error instanceof SqlgenError) return error;
  const prefix = queryName === undefined ? '' : `${queryName}: `;
  if (isDatabaseError(error)) {
    const lost = error.code.startsWith('08') || SESSION_ENDED.has(error.code) || error.severity === 'FATAL';
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
    const message = `${queryName === undefined ? '' : `${queryName}: `}could not connect to the database: ${
      error instanceof Error ? error.message : String(error)
    }`;
    const code = isDatabaseError(error) ? error.code : '08001';
    throw new ConnectionError(message, { cause: error, code, queryName });
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

function isPool(db: Queryable): db is Queryable & pg.Pool {
  return 'idleCount' in db && typeof (db as Partial<pg.Pool>).connect === 'function';
}

function isClient(db: Queryable): db is Queryable & ClientBase {
  return db instanceof pg.Client || typeof (db as Partial<ClientBase>).getTransactionStatus === 'function';
}

/** pg's record of the statement names it has parsed on a connection (it skips Parse for those). */
function parsedStatements(db: Queryable): Record<string, unknown> | undefined {
  return (db as { connection?: { parsedStatements?: Record<string, unknown> } }).connection?.parsedStatements;
}

/** Named statements that went stale inside a failed transaction, to deallocate before next use. */
const staleStatements = new WeakMap<object, Set<string>>();

/** Drops a prepared statement on the server and from pg's record; false if it cannot be done now. */
async function deallocate(db: Queryable, name: string, parsed: Record<string, unknown>): Promise<boolean> {
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
  delete parsed[name];
  staleStatements.get(db)?.delete(name);
  return true;
}

/**
 * After a schema change (`ALTER TABLE ... ADD COLUMN` under `SELECT *`), PostgreSQL refuses to run a
 * prepared statement whose result shape changed: 0A000 "cached plan must not change result type",
 * and keeps refusing for as long as the statement exists. pg meanwhile remembers that it parsed the
 * name on this connection and would never send Parse again. So: DEALLOCATE on the same connection,
 * forget the name in pg, and run again, which parses afresh. Inside a failed transaction that must
 * wait for the next use; on a Queryable whose connection we cannot reach, the retry runs unnamed.
 */
async function reprepare(db: Queryable, config: Config, name: string, failure: unknown): Promise<QueryResult> {
  const parsed = parsedStatements(db);
  if (parsed === undefined) return db.query({ ...config, name: undefined });
  if (!(await deallocate(db, name, parsed))) throw failure;
  return db.query(config);
}

async function sendOn(
  db: Queryable,
  statement: Statement<unknown>,
  values: readonly unknown[],
): Promise<QueryResult> {
  const name = statement.prepare;
  const config: Config = {
    text: statement.text,
    values: values as unknown[],
    types: statement.types,
    name,
    rowMode: statement.arrayRows ? 'array' : undefined,
  };
  if (name !== undefined && staleStatements.get(db)?.has(name)) {
    const parsed = parsedStatements(db);
    if (parsed !== undefined) await deallocate(db, name, parsed);
  }
  try {
    return await db.query(config);
  } catch (error) {
    if (name === undefined || errorCode(error) !== '0A000') throw toError(error, statement.name);
    try {
      return await reprepare(db, config, name, error);
    } catch (retryError) {
      throw toError(retryError, statement.name);
    }
  }
}

async function send(db: Queryable, statement: Statement<unknown>, values: readonly unknown[]): Promise<QueryResult> {
  if (!isPool(db)) return sendOn(db, statement, values);
  // Our own checkout rather than pool.query: the 0A000 retry must reach the same connection, and
  // pool.query would destroy a healthy connection for every constraint violation.
  return leased(db, statement.name, (client, markBroken) =>
    sendOn(client, statement, values).catch((error: unknown) => {
      // An error the server did not report (a read timeout, a dead socket) leaves the connection unknown.
      if (!(error instanceof SqlgenError) || error instanceof ConnectionError) markBroken();
      throw error;
    }),
  );
}

async function run(db: Queryable, statement: Statement<unknown>, values: readonly unknown[]): Promise<QueryResult> {
  const observation = observationOf(db);
  if (observation === undefined) return send(db, statement, values);
  const started = performance.now();
  const report = (rowCount: number | null, error: Error | null): void => {
    const durationMs = performance.now() - started;
    observation.listener({ queryName: statement.name, text: statement.text, durationMs, rowCount, error });
  };
  let result: QueryResult;
  try {
    result = await send(observation.target, statement, values);
  } catch (error) {
    report(null, error as Error);
    throw error;
  }
  report(result.rowCount ?? result.rows.length, null);
  return result;
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

/**
 * Literal text per statement (all columns together). PostgreSQL caps one message and one value at
 * 1 GB and V8 caps a string near 512 M characters; 32 M characters is far below both even when
 * UTF-8 triples the size, keeps memory flat, and is large enough that per-statement overhead
 * does not show (100,000 typical rows are a few statements).
 */
const CHUNK_CHARS = 32 * 1024 * 1024;

const pad = (n: number, width = 2): string => String(n).padStart(width, '0');

/** A Date as pg sends a parameter: local time with its offset (UTC if pg.defaults.parseInputDatesAsUTC). */
function timestampText(date: Date): string {
  const offset = pg.defaults.parseInputDatesAsUTC === true ? 0 : -date.getTimezoneOffset();
  const local = new Date(date.getTime() + offset * 60_000);
  const year = local.getUTCFullYear();
  const minutes = Math.abs(offset);
  const zone = `${offset < 0 ? '-' : '+'}${pad(Math.floor(minutes / 60))}:${pad(minutes % 60)}`;
  return (
    `${pad(year < 1 ? 1 - year : year, 4)}-${pad(local.getUTCMonth() + 1)}-${pad(local.getUTCDate())}` +
    `T${pad(local.getUTCHours())}:${pad(local.getUTCMinutes())}:${pad(local.getUTCSeconds())}` +
    `.${pad(local.getUTCMilliseconds(), 3)}${zone}${year < 1 ? ' BC' : ''}`
  );
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
 * A PostgreSQL array literal for a JS array (nested arrays become dimensions). copyFrom sends each
 * column as one array and `unnest` would flatten a 2-D array, so an array-typed column travels as
 * text[] of these literals and the statement casts it back (`u.tags::text[]`).
 *
 * @example arrayLiteral(['a', null, 'b"c']) // '{"a",NULL,"b\\"c"}'
 */
export function arrayLiteral(value: readonly unknown[] | null): string | null {
  if (value === null) return null;
  return `{${value.map((item) => (Array.isArray(item) ? arrayLiteral(item) : arrayElement(item))).join(',')}}`;
}

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
    const values = toValues(rows[end] as P);
    if (end === start && columns.length === 0) for (let c = 0; c < values.length; c++) columns.push([]);
    if (values.length !== columns.length) {
      throw new TypeError(`copyFrom: row ${end} has ${values.length} values, row 0 has ${columns.length}`);
    }
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
 * Bulk insert: `statement.text` has one array parameter per inserted value, e.g.
 * `INSERT INTO t (a, b) SELECT * FROM unnest($1::int4[], $2::text[])`, and `toValues(row)` gives a
 * row's values in parameter order. Rows are sent as column arrays, one statement per chunk; when
 * there is more than one chunk they run in one transaction (or savepoint), so a failure inserts
 * nothing. Returns the number of rows inserted.
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
