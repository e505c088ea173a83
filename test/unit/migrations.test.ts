import { mkdir, mkdtemp, realpath, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SqlgenFailure, formatDiagnostic, lineColumnAt } from '../../src/diagnostics.js';
import { parseMigrationFile, readMigrations } from '../../src/schema/read-migrations.js';

let dir: string;

beforeEach(async () => {
  dir = await realpath(await mkdtemp(join(tmpdir(), 'sqlgen-migrations-')));
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function write(files: Record<string, string>): Promise<void> {
  for (const [name, contents] of Object.entries(files)) await writeFile(join(dir, name), contents);
}

/** How the CLI shows a path in `dir`. */
function shown(name: string): string {
  return relative(process.cwd(), join(dir, name));
}

async function failure(run: () => unknown): Promise<{ exitCode: number; lines: string[]; failure: SqlgenFailure }> {
  let error: unknown;
  try {
    await run();
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(SqlgenFailure);
  const f = error as SqlgenFailure;
  return { exitCode: f.exitCode, lines: f.diagnostics.map((d) => formatDiagnostic(d).split('\n')[0]!), failure: f };
}

describe('readMigrations layouts', () => {
  it('reads golang-migrate up files whole and ignores down files', async () => {
    await write({
      '000001_create_users.up.sql': 'create table users (id int);\n',
      '000001_create_users.down.sql': 'drop table users;\n',
      '000002_add_tags.up.sql': 'create table tags (id int);\n',
      '000002_add_tags.down.sql': 'drop table tags;\n',
    });
    expect(await readMigrations(dir)).toEqual([
      { path: join(dir, '000001_create_users.up.sql'), version: 1n, name: 'create_users', sql: 'create table users (id int);\n', layout: 'golang-migrate' },
      { path: join(dir, '000002_add_tags.up.sql'), version: 2n, name: 'add_tags', sql: 'create table tags (id int);\n', layout: 'golang-migrate' },
    ]);
  });

  it('keeps the dbmate up section and blanks the rest line for line', async () => {
    const text = [
      '-- a comment before the marker is fine',
      '-- migrate:up transaction:false',
      'create table users (',
      '  id int',
      ');',
      '',
      '-- migrate:down',
      'drop table users;',
      '',
    ].join('\n');
    await write({ '20240101120000_users.sql': text });
    const [migration] = await readMigrations(dir);
    expect(migration).toMatchObject({ version: 20240101120000n, name: 'users', layout: 'dbmate' });
    expect(migration?.sql).toBe(['', '', 'create table users (', '  id int', ');', '', '', '', ''].join('\n'));
    // An offset into sql is at the same line and column of the file.
    const inSql = lineColumnAt(migration?.sql ?? '', migration?.sql.indexOf('id int') ?? -1);
    expect(inSql).toEqual(lineColumnAt(text, text.indexOf('id int')));
    expect(inSql).toMatchObject({ line: 4, column: 3 });
  });

  it('takes a dbmate up section that follows the down section', () => {
    const migration = parseMigrationFile('/m/3_x.sql', '-- migrate:down\ndrop table t;\n-- migrate:up\ncreate table t ();\n');
    expect(migration?.sql).toBe('\n\n\ncreate table t ();\n');
  });

  it('reads goose files: Up only, markers blanked, StatementBegin/End and NO TRANSACTION', () => {
    const text = [
      '-- +goose NO TRANSACTION',
      '-- +goose Up',
      '-- +goose StatementBegin',
      'create function f() returns int language plpgsql as $$',
      'begin return 1; end;',
      '$$;',
      '-- +goose StatementEnd',
      'create index concurrently i on t (a);',
      '-- +goose Down',
      'drop function f;',
    ].join('\n');
    const migration = parseMigrationFile('/m/00003_fn.sql', text);
    expect(migration).toMatchObject({ path: '/m/00003_fn.sql', version: 3n, name: 'fn', layout: 'goose' });
    expect(migration?.sql.split('\n')).toEqual([
      '',
      '',
      '',
      'create function f() returns int language plpgsql as $$',
      'begin return 1; end;',
      '$$;',
      '',
      'create index concurrently i on t (a);',
      '',
      '',
    ]);
  });

  it('substitutes ${VAR} only between goose ENVSUB ON and OFF', () => {
    const text = [
      '-- +goose Up',
      'create schema ${SCHEMA};',
      '-- +goose ENVSUB ON',
      'create table ${SCHEMA}.t (id int default ${START:-1});',
      'select $1, $$x$$;',
      '-- +goose ENVSUB OFF',
      "select '${SCHEMA}';",
    ].join('\n');
    const migration = parseMigrationFile('/m/1_env.sql', text, { env: { SCHEMA: 'app' } });
    expect(migration?.sql.split('\n')).toEqual(['', 'create schema ${SCHEMA};', '', 'create table app.t (id int default 1);', 'select $1, $$x$$;', '', "select '${SCHEMA}';"]);
  });

  it('reads a plain NNN_name.sql file whole', () => {
    expect(parseMigrationFile('/m/012_seed.sql', 'insert into t values (1);')).toEqual({
      path: '/m/012_seed.sql',
      version: 12n,
      name: 'seed',
      sql: 'insert into t values (1);',
      layout: 'plain',
    });
  });

  it('keeps CRLF line ends on blanked lines', () => {
    const migration = parseMigrationFile('/m/1_x.sql', '-- migrate:up\r\ncreate table t ();\r\n-- migrate:down\r\ndrop table t;\r\n');
    expect(migration?.sql).toBe('\r\ncreate table t ();\r\n\r\n\r\n');
  });

  it('turns a byte order mark into a space so markers and offsets still work', () => {
    const migration = parseMigrationFile('/m/1_x.sql', '\uFEFF-- migrate:up\ncreate table t ();\n');
    expect(migration?.sql).toBe('\ncreate table t ();\n');
    expect(parseMigrationFile('/m/1_x.up.sql', '\uFEFFselect 1;')?.sql).toBe(' select 1;');
  });

  it('returns null for a golang-migrate down file', () => {
    expect(parseMigrationFile('/m/000001_init.down.sql', 'drop table t;')).toBeNull();
  });
});

describe('readMigrations order and files', () => {
  it('orders by numeric version, not by string', async () => {
    await write({ '10_b.sql': '', '9_a.sql': '', '100_c.sql': '', '2_x.sql': '', '0011_d.sql': '' });
    expect((await readMigrations(dir)).map((m) => [m.version, m.name])).toEqual([
      [2n, 'x'],
      [9n, 'a'],
      [10n, 'b'],
      [11n, 'd'],
      [100n, 'c'],
    ]);
  });

  it('keeps versions beyond 2^53 exact', async () => {
    await write({ '90071992547409931_b.sql': '', '90071992547409930_a.sql': '' });
    expect((await readMigrations(dir)).map((m) => m.version)).toEqual([90071992547409930n, 90071992547409931n]);
  });

  it('ignores files not ending in .sql, dotfiles and subfolders', async () => {
    await write({ 'README.md': '# no', '.gitkeep': '', '.1_hidden.sql': '', '1_a.sql': 'select 1;', '2_b.SQL': 'select 2;' });
    await mkdir(join(dir, '3_folder.sql'));
    expect((await readMigrations(dir)).map((m) => m.name)).toEqual(['a', 'b']);
  });

  it('follows symbolic links to files', async () => {
    await write({ 'target.txt': 'select 1;' });
    await symlink(join(dir, 'target.txt'), join(dir, '1_linked.sql'));
    expect((await readMigrations(dir)).map((m) => m.sql)).toEqual(['select 1;']);
  });

  it('gives no migrations for an empty folder', async () => {
    expect(await readMigrations(dir)).toEqual([]);
  });

  it('resolves a relative folder against the working directory', async () => {
    await write({ '1_a.sql': 'select 1;' });
    expect((await readMigrations(relative(process.cwd(), dir))).map((m) => m.path)).toEqual([join(dir, '1_a.sql')]);
  });
});

describe('readMigrations errors', () => {
  it('names a missing folder (exit 2)', async () => {
    const { exitCode, lines } = await failure(() => readMigrations(join(dir, 'nope')));
    expect(exitCode).toBe(2);
    expect(lines).toEqual([`error: migrations folder "${shown('nope')}" does not exist`]);
  });

  it('names a path that is a file, not a folder (exit 2)', async () => {
    await write({ 'file.sql': '' });
    const { exitCode, lines } = await failure(() => readMigrations(join(dir, 'file.sql')));
    expect(exitCode).toBe(2);
    expect(lines).toEqual([`error: migrations folder "${shown('file.sql')}" is not a folder`]);
  });

  it('names every .sql file without a version number, all at once (exit 1)', async () => {
    await write({ 'init.sql': '', 'v2_users.sql': '', '3_ok.sql': '' });
    const { exitCode, lines, failure: f } = await failure(() => readMigrations(dir));
    expect(exitCode).toBe(1);
    expect(lines).toEqual([
      `${shown('init.sql')}: error: migration file name "init.sql" does not start with a version number`,
      `${shown('v2_users.sql')}: error: migration file name "v2_users.sql" does not start with a version number`,
    ]);
    expect(f.diagnostics[0]?.hint).toBe('name migrations like "000001_create_users.sql" (or .up.sql / .down.sql)');
  });

  it('names both files that share a version', async () => {
    await write({ '1_a.sql': '', '001_b.up.sql': '', '001_b.down.sql': '', '2_c.sql': '' });
    const { exitCode, lines } = await failure(() => readMigrations(dir));
    expect(exitCode).toBe(1);
    expect(lines).toEqual([
      `${shown('1_a.sql')}: error: migration version 1 is used by more than one file: ${shown('001_b.up.sql')} and ${shown('1_a.sql')}`,
    ]);
  });

  it('names all files when three share a version', async () => {
    await write({ '7_a.sql': '', '07_b.sql': '', '007_c.sql': '' });
    const { lines } = await failure(() => readMigrations(dir));
    expect(lines).toEqual([
      `${shown('07_b.sql')}: error: migration version 7 is used by more than one file: ${shown('007_c.sql')}, ${shown('07_b.sql')} and ${shown('7_a.sql')}`,
    ]);
  });

  it('rejects SQL before the first marker, pointing at its line', async () => {
    await write({ '1_x.sql': '/* header\n   still header */\ncreate table stray ();\n-- migrate:up\nselect 1;\n' });
    const { lines, failure: f } = await failure(() => readMigrations(dir));
    expect(lines).toEqual([`${shown('1_x.sql')}:3:1: error: SQL before the first "-- migrate:up" marker belongs to no section`]);
    expect(f.diagnostics[0]?.sourceLine).toBe('create table stray ();');
  });

  it('rejects a file with a down marker but no up marker', () => {
    return failure(() => parseMigrationFile(join(dir, '1_x.sql'), '-- +goose Down\ndrop table t;\n')).then(({ exitCode, lines }) => {
      expect(exitCode).toBe(1);
      expect(lines).toEqual([`${shown('1_x.sql')}:1:1: error: no "-- +goose Up" marker, so the migration has nothing to apply`]);
    });
  });

  it('rejects a second up marker, an unknown goose annotation and mixed tools', async () => {
    const repeated = await failure(() => parseMigrationFile(join(dir, '1_x.sql'), '-- migrate:up\nselect 1;\n-- migrate:up\nselect 2;\n'));
    expect(repeated.lines).toEqual([`${shown('1_x.sql')}:3:1: error: a second "-- migrate:up" marker (the first is on line 1)`]);
    const unknown = await failure(() => parseMigrationFile(join(dir, '2_x.sql'), '-- +goose Up\n-- +goose StatementBgein\nselect 1;\n'));
    expect(unknown.lines).toEqual([`${shown('2_x.sql')}:2:1: error: unknown goose annotation "-- +goose StatementBgein"`]);
    const mixed = await failure(() => parseMigrationFile(join(dir, '3_x.sql'), '-- +goose Up\nselect 1;\n-- migrate:down\n'));
    expect(mixed.lines).toEqual([`${shown('3_x.sql')}:3:1: error: the file mixes dbmate ("-- migrate:") and goose ("-- +goose") markers`]);
  });

  it('collects marker and naming errors from every file in one failure', async () => {
    await write({ 'x.sql': '', '2_y.sql': '-- +goose Down\n', '3_ok.sql': 'select 1;' });
    const { lines } = await failure(() => readMigrations(dir));
    expect(lines).toEqual([
      `${shown('2_y.sql')}:1:1: error: no "-- +goose Up" marker, so the migration has nothing to apply`,
      `${shown('x.sql')}: error: migration file name "x.sql" does not start with a version number`,
    ]);
  });
});
