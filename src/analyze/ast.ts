/**
 * libpg-query's JSON parse tree: every node is `{ NodeType: { ...fields } }`. These
 * helpers read it without a class per node type.
 */
export type Node = Readonly<Record<string, any>>;

/** The node's type name, e.g. `SelectStmt`. */
export function kindOf(node: Node | undefined): string | undefined {
  if (!node || typeof node !== 'object') return undefined;
  for (const key in node) return key;
  return undefined;
}

/** The node's fields, if it is of type `kind`. */
export function as(node: Node | undefined, kind: string): Node | undefined {
  return node && typeof node === 'object' ? (node[kind] as Node | undefined) : undefined;
}

/** `[{String: {sval: 'a'}}, {String: {sval: 'b'}}]` -> `['a', 'b']`; `A_Star` gives `*`. */
export function stringsOf(list: readonly Node[] | undefined): string[] {
  return (list ?? []).map((item) => (as(item, 'String')?.sval as string | undefined) ?? (as(item, 'A_Star') ? '*' : ''));
}

/** Strips casts and collations, which do not change whether a value is null. */
export function unwrapCast(node: Node | undefined): Node | undefined {
  let current = node;
  for (;;) {
    const cast = as(current, 'TypeCast') ?? as(current, 'CollateClause');
    if (!cast) return current;
    current = cast.arg as Node | undefined;
  }
}

/**
 * Fields that libpg-query stores as a node's fields without the `{ NodeType: ... }` wrapper,
 * with the type they have.
 */
const unwrappedFields: Readonly<Record<string, string>> = {
  larg: 'SelectStmt',
  rarg: 'SelectStmt',
  withClause: 'WithClause',
  onConflictClause: 'OnConflictClause',
  returningClause: 'ReturningClause',
  relation: 'RangeVar',
  alias: 'Alias',
  typeName: 'TypeName',
  over: 'WindowDef',
  infer: 'InferClause',
};

/** Calls `visit` for every node below `root` (depth first, parents before children). */
export function walk(root: unknown, visit: (kind: string, fields: Node, parentKind: string | undefined) => void, parentKind?: string): void {
  if (Array.isArray(root)) {
    for (const item of root) walk(item, visit, parentKind);
    return;
  }
  if (!root || typeof root !== 'object') return;
  const kind = kindOf(root as Node);
  const fields = kind ? (root as Node)[kind] : undefined;
  if (kind && isNodeName(kind) && fields && typeof fields === 'object' && !Array.isArray(fields)) {
    visit(kind, fields as Node, parentKind);
    walkFields(fields as Node, visit, kind);
  }
}

/** Node types are capitalised (`SelectStmt`); plain fields are not. A regular expression here cost a tenth of the walk. */
function isNodeName(key: string): boolean {
  const c = key.charCodeAt(0);
  return c >= 65 && c <= 90;
}

function walkFields(fields: Node, visit: (kind: string, fields: Node, parentKind: string | undefined) => void, kind: string): void {
  for (const key in fields) {
    const value = fields[key];
    if (!value || typeof value !== 'object') continue;
    const unwrapped = Array.isArray(value) ? undefined : unwrappedFields[key];
    if (unwrapped) {
      visit(unwrapped, value as Node, kind);
      walkFields(value as Node, visit, unwrapped);
    } else {
      walk(value, visit, kind);
    }
  }
}
