import { parseSync, type SqlError } from 'libpg-query';
import { lineColumnAt, type Diagnostic } from '../diagnostics.js';
import { walk, type Node } from '../analyze/ast.js';
import { originalOffset, rewriteNamedParams, type Edit, type ParamSlot } from './named-params.js';
import type { QueryFile, QuerySource } from './query-source.js';

/** A query whose SQL parsed: named parameters rewritten to `$N`, with its parse tree. */
export interface ParsedQuery {
  readonly source: QuerySource;
  /** The SQL with `$N` placeholders only. */
  readonly text: string;
  readonly params: readonly ParamSlot[];
  readonly edits: readonly Edit[];
  /** The statement node, e.g. `{ SelectStmt: {...} }`. */
  readonly statement: Node;
}

export interface ParseResult {
  readonly queries: readonly ParsedQuery[];
  readonly diagnostics: readonly Diagnostic[];
}

/** Rewrites the parameters of each query in a file and parses it with PostgreSQL's own parser. */
export function parseQueries(file: QueryFile): ParseResult {
  const queries: ParsedQuery[] = [];
  const diagnostics: Diagnostic[] = [];
  for (const source of file.queries) {
    const rewritten = rewriteNamedParams(source.sql);
    for (const error of rewritten.errors) diagnostics.push(queryDiagnostic(file, source, error.offset, error.message));
    if (rewritten.errors.length) continue;
    let statements: { stmt: Node; stmt_len?: number; stmt_location?: number }[];
    try {
      statements = parseSync(rewritten.text).stmts as typeof statements;
    } catch (error) {
      const details = (error as SqlError).sqlDetails;
      const at = details?.cursorPosition !== undefined ? originalOffset(rewritten.edits, details.cursorPosition) : undefined;
      diagnostics.push(queryDiagnostic(file, source, at, (error as Error).message));
      continue;
    }
    if (statements.length !== 1) {
      const second = statements[1]?.stmt_location;
      diagnostics.push(queryDiagnostic(file, source, second === undefined ? 0 : originalOffset(rewritten.edits, second),
        statements.length ? `query ${source.name} has more than one statement; put each in its own "-- name:" block` : `query ${source.name} has no SQL statement`));
      continue;
    }
    const statement = statements[0]!.stmt;
    queries.push({ source, text: rewritten.text, params: allParams(statement, rewritten.params, rewritten.edits), edits: rewritten.edits, statement });
  }
  return { queries, diagnostics };
}

/** Every `$N` of the statement: the named ones as rewritten, the rest as written. */
function allParams(statement: Node, named: readonly ParamSlot[], edits: readonly Edit[]): ParamSlot[] {
  const slots = new Map(named.map((slot) => [slot.number, slot]));
  walk(statement, (kind, fields) => {
    if (kind !== 'ParamRef') return;
    const number = fields.number as number;
    if (!slots.has(number)) {
      slots.set(number, { number, name: undefined, nullable: false, offset: originalOffset(edits, fields.location as number) });
    }
  });
  return [...slots.values()].sort((a, b) => a.number - b.number);
}

/** A diagnostic at an offset of a query's SQL (as the user wrote it), placed in its file. */
export function queryDiagnostic(file: QueryFile, source: QuerySource, offset: number | undefined, message: string, hint?: string): Diagnostic {
  const place = lineColumnAt(file.text, source.offset + (offset ?? 0));
  const where = offset === undefined ? { line: place.line } : place;
  return { severity: 'error', message, file: file.displayPath, ...where, ...(hint ? { hint } : {}) };
}
