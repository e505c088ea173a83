import { baseTypeOf } from '../schema/catalog.js';
import { as, kindOf, stringsOf, unwrapCast, type Node } from './ast.js';
import { outputColumns } from './output-columns.js';
import { resolveColumn, type AnalysisContext, type Scope } from './scope.js';

/** What the surrounding query says about aggregates. */
export interface ExpressionContext {
  readonly scope: Scope;
  readonly analysis: AnalysisContext;
  /** GROUP BY with plain expressions: every group has a row, so `max(notNull)` is not null. */
  readonly groupedRows: boolean;
}

/** Functions that return NULL only when an argument is NULL. */
const strictFunctions = new Set([
  'initcap', 'length', 'char_length', 'character_length', 'octet_length', 'bit_length',
  'btrim', 'ltrim', 'rtrim', 'trim', 'substr', 'replace', 'translate', 'left', 'right',
  'lpad', 'rpad', 'repeat', 'reverse', 'split_part', 'strpos', 'position', 'md5', 'sha256', 'sha512',
  'abs', 'round', 'ceil', 'ceiling', 'floor', 'trunc', 'sign', 'sqrt', 'cbrt', 'power', 'pow', 'mod',
  'exp', 'ln', 'log', 'log10', 'div', 'gcd', 'lcm', 'degrees', 'radians',
  'to_date', 'to_timestamp', 'to_number', 'date_trunc', 'age', 'upper_inf', 'lower_inf', 'upper_inc', 'lower_inc', 'isempty',
  'date_bin', 'make_date', 'make_time', 'make_timestamp', 'make_timestamptz', 'make_interval',
  'justify_days', 'justify_hours', 'justify_interval', 'timezone', 'isfinite',
  'to_tsvector', 'to_tsquery', 'plainto_tsquery', 'phraseto_tsquery', 'websearch_to_tsquery',
  'setweight', 'ts_rank', 'ts_rank_cd', 'ts_headline', 'numnode', 'querytree', 'strip',
  'cardinality', 'array_to_string', 'string_to_array', 'array_cat', 'array_append', 'array_prepend',
  'array_remove', 'array_replace', 'array_positions', 'trim_array',
  'to_jsonb', 'to_json', 'row_to_json', 'array_to_json', 'jsonb_typeof', 'json_typeof',
  'jsonb_array_length', 'json_array_length', 'jsonb_pretty', 'jsonb_strip_nulls', 'json_strip_nulls',
  'jsonb_set', 'jsonb_insert', 'jsonb_build_object', 'jsonb_build_array', 'json_build_object', 'json_build_array',
  'encode', 'decode', 'quote_ident', 'quote_literal', 'format', 'chr', 'ascii', 'to_hex', 'regexp_replace',
  'regexp_split_to_array', 'starts_with', 'host', 'hostmask', 'netmask', 'network', 'broadcast', 'masklen',
  'inet_merge', 'set_masklen', 'text', 'int4', 'int8', 'float8', 'numeric', 'bool',
  'digest', 'hmac', 'crypt', 'gen_salt', 'pg_typeof',
  'nextval', 'currval', 'setval', 'lastval', 'num_nulls', 'num_nonnulls',
]);

/** Functions that never return NULL, whatever their arguments. */
const neverNull = new Set([
  'now', 'current_timestamp', 'clock_timestamp', 'statement_timestamp', 'transaction_timestamp',
  'timeofday', 'random', 'pi', 'gen_random_uuid', 'uuid_generate_v1', 'uuid_generate_v4', 'uuidv4', 'uuidv7',
  'gen_random_bytes', 'concat', 'concat_ws', 'format', 'quote_nullable', 'num_nulls', 'num_nonnulls',
  'jsonb_build_object', 'jsonb_build_array', 'json_build_object', 'json_build_array',
  'txid_current', 'pg_current_xact_id', 'pg_backend_pid', 'version', 'current_database',
  'row_number', 'rank', 'dense_rank', 'percent_rank', 'cume_dist', 'ntile', 'count', 'grouping',
]);

/** Aggregates that are not null over a non-empty group of non-null values. */
const groupAggregates = new Set([
  'min', 'max', 'sum', 'avg', 'array_agg', 'string_agg', 'json_agg', 'jsonb_agg', 'json_object_agg',
  'jsonb_object_agg', 'bool_and', 'bool_or', 'every', 'bit_and', 'bit_or', 'bit_xor', 'range_agg',
]);

/** Operators whose result can be NULL for non-null operands (a missing JSON key, a jsonpath that is unknown). */
const nullableOperators = new Set(['->', '->>', '#>', '#>>', '@@', '@?']);

const strictKinds = new Set(['AEXPR_OP', 'AEXPR_LIKE', 'AEXPR_ILIKE', 'AEXPR_SIMILAR', 'AEXPR_BETWEEN',
  'AEXPR_NOT_BETWEEN', 'AEXPR_BETWEEN_SYM', 'AEXPR_NOT_BETWEEN_SYM', 'AEXPR_IN']);

/**
 * Whether an expression can be NULL. Sound by default: anything not known to be non-null
 * is nullable.
 *
 * `coalesce(u.display_name, u.email)` is non-null when `email` is NOT NULL; `max(p.id)`
 * is nullable without GROUP BY; `CASE WHEN ... THEN 1 END` is nullable.
 */
export function isNullable(node: Node | undefined, context: ExpressionContext): boolean {
  if (!node) return true;
  const kind = kindOf(node)!;
  const f = node[kind] as Node;
  const nullable = (n: Node | undefined): boolean => isNullable(n, context);
  const all = (list: readonly Node[] | undefined): boolean => (list ?? []).every((n) => !nullable(n));

  switch (kind) {
    case 'A_Const':
      return Boolean(f.isnull);
    case 'ParamRef':
      return context.analysis.nullableParams.has(f.number as number);
    case 'TypeCast':
    case 'CollateClause':
      return nullable(f.arg as Node);
    case 'ColumnRef': {
      const names = stringsOf(f.fields as Node[]);
      if (names.includes('*')) return true;
      const column = resolveColumn(context.scope, names);
      return column === 'unknown' || column.nullable;
    }
    case 'SQLValueFunction':
      // current_schema is NULL when no schema on the search path exists.
      return f.op === 'SVFOP_CURRENT_SCHEMA';
    case 'NullTest':
    case 'BooleanTest':
    case 'A_ArrayExpr':
    case 'RowExpr':
    case 'GroupingFunc':
      return false;
    case 'BoolExpr':
      return !all(f.args as Node[]);
    case 'CoalesceExpr':
    case 'MinMaxExpr':
      return ((f.args as Node[] | undefined) ?? []).every(nullable);
    case 'CaseExpr':
      return !f.defresult || nullable(f.defresult as Node)
        || ((f.args as Node[] | undefined) ?? []).some((w) => nullable(as(w, 'CaseWhen')?.result as Node));
    case 'A_Expr':
      return operatorNullable(f, context);
    case 'SubLink':
      return subLinkNullable(f, context);
    case 'FuncCall':
      return functionNullable(f, context);
    default:
      return true;
  }
}

function operatorNullable(f: Node, context: ExpressionContext): boolean {
  const kind = f.kind as string;
  if (kind === 'AEXPR_DISTINCT' || kind === 'AEXPR_NOT_DISTINCT') return false;
  if (!strictKinds.has(kind)) return true;
  const op = stringsOf(f.name as Node[]).at(-1) ?? '';
  if (nullableOperators.has(op)) return true;
  const operands = [f.lexpr, ...(Array.isArray(f.rexpr) ? f.rexpr : [f.rexpr])].filter(Boolean) as Node[];
  // A row comparison `(a, b) < (c, d)` is NULL when a field it reaches is NULL.
  const listed = operands.flatMap((n) => (as(n, 'List') ?? as(n, 'RowExpr'))?.[as(n, 'List') ? 'items' : 'args'] as Node[] | undefined ?? [n]);
  return listed.some((n) => isNullable(n, context));
}

function subLinkNullable(f: Node, context: ExpressionContext): boolean {
  switch (f.subLinkType as string) {
    case 'EXISTS_SUBLINK':
    case 'ARRAY_SUBLINK':
      return false;
    case 'EXPR_SUBLINK': {
      // A scalar subquery is NULL when it finds no row, unless it is an aggregate without
      // GROUP BY, which always returns exactly one row.
      const select = as(f.subselect as Node, 'SelectStmt');
      if (!select || select.groupClause || select.havingClause || select.limitCount || select.limitOffset || select.op !== 'SETOP_NONE') return true;
      const targets = (select.targetList as Node[] | undefined) ?? [];
      if (targets.length !== 1 || !isAggregateCall(as(targets[0], 'ResTarget')?.val as Node)) return true;
      const columns = outputColumns(f.subselect as Node, context.scope, context.analysis);
      return columns?.[0]?.nullable ?? true;
    }
    default:
      return true;
  }
}

function isAggregateCall(node: Node | undefined): boolean {
  const call = as(unwrapCast(node), 'FuncCall');
  const name = call ? stringsOf(call.funcname as Node[]).at(-1) ?? '' : '';
  return Boolean(call && !call.over && (name === 'count' || groupAggregates.has(name)));
}

function functionNullable(f: Node, context: ExpressionContext): boolean {
  const name = stringsOf(f.funcname as Node[]).at(-1)?.toLowerCase() ?? '';
  const args = (f.args as Node[] | undefined) ?? [];
  const argsNonNull = args.every((a) => !isNullable(a, context));
  if (f.over) {
    if (['row_number', 'rank', 'dense_rank', 'percent_rank', 'cume_dist', 'count'].includes(name)) return false;
    if (name === 'ntile') return !argsNonNull;
    // lag/lead with a default: the default stands in for a missing row.
    if ((name === 'lag' || name === 'lead') && args.length === 3) return !argsNonNull;
    return true;
  }
  if (name === 'count') return false;
  if (groupAggregates.has(name)) {
    // Over a group with rows, an aggregate of non-null values is not null; FILTER can empty it.
    if (!context.groupedRows || f.agg_filter) return true;
    if (name === 'array_agg' || name === 'json_agg' || name === 'jsonb_agg') return false;
    return !argsNonNull;
  }
  // concat_ws and format are NULL only when the separator or format string is.
  if (neverNull.has(name)) return name === 'concat_ws' || name === 'format' ? isNullable(args[0], context) : false;
  if (strictFunctions.has(name)) return !argsNonNull;
  // lower() and upper() of text are strict, but of a range they are NULL for an unbounded side.
  if ((name === 'lower' || name === 'upper') && args.length === 1) return !argsNonNull || !knownNotRange(args[0], context);
  return true;
}

/** The argument's type is known and is not a range or multirange. */
function knownNotRange(node: Node | undefined, context: ExpressionContext): boolean {
  const inner = unwrapCast(node);
  let oid: number | undefined;
  const ref = as(inner, 'ColumnRef');
  if (ref) {
    const column = resolveColumn(context.scope, stringsOf(ref.fields as Node[]));
    oid = column === 'unknown' ? undefined : column.type;
  }
  const param = as(inner, 'ParamRef');
  if (param) oid = context.analysis.paramTypes[(param.number as number) - 1];
  const cast = as(node, 'TypeCast');
  if (cast) {
    const names = stringsOf((cast.typeName as Node).names as Node[]);
    return !/range$/.test(names.at(-1) ?? 'range') && !(cast.typeName as Node).arrayBounds;
  }
  if (as(inner, 'A_Const')) return true;
  if (oid === undefined) return false;
  const type = baseTypeOf(context.analysis.catalog, oid);
  return Boolean(type && type.kind !== 'r' && type.kind !== 'm');
}

/**
 * Columns that a condition proves non-null where it holds: `p.published_at IS NOT NULL`,
 * `p.author_id = $1`, `u.email LIKE ...`, each conjunct of an AND.
 */
export function narrowedBy(condition: Node | undefined, scope: Scope): Set<number> {
  const keys = new Set<number>();
  const mark = (node: Node | undefined): void => {
    const ref = as(unwrapCast(node), 'ColumnRef');
    if (!ref) return;
    const column = resolveColumn(scope, stringsOf(ref.fields as Node[]));
    if (column !== 'unknown') keys.add(column.key);
  };
  const visit = (node: Node | undefined): void => {
    if (!node) return;
    const bool = as(node, 'BoolExpr');
    if (bool?.boolop === 'AND_EXPR') {
      for (const arg of (bool.args as Node[] | undefined) ?? []) visit(arg);
      return;
    }
    const test = as(node, 'NullTest');
    if (test?.nulltesttype === 'IS_NOT_NULL') return mark(test.arg as Node);
    const booleanTest = as(node, 'BooleanTest');
    if (booleanTest && ['IS_TRUE', 'IS_FALSE'].includes(booleanTest.booltesttype as string)) return mark(booleanTest.arg as Node);
    const expr = as(node, 'A_Expr');
    if (expr) {
      // Operators are strict: one that holds had non-null operands, whatever it returns otherwise.
      if (strictKinds.has(expr.kind as string) || expr.kind === 'AEXPR_OP_ANY') {
        mark(expr.lexpr as Node);
        if (expr.kind === 'AEXPR_OP') mark(expr.rexpr as Node);
      }
      return;
    }
    mark(node); // WHERE is_active
  };
  visit(condition);
  return keys;
}
