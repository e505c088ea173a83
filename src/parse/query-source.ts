/** What a `-- name: X :command` line asks the generated function to return. */
export type QueryCommand = 'one' | 'many' | 'exec' | 'execrows' | 'copyfrom';

export const queryCommands: readonly QueryCommand[] = ['one', 'many', 'exec', 'execrows', 'copyfrom'];

/** One annotated query, cut out of its file but not yet parsed. */
export interface QuerySource {
  /** As written after `name:`, e.g. `GetUser`. */
  readonly name: string;
  readonly command: QueryCommand;
  /** Comment lines that follow the name line, without their `--`. */
  readonly doc: readonly string[];
  /** The statement as the user wrote it, without a trailing semicolon. */
  readonly sql: string;
  /** Offset of `sql` in the file's text, to map positions back to the file. */
  readonly offset: number;
}

/** A query file, split into its queries. */
export interface QueryFile {
  /** Absolute path. */
  readonly path: string;
  /** Path shown in messages (relative to the working directory). */
  readonly displayPath: string;
  /** Path of the generated module relative to `out`, without extension: `admin/audit`. */
  readonly moduleName: string;
  readonly text: string;
  readonly queries: readonly QuerySource[];
}
