import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { ensureBuilt, root } from './support/built-cli.js';
import { writeSmallProject } from './support/small-project.js';

// A first run with many new queries hands half of the query files to a helper thread
// (src/parallel/). Worker threads run the built code, so these tests run the CLI from dist/ in
// a child process, with SQLGEN_PARALLEL=1 (a helper whatever the size) against =0 (none): the
// output, and the errors, must be the same byte for byte.

const cli = path.join(root, 'dist', 'cli', 'sqlgen.js');
/** Shared with the other tests, so the embedded database starts from a cached snapshot. */
const cacheDir = path.join(tmpdir(), 'sqlgen-test-cache');
let base: string;

beforeAll(() => {
  ensureBuilt();
  base = mkdtempSync(path.join(tmpdir(), 'sqlgen-parallel-'));
  const template = path.join(base, 'template');
  mkdirSync(template);
  writeFileSync(path.join(template, 'sqlgen.config.json'), JSON.stringify({ migrations: 'migrations', queries: ['queries/**/*.sql'], out: 'generated' }));
  writeSmallProject(template);
  // Several files of different sizes, so that both threads get some.
  for (let i = 1; i <= 6; i++) {
    const queries = Array.from({ length: i }, (_, q) => `-- name: Find${i}x${q} :many\nSELECT id, display_name AS name${q} FROM users WHERE id > @after_${q};\n`);
    writeFileSync(path.join(template, 'queries', `extra_${i}.sql`), queries.join('\n'));
  }
}, 120_000);

afterAll(() => {
  if (base) rmSync(base, { recursive: true, force: true });
});

/** A fresh copy of the project (so the run cache is cold), generated with the given setting. */
function generate(
  name: string,
  parallel: '0' | '1',
  edit?: (dir: string) => void,
): { code: number | null; stdout: string; stderr: string; files: Map<string, string>; threads: number } {
  const dir = path.join(base, name);
  cpSync(path.join(base, 'template'), dir, { recursive: true });
  edit?.(dir);
  // Node writes one CPU profile per thread: their number says whether a helper ran.
  const profiles = path.join(dir, 'profiles');
  const run = spawnSync(process.execPath, ['--cpu-prof', '--cpu-prof-dir', profiles, cli, 'generate'], {
    cwd: dir,
    encoding: 'utf8',
    env: { ...process.env, SQLGEN_CACHE_DIR: cacheDir, SQLGEN_PARALLEL: parallel, DATABASE_URL: '' },
    timeout: 120_000,
  });
  const out = path.join(dir, 'generated');
  let names: string[] = [];
  try {
    names = readdirSync(out);
  } catch {
    // Nothing written.
  }
  const files = new Map(names.map((file) => [file, readFileSync(path.join(out, file), 'utf8')]));
  return { code: run.status, stdout: run.stdout, stderr: run.stderr, files, threads: readdirSync(profiles).length };
}

test('a helper thread produces the same files as one thread', () => {
  const serial = generate('serial', '0');
  const parallel = generate('parallel', '1');
  expect(serial.code, serial.stderr).toBe(0);
  expect(parallel.code, parallel.stderr).toBe(0);
  expect([serial.threads, parallel.threads]).toEqual([1, 2]);
  expect(parallel.files.size).toBe(11); // 8 modules, _types, _runtime, index
  expect([...parallel.files.keys()]).toEqual([...serial.files.keys()]);
  for (const [file, contents] of serial.files) expect(parallel.files.get(file), file).toBe(contents);
  expect(parallel.stdout.replace(/\(.*\)/, '')).toBe(serial.stdout.replace(/\(.*\)/, ''));
}, 120_000);

test('errors found on either thread are reported in file order, the same as on one thread', () => {
  const breakFiles = (dir: string): void => {
    // A parse error in one file, an analysis error (unknown column) in another, a third clean.
    const queries = path.join(dir, 'queries');
    writeFileSync(path.join(queries, 'extra_2.sql'), readFileSync(path.join(queries, 'extra_2.sql'), 'utf8').replace('SELECT id,', 'SELECT id,,'));
    writeFileSync(path.join(queries, 'extra_5.sql'), readFileSync(path.join(queries, 'extra_5.sql'), 'utf8').replace('display_name AS name3', 'nickname AS name3'));
    writeFileSync(path.join(queries, 'extra_6.sql'), readFileSync(path.join(queries, 'extra_6.sql'), 'utf8').replace('SELECT id,', 'SELEC id,'));
  };
  const serial = generate('serial-errors', '0', breakFiles);
  const parallel = generate('parallel-errors', '1', breakFiles);
  expect(serial.code).toBe(1);
  expect(parallel.code).toBe(1);
  expect([serial.threads, parallel.threads]).toEqual([1, 2]);
  expect(serial.stderr).toMatch(/extra_2\.sql:2:\d+: error: syntax error[\s\S]*extra_6\.sql[\s\S]*extra_5\.sql:\d+:\d+: error: column "nickname" does not exist/);
  expect(parallel.stderr).toBe(serial.stderr);
  expect(parallel.files.size).toBe(0);
}, 120_000);
