import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { defaultTypes, type Config } from '../src/config/config.js';
import { collectChanges, settleChanges } from '../src/watch/change-set.js';
import { coalesce } from '../src/watch/coalesce.js';
import type { FileEvent } from '../src/watch/file-watcher.js';
import { changedQueries, duration, writtenFiles } from '../src/watch/run-line.js';
import { watchTargets } from '../src/watch/watch-targets.js';

// The watcher's pure parts; test/watch.test.ts runs the whole thing.

const root = path.resolve('/app');

function config(overrides: Partial<Config> = {}): Config {
  return {
    configPath: path.join(root, 'sqlgen.config.json'),
    rootDir: root,
    database: undefined,
    migrations: path.join(root, 'db', 'migrations'),
    queries: ['queries/**/*.sql', '!queries/legacy/**'],
    out: path.join(root, 'src', 'generated'),
    types: defaultTypes,
    naming: { fields: 'camel' },
    runtime: { preparedStatements: true, arrayRows: true },
    ...overrides,
  };
}

const at = (...parts: string[]): string => path.join(root, ...parts);

describe('watchTargets', () => {
  test('watches the static folder of each glob, the migrations and the config file', () => {
    expect(watchTargets(config()).paths).toEqual([at('db', 'migrations'), at('queries'), at('sqlgen.config.json')]);
  });

  test('a folder inside another watched one is not watched twice', () => {
    const targets = watchTargets(config({ queries: ['**/*.sql', 'queries/*.sql'] }));
    expect(targets.paths).toEqual([root]);
  });

  test('tells query files, migrations and the config apart, with the globs of findQueryFiles', () => {
    const { classify } = watchTargets(config());
    expect(classify(at('queries', 'users.sql'))).toBe('query');
    expect(classify(at('queries', 'admin', 'audit.sql'))).toBe('query');
    expect(classify(at('queries', 'legacy', 'old.sql'))).toBeUndefined();
    expect(classify(at('queries', 'node_modules', 'x.sql'))).toBeUndefined();
    expect(classify(at('queries', 'notes.md'))).toBeUndefined();
    expect(classify(at('db', 'migrations', '000002_tags.up.sql'))).toBe('migration');
    expect(classify(at('db', 'migrations', 'archive', '000001_old.sql'))).toBeUndefined();
    expect(classify(at('db', 'migrations', '.000003_draft.sql'))).toBeUndefined();
    expect(classify(at('sqlgen.config.json'))).toBe('config');
  });

  test('never descends into the output folder, node_modules or .git', () => {
    const { ignored } = watchTargets(config());
    expect(ignored(at('src', 'generated'))).toBe(true);
    expect(ignored(at('src', 'generated', 'users.ts'))).toBe(true);
    expect(ignored(at('src', 'generated-old', 'users.ts'))).toBe(false);
    expect(ignored(at('node_modules'))).toBe(true);
    expect(ignored(at('.git'))).toBe(true);
    expect(ignored(at('queries'))).toBe(false);
  });
});

describe('collectChanges', () => {
  const query = (event: FileEvent['event'], file: string, extra: Partial<FileEvent> = {}): FileEvent => ({ kind: 'query', event, path: at('queries', file), ...extra });

  test('an editor that saves by delete and create changes the file; a new file that is written again is still new', () => {
    const changes = collectChanges([query('unlink', 'a.sql'), query('add', 'a.sql'), query('add', 'b.sql'), query('change', 'b.sql')]);
    expect([...changes.queries]).toEqual([[at('queries', 'a.sql'), 'change'], [at('queries', 'b.sql'), 'add']]);
    expect(changes.rescan).toBe(true);
  });

  test('only changes to known files need no new listing', () => {
    expect(collectChanges([query('change', 'a.sql')]).rescan).toBe(false);
    expect(collectChanges([{ kind: 'query', event: 'unlink', path: at('queries', 'admin'), folder: true }]).folders).toEqual(new Map([[at('queries', 'admin'), 'unlink']]));
  });

  test('settled against the file lists, a change to a file that left the list is its removal', () => {
    const changes = collectChanges([query('change', 'gone.sql'), query('unlink', 'back.sql'), query('change', 'new.sql'), query('change', 'notes.sql')]);
    const settled = settleChanges(changes, [at('queries', 'gone.sql'), at('queries', 'back.sql')], [at('queries', 'back.sql'), at('queries', 'new.sql')]);
    expect([...settled.queries]).toEqual([
      [at('queries', 'gone.sql'), 'unlink'],
      [at('queries', 'back.sql'), 'change'],
      [at('queries', 'new.sql'), 'add'],
      [at('queries', 'notes.sql'), 'change'],
    ]);
  });

  test('migrations are collected by path', () => {
    const changes = collectChanges([{ kind: 'migration', event: 'add', path: at('db', 'migrations', '2_x.sql') }]);
    expect([...changes.migrations]).toEqual([at('db', 'migrations', '2_x.sql')]);
    expect(changes.queries.size).toBe(0);
  });
});

describe('the one line per regeneration', () => {
  test('names the changed files and what was written', () => {
    const changes = collectChanges([
      { kind: 'query', event: 'change', path: at('queries', 'users.sql') },
      { kind: 'query', event: 'add', path: at('queries', 'tags.sql') },
    ]);
    expect(changedQueries(changes, root)).toBe('queries/users.sql, queries/tags.sql (new)');
    expect(writtenFiles({ written: ['tags.ts', 'index.ts'], removed: ['old.ts'], unchanged: 3 }, at('generated'), root))
      .toBe('generated/tags.ts, generated/index.ts, removed generated/old.ts');
    expect(writtenFiles({ written: [], removed: [], unchanged: 5 }, at('generated'), root)).toBe('unchanged');
  });

  test('a removed folder is named instead of each file in it', () => {
    const changes = collectChanges([
      { kind: 'query', event: 'unlink', path: at('queries', 'admin', 'a.sql') },
      { kind: 'query', event: 'unlink', path: at('queries', 'admin'), folder: true },
    ]);
    expect(changedQueries(changes, root)).toBe('queries/admin/ (removed)');
  });

  test('durations: milliseconds below a second, else seconds', () => {
    expect(duration(0.3)).toBe('1 ms');
    expect(duration(12.4)).toBe('12 ms');
    expect(duration(1414)).toBe('1.41 s');
  });
});

describe('coalesce', () => {
  const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
  const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

  test('the first item after a quiet spell runs at once, with what arrived in the same turn', async () => {
    const batches: number[][] = [];
    const queue = coalesce<number>({ quietMs: 1000, maxWaitMs: 5000 }, async (batch) => {
      batches.push(batch);
    });
    queue.push(1);
    queue.push(2);
    await nextTurn();
    expect(batches).toEqual([[1, 2]]);
    await queue.stop();
  });

  test('items that follow it closely are a burst and run as one more batch once quiet', async () => {
    const batches: number[][] = [];
    // Wide margins: a loaded machine runs timers late.
    const queue = coalesce<number>({ quietMs: 200, maxWaitMs: 2000 }, async (batch) => {
      batches.push(batch);
    });
    queue.push(1);
    await sleep(5);
    queue.push(2);
    await sleep(5);
    queue.push(3);
    await sleep(20);
    expect(batches).toEqual([[1]]);
    await sleep(400);
    expect(batches).toEqual([[1], [2, 3]]);
    // Quiet again: the next item runs at once.
    queue.push(4);
    await nextTurn();
    expect(batches).toEqual([[1], [2, 3], [4]]);
    await queue.stop();
  });

  test('never runs two batches at once: what arrives during a run is the next batch', async () => {
    const batches: number[][] = [];
    let running = 0;
    let overlapped = false;
    const queue = coalesce<number>({ quietMs: 5, maxWaitMs: 1000 }, async (batch) => {
      overlapped ||= running > 0;
      running++;
      batches.push(batch);
      await sleep(300);
      running--;
    });
    queue.push(1);
    await sleep(20);
    queue.push(2);
    await sleep(10);
    queue.push(3);
    await sleep(700);
    expect(batches).toEqual([[1], [2, 3]]);
    expect(overlapped).toBe(false);
    await queue.stop();
  });

  test('a burst that never pauses still runs after maxWaitMs', async () => {
    const batches: number[][] = [];
    const queue = coalesce<number>({ quietMs: 30, maxWaitMs: 60 }, async (batch) => {
      batches.push(batch);
    });
    for (let i = 0; i < 15; i++) {
      queue.push(i);
      await sleep(10);
    }
    expect(batches[0]).toEqual([0]);
    expect(batches.length).toBeGreaterThanOrEqual(2);
    expect(batches[1]!.length).toBeLessThan(14);
    await queue.stop();
  });

  test('a paused queue keeps what arrives until resume; stop waits for the run in progress', async () => {
    const batches: number[][] = [];
    let finished = false;
    const queue = coalesce<number>({ quietMs: 5, maxWaitMs: 1000, paused: true }, async (batch) => {
      batches.push(batch);
      await sleep(50);
      finished = true;
    });
    queue.push(1);
    await sleep(30);
    expect(batches).toEqual([]);
    queue.resume();
    await sleep(10);
    expect(batches).toEqual([[1]]);
    await queue.stop();
    expect(finished).toBe(true);
    queue.push(2);
    await sleep(30);
    expect(batches).toEqual([[1]]);
  });
});
