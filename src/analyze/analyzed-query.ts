import type { QueryCommand } from '../parse/query-source.js';

/** A parameter of a generated function. */
export interface AnalyzedParam {
  readonly number: number;
  /** As the user wrote it (`orgId`) or as derived from the SQL (`display_name`, `limit`, `p3`). */
  readonly name: string;
  readonly typeOid: number;
  /** Accepts null: `sqlgen.narg`, or it goes straight into a nullable column. */
  readonly nullable: boolean;
  /** A LIMIT or OFFSET: typed `number` even though PostgreSQL describes it as int8. */
  readonly rowCount: boolean;
}

/** A result column of a generated row type. */
export interface AnalyzedColumn {
  /** The column's name in the result, without a `!` / `?` mark. */
  readonly name: string;
  readonly typeOid: number;
  readonly nullable: boolean;
  /** The table column it comes straight from, for per-column overrides and comments. */
  readonly relation: number;
  readonly attribute: number;
}

/** Everything code generation needs to know about one query. No parse tree. */
export interface AnalyzedQuery {
  readonly name: string;
  readonly command: QueryCommand;
  readonly doc: readonly string[];
  /** The query as the user wrote it, for the doc comment. */
  readonly sourceSql: string;
  /** The SQL to run: `$N` placeholders, stars expanded; for `:copyfrom`, the bulk form. */
  readonly sql: string;
  readonly params: readonly AnalyzedParam[];
  readonly columns: readonly AnalyzedColumn[];
}

export interface AnalyzedFile {
  readonly path: string;
  readonly displayPath: string;
  readonly moduleName: string;
  readonly queries: readonly AnalyzedQuery[];
}
