import { describe, expect, test } from 'vitest';
import type { AnalyzedQuery } from '../../src/analyze/analyzed-query.js';
import type { Catalog, PgRelation } from '../../src/schema/catalog.js';
import { tableOfRow, tableTypeNames } from '../../src/render/table-types.js';

const users: PgRelation = {
  oid: 100,
  namespace: 'public',
  name: 'users',
  kind: 'r',
  viewDefinition: undefined,
  comment: undefined,
  attributes: [
    { number: 1, name: 'id', type: 20, notNull: true, hasDefault: true, generated: true, comment: undefined },
    { number: 2, name: 'email', type: 25, notNull: true, hasDefault: false, generated: false, comment: undefined },
    { number: 3, name: 'bio', type: 25, notNull: false, hasDefault: false, generated: false, comment: undefined },
  ],
};
const audit: PgRelation = { ...users, oid: 101, namespace: 'audit', name: 'users' };
const view: PgRelation = { ...users, oid: 102, name: 'active_users', kind: 'v' };
const catalog: Catalog = { types: new Map(), relations: new Map([users, audit, view].map((r) => [r.oid, r])), searchPath: ['public'] };

function query(columns: [number, number, string, boolean][]): AnalyzedQuery {
  return {
    name: 'Q', command: 'many', doc: [], sourceSql: '', sql: '', params: [],
    columns: columns.map(([relation, attribute, name, nullable]) => ({ relation, attribute, name, nullable, typeOid: 25 })),
  };
}

describe('table row types', () => {
  test('tables are named by their singular, a clash outside public takes the schema', () => {
    const names = tableTypeNames(catalog, new Set());
    expect(names.get(100)).toBe('User');
    expect(names.get(101)).toBe('AuditUser');
    expect(names.has(102)).toBe(false);
  });

  test('a name an enum or domain already has gets Row appended', () => {
    expect(tableTypeNames(catalog, new Set(['User'])).get(100)).toBe('UserRow');
  });

  test('a query returning the whole row, in order and as stored, has the table type', () => {
    expect(tableOfRow(query([[100, 1, 'id', false], [100, 2, 'email', false], [100, 3, 'bio', true]]), catalog)?.name).toBe('users');
  });

  test('a column missing, renamed, reordered or with other nullability keeps a row type of its own', () => {
    expect(tableOfRow(query([[100, 1, 'id', false], [100, 2, 'email', false]]), catalog)).toBeUndefined();
    expect(tableOfRow(query([[100, 1, 'id', false], [100, 2, 'mail', false], [100, 3, 'bio', true]]), catalog)).toBeUndefined();
    expect(tableOfRow(query([[100, 2, 'email', false], [100, 1, 'id', false], [100, 3, 'bio', true]]), catalog)).toBeUndefined();
    expect(tableOfRow(query([[100, 1, 'id', true], [100, 2, 'email', false], [100, 3, 'bio', true]]), catalog)).toBeUndefined();
    expect(tableOfRow(query([[102, 1, 'id', false], [102, 2, 'email', false], [102, 3, 'bio', true]]), catalog)).toBeUndefined();
  });
});
