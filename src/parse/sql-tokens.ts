/** A token of SQL text, as far as finding parameters needs. */
export interface SqlToken {
  readonly kind: 'word' | 'quoted' | 'string' | 'param' | 'symbol';
  readonly start: number;
  readonly end: number;
  readonly text: string;
}

// Character classes by UTF-16 code unit: a regular expression per character (and the
// one-character string it needs) made this lexer a tenth of a first run's parse time.
const isDigit = (c: number): boolean => c >= 48 && c <= 57;
/** `[A-Za-z_\u0080-\uffff]` */
const isWordStart = (c: number): boolean => (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95 || c >= 0x80;
/** `[A-Za-z0-9_$\u0080-\uffff]` */
const isWordPart = (c: number): boolean => isWordStart(c) || isDigit(c) || c === 36;
const operators = new Set([...'+-*/<>=~!@#%^&|`?'].map((ch) => ch.charCodeAt(0)));
const SPACE = 32, TAB = 9, NEWLINE = 10, RETURN = 13, FORM_FEED = 12;
const DASH = 45, SLASH = 47, STAR = 42, QUOTE = 39, DOUBLE_QUOTE = 34, DOLLAR = 36;

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
  const length = sql.length;
  let i = 0;
  while (i < length) {
    const c = sql.charCodeAt(i);
    const next = sql.charCodeAt(i + 1); // NaN past the end
    if (c === SPACE || c === TAB || c === NEWLINE || c === RETURN || c === FORM_FEED) {
      i++;
    } else if (c === DASH && next === DASH) {
      const end = sql.indexOf('\n', i);
      i = end < 0 ? length : end;
    } else if (c === SLASH && next === STAR) {
      i = blockCommentEnd(sql, i);
    } else if (c === QUOTE) {
      const previous = tokens.at(-1);
      const escapes = previous?.end === i && (previous.text === 'e' || previous.text === 'E');
      const end = stringEnd(sql, i, escapes);
      if (escapes) tokens.pop();
      push('string', escapes ? i - 1 : i, end);
      i = end;
    } else if (c === DOUBLE_QUOTE) {
      const end = quotedEnd(sql, i);
      push('quoted', i, end);
      i = end;
    } else if (c === DOLLAR && isDigit(next)) {
      let end = i + 1;
      while (end < length && isDigit(sql.charCodeAt(end))) end++;
      push('param', i, end);
      i = end;
    } else if (c === DOLLAR) {
      const tag = /^\$([A-Za-z_\u0080-\uffff][A-Za-z0-9_\u0080-\uffff]*)?\$/.exec(sql.slice(i, i + 64));
      if (tag) {
        const close = sql.indexOf(tag[0], i + tag[0].length);
        const end = close < 0 ? length : close + tag[0].length;
        push('string', i, end);
        i = end;
      } else {
        push('symbol', i, i + 1);
        i++;
      }
    } else if (isWordStart(c)) {
      let end = i + 1;
      while (end < length && isWordPart(sql.charCodeAt(end))) end++;
      push('word', i, end);
      i = end;
    } else if (operators.has(c)) {
      // An operator is a run of operator characters, as in PostgreSQL (`@>`, `<@`, `->>`).
      let end = i + 1;
      for (; end < length; end++) {
        const at = sql.charCodeAt(end);
        const after = sql.charCodeAt(end + 1);
        if (!operators.has(at) || (at === DASH && after === DASH) || (at === SLASH && after === STAR)) break;
      }
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
