/** The validated, fully resolved contents of `sqlgen.config.json`. Paths are absolute. */
export interface Config {
  /** Absolute path of the config file (or of where it would be, for defaults). */
  readonly configPath: string;
  /** The folder every relative path in the config is relative to. */
  readonly rootDir: string;
  /** Connection URL after `${VAR}` interpolation; `undefined` means the embedded database. */
  readonly database: string | undefined;
  /** Absolute path of the migrations folder. */
  readonly migrations: string;
  /** Glob patterns, relative to `rootDir`, as the user wrote them. */
  readonly queries: readonly string[];
  /** Absolute path of the output folder. */
  readonly out: string;
  readonly types: TypesConfig;
  readonly naming: NamingConfig;
  readonly runtime: RuntimeConfig;
}

export type Int8Mode = 'string' | 'bigint' | 'number';
export type NumericMode = 'string' | 'number';
export type DateMode = 'string' | 'Date';

export interface TypeOverride {
  /** A TypeScript type expression, e.g. `UserSettings` or `Record<string, string>`. */
  readonly type: string;
  /** Module to import `type` from, relative to the config file's folder, or a package name. */
  readonly import?: string;
}

export interface TypesConfig {
  readonly int8: Int8Mode;
  readonly numeric: NumericMode;
  readonly date: DateMode;
  /** Keyed by Postgres type name (`jsonb`, `public.money_amount`) or `schema.table.column`. */
  readonly overrides: Readonly<Record<string, TypeOverride>>;
}

export interface NamingConfig {
  readonly fields: 'camel' | 'snake';
}

export interface RuntimeConfig {
  /** Run queries as named prepared statements (turn off for transaction-mode poolers). */
  readonly preparedStatements: boolean;
  /** Fetch rows as arrays and map them by position (faster than pg's object rows). */
  readonly arrayRows: boolean;
}

export const defaultTypes: TypesConfig = Object.freeze({
  int8: 'string',
  numeric: 'string',
  date: 'string',
  overrides: Object.freeze({}),
});
