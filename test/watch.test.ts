import { execFileSync, spawn } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, renameSync, rmSync, statSync, unlinkSync, writeFileSync, writeSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createTestDatabase, testDatabaseUrl } from './support/database.js';
import { smallProject, writeSmallProject } from './support/small-project.js';
import { ensureBuilt, root } from './support/built-cli.js';
import { applyMigrations } from './support/golden.js';

// `sqlgen generate --watch` as users run it: the built CLI in a child process, in a temporary
// project whose files the tests edit on disk, waiting (bounded) for what the watcher prints
// and writes.

const cli = path.join(root, 'dist', 'cli', 'sqlgen.js');
/** Shared with the other tests, so the embedded database starts from a cached snapshot. */
const cacheDir = path.join(tmpdir(), 'sqlgen-test-cache');

const { usersSql, postsSql } = smallProject;

function makeProject(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'sqlgen-watch-'));
  writeFileSync(path.join(dir, 'sqlgen.config.json'), JSON.stringify({ migrations: 'migrations', queries: ['queries/**/*.sql'], out: 'generated' }, null, 2));
  writeSmallProject(dir);
  return dir;
}

interface Line {
  readonly stream: 'out' | 'err';
  readonly text: string;
}

/** A running `sqlgen generate --watch` and everything it printed so far. */
interface WatchProcess {
  readonly lines: Line[];
  /** Resolves with the first line at or after index `from` that matches, or fails after `timeoutMs`. */
  waitFor(pattern: RegExp, options?: { from?: number; stream?: Line['stream']; timeoutMs?: number }): Promise<string>;
  signal(name: NodeJS.Signals): void;
  /** The exit code, or `signal:NAME` when a signal killed it; fails after `timeoutMs`. */
  exited(timeoutMs: number): Promise<number | string>;
  output(): string;
}

function startWatch(cwd: string, args: readonly string[] = []): WatchProcess {
  const child = spawn(process.execPath, [cli, 'generate', '--watch', ...args], {
    cwd,
    env: { ...process.env, SQLGEN_CACHE_DIR: cacheDir },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: Line[] = [];
  const collect = (stream: Line['stream']) => {
    let rest = '';
    return (chunk: Buffer): void => {
      const parts = (rest + chunk.toString('utf8')).split('\n');
      rest = parts.pop() ?? '';
      for (const text of parts) lines.push({ stream, text });
    };
  };
  child.stdout.on('data', collect('out'));
  child.stderr.on('data', collect('err'));
  const exit = new Promise<number | string>((resolve) => {
    child.on('exit', (code, signal) => resolve(code ?? `signal:${signal}`));
  });
  const output = (): string => lines.map((l) => `${l.stream}| ${l.text}`).join('\n');
  return {
    lines,
    output,
    async waitFor(pattern, { from = 0, stream, timeoutMs = 20_000 } = {}) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const found = lines.slice(from).find((l) => (!stream || l.stream === stream) && pattern.test(l.text));
        if (found) return found.text;
        if (Date.now() > deadline || child.exitCode !== null) {
          throw new Error(`no line matching ${pattern} within ${timeoutMs} ms; the watcher printed:\n${output()}`);
        }
        await sleep(20);
      }
    },
    signal(name) {
      child.kill(name);
    },
    async exited(timeoutMs) {
      const timer = sleep(timeoutMs).then(() => 'still running');
      const result = await Promise.race([exit, timer]);
      if (result === 'still running') child.kill('SIGKILL');
      return result;
    },
  };
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Blocks for `ms`: a pause between two writes that a loaded machine cannot stretch the way it does timers. */
function busyWait(ms: number): void {
  for (const end = performance.now() + ms; performance.now() < end;);
}

/** Waits (bounded) until `condition` holds; the assertions after it say what was wrong. */
async function until(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition() && Date.now() < deadline) await sleep(20);
}

/** What a run prints for its duration: `(12 ms)`, or `(1.41 s)` when it had to start the embedded database. */
const took = String.raw`\((\d+ ms|\d+\.\d\d s)\)`;

/** A line pattern written as a template, so that it can hold `${took}`. */
function pattern(strings: TemplateStringsArray, ...parts: string[]): RegExp {
  return new RegExp(String.raw(strings, ...parts));
}

/** mtime of every file in `dir`, by name. */
function mtimes(dir: string): Map<string, number> {
  return new Map(readdirSync(dir).map((name) => [name, statSync(path.join(dir, name)).mtimeMs]));
}

beforeAll(() => {
  ensureBuilt();
}, 120_000);

describe('sqlgen generate --watch', () => {
  let dir: string;
  let out: string;
  let watcher: WatchProcess;
  const file = (...parts: string[]): string => path.join(dir, ...parts);
  const read = (...parts: string[]): string => readFileSync(file(...parts), 'utf8');

  beforeAll(async () => {
    dir = makeProject();
    out = file('generated');
    watcher = startWatch(dir);
    await watcher.waitFor(/^watching /, { timeoutMs: 90_000 });
  }, 120_000);

  afterAll(async () => {
    watcher.signal('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });

  test('starts with one full run that writes every module', () => {
    expect(watcher.lines.filter((l) => l.stream === 'out').map((l) => l.text)).toEqual([
      expect.stringMatching(/^3 queries in 2 files -> generated\/ \(\d+\.\d\d s\)$/),
      'watching migrations/, queries/ and sqlgen.config.json (Ctrl-C to stop)',
    ]);
    expect(readdirSync(out).sort()).toEqual(['_runtime.ts', '_types.ts', 'index.ts', 'posts.ts', 'users.ts']);
  });

  test('a burst of saves ends in at most two regenerations, with the last versions on disk', async () => {
    const from = watcher.lines.length;
    // An editor's "save all", three times over: six writes to two files within a few milliseconds.
    for (let round = 1; round <= 3; round++) {
      writeFileSync(file('queries', 'posts.sql'), `${postsSql}\n-- name: PostTitle${round} :one\nSELECT title FROM posts WHERE id = @id;\n`);
      writeFileSync(file('queries', 'users.sql'), `${usersSql}\n-- name: UserEmail${round} :one\nSELECT email FROM users WHERE id = @id;\n`);
    }
    await until(() => read('generated', 'posts.ts').includes('postTitle3(') && read('generated', 'users.ts').includes('userEmail3('));
    await sleep(300);
    const printed = watcher.lines.slice(from).map((l) => l.text);
    // The first save is regenerated at once; the writes that follow it, as one more run.
    expect(printed.length, watcher.output()).toBeGreaterThanOrEqual(1);
    expect(printed.length, watcher.output()).toBeLessThanOrEqual(2);
    for (const line of printed) expect(line).toMatch(pattern`^queries\/(posts|users)\.sql(, queries\/(posts|users)\.sql)? -> generated\/(posts|users)\.ts(, generated\/users\.ts)? ${took}$`);
    expect(read('generated', 'posts.ts')).not.toMatch(/postTitle[12]\(/);
    expect(read('generated', 'users.ts')).not.toMatch(/userEmail[12]\(/);
  });

  test('a saved query file regenerates its module and touches no other file', async () => {
    const before = mtimes(out);
    const from = watcher.lines.length;
    writeFileSync(file('queries', 'users.sql'), `${usersSql}\n-- name: CountUsers :one\nSELECT count(*) AS total FROM users;\n`);
    const line = await watcher.waitFor(/^queries\/users\.sql -> /, { from });
    expect(line).toMatch(pattern`^queries\/users\.sql -> generated\/users\.ts ${took}$`);
    expect(read('generated', 'users.ts')).toContain('export function countUsers(');
    const after = mtimes(out);
    for (const name of ['_runtime.ts', '_types.ts', 'index.ts', 'posts.ts']) expect(after.get(name), name).toBe(before.get(name));
    expect(after.get('users.ts')).not.toBe(before.get('users.ts'));
  });

  test('a second save right after the first is not lost', async () => {
    // A save that lands while the run for the one before is going gets a run of its own after it.
    const from = watcher.lines.length;
    writeFileSync(file('queries', 'posts.sql'), `${postsSql}\n-- name: FirstSave :one\nSELECT title FROM posts WHERE id = @id;\n`);
    await watcher.waitFor(/^queries\/posts\.sql -> /, { from, timeoutMs: 10_000 });
    writeFileSync(file('queries', 'posts.sql'), `${postsSql}\n-- name: SecondSave :one\nSELECT title FROM posts WHERE id = @id;\n`);
    const deadline = Date.now() + 10_000;
    while (!read('generated', 'posts.ts').includes('secondSave') && Date.now() < deadline) await sleep(20);
    expect(read('generated', 'posts.ts'), watcher.output()).toContain('export function secondSave(');
    expect(read('generated', 'posts.ts')).not.toContain('firstSave');
  });

  test('an editor that saves by renaming a new file over the old one is seen', async () => {
    const from = watcher.lines.length;
    const partial = file('queries', 'users.sql.tmp-1234');
    writeFileSync(partial, `${usersSql}\n-- name: RenamedSave :one\nSELECT email FROM users WHERE id = @id;\n`);
    renameSync(partial, file('queries', 'users.sql'));
    const line = await watcher.waitFor(/^queries\/users\.sql/, { from });
    expect(line).toMatch(pattern`^queries\/users\.sql -> generated\/users\.ts ${took}$`);
    expect(read('generated', 'users.ts')).toContain('export function renamedSave(');
  });

  test('an editor that deletes the file and writes it again saved it: the module is not removed first', async () => {
    const from = watcher.lines.length;
    unlinkSync(file('queries', 'users.sql'));
    busyWait(2);
    writeFileSync(file('queries', 'users.sql'), `${usersSql}\n-- name: RecreatedSave :one\nSELECT email FROM users WHERE id = @id;\n`);
    await until(() => read('generated', 'users.ts').includes('recreatedSave('));
    await sleep(300);
    expect(watcher.lines.slice(from).map((l) => l.text), watcher.output()).toEqual([
      expect.stringMatching(pattern`^queries\/users\.sql -> generated\/users\.ts ${took}$`),
    ]);
  });

  test('an editor that empties the file and then writes it does not get an empty module first', async () => {
    const from = watcher.lines.length;
    const fd = openSync(file('queries', 'users.sql'), 'w');
    // Long enough for the watcher to see the empty file; a timer could fire much later under load.
    busyWait(10);
    writeSync(fd, `${usersSql}\n-- name: TwoStepSave :one\nSELECT email FROM users WHERE id = @id;\n`);
    closeSync(fd);
    await until(() => read('generated', 'users.ts').includes('twoStepSave('));
    await sleep(300);
    expect(watcher.lines.slice(from).map((l) => l.text), watcher.output()).toEqual([
      expect.stringMatching(pattern`^queries\/users\.sql -> generated\/users\.ts ${took}$`),
    ]);
  });

  test('a generated file removed or edited by hand is put back after the next save', async () => {
    const types = read('generated', '_types.ts');
    unlinkSync(file('generated', 'posts.ts'));
    writeFileSync(file('generated', '_types.ts'), `${types}\n// edited by hand\n`);
    const from = watcher.lines.length;
    writeFileSync(file('queries', 'users.sql'), `${usersSql}\n-- name: AfterRestore :one\nSELECT email FROM users WHERE id = @id;\n`);
    await watcher.waitFor(pattern`^queries\/users\.sql -> generated\/users\.ts ${took}$`, { from });
    await watcher.waitFor(pattern`^restored generated\/_types\.ts, generated\/posts\.ts, changed outside sqlgen ${took}$`, { from });
    expect(read('generated', '_types.ts')).toBe(types);
    expect(read('generated', 'posts.ts')).toContain('export function');
  });

  test('a new folder of query files adds their modules; removing the folder removes them', async () => {
    let from = watcher.lines.length;
    try {
      mkdirSync(file('queries', 'admin'));
      writeFileSync(file('queries', 'admin', 'audit.sql'), '-- name: LatestPost :one\nSELECT max(id) AS latest FROM posts;\n');
      await watcher.waitFor(pattern` -> generated\/admin\/audit\.ts, generated\/index\.ts ${took}$`, { from, timeoutMs: 60_000 });
      expect(read('generated', 'admin', 'audit.ts')).toContain('export function latestPost(');

      from = watcher.lines.length;
      rmSync(file('queries', 'admin'), { recursive: true });
      await watcher.waitFor(pattern`^queries\/admin\/ \(removed\) -> generated\/index\.ts, removed generated\/admin\/audit\.ts ${took}$`, { from });
      expect(existsSync(file('generated', 'admin'))).toBe(false);
    } finally {
      // What later tests count must not depend on how this one ended.
      rmSync(file('queries', 'admin'), { recursive: true, force: true });
    }
  }, 90_000);

  test('a broken query prints its error with the place and leaves the output alone; fixing it regenerates', async () => {
    const before = read('generated', 'users.ts');
    const mtime = statSync(file('generated', 'users.ts')).mtimeMs;
    const broken = `${usersSql}\n-- name: FindByEmail :one\nSELECT id\nFROM users WHERE emial = @email;\n`;
    const lines = broken.split('\n');
    const row = lines.findIndex((l) => l.includes('emial'));
    const column = lines[row]!.indexOf('emial') + 1;

    let from = watcher.lines.length;
    writeFileSync(file('queries', 'users.sql'), broken);
    await watcher.waitFor(new RegExp(`^queries/users\\.sql:${row + 1}:${column}: error: column "emial" does not exist$`), { from, stream: 'err' });
    await watcher.waitFor(pattern`^queries\/users\.sql: nothing written ${took}$`, { from, stream: 'err' });
    const printed = watcher.lines.slice(from).map((l) => l.text);
    expect(printed).toContain(` ${row + 1} | FROM users WHERE emial = @email;`);
    expect(printed, 'a caret under the column').toContain(`${' '.repeat(String(row + 1).length + 2)}|${' '.repeat(column)}^`);
    expect(read('generated', 'users.ts')).toBe(before);
    expect(statSync(file('generated', 'users.ts')).mtimeMs).toBe(mtime);
    expect(readdirSync(out).filter((name) => !name.endsWith('.ts'))).toEqual([]);

    from = watcher.lines.length;
    writeFileSync(file('queries', 'users.sql'), broken.replace('emial', 'email'));
    await watcher.waitFor(pattern`^queries\/users\.sql -> generated\/users\.ts ${took}$`, { from });
    expect(read('generated', 'users.ts')).toContain('export function findByEmail(');
  });

  test('a new query file adds its module; removing it removes the module', async () => {
    let from = watcher.lines.length;
    writeFileSync(file('queries', 'authors.sql'), '-- name: ListAuthors :many\nSELECT DISTINCT author_id FROM posts;\n');
    await watcher.waitFor(pattern`^queries\/authors\.sql \(new\) -> generated\/authors\.ts, generated\/index\.ts ${took}$`, { from });
    expect(read('generated', 'authors.ts')).toContain('export function listAuthors(');
    expect(read('generated', 'index.ts')).toContain("'./authors.js'");

    from = watcher.lines.length;
    unlinkSync(file('queries', 'authors.sql'));
    await watcher.waitFor(pattern`^queries\/authors\.sql \(removed\) -> generated\/index\.ts, removed generated\/authors\.ts ${took}$`, { from });
    expect(existsSync(file('generated', 'authors.ts'))).toBe(false);
    expect(read('generated', 'index.ts')).not.toContain('authors');
  });

  test('a config change regenerates everything; a broken config keeps the previous one', async () => {
    const config = read('sqlgen.config.json');
    let from = watcher.lines.length;
    writeFileSync(file('sqlgen.config.json'), config.replace('{', '{\n  "naming": { "fields": "snake" },'));
    await watcher.waitFor(/^config changed: \d+ queries in 2 files -> generated\/ \(\d+\.\d\d s\)$/, { from, timeoutMs: 60_000 });
    expect(read('generated', '_types.ts')).toMatch(/\bdisplay_name: string \| null/);

    from = watcher.lines.length;
    writeFileSync(file('sqlgen.config.json'), config.replace('{', '{\n  "outt": "x",'));
    await watcher.waitFor(/^sqlgen\.config\.json: still using the previous config$/, { from, stream: 'err' });
    expect(watcher.lines.slice(from).some((l) => l.text.includes('"outt"')), watcher.output()).toBe(true);

    from = watcher.lines.length;
    writeFileSync(file('sqlgen.config.json'), config);
    await watcher.waitFor(/^config changed: /, { from, timeoutMs: 60_000 });
    expect(read('generated', '_types.ts')).toMatch(/\bdisplayName: string \| null/);
  }, 120_000);

  test('a new migration re-applies the schema and its column shows up in the types', async () => {
    const from = watcher.lines.length;
    writeFileSync(file('migrations', '002_avatar.sql'), 'ALTER TABLE users ADD COLUMN avatar_url text;\n');
    await watcher.waitFor(/^migrations changed: \d+ queries in 2 files -> generated\/ \(\d+\.\d\d s\)$/, { from, timeoutMs: 90_000 });
    // GetUser is SELECT *, so its row is the table's row type.
    expect(read('generated', '_types.ts')).toMatch(/export interface User \{[^}]*\bavatarUrl: string \| null;/);
    expect(read('generated', 'users.ts')).toMatch(/export type GetUserRow = User;[\s\S]*avatarUrl: row\[\d\] as string \| null/);
  }, 120_000);

  test('what the watcher wrote is exactly what a full run gives (sqlgen check passes)', () => {
    const result = execFileSync(process.execPath, [cli, 'check'], { cwd: dir, env: { ...process.env, SQLGEN_CACHE_DIR: cacheDir }, encoding: 'utf8' });
    expect(result).toMatch(/^generated\/ is up to date/);
  }, 60_000);

  test('SIGINT stops it with exit code 0', async () => {
    watcher.signal('SIGINT');
    expect(await watcher.exited(20_000), watcher.output()).toBe(0);
  }, 30_000);

  test('SIGTERM stops it with exit code 0', async () => {
    const second = startWatch(dir);
    await second.waitFor(/^watching /, { timeoutMs: 90_000 });
    second.signal('SIGTERM');
    expect(await second.exited(20_000), second.output()).toBe(0);
  }, 120_000);
});

describe.skipIf(testDatabaseUrl === undefined)('sqlgen generate --watch on a live server', () => {
  test('reconnects after the server drops its connection, says so, and regenerates', async () => {
    const db = await createTestDatabase();
    const dir = makeProject();
    try {
      await applyMigrations(db.url, path.join(dir, 'migrations'));
      const watcher = startWatch(dir, ['--database-url', db.url]);
      try {
        await watcher.waitFor(/^watching /, { timeoutMs: 30_000 });
        let from = watcher.lines.length;
        writeFileSync(path.join(dir, 'queries', 'posts.sql'), `${postsSql}\n-- name: CountPosts :one\nSELECT count(*) AS total FROM posts;\n`);
        await watcher.waitFor(pattern`^queries\/posts\.sql -> generated\/posts\.ts ${took}$`, { from });

        // One session for the watcher's life, and what a server restart does to it.
        const admin = new pg.Client({ connectionString: db.url });
        await admin.connect();
        try {
          const { rows } = await admin.query<{ ok: boolean }>(
            'SELECT pg_terminate_backend(pid) AS ok FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()',
          );
          expect(rows).toEqual([{ ok: true }]);
        } finally {
          await admin.end();
        }

        from = watcher.lines.length;
        writeFileSync(path.join(dir, 'queries', 'posts.sql'), `${postsSql}\n-- name: CountAllPosts :one\nSELECT count(*) AS total FROM posts;\n`);
        await watcher.waitFor(/; reconnecting$/, { from, stream: 'err' });
        await watcher.waitFor(pattern`^reconnected to postgres:\/\/.* ${took}$`, { from, stream: 'err' });
        await watcher.waitFor(/^reconnected: 4 queries in 2 files -> generated\/ /, { from });
        expect(readFileSync(path.join(dir, 'generated', 'posts.ts'), 'utf8')).toContain('export function countAllPosts(');

        watcher.signal('SIGINT');
        expect(await watcher.exited(20_000), watcher.output()).toBe(0);
      } finally {
        watcher.signal('SIGKILL');
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
      await db.drop();
    }
  }, 90_000);

  test('waits for a server that is down, reconnects when it is back, and stops cleanly while waiting', async () => {
    const db = await createTestDatabase();
    const dir = makeProject();
    const proxy = await startProxy(new URL(db.url));
    try {
      await applyMigrations(db.url, path.join(dir, 'migrations'));
      const url = new URL(db.url);
      url.host = `127.0.0.1:${proxy.port}`;
      const watcher = startWatch(dir, ['--database-url', url.toString()]);
      try {
        await watcher.waitFor(/^watching /, { timeoutMs: 30_000 });

        await proxy.stop();
        let from = watcher.lines.length;
        writeFileSync(path.join(dir, 'queries', 'posts.sql'), `${postsSql}\n-- name: CountPosts :one\nSELECT count(*) AS total FROM posts;\n`);
        await watcher.waitFor(/^lost the connection to .*; reconnecting$/, { from, stream: 'err' });
        await sleep(500); // a few refused attempts
        await proxy.start();
        await watcher.waitFor(/^reconnected to /, { from, stream: 'err', timeoutMs: 10_000 });
        await watcher.waitFor(/^reconnected: 4 queries in 2 files -> generated\/ /, { from });
        expect(readFileSync(path.join(dir, 'generated', 'posts.ts'), 'utf8')).toContain('export function countPosts(');

        await proxy.stop();
        from = watcher.lines.length;
        writeFileSync(path.join(dir, 'queries', 'posts.sql'), postsSql);
        await watcher.waitFor(/; reconnecting$/, { from, stream: 'err' });
        watcher.signal('SIGINT');
        expect(await watcher.exited(10_000), watcher.output()).toBe(0);
      } finally {
        watcher.signal('SIGKILL');
      }
    } finally {
      await proxy.stop();
      rmSync(dir, { recursive: true, force: true });
      await db.drop();
    }
  }, 90_000);
});

/** A TCP relay to the test server that can be taken down and brought back on the same port. */
async function startProxy(target: URL): Promise<{ port: number; stop(): Promise<void>; start(): Promise<void> }> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    const upstream = net.connect(Number(target.port || 5432), target.hostname);
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('error', () => undefined);
      socket.on('close', () => {
        sockets.delete(socket);
        client.destroy();
        upstream.destroy();
      });
    }
    client.pipe(upstream).pipe(client);
  });
  const listen = (port: number) => new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  await listen(0);
  const port = (server.address() as net.AddressInfo).port;
  return {
    port,
    async stop() {
      if (!server.listening) return;
      const closed = new Promise((resolve) => server.close(resolve));
      for (const socket of sockets) socket.destroy();
      await closed;
    },
    start: () => listen(port),
  };
}
