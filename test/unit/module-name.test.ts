import { describe, expect, test } from 'vitest';
import { moduleNameFor } from '../../src/parse/module-name.js';

describe('moduleNameFor', () => {
  test('the path below the static part of the glob, without .sql', () => {
    expect(moduleNameFor('queries/users.sql', ['queries/**/*.sql'])).toBe('users');
    expect(moduleNameFor('queries/admin/audit.sql', ['queries/**/*.sql'])).toBe('admin/audit');
  });

  test('the first glob that matches decides', () => {
    expect(moduleNameFor('db/queries/admin/audit.sql', ['other/*.sql', 'db/queries/**/*.sql', 'db/**/*.sql'])).toBe('admin/audit');
  });

  test('a glob with a leading ./ works like one without', () => {
    expect(moduleNameFor('queries/admin/audit.sql', ['./queries/**/*.sql'])).toBe('admin/audit');
  });

  test('a glob without a static part keeps the whole path', () => {
    expect(moduleNameFor('queries/users.sql', ['**/*.sql'])).toBe('queries/users');
  });

  test('a brace glob keeps its folder as the static part', () => {
    expect(moduleNameFor('queries/users.sql', ['queries/{users,posts}.sql'])).toBe('users');
  });

  test('negated globs are skipped', () => {
    expect(moduleNameFor('queries/admin/audit.sql', ['!queries/admin/**', 'queries/**/*.sql'])).toBe('admin/audit');
  });

  test('a path no glob matches keeps its path; the extension is dropped in any case', () => {
    expect(moduleNameFor('elsewhere/Users.SQL', ['queries/**/*.sql'])).toBe('elsewhere/Users');
  });

  test('a file named literally in the config gets the module name a glob would give it', () => {
    expect(moduleNameFor('queries/users.sql', ['queries/users.sql'])).toBe('users');
  });
});
