import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, renameSync, rmSync, unlinkSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { defaultTypes, type Config } from '../src/config/config.js';
import { SqlgenFailure } from '../src/diagnostics.js';
import { header, type OutputFile } from '../src/render/output-file.js';
import { startFileWatcher, type FileEvent, type FileWatcher } from '../src/watch/file-watcher.js';
import { writeSince } from '../src/watch/watch-output.js';
import { watchTargets } from '../src/watch/watch-targets.js';

// The watcher's parts that touch the disk: the file watcher on a real folder (what an editor's
// ways of saving look like to it), and the write of a save's modules.

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('startFileWatcher', () => {
  let root: string;
  let events: FileEvent[];
  let watcher: FileWatcher | undefined;
  const at = (...parts: string[]): string => path.join(root, ...parts);
  const seen = (): string[] => events.map((e) => `${e.event}${e.folder ? ' folder' : ''} ${path.relative(root, e.path).split(path.sep).join('/')}`);

  /**
   * Waits until `expected` has been seen, then a little longer to catch anything extra. An
   * event may come more than once (a write is often two events; the consumer compares texts),
   * and a new file written is an `add` and then a `change`, which `collectChanges` folds.
   */
  const expectEvents = async (expected: string[], settleMs = 200): Promise<void> => {
    await waitUntil(() => expected.every((e) => seen().includes(e)));
    await sleep(settleMs);
    const all = new Set(seen());
    const folded = [...all].filter((e) => !(e.startsWith('change ') && all.has(e.replace('change ', 'add '))));
    expect(new Set(folded)).toEqual(new Set(expected));
  };

  const start = async (overrides: Partial<Config> = {}): Promise<void> => {
    const config: Config = {
      configPath: at('sqlgen.config.json'),
      rootDir: root,
      database: undefined,
      migrations: at('migrations'),
      queries: ['queries/**/*.sql'],
      out: at('generated'),
      types: defaultTypes,
      naming: { fields: 'camel' },
      runtime: { preparedStatements: true, arrayRows: true },
      ...overrides,
    };
    watcher = await startFileWatcher(watchTargets(config), (event) => events.push(event), (error) => {
      throw error;
    });
  };

  beforeEach(() => {
    root = mkdtempSync(path.join(tmpdir(), 'sqlgen-watch-files-'));
    mkdirSync(at('queries'));
    mkdirSync(at('migrations'));
    writeFileSync(at('sqlgen.config.json'), '{}');
    writeFileSync(at('queries', 'users.sql'), '-- name: A :one\nSELECT 1;\n');
    writeFileSync(at('migrations', '001_init.sql'), 'CREATE TABLE t (id int);\n');
    events = [];
  });

  afterEach(async () => {
    await watcher?.close();
    watcher = undefined;
    rmSync(root, { recursive: true, force: true });
  });

  test('a save is a change, and so is a save that renames a new file over the old one', async () => {
    await start();
    writeFileSync(at('queries', 'users.sql'), '-- name: B :one\nSELECT 2;\n');
    await expectEvents(['change queries/users.sql']);

    events = [];
    writeFileSync(at('queries', '.users.sql.tmp'), '-- name: C :one\nSELECT 3;\n');
    renameSync(at('queries', '.users.sql.tmp'), at('queries', 'users.sql'));
    await expectEvents(['change queries/users.sql']);
  });

  test('a file deleted and written again at once was changed; one deleted for good was removed', async () => {
    await start();
    unlinkSync(at('queries', 'users.sql'));
    await sleep(5);
    writeFileSync(at('queries', 'users.sql'), '-- name: B :one\nSELECT 2;\n');
    await expectEvents(['change queries/users.sql']);

    events = [];
    unlinkSync(at('queries', 'users.sql'));
    await expectEvents(['unlink queries/users.sql']);
  });

  test('an emptied file is reported once the write that follows lands, or when none comes', async () => {
    await start();
    // An editor that truncates, then writes: the event in between must not be taken for the save.
    const fd = openSync(at('queries', 'users.sql'), 'w');
    await sleep(10);
    const writtenAt = performance.now();
    writeSync(fd, '-- name: B :one\nSELECT 2;\n');
    closeSync(fd);
    await expectEvents(['change queries/users.sql']);
    expect(events[0]!.at).toBeGreaterThan(writtenAt);

    events = [];
    writeFileSync(at('queries', 'users.sql'), '');
    await expectEvents(['change queries/users.sql']);
  });

  test('a second save right after the first is reported after it landed', async () => {
    await start();
    writeFileSync(at('queries', 'users.sql'), '-- name: B :one\nSELECT 2;\n');
    await sleep(5);
    const secondAt = performance.now();
    writeFileSync(at('queries', 'users.sql'), '-- name: C :one\nSELECT 3;\n');
    await sleep(300);
    expect(new Set(seen())).toEqual(new Set(['change queries/users.sql']));
    expect(events.at(-1)!.at).toBeGreaterThan(secondAt);
  });

  test('new query files, migrations and folders are added; other files are not reported', async () => {
    await start();
    writeFileSync(at('queries', 'posts.sql'), '-- name: P :one\nSELECT 1;\n');
    writeFileSync(at('queries', 'notes.txt'), 'not a query');
    writeFileSync(at('migrations', '002_more.sql'), 'CREATE TABLE u (id int);\n');
    mkdirSync(at('generated'));
    writeFileSync(at('generated', 'x.sql'), 'the output folder is not watched');
    await expectEvents(['add queries/posts.sql', 'add migrations/002_more.sql']);

    events = [];
    mkdirSync(at('queries', 'admin', 'deep'), { recursive: true });
    writeFileSync(at('queries', 'admin', 'deep', 'audit.sql'), '-- name: Q :one\nSELECT 1;\n');
    await expectEvents(['add folder queries/admin', 'add folder queries/admin/deep', 'add queries/admin/deep/audit.sql']);

    events = [];
    writeFileSync(at('queries', 'admin', 'deep', 'audit.sql'), '-- name: R :one\nSELECT 2;\n');
    await expectEvents(['change queries/admin/deep/audit.sql']);

    events = [];
    rmSync(at('queries', 'admin'), { recursive: true });
    await expectEvents(['unlink queries/admin/deep/audit.sql', 'unlink folder queries/admin/deep', 'unlink folder queries/admin']);
  });

  test('the config file is watched, and a target folder that is not there yet is watched for', async () => {
    rmSync(at('migrations'), { recursive: true });
    await start({ migrations: at('db', 'migrations') });
    writeFileSync(at('sqlgen.config.json'), '{ "out": "generated" }');
    await expectEvents(['change sqlgen.config.json']);

    events = [];
    mkdirSync(at('db', 'migrations'), { recursive: true });
    await waitUntil(() => seen().includes('add folder db/migrations'));
    writeFileSync(at('db', 'migrations', '001_init.sql'), 'CREATE TABLE t (id int);\n');
    await expectEvents(['add folder db/migrations', 'add db/migrations/001_init.sql']);
  });

  test('a removed query folder is reported, and so is its return', async () => {
    await start();
    rmSync(at('queries'), { recursive: true });
    await expectEvents(['unlink queries/users.sql', 'unlink folder queries']);

    events = [];
    mkdirSync(at('queries'));
    writeFileSync(at('queries', 'users.sql'), '-- name: A :one\nSELECT 1;\n');
    await expectEvents(['add folder queries', 'add queries/users.sql']);
    expect(seen()[0]).toBe('add folder queries');
  });
});

async function waitUntil(condition: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition() && Date.now() < deadline) await sleep(10);
}

describe('writeSince', () => {
  let out: string;
  const generated = (file: string, body: string): OutputFile => ({ path: file, contents: `${header(`queries/${file.replace(/\.ts$/, '.sql')}`)}\n\n${body}\n` });
  const onDisk = (file: string): string | undefined => (existsSync(path.join(out, file)) ? readFileSync(path.join(out, file), 'utf8') : undefined);

  beforeEach(() => {
    out = path.join(mkdtempSync(path.join(tmpdir(), 'sqlgen-write-since-')), 'generated');
  });

  afterEach(() => {
    rmSync(path.dirname(out), { recursive: true, force: true });
  });

  test('after a first full write, compares and writes only the files that differ from what it wrote', async () => {
    const first = await writeSince(out, [generated('posts.ts', 'a'), generated('users.ts', 'b')], undefined);
    expect(first.partial).toBe(false);
    expect(first.result.written).toEqual(['posts.ts', 'users.ts']);

    // Not looked at: the next save that leaves posts.ts alone does not notice it is gone.
    unlinkSync(path.join(out, 'posts.ts'));
    const next = await writeSince(out, [generated('posts.ts', 'a'), generated('users.ts', 'b2')], first.written);
    expect(next.partial).toBe(true);
    expect(next.result).toEqual({ written: ['users.ts'], removed: [], unchanged: 1 });
    expect(onDisk('users.ts')).toContain('b2');
    expect(onDisk('posts.ts')).toBeUndefined();
  });

  test('a file that is no longer produced makes it compare the whole folder, and removes the file', async () => {
    const first = await writeSince(out, [generated('posts.ts', 'a'), generated('users.ts', 'b')], undefined);
    const next = await writeSince(out, [generated('users.ts', 'b')], first.written);
    expect(next.partial).toBe(false);
    expect(next.result.removed).toEqual(['posts.ts']);
    expect(onDisk('posts.ts')).toBeUndefined();
  });

  test('never writes over a file that sqlgen did not generate', async () => {
    const first = await writeSince(out, [generated('users.ts', 'b')], undefined);
    writeFileSync(path.join(out, 'users.ts'), 'export const mine = 1;\n');
    const error = await writeSince(out, [generated('users.ts', 'b2')], first.written).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SqlgenFailure);
    expect(onDisk('users.ts')).toBe('export const mine = 1;\n');
  });
});
