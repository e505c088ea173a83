import { lineColumnAt, type Diagnostic } from '../diagnostics.js';
import { queryCommands, type QueryCommand, type QuerySource } from './query-source.js';

const nameLine = /^[ \t]*--[ \t]*name:[ \t]*(\S*)[ \t]*(\S*)[ \t]*(.*)$/;
const identifier = /^[A-Za-z_][A-Za-z0-9_]*$/;

export interface SplitResult {
  readonly queries: readonly QuerySource[];
  readonly diagnostics: readonly Diagnostic[];
}

/**
 * Cuts an sqlc-style query file into its annotated queries.
 *
 * ```sql
 * -- name: GetUser :one
 * -- Finds one user.
 * SELECT * FROM users WHERE id = @id;
 * ```
 * gives `{ name: 'GetUser', command: 'one', doc: ['Finds one user.'], sql: 'SELECT * FROM users WHERE id = @id' }`.
 */
export function splitQueryFile(text: string, displayPath: string): SplitResult {
  const diagnostics: Diagnostic[] = [];
  const queries: QuerySource[] = [];
  const lines = lineOffsets(text);
  const seen = new Map<string, number>();

  const at = (offset: number, message: string): void => {
    diagnostics.push({ severity: 'error', message, file: displayPath, ...lineColumnAt(text, offset) });
  };

  // Every `-- name:` line ends the query before it, even one that is wrong itself.
  const headers: { line: number; name: string; command: QueryCommand | undefined }[] = [];
  for (let i = 0; i < lines.length; i++) {
    const { start, content } = lines[i]!;
    const match = nameLine.exec(content);
    if (!match) continue;
    headers.push({ line: i, name: '', command: undefined });
    const [, name = '', command = '', rest = ''] = match;
    const nameAt = start + content.indexOf(name, content.indexOf('name:') + 5);
    if (!identifier.test(name)) {
      at(nameAt, name ? `query name "${name}" is not an identifier (letters, digits and _)` : 'missing query name after "-- name:"');
      continue;
    }
    const commandAt = start + content.indexOf(command, nameAt - start + name.length);
    const bare = command.replace(/^:/, '');
    if (!command.startsWith(':') || !queryCommands.includes(bare as QueryCommand)) {
      at(command ? commandAt : start + content.length,
        command
          ? `unknown command "${command}" for query ${name}; expected one of ${queryCommands.map((c) => ':' + c).join(', ')}`
          : `query ${name} has no command; add one of ${queryCommands.map((c) => ':' + c).join(', ')}`);
      continue;
    }
    if (rest.trim() !== '') {
      at(commandAt + command.length + content.slice(commandAt - start + command.length).indexOf(rest.trim()), `unexpected "${rest.trim()}" after the command of query ${name}`);
      continue;
    }
    const previous = seen.get(name);
    if (previous !== undefined) {
      at(nameAt, `query ${name} is already defined on line ${previous + 1}`);
      continue;
    }
    seen.set(name, i);
    headers[headers.length - 1] = { line: i, name, command: bare as QueryCommand };
  }

  const firstHeader = headers[0]?.line ?? lines.length;
  const before = firstSqlLine(lines, 0, firstHeader);
  if (before !== undefined) {
    at(lines[before]!.start + lines[before]!.content.search(/\S/), 'SQL before the first "-- name:" line; every query needs a "-- name: Name :command" line above it');
  }

  headers.forEach((header, index) => {
    const command = header.command;
    if (!command) return;
    const end = headers[index + 1]?.line ?? lines.length;
    let line = header.line + 1;
    const doc: string[] = [];
    while (line < end && /^[ \t]*--/.test(lines[line]!.content)) {
      doc.push(lines[line]!.content.replace(/^[ \t]*--[ \t]?/, '').trimEnd());
      line++;
    }
    const from = lines[line]?.start ?? text.length;
    const to = end < lines.length ? lines[end]!.start : text.length;
    const { sql, offset } = trimStatement(text.slice(from, to), from);
    if (!sql) {
      at(lines[header.line]!.start, `query ${header.name} has no SQL statement`);
      return;
    }
    queries.push({ name: header.name, command, doc: trimBlankEnds(doc), sql, offset });
  });

  return { queries, diagnostics };
}

interface Line {
  readonly start: number;
  readonly content: string;
}

function lineOffsets(text: string): Line[] {
  const lines: Line[] = [];
  let start = 0;
  for (const content of text.split('\n')) {
    lines.push({ start, content: content.replace(/\r$/, '') });
    start += content.length + 1;
  }
  return lines;
}

/** The first line with SQL on it, past blank lines and `--` and `/* *\/` comments (a licence header). */
function firstSqlLine(lines: readonly Line[], from: number, to: number): number | undefined {
  let inComment = false;
  for (let i = from; i < to; i++) {
    let content = lines[i]!.content.trim();
    while (content) {
      if (inComment) {
        const end = content.indexOf('*/');
        if (end < 0) break;
        inComment = false;
        content = content.slice(end + 2).trim();
      } else if (content.startsWith('/*')) {
        inComment = true;
        content = content.slice(2);
      } else if (content.startsWith('--')) {
        break;
      } else {
        return i;
      }
    }
  }
  return undefined;
}

/** Drops blank lines, whole-line comments and a semicolon at the end of a query's block. */
function trimStatement(block: string, blockOffset: number): { sql: string; offset: number } {
  const lead = block.length - block.trimStart().length;
  let body = block.slice(lead);
  for (;;) {
    const trimmed = body.trimEnd();
    const lastLine = trimmed.slice(trimmed.lastIndexOf('\n') + 1);
    if (/^[ \t]*--/.test(lastLine) && trimmed.includes('\n')) {
      body = trimmed.slice(0, trimmed.lastIndexOf('\n'));
    } else if (trimmed.endsWith(';')) {
      body = trimmed.slice(0, -1);
    } else {
      body = trimmed;
      break;
    }
  }
  return { sql: body, offset: blockOffset + lead };
}

function trimBlankEnds(lines: string[]): string[] {
  let start = 0;
  let end = lines.length;
  while (start < end && !lines[start]!.trim()) start++;
  while (end > start && !lines[end - 1]!.trim()) end--;
  return lines.slice(start, end);
}
