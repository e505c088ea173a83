/** A problem found in the user's input, tied to a place in a file when one is known. */
export interface Diagnostic {
  readonly severity: 'error' | 'warning';
  readonly message: string;
  /** Path as shown to the user (relative to the working directory). */
  readonly file?: string;
  /** 1-based line and column. */
  readonly line?: number;
  readonly column?: number;
  /** The text of that line, for the code frame. */
  readonly sourceLine?: string;
  readonly hint?: string;
}

/**
 * An expected failure: the CLI prints its diagnostics and exits with `exitCode`
 * (1: the input has problems, 2: usage, config or connection) and never a stack trace.
 */
export class SqlgenFailure extends Error {
  readonly diagnostics: readonly Diagnostic[];
  readonly exitCode: 1 | 2;

  constructor(diagnostics: readonly Diagnostic[], exitCode: 1 | 2) {
    super(diagnostics.map((d) => d.message).join('\n'));
    this.name = 'SqlgenFailure';
    this.diagnostics = diagnostics;
    this.exitCode = exitCode;
  }
}

/** Shorthand for a config/usage/connection failure (exit code 2). */
export function usageError(message: string, place: Omit<Diagnostic, 'severity' | 'message'> = {}): SqlgenFailure {
  return new SqlgenFailure([{ severity: 'error', message, ...place }], 2);
}

/** Line and column (both 1-based) of a 0-based character offset in `text`. */
export function lineColumnAt(text: string, offset: number): { line: number; column: number; sourceLine: string } {
  let line = 1;
  let lineStart = 0;
  const end = Math.min(Math.max(offset, 0), text.length);
  for (let i = 0; i < end; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  let lineEnd = text.indexOf('\n', lineStart);
  if (lineEnd < 0) lineEnd = text.length;
  const sourceLine = text.slice(lineStart, lineEnd).replace(/\r$/, '');
  return { line, column: end - lineStart + 1, sourceLine };
}

/**
 * Formats a diagnostic the way compilers do:
 *
 * ```
 * queries/users.sql:12:8: error: column "emial" does not exist
 *    12 | SELECT emial FROM users
 *       |        ^
 * ```
 */
export function formatDiagnostic(d: Diagnostic): string {
  const place = d.file ? `${d.file}${d.line ? `:${d.line}${d.column ? `:${d.column}` : ''}` : ''}: ` : '';
  const lines = [`${place}${d.severity}: ${d.message}`];
  if (d.sourceLine !== undefined && d.line) {
    const gutter = String(d.line).length;
    const expanded = d.sourceLine.replace(/\t/g, '    ');
    lines.push(`${' '.repeat(gutter + 2)}|`);
    lines.push(` ${d.line} | ${expanded}`);
    if (d.column) {
      const before = d.sourceLine.slice(0, d.column - 1).replace(/\t/g, '    ');
      lines.push(`${' '.repeat(gutter + 2)}| ${' '.repeat(before.length)}^`);
    }
  }
  if (d.hint) lines.push(`  hint: ${d.hint}`);
  return lines.join('\n');
}

/**
 * Replaces the password in any connection URL inside `text` with `***`: the one after the
 * user name (up to the last `@` before the host, as a password may hold an unencoded `@`)
 * and a `password=` query parameter.
 */
export function redactSecrets(text: string): string {
  return text
    .replace(/(\b[a-z][a-z0-9+.-]*:\/\/[^:/?#@\s]*:)([^\s/?#]*)@/gi, '$1***@')
    .replace(/([?&]password=)[^&#\s]*/gi, '$1***');
}
