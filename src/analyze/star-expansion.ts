import { scanSync } from 'libpg-query';
import { as, type Node } from './ast.js';
import { starOf, type StatementScope } from './output-columns.js';
import type { Column } from './scope.js';
import type { Edit } from '../parse/named-params.js';

/**
 * Edits that replace each `*` / `t.*` of the statement's own target list with its columns,
 * so the emitted SQL names what the generated row type has. Returns undefined when a star
 * cannot be expanded safely; the SQL is then left as written.
 *
 * `SELECT * FROM users` -> `SELECT id, email, display_name FROM users`;
 * `SELECT u.*, p.title FROM users u JOIN posts p ...` -> `SELECT u.id, u.email, ..., p.title ...`.
 */
export function expandStars(text: string, statement: StatementScope, fieldNames: readonly string[]): Edit[] | undefined {
  const edits: Edit[] = [];
  let position = 0;
  for (const target of statement.targets) {
    const res = as(target, 'ResTarget')!;
    const star = starOf(res.val as Node | undefined, statement.scope);
    if (!star) {
      position++;
      continue;
    }
    const columns = star.columns;
    if (!columns || !columns.length) return undefined;
    // The expansion must name exactly the columns PostgreSQL reported for this star.
    const reported = fieldNames.slice(position, position + columns.length);
    if (reported.length !== columns.length || columns.some((c, i) => c.name !== reported[i])) return undefined;
    if (!unambiguous(columns, star.single)) return undefined;
    position += columns.length;

    const location = as(res.val as Node, 'ColumnRef')!.location as number;
    const end = starEnd(text, location);
    if (end === undefined) return undefined;
    const list = columns.map((c) => (star.single || c.qualifier === undefined ? '' : `${quoteIdentifier(c.qualifier)}.`) + quoteIdentifier(c.name));
    edits.push({ from: location, to: end, text: list.join(', ') });
  }
  return edits;
}

/** The end of `*`, `t.*` or `"My Table" . *` that starts at `from`. */
function starEnd(text: string, from: number): number | undefined {
  let quoted = false;
  for (let i = from; i < text.length; i++) {
    const c = text[i]!;
    if (c === '"') quoted = !quoted;
    else if (!quoted && c === '*') return i + 1;
    else if (!quoted && !/[\w$.\s]/.test(c)) return undefined;
  }
  return undefined;
}

/** Unqualified names in the expansion must not collide with each other. */
function unambiguous(columns: readonly Column[], single: boolean): boolean {
  const bare = columns.filter((c) => single || c.qualifier === undefined).map((c) => c.name);
  return new Set(bare).size === bare.length;
}

/** Quotes an identifier only where PostgreSQL needs it, as `quote_ident` does. */
export function quoteIdentifier(name: string): string {
  let quoted = quotedNames.get(name);
  if (quoted === undefined) {
    quoted = `"${name.replace(/"/g, '""')}"`;
    if (/^[a-z_][a-z0-9_$]*$/.test(name)) {
      // The scanner knows PostgreSQL's keywords; only unreserved ones may stand bare.
      const tokens = scanSync(name).tokens;
      const keyword = tokens.length === 1 ? tokens[0]!.keywordKind : 0;
      if (keyword === 0 || keyword === 1) quoted = name;
    }
    quotedNames.set(name, quoted);
  }
  return quoted;
}

const quotedNames = new Map<string, string>();
