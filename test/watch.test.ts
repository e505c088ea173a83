import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createTestDatabase, testDatabaseUrl } from './support/database.js';
import { smallProject, writeSmallProject } from './support/small-project.js';
import { applyMigrations } from './support/golden.js';

// `sqlgen generate --watch` as users run it: the built CLI in a child process, in a temporary
// project whose files the tests edit on disk, waiting (bounded) for what the watcher prints
// and writes.

const root = path.resolve(import.meta.dirname, '..');
const cli = path.join(root, 'dist', 'cli', 'sqlgen.js');
/** Shared with the other tests, so the embedded database starts from a cached snapshot. */
const cacheDir = path.join(tmpdir(), 'sqlgen-test-cache');

const { usersSql, postsSql } = smallProject;

/** Builds dist/ when it is missing or older than the sources, so the child runs this code. */
function ensureBuilt(): void {
  const newest = (dir: string): number =>
    readdirSync(dir, { recursive: true, encoding: 'utf8' })
      .filter((file) => file.endsWith('.ts'))
      .reduce((max, file) => Math.max(max, statSync(path.join(dir, file)).mtimeMs), 0);
  const built = existsSync(cli) ? statSync(cli).mtimeMs : 0;
  if (built >= Math.max(newest(path.join(root, 'src')), newest(path.join(root, 'cli')))) return;
  try {
    execFileSync(process.execPath, [path.join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', root], { stdio: 'pipe' });
  } catch (error) {
    // tsc still emits when another part of the tree has a type error; only no CLI at all is fatal.
    if (!existsSync(cli)) throw error;
  }
}

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

  test('saves of several files at once are coalesced into one regeneration', async () => {
    // First after the start: chokidar drops a change within 50 ms of the last one for a file,
    // and the watcher's second look at it would be a separate run.
    const from = watcher.lines.length;
    writeFileSync(file('queries', 'posts.sql'), `${postsSql}\n-- name: PostTitle :one\nSELECT title FROM posts WHERE id = @id;\n`);
    // An editor's "save all": the files land a few milliseconds apart.
    for (const until = performance.now() + 4; performance.now() < until;);
    writeFileSync(file('queries', 'users.sql'), `${usersSql}\n-- name: UserEmail :one\nSELECT email FROM users WHERE id = @id;\n`);
    await watcher.waitFor(/^queries\/(posts|users)\.sql/, { from });
    await sleep(300);
    expect(watcher.lines.slice(from).map((l) => l.text), watcher.output()).toEqual([
      expect.stringMatching(/^queries\/posts\.sql, queries\/users\.sql -> generated\/posts\.ts, generated\/users\.ts \(\d+ ms\)$/),
    ]);
    expect(read('generated', 'posts.ts')).toContain('export function postTitle(');
    expect(read('generated', 'users.ts')).toContain('export function userEmail(');
  });

  test('a saved query file regenerates its module and touches no other file', async () => {
    const before = mtimes(out);
    const from = watcher.lines.length;
    writeFileSync(file('queries', 'users.sql'), `${usersSql}\n-- name: CountUsers :one\nSELECT count(*) AS total FROM users;\n`);
    const line = await watcher.waitFor(/^queries\/users\.sql -> /, { from });
    expect(line).toMatch(/^queries\/users\.sql -> generated\/users\.ts \(\d+ ms\)$/);
    expect(read('generated', 'users.ts')).toContain('export function countUsers(');
    const after = mtimes(out);
    for (const name of ['_runtime.ts', '_types.ts', 'index.ts', 'posts.ts']) expect(after.get(name), name).toBe(before.get(name));
    expect(after.get('users.ts')).not.toBe(before.get('users.ts'));
  });

  test('a second save right after the first is not lost', async () => {
    // chokidar drops a change within 50 ms of the previous one; the watcher looks again.
    const from = watcher.lines.length;
    writeFileSync(file('queries', 'posts.sql'), `${postsSql}\n-- name: FirstSave :one\nSELECT title FROM posts WHERE id = @id;\n`);
    await watcher.waitFor(/^queries\/posts\.sql -> /, { from, timeoutMs: 10_000 });
    writeFileSync(file('queries', 'posts.sql'), `${postsSql}\n-- name: SecondSave :one\nSELECT title FROM posts WHERE id = @id;\n`);
    const deadline = Date.now() + 10_000;
    while (!read('generated', 'posts.ts').includes('secondSave') && Date.now() < deadline) await sleep(20);
    expect(read('generated', 'posts.ts'), watcher.output()).toContain('export function secondSave(');
    expect(read('generated', 'posts.ts')).not.toContain('firstSave');
  });

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
    await watcher.waitFor(/^queries\/users\.sql: nothing written \(\d+ ms\)$/, { from, stream: 'err' });
    const printed = watcher.lines.slice(from).map((l) => l.text);
    expect(printed).toContain(` ${row + 1} | FROM users WHERE emial = @email;`);
    expect(printed, 'a caret under the column').toContain(`${' '.repeat(String(row + 1).length + 2)}|${' '.repeat(column)}^`);
    expect(read('generated', 'users.ts')).toBe(before);
    expect(statSync(file('generated', 'users.ts')).mtimeMs).toBe(mtime);
    expect(readdirSync(out).filter((name) => !name.endsWith('.ts'))).toEqual([]);

    from = watcher.lines.length;
    writeFileSync(file('queries', 'users.sql'), broken.replace('emial', 'email'));
    await watcher.waitFor(/^queries\/users\.sql -> generated\/users\.ts \(\d+ ms\)$/, { from });
    expect(read('generated', 'users.ts')).toContain('export function findByEmail(');
  });

  test('a new query file adds its module; removing it removes the module', async () => {
    let from = watcher.lines.length;
    writeFileSync(file('queries', 'authors.sql'), '-- name: ListAuthors :many\nSELECT DISTINCT author_id FROM posts;\n');
    await watcher.waitFor(/^queries\/authors\.sql \(new\) -> generated\/authors\.ts, generated\/index\.ts \(\d+ ms\)$/, { from });
    expect(read('generated', 'authors.ts')).toContain('export function listAuthors(');
    expect(read('generated', 'index.ts')).toContain("'./authors.js'");

    from = watcher.lines.length;
    unlinkSync(file('queries', 'authors.sql'));
    await watcher.waitFor(/^queries\/authors\.sql \(removed\) -> generated\/index\.ts, removed generated\/authors\.ts \(\d+ ms\)$/, { from });
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
        await watcher.waitFor(/^queries\/posts\.sql -> generated\/posts\.ts \(\d+ ms\)$/, { from });

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
        await watcher.waitFor(/^reconnected to postgres:\/\/.* \(\d+ ms\)$/, { from, stream: 'err' });
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
