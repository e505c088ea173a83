import { sqlTokens, type SqlToken } from './sql-tokens.js';

/** A placeholder of the rewritten statement, `$number`. */
export interface ParamSlot {
  readonly number: number;
  /** The name the user gave (`@email`, `sqlgen.arg(email)`), if any. */
  readonly name: string | undefined;
  /** `sqlgen.narg(...)` / `sqlc.narg(...)`: the parameter accepts null. */
  readonly nullable: boolean;
  /** Offset of its first use in the original SQL, for messages. */
  readonly offset: number;
}

/** One replacement made to the SQL: `[from, to)` of the original became `text`. */
export interface Edit {
  readonly from: number;
  readonly to: number;
  readonly text: string;
}

export interface RewrittenSql {
  /** The SQL with every named parameter replaced by `$N`. */
  readonly text: string;
  /** The named parameters only; `$N` written as such are found in the parse tree. */
  readonly params: readonly ParamSlot[];
  readonly edits: readonly Edit[];
  /** Problems with the parameters, as offsets into the original SQL. */
  readonly errors: readonly { offset: number; message: string }[];
}

const functionPrefixes = new Set(['sqlgen', 'sqlc']);

/**
 * Replaces `@name`, `sqlgen.arg(name)` and `sqlgen.narg(name)` (and the `sqlc.` aliases)
 * with `$N`. The same name is the same placeholder wherever it repeats; names are numbered
 * after the highest `$N` the user wrote.
 *
 * ```sql
 * SELECT * FROM users WHERE org_id = @org AND email = sqlgen.narg(email) OR owner = @org
 * -- becomes
 * SELECT * FROM users WHERE org_id = $1 AND email = $2 OR owner = $1
 * ```
 */
export function rewriteNamedParams(sql: string): RewrittenSql {
  if (!/@|sqlc|sqlgen/i.test(sql)) return { text: sql, params: [], edits: [], errors: [] };
  const tokens = sqlTokens(sql);
  const errors: { offset: number; message: string }[] = [];
  const positional = new Map<number, ParamSlot>();
  const found: { from: number; to: number; name: string; nullable: boolean }[] = [];

  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i]!;
    if (token.kind === 'param') {
      const number = Number(token.text.slice(1));
      if (!positional.has(number)) positional.set(number, { number, name: undefined, nullable: false, offset: token.start });
      continue;
    }
    const at = namedAt(tokens, i);
    if (at === undefined) continue;
    if ('error' in at) {
      errors.push({ offset: token.start, message: at.error });
      continue;
    }
    found.push({ from: token.start, to: at.end, name: at.name, nullable: at.nullable });
    i = at.next - 1;
  }

  const highest = Math.max(0, ...positional.keys());
  const named = new Map<string, ParamSlot>();
  const edits: Edit[] = [];
  for (const use of found) {
    let slot = named.get(use.name);
    if (!slot) {
      slot = { number: highest + named.size + 1, name: use.name, nullable: use.nullable, offset: use.from };
      named.set(use.name, slot);
    } else if (use.nullable && !slot.nullable) {
      slot = { ...slot, nullable: true };
      named.set(use.name, slot);
    }
    edits.push({ from: use.from, to: use.to, text: `$${slot.number}` });
  }

  return { text: applyEdits(sql, edits), params: [...named.values()], edits, errors };
}

type NamedMatch = { name: string; nullable: boolean; end: number; next: number } | { error: string };

function namedAt(tokens: readonly SqlToken[], i: number): NamedMatch | undefined {
  const token = tokens[i]!;
  const next = tokens[i + 1];
  // `@name`: the scanner reads `@` as an operator; it is a parameter when a name follows at once.
  if (token.text === '@' && next && next.start === token.end && isName(next)) {
    return { name: identifierText(next), nullable: false, end: next.end, next: i + 2 };
  }
  if (token.kind !== 'word' || !functionPrefixes.has(token.text.toLowerCase())) return undefined;
  const dot = tokens[i + 1];
  const fn = tokens[i + 2];
  // Only a call is ours: `sqlc.id` may be a column of a table aliased sqlc.
  if (dot?.text !== '.' || !fn || tokens[i + 3]?.text !== '(') return undefined;
  const kind = fn.text.toLowerCase();
  if (kind !== 'arg' && kind !== 'narg') {
    return { error: `unknown function ${token.text}.${fn.text}; expected ${token.text}.arg(name) or ${token.text}.narg(name)` };
  }
  const open = tokens[i + 3];
  const arg = tokens[i + 4];
  const close = tokens[i + 5];
  if (open?.text !== '(' || !arg || close?.text !== ')' || !(isName(arg) || arg.kind === 'string')) {
    return { error: `${token.text}.${fn.text} takes one parameter name, as in ${token.text}.${fn.text}(email)` };
  }
  const name = arg.kind === 'string' ? arg.text.slice(1, -1).replace(/''/g, "'") : identifierText(arg);
  if (!name) return { error: `${token.text}.${fn.text} needs a non-empty name` };
  return { name, nullable: kind === 'narg', end: close.end, next: i + 6 };
}

/** Identifiers and keywords can both name a parameter (`@limit`, `@user`). */
function isName(token: SqlToken): boolean {
  return token.kind === 'word' || token.kind === 'quoted';
}

function identifierText(token: SqlToken): string {
  // Unquoted names keep the user's spelling: `@orgId` is the parameter `orgId`.
  return token.text.startsWith('"') ? token.text.slice(1, -1).replace(/""/g, '"') : token.text;
}

/** Applies non-overlapping edits, given in order of position. */
export function applyEdits(text: string, edits: readonly Edit[]): string {
  let out = '';
  let last = 0;
  for (const edit of edits) {
    out += text.slice(last, edit.from) + edit.text;
    last = edit.to;
  }
  return out + text.slice(last);
}

/** Maps an offset in the edited text back to the original text. */
export function originalOffset(edits: readonly Edit[], offset: number): number {
  let delta = 0;
  for (const edit of edits) {
    const start = edit.from + delta;
    if (offset < start) break;
    if (offset < start + edit.text.length) return edit.from;
    delta += edit.text.length - (edit.to - edit.from);
  }
  return offset - delta;
}
