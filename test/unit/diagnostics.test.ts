import { describe, expect, test } from 'vitest';
import { formatDiagnostic, lineColumnAt, redactSecrets, SqlgenFailure, usageError } from '../../src/diagnostics.js';

describe('formatDiagnostic', () => {
  test('file:line:column, the source line and a caret under the column', () => {
    expect(formatDiagnostic({
      severity: 'error', message: 'column "emial" does not exist', file: 'queries/users.sql', line: 7, column: 8, sourceLine: 'SELECT emial FROM users',
    })).toBe([
      'queries/users.sql:7:8: error: column "emial" does not exist',
      '   |',
      ' 7 | SELECT emial FROM users',
      '   |        ^',
    ].join('\n'));
  });

  test('a multi-digit line number widens the gutter on every frame line', () => {
    const lines = formatDiagnostic({ severity: 'error', message: 'm', file: 'f.sql', line: 123, column: 1, sourceLine: 'x' }).split('\n');
    expect(lines.slice(1)).toEqual(['     |', ' 123 | x', '     | ^']);
    // The bars line up.
    expect(new Set(lines.slice(1).map((l) => l.indexOf('|'))).size).toBe(1);
  });

  test('tabs before the column are expanded the same way in the line and under it', () => {
    const text = formatDiagnostic({ severity: 'error', message: 'm', file: 'f.sql', line: 2, column: 3, sourceLine: '\t\tSELECT' });
    const [, , source, caret] = text.split('\n');
    expect(source).toBe(' 2 |         SELECT');
    expect(caret).toBe('   |         ^');
    expect(caret!.indexOf('^')).toBe(source!.indexOf('S'));
  });

  test('a warning with a hint and no column: no caret', () => {
    expect(formatDiagnostic({ severity: 'warning', message: 'unknown type', file: 'f.sql', line: 3, sourceLine: 'SELECT 1', hint: 'map it' }))
      .toBe(['f.sql:3: warning: unknown type', '   |', ' 3 | SELECT 1', '  hint: map it'].join('\n'));
  });

  test('without a place or source line it is one line', () => {
    expect(formatDiagnostic({ severity: 'error', message: 'no config' })).toBe('error: no config');
    expect(formatDiagnostic({ severity: 'error', message: 'bad', file: 'sqlgen.config.json' })).toBe('sqlgen.config.json: error: bad');
  });
});

describe('lineColumnAt', () => {
  const text = 'first\nsecond line\n\nfourth';

  test('1-based line and column with the line text', () => {
    expect(lineColumnAt(text, 0)).toEqual({ line: 1, column: 1, sourceLine: 'first' });
    expect(lineColumnAt(text, text.indexOf('line'))).toEqual({ line: 2, column: 8, sourceLine: 'second line' });
    expect(lineColumnAt(text, text.indexOf('fourth') - 1)).toEqual({ line: 3, column: 1, sourceLine: '' });
  });

  test('an offset on a newline belongs to the line it ends', () => {
    expect(lineColumnAt(text, 5)).toEqual({ line: 1, column: 6, sourceLine: 'first' });
  });

  test('offsets outside the text are clamped', () => {
    expect(lineColumnAt(text, 999)).toEqual({ line: 4, column: 7, sourceLine: 'fourth' });
    expect(lineColumnAt(text, -5)).toEqual({ line: 1, column: 1, sourceLine: 'first' });
  });

  test('CRLF: the \\r is not part of the source line', () => {
    const crlf = 'a\r\nbc\r\n';
    expect(lineColumnAt(crlf, crlf.indexOf('c'))).toEqual({ line: 2, column: 2, sourceLine: 'bc' });
  });
});

describe('redactSecrets', () => {
  test('replaces the password of a connection URL', () => {
    expect(redactSecrets('could not connect to postgres://app:s3cret@db.internal:5432/app'))
      .toBe('could not connect to postgres://app:***@db.internal:5432/app');
    expect(redactSecrets('postgresql://app:pw@localhost/app?sslmode=require')).toBe('postgresql://app:***@localhost/app?sslmode=require');
  });

  test('a URL without a password, or without a user, is left alone', () => {
    expect(redactSecrets('postgres://app@localhost/app')).toBe('postgres://app@localhost/app');
    expect(redactSecrets('postgres://localhost:5432/app')).toBe('postgres://localhost:5432/app');
  });

  test('percent-encoded and special characters in the password are all hidden', () => {
    expect(redactSecrets('postgres://app:p%40ss%2Fw:rd!$&*@host/db')).toBe('postgres://app:***@host/db');
  });

  test('an empty password and an empty user', () => {
    expect(redactSecrets('postgres://app:@host/db')).toBe('postgres://app:***@host/db');
    expect(redactSecrets('postgres://:secret@host/db')).toBe('postgres://:***@host/db');
  });

  test('every URL in the text', () => {
    expect(redactSecrets('a postgres://u:one@h/db and postgres://v:two@k/db')).toBe('a postgres://u:***@h/db and postgres://v:***@k/db');
  });

  test('text without a URL is unchanged', () => {
    expect(redactSecrets('user: admin @ home')).toBe('user: admin @ home');
  });

  test('a password with an unencoded @ is hidden whole', () => {
    expect(redactSecrets('postgres://u:p@ss@host/db')).toBe('postgres://u:***@host/db');
  });

  test('a password given as a query parameter is hidden', () => {
    expect(redactSecrets('postgres://u@host/db?sslmode=require&password=s3cret')).toBe('postgres://u@host/db?sslmode=require&password=***');
  });
});

describe('SqlgenFailure', () => {
  test('carries its diagnostics and exit code; usageError exits 2', () => {
    const failure = usageError('bad flag', { file: 'x.json', line: 2 });
    expect(failure).toBeInstanceOf(SqlgenFailure);
    expect(failure.exitCode).toBe(2);
    expect(failure.diagnostics).toEqual([{ severity: 'error', message: 'bad flag', file: 'x.json', line: 2 }]);
    expect(new SqlgenFailure([{ severity: 'error', message: 'a' }, { severity: 'error', message: 'b' }], 1).message).toBe('a\nb');
  });
});
