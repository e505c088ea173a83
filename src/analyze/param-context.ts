import { findRelation, type Catalog, type PgAttribute } from '../schema/catalog.js';
import { as, stringsOf, unwrapCast, walk, type Node } from './ast.js';

/** What a `$N`'s surroundings say about it. */
export interface ParamContext {
  /** A name from where it stands: the column it is compared with, inserted into or assigned to. */
  readonly name: string;
  /** The column it is written into (INSERT values, UPDATE SET), for its nullability. */
  readonly target: PgAttribute | undefined;
  /** It counts rows (LIMIT, OFFSET): a plain number, whatever its SQL type. */
  readonly rowCount: boolean;
}

/**
 * Names positional parameters after where they stand:
 * `email = $1` -> `email`; `INSERT INTO t (a, b) VALUES ($1, $2)` -> `a`, `b`;
 * `UPDATE t SET a = $1` -> `a`; `LIMIT $2` -> `limit`; `OFFSET $3` -> `offset`.
 * The first place a parameter is found in wins.
 */
export function paramContexts(statement: Node, catalog: Catalog): Map<number, ParamContext> {
  const found = new Map<number, ParamContext>();
  const note = (node: Node | undefined, name: string | undefined, target?: PgAttribute, rowCount = false): void => {
    const param = as(unwrapCast(node), 'ParamRef');
    if (!param || !name) return;
    const number = param.number as number;
    const known = found.get(number);
    if (!known) found.set(number, { name, target, rowCount });
    else if ((target && !known.target) || (rowCount && !known.rowCount)) {
      found.set(number, { ...known, target: known.target ?? target, rowCount: known.rowCount || rowCount });
    }
  };
  const columnName = (node: Node | undefined): string | undefined => {
    const ref = as(unwrapCast(node), 'ColumnRef');
    const last = stringsOf(ref?.fields as Node[] | undefined).at(-1);
    return last && last !== '*' ? last : undefined;
  };
  const attributeOf = (relation: Node | undefined, name: string): PgAttribute | undefined => {
    if (!relation) return undefined;
    const found = findRelation(catalog, relation.schemaname as string | undefined, relation.relname as string);
    return found?.attributes.find((a) => a.name === name);
  };

  walk(statement, (kind, f) => {
    switch (kind) {
      case 'InsertStmt': {
        // Without a column list, VALUES fill the table's columns in order.
        const listed = ((f.cols as Node[] | undefined) ?? []).map((c) => as(c, 'ResTarget')?.name as string);
        const relation = f.relation as Node;
        const cols = listed.length ? listed
          : findRelation(catalog, relation.schemaname as string | undefined, relation.relname as string)?.attributes.map((a) => a.name) ?? [];
        const rows = (as(f.selectStmt as Node, 'SelectStmt')?.valuesLists as Node[] | undefined) ?? [];
        for (const row of rows) {
          ((as(row, 'List')?.items as Node[] | undefined) ?? []).forEach((item, i) => {
            const name = cols[i];
            if (name) note(item, name, attributeOf(f.relation as Node, name));
          });
        }
        const conflict = f.onConflictClause as Node | undefined;
        for (const target of (conflict?.targetList as Node[] | undefined) ?? []) {
          const res = as(target, 'ResTarget')!;
          note(res.val as Node, res.name as string, attributeOf(f.relation as Node, res.name as string));
        }
        break;
      }
      case 'UpdateStmt':
        for (const target of (f.targetList as Node[] | undefined) ?? []) {
          const res = as(target, 'ResTarget')!;
          note(res.val as Node, res.name as string, attributeOf(f.relation as Node, res.name as string));
        }
        break;
      case 'SelectStmt':
        note(f.limitCount as Node, 'limit', undefined, true);
        note(f.limitOffset as Node, 'offset', undefined, true);
        break;
      case 'ResTarget':
        note(f.val as Node, f.name as string | undefined);
        break;
      case 'A_Expr': {
        const left = columnName(f.lexpr as Node);
        const right = columnName(f.rexpr as Node);
        if (left) {
          const rexpr = f.rexpr as Node;
          const list = as(rexpr, 'List')?.items as Node[] | undefined;
          for (const item of list ?? [rexpr]) note(item, left);
        }
        if (right) note(f.lexpr as Node, right);
        break;
      }
    }
  });
  return found;
}
