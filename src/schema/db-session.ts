/** A result column as PostgreSQL's row description reports it. */
export interface DescribedField {
  readonly name: string;
  /** OID of the table the column comes from, or 0 for an expression. */
  readonly tableOid: number;
  /** The column's attribute number in that table, or 0. */
  readonly columnNumber: number;
  readonly typeOid: number;
}

export interface DescribeError {
  readonly message: string;
  readonly code: string;
  /** 1-based character position in the described text, when PostgreSQL gives one. */
  readonly position: number | undefined;
  readonly hint: string | undefined;
  readonly detail: string | undefined;
}

export type DescribeResult =
  | { readonly ok: true; readonly paramTypes: readonly number[]; readonly fields: readonly DescribedField[] }
  | { readonly ok: false; readonly error: DescribeError };

/**
 * A connection to the database that sqlgen analyses against: the user's server or the
 * embedded PGlite. Statements are only described, never executed.
 */
export interface DbSession {
  readonly kind: 'live' | 'embedded';
  /** Runs a catalog query and returns its rows as objects. */
  query<Row>(sql: string): Promise<Row[]>;
  /** Describes each statement (Parse/Describe/Sync), pipelined; one result per text, in order. */
  describe(texts: readonly string[]): Promise<DescribeResult[]>;
  close(): Promise<void>;
}

/** The parts of pg-protocol's messages that describing reads. */
export interface BackendMessage {
  readonly name: string;
  readonly dataTypeIDs?: number[];
  readonly fields?: { name: string; tableID: number; columnID: number; dataTypeID: number }[];
  readonly message?: string;
  readonly code?: string;
  readonly position?: string;
  readonly hint?: string;
  readonly detail?: string;
}

/**
 * Folds the replies to a pipeline of Parse/Describe/Sync triples into one result per
 * statement. Each statement ends with ReadyForQuery, so an error in one does not affect
 * the next.
 */
export function collectDescribeResults(messages: readonly BackendMessage[], count: number): DescribeResult[] {
  const results: DescribeResult[] = [];
  let paramTypes: readonly number[] = [];
  let fields: readonly DescribedField[] = [];
  let error: DescribeError | undefined;
  for (const message of messages) {
    switch (message.name) {
      case 'parameterDescription':
        paramTypes = message.dataTypeIDs ?? [];
        break;
      case 'rowDescription':
        fields = (message.fields ?? []).map((f) => ({
          name: f.name,
          tableOid: f.tableID,
          columnNumber: f.columnID,
          typeOid: f.dataTypeID,
        }));
        break;
      case 'error':
        error ??= toDescribeError(message);
        break;
      case 'readyForQuery':
        results.push(error ? { ok: false, error } : { ok: true, paramTypes, fields });
        paramTypes = [];
        fields = [];
        error = undefined;
        break;
    }
  }
  if (results.length !== count) {
    throw new Error(`expected ${count} statement descriptions, got ${results.length}`);
  }
  return results;
}

export function toDescribeError(message: BackendMessage): DescribeError {
  return {
    message: message.message ?? 'unknown error',
    code: message.code ?? '',
    position: message.position ? Number(message.position) : undefined,
    hint: message.hint,
    detail: message.detail,
  };
}
