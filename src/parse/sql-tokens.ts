/** A token of SQL text, as far as finding parameters needs. */
export interface SqlToken {
  readonly kind: 'word' | 'quoted' | 'string' | 'param' | 'symbol';
  readonly start: number;
  readonly end: number;
  readonly text: string;
}

const wordStart = /[A-Za-z_\u0080-\uffff]/;
const wordPart = /[A-Za-z0-9_$\u0080-\uffff]/;
const operatorChars = /[+\-*/<>=~!@#%^&|`?]/;

/**
 * Splits SQL into words, quoted identifiers, string literals (including `E'...'` and
 * dollar-quoted bodies), `$N` parameters and symbols, skipping white space and comments.
 * It knows only what it must to never mistake the inside of a string or comment for a
 * parameter; the real parser checks everything else. Several times faster than the
 * PostgreSQL scanner for this job.
 *
 * `sqlTokens("a = @id -- @no")` gives `a`, `=`, `@`, `id`.
 */
export function sqlTokens(sql: string): SqlToken[] {
  const tokens: SqlToken[] = [];
  const push = (kind: SqlToken['kind'], start: number, end: number): void => {
    tokens.push({ kind, start, end, text: sql.slice(start, end) });
  };
  let i = 0;
  while (i < sql.length) {
    const c = sql[i]!;
    const next = sql[i + 1];
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r' || c === '\f') {
      i++;
    } else if (c === '-' && next === '-') {
      const end = sql.indexOf('\n', i);
      i = end < 0 ? sql.length : end;
    } else if (c === '/' && next === '*') {
      i = blockCommentEnd(sql, i);
    } else if (c === "'") {
      const previous = tokens.at(-1);
      const escapes = previous?.end === i && (previous.text === 'e' || previous.text === 'E');
      const end = stringEnd(sql, i, escapes);
      if (escapes) tokens.pop();
      push('string', escapes ? i - 1 : i, end);
      i = end;
    } else if (c === '"') {
      const end = quotedEnd(sql, i);
      push('quoted', i, end);
      i = end;
    } else if (c === '$' && next !== undefined && /[0-9]/.test(next)) {
      let end = i + 1;
      while (end < sql.length && /[0-9]/.test(sql[end]!)) end++;
      push('param', i, end);
      i = end;
    } else if (c === '$') {
      const tag = /^\$([A-Za-z_\u0080-\uffff][A-Za-z0-9_\u0080-\uffff]*)?\$/.exec(sql.slice(i, i + 64));
      if (tag) {
        const close = sql.indexOf(tag[0], i + tag[0].length);
        const end = close < 0 ? sql.length : close + tag[0].length;
        push('string', i, end);
        i = end;
      } else {
        push('symbol', i, i + 1);
        i++;
      }
    } else if (wordStart.test(c)) {
      let end = i + 1;
      while (end < sql.length && wordPart.test(sql[end]!)) end++;
      push('word', i, end);
      i = end;
    } else if (operatorChars.test(c)) {
      // An operator is a run of operator characters, as in PostgreSQL (`@>`, `<@`, `->>`).
      let end = i + 1;
      while (end < sql.length && operatorChars.test(sql[end]!) && !(sql[end] === '-' && sql[end + 1] === '-') && !(sql[end] === '/' && sql[end + 1] === '*')) end++;
      push('symbol', i, end);
      i = end;
    } else {
      push('symbol', i, i + 1);
      i++;
    }
  }
  return tokens;
}

function blockCommentEnd(sql: string, from: number): number {
  let depth = 0;
  for (let i = from; i < sql.length - 1; i++) {
    if (sql[i] === '/' && sql[i + 1] === '*') {
      depth++;
      i++;
    } else if (sql[i] === '*' && sql[i + 1] === '/') {
      depth--;
      i++;
      if (depth === 0) return i + 1;
    }
  }
  return sql.length;
}

function stringEnd(sql: string, from: number, backslashEscapes: boolean): number {
  for (let i = from + 1; i < sql.length; i++) {
    if (backslashEscapes && sql[i] === '\\') {
      i++;
    } else if (sql[i] === "'") {
      if (sql[i + 1] === "'") i++;
      else return i + 1;
    }
  }
  return sql.length;
}

function quotedEnd(sql: string, from: number): number {
  for (let i = from + 1; i < sql.length; i++) {
    if (sql[i] === '"') {
      if (sql[i + 1] === '"') i++;
      else return i + 1;
    }
  }
  return sql.length;
}
