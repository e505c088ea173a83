import { createHash } from 'node:crypto';
import type { AnalyzedColumn, AnalyzedFile, AnalyzedParam, AnalyzedQuery } from '../analyze/analyzed-query.js';
import { copyInSql } from '../analyze/copy-from.js';
import type { Config } from '../config/config.js';
import { SqlgenFailure } from '../diagnostics.js';
import type { Catalog } from '../schema/catalog.js';
import { camelCase, isReservedWord, pascalCase, propertyKey } from './naming.js';
import { header, type OutputFile } from './output-file.js';
import { tableOfRow } from './table-types.js';
import { template } from './templates.js';
import type { TsType, TypeMapper } from './type-map.js';
import { newCodecUse, type CodecUse, type ValueCodecs } from './value-codec.js';

export interface ModuleContext {
  readonly config: Config;
  readonly catalog: Catalog;
  readonly types: TypeMapper;
  readonly codecs: ValueCodecs;
  /** The exported row type of each table, by relation OID. */
  readonly tables: ReadonlyMap<number, string>;
  /** The query file's path relative to the config folder, for the header. */
  readonly source: string;
}

/** Renders `generated/<module>.ts` for one query file. */
export function renderModule(file: AnalyzedFile, context: ModuleContext): OutputFile {
  const depth = file.moduleName.split('/').length - 1;
  const up = depth ? '../'.repeat(depth) : './';
  const runtime = new Set<string>(['typeParsers']);
  const runtimeTypes = new Set<string>(['Queryable', 'Statement']);
  const shared = new Set<string>();
  const codecUse = newCodecUse();
  const userImports = new Map<string, Set<string>>();
  const use = (type: TsType): string => {
    type.shared.forEach((name) => shared.add(name));
    type.runtime.forEach((name) => runtimeTypes.add(name));
    for (const { name, from } of type.imports) {
      const path = from.startsWith('.') ? `${up === './' ? '' : up}${from}` : from;
      let names = userImports.get(path);
      if (!names) userImports.set(path, (names = new Set()));
      names.add(name);
    }
    return type.text;
  };

  const queries = file.queries.map((query) => queryView(query, context, use, runtime, codecUse));
  codecUse.runtime.forEach((name) => runtime.add(name));
  const base = file.moduleName.split('/').at(-1)!;
  const view = {
    header: header(context.source),
    imports: [
      importLine(`${up}_runtime.js`, runtime, runtimeTypes),
      ...(shared.size || codecUse.shared.size ? [importLine(`${up}_types.js`, codecUse.shared, shared)] : []),
      ...[...userImports].sort(([a], [b]) => (a < b ? -1 : 1)).map(([from, names]) => importLine(from, new Set(), names)),
    ],
    decoders: [...(codecUse.declarations?.values() ?? [])].sort((a, b) => (a.name < b.name ? -1 : 1)),
    typeOptions: typeOptions(context.config),
    queries,
    sourceFile: context.source.split('/').at(-1),
    repositoryType: `${pascalCase(base)}Repository`,
    repositoryFactory: `${camelCase(base)}Repository`,
  };
  return { path: `${file.moduleName}.ts`, contents: template('module')(view) };
}

/** The `typeParsers(...)` options of the config. */
export function typeOptions(config: Config): string {
  return `int8: '${config.types.int8}', numeric: '${config.types.numeric}', date: '${config.types.date}'`;
}

/** How SQL names become TypeScript field and parameter names. */
export function fieldNaming(config: Config): (name: string) => string {
  return config.naming.fields === 'camel' ? camelCase : (name) => name;
}

/** `import { a, type B } from 'x';`, or `import type { ... }` when only types are imported. */
export function importLine(from: string, values: ReadonlySet<string>, types: ReadonlySet<string>): string {
  const names = [...values].sort();
  const typeNames = [...types].filter((name) => !values.has(name)).sort();
  if (!names.length) return `import type { ${typeNames.join(', ')} } from '${from}';`;
  return `import { ${[...names, ...typeNames.map((name) => `type ${name}`)].join(', ')} } from '${from}';`;
}

function queryView(query: AnalyzedQuery, context: ModuleContext, use: (type: TsType) => string, runtime: Set<string>, codecUse: CodecUse) {
  const { config } = context;
  const functionName = camelCase(query.name);
  if (isReservedWord(functionName)) {
    throw new SqlgenFailure([{ severity: 'error', message: `query name ${query.name} gives the function name "${functionName}", a reserved word in JavaScript; rename the query` }], 1);
  }
  const type = pascalCase(query.name);
  const fieldName = fieldNaming(config);

  const paramKeys = uniqueKeys(query.params.map((p) => fieldName(p.name)));
  const params = query.params.map((param, i) => ({
    key: propertyKey(paramKeys[i]!),
    type: nullable(param.rowCount ? 'number' : use(context.types.map(param.typeOid, 'param')), param.nullable),
    doc: '',
  }));

  const fields = query.columns.map((column, i) => {
    const fieldKey = fieldName(column.name);
    const key = columnKey(context.catalog, column);
    const override = key !== undefined && config.types.overrides[key] !== undefined;
    const decoder = override ? undefined : context.codecs.decoder(column.typeOid, codecUse);
    const value = config.runtime.arrayRows ? `row[${i}]` : `row[${JSON.stringify(column.name)}]`;
    return {
      key: propertyKey(fieldKey),
      type: nullable(use(context.types.map(column.typeOid, 'result', key)), column.nullable),
      read: decoder ? `${decoder}(${value})` : value,
      doc: columnComment(context.catalog, column),
    };
  });
  const duplicate = fields.find((f, i) => fields.findIndex((g) => g.key === f.key) !== i);
  if (duplicate) {
    throw new SqlgenFailure([{ severity: 'error', message: `query ${query.name} returns two columns named ${duplicate.key}; give one of them an alias` }], 1);
  }

  const hasRows = query.command === 'one' || query.command === 'many';
  const table = hasRows ? tableOfRow(query, context.catalog) : undefined;
  const rowAlias = table ? context.tables.get(table.oid) ?? '' : '';
  if (rowAlias) use({ text: rowAlias, shared: [rowAlias], imports: [], runtime: [] });
  const copy = query.command === 'copyfrom';
  const holder = copy ? 'row' : 'params';
  const values = query.params.map((param, i) => valueExpression(member(holder, paramKeys[i]!), param, context, runtime, codecUse, copy));
  const statement = `${functionName}Statement`;
  const rowType = `${type}Row`;
  const paramsType = `${type}Params`;
  const returnType = {
    one: `Promise<${rowType} | null>`,
    many: `Promise<${rowType}[]>`,
    exec: 'Promise<void>',
    execrows: 'Promise<number>',
    copyfrom: 'Promise<number>',
  }[query.command];
  const runner = { one: 'queryOne', many: 'queryMany', exec: 'exec', execrows: 'execRows', copyfrom: 'copyFrom' }[query.command];
  runtime.add(runner);
  const call = copy
    ? `copyFrom(db, ${statement}, rows, (row) => [${values.join(', ')}])`
    : `${runner}(db, ${statement}, [${values.join(', ')}])`;
  const takes = copy ? `rows: readonly ${paramsType}[]` : params.length ? `params: ${paramsType}` : '';
  // What copyFrom streams the rows through on a pg pool or client; absent, it runs `sql`.
  const copySql = copy ? copyInSql(query.sql) : undefined;

  return {
    name: query.name,
    paramsType,
    rowType,
    rowAlias,
    params,
    fields: hasRows ? fields : undefined,
    statement,
    sql: templateLiteral(query.sql),
    prepare: config.runtime.preparedStatements ? preparedName(query.sql) : undefined,
    copy: copySql === undefined ? undefined : `'${copySql.replace(/[\\']/g, '\\$&')}'`,
    arrayRows: config.runtime.arrayRows,
    rowParam: config.runtime.arrayRows ? 'unknown[]' : 'Record<string, unknown>',
    docComment: docComment(query),
    functionName,
    signature: ['db: Queryable', takes].filter(Boolean).join(', '),
    returnType,
    call,
    methodSignature: takes,
    methodArgs: copy ? 'rows' : params.length ? 'params' : '',
  };
}

/**
 * How a parameter's value is sent: as it is, or encoded (JSON as text, composites, ranges);
 * in a bulk insert an array value travels as an array literal.
 */
function valueExpression(access: string, param: AnalyzedParam, context: ModuleContext, runtime: Set<string>, use: CodecUse, copy: boolean): string {
  const encoder = context.codecs.encoder(param.typeOid, use);
  const value = encoder ? encoder(access, param.nullable) : access;
  if (copy && context.catalog.types.get(param.typeOid)?.category === 'A') {
    runtime.add('arrayLiteral');
    return `arrayLiteral(${value})`;
  }
  return value;
}

function nullable(type: string, isNullable: boolean): string {
  return isNullable ? `${type} | null` : type;
}

function uniqueKeys(keys: readonly string[]): string[] {
  const seen = new Map<string, number>();
  return keys.map((key) => {
    const count = (seen.get(key) ?? 0) + 1;
    seen.set(key, count);
    return count === 1 ? key : `${key}${count}`;
  });
}

/** `params.email`, or `params["zip code"]` for a key that is no identifier. */
function member(holder: string, key: string): string {
  return /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(key) ? `${holder}.${key}` : `${holder}[${JSON.stringify(key)}]`;
}

function columnKey(catalog: Catalog, column: AnalyzedColumn): string | undefined {
  const relation = catalog.relations.get(column.relation);
  const attribute = relation?.attributes.find((a) => a.number === column.attribute);
  return relation && attribute ? `${relation.namespace}.${relation.name}.${attribute.name}` : undefined;
}

function columnComment(catalog: Catalog, column: AnalyzedColumn): string {
  const relation = catalog.relations.get(column.relation);
  return attributeComment(relation?.attributes.find((a) => a.number === column.attribute)?.comment);
}

/** A column comment as a one-line doc comment. */
export function attributeComment(comment: string | undefined): string {
  return comment ? comment.replace(/\*\//g, '*\\/').replace(/\s*\n\s*/g, ' ').trim() : '';
}

/** A stable statement name per SQL text: the same text shares one prepared statement. */
function preparedName(sql: string): string {
  return `sqlgen_${createHash('sha1').update(sql).digest('hex').slice(0, 12)}`;
}

function templateLiteral(sql: string): string {
  return sql.replace(/\\/g, '\\\\').replace(/`/g, '\\`').replace(/\$\{/g, '\\${');
}

function docComment(query: AnalyzedQuery): string {
  const lines = [...query.doc];
  if (lines.length) lines.push('');
  lines.push('```sql', ...query.sourceSql.split('\n').map((l) => l.trimEnd()), '```');
  return ['/**', ...lines.map((l) => (l ? ` * ${l.replace(/\*\//g, '*\\/')}` : ' *')), ' */'].join('\n');
}
