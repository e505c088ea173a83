import { mkdir, mkdtemp, readdir, readFile, realpath, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { SqlgenFailure } from '../../src/diagnostics.js';
import { generatedHeader, header, type OutputFile } from '../../src/render/output-file.js';
import { checkOutput } from '../../src/write/check-output.js';
import { readOutput } from '../../src/write/read-output.js';
import { writeOutput } from '../../src/write/write-output.js';

let dir: string;
let out: string;

beforeEach(async () => {
  dir = await realpath(await mkdtemp(join(tmpdir(), 'sqlgen-write-')));
  out = join(dir, 'generated');
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

function generated(path: string, body: string): OutputFile {
  return { path, contents: `${header(`queries/${path.replace(/\.ts$/, '.sql')}`)}\n\n${body}\n` };
}

async function put(path: string, contents: string): Promise<void> {
  await mkdir(dirname(join(out, path)), { recursive: true });
  await writeFile(join(out, path), contents);
}

const read = (path: string) => readFile(join(out, path), 'utf8');

/** Every file below `out`, relative, sorted. */
async function listing(): Promise<string[]> {
  const entries = await readdir(out, { recursive: true, withFileTypes: true }).catch(() => []);
  return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name).slice(out.length + 1)).sort();
}

/** Sets a file's mtime in the past, so a rewrite would show. */
async function age(path: string): Promise<number> {
  const past = new Date(Date.now() - 3_600_000);
  await utimes(join(out, path), past, past);
  return (await stat(join(out, path))).mtimeMs;
}

describe('writeOutput', () => {
  test('writes every file into a new out folder, creating nested module folders', async () => {
    const files = [generated('users.ts', 'a'), generated('admin/audit.ts', 'b'), generated('admin/deep/x.ts', 'c')];
    const result = await writeOutput(out, files);
    expect(result).toEqual({ written: ['users.ts', 'admin/audit.ts', 'admin/deep/x.ts'], removed: [], unchanged: 0 });
    expect(await read('admin/deep/x.ts')).toBe(files[2]!.contents);
    expect(await listing()).toEqual(['admin/audit.ts', 'admin/deep/x.ts', 'users.ts']);
  });

  test('writes only the files whose contents changed; the rest keep their mtime', async () => {
    await writeOutput(out, [generated('users.ts', 'a'), generated('posts.ts', 'b')]);
    const usersTime = await age('users.ts');
    const postsTime = await age('posts.ts');
    const result = await writeOutput(out, [generated('users.ts', 'a'), generated('posts.ts', 'changed')]);
    expect(result).toEqual({ written: ['posts.ts'], removed: [], unchanged: 1 });
    expect((await stat(join(out, 'users.ts'))).mtimeMs).toBe(usersTime);
    expect((await stat(join(out, 'posts.ts'))).mtimeMs).not.toBe(postsTime);
    expect(await read('posts.ts')).toContain('changed');
  });

  test('a second identical run writes nothing', async () => {
    const files = [generated('users.ts', 'a'), generated('admin/audit.ts', 'b')];
    await writeOutput(out, files);
    expect(await writeOutput(out, files)).toEqual({ written: [], removed: [], unchanged: 2 });
  });

  test('removes generated files no input produces any more, and the folders they leave empty', async () => {
    await writeOutput(out, [generated('users.ts', 'a'), generated('admin/audit.ts', 'b'), generated('admin/deep/x.ts', 'c')]);
    const result = await writeOutput(out, [generated('users.ts', 'a')]);
    expect(result.removed).toEqual(['admin/audit.ts', 'admin/deep/x.ts']);
    expect(await listing()).toEqual(['users.ts']);
    await expect(stat(join(out, 'admin'))).rejects.toThrow();
  });

  test('a folder that still holds a user file is kept when generated files in it go', async () => {
    await writeOutput(out, [generated('admin/audit.ts', 'b')]);
    await put('admin/notes.md', 'mine');
    await writeOutput(out, []);
    expect(await listing()).toEqual(['admin/notes.md']);
  });

  test('prune: false keeps stale generated files', async () => {
    await writeOutput(out, [generated('users.ts', 'a'), generated('posts.ts', 'b')]);
    expect((await writeOutput(out, [generated('users.ts', 'a')], { prune: false })).removed).toEqual([]);
    expect(await listing()).toEqual(['posts.ts', 'users.ts']);
  });

  test('never removes or changes a file without the generated header', async () => {
    await put('helpers.ts', 'export const mine = 1;\n');
    await put('admin/extra.ts', '// my own\n');
    await writeOutput(out, [generated('users.ts', 'a')]);
    expect(await read('helpers.ts')).toBe('export const mine = 1;\n');
    expect(await read('admin/extra.ts')).toBe('// my own\n');
  });

  test('writing over a file without the header is an error, and nothing is written', async () => {
    await put('users.ts', 'export const handWritten = true;\n');
    const error = await writeOutput(out, [generated('posts.ts', 'b'), generated('users.ts', 'a')]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SqlgenFailure);
    expect((error as SqlgenFailure).exitCode).toBe(1);
    expect((error as SqlgenFailure).diagnostics).toEqual([
      { severity: 'error', file: join(out, 'users.ts'), message: 'exists and was not generated by sqlgen; move it away so sqlgen can write this file' },
    ]);
    expect(await read('users.ts')).toBe('export const handWritten = true;\n');
    expect(await listing()).toEqual(['users.ts']);
  });

  test('leaves no temporary files behind', async () => {
    await writeOutput(out, [generated('users.ts', 'a'), generated('admin/audit.ts', 'b')]);
    await writeOutput(out, [generated('users.ts', 'a2'), generated('admin/audit.ts', 'b2')]);
    expect((await listing()).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  test('files other than .ts are ignored, even with the header', async () => {
    await put('old.js', `${generatedHeader}\n`);
    await writeOutput(out, []);
    expect(await listing()).toEqual(['old.js']);
  });
});

describe('readOutput', () => {
  test('a missing folder is empty', async () => {
    const existing = await readOutput(join(dir, 'nope'));
    expect([...existing.generated.keys()]).toEqual([]);
    expect([...existing.foreign]).toEqual([]);
  });

  test('sorts .ts files into generated (with the header) and foreign, with / paths, skipping node_modules', async () => {
    await put('users.ts', `${generatedHeader}\nx`);
    await put('admin/audit.ts', `${generatedHeader}\ny`);
    await put('mine.ts', 'z');
    await put('node_modules/pkg/index.ts', `${generatedHeader}\n`);
    await put('readme.md', `${generatedHeader}\n`);
    const existing = await readOutput(out);
    expect(new Map([...existing.generated].sort())).toEqual(new Map([['admin/audit.ts', `${generatedHeader}\ny`], ['users.ts', `${generatedHeader}\nx`]]));
    expect([...existing.foreign]).toEqual(['mine.ts']);
  });

  test('the header must be at the very start', async () => {
    await put('late.ts', `\n${generatedHeader}\n`);
    expect([...(await readOutput(out)).foreign]).toEqual(['late.ts']);
  });
});

describe('checkOutput', () => {
  test('no drift when out holds exactly what would be generated', async () => {
    const files = [generated('users.ts', 'a'), generated('admin/audit.ts', 'b')];
    await writeOutput(out, files);
    expect(await checkOutput(out, files)).toEqual([]);
  });

  test('reports stale, missing and extra files sorted by path, with unified diffs', async () => {
    await writeOutput(out, [generated('users.ts', 'old line'), generated('gone.ts', 'bye')]);
    const drift = await checkOutput(out, [generated('users.ts', 'new line'), generated('admin/audit.ts', 'hello')]);
    expect(drift.map((d) => [d.path, d.status])).toEqual([['admin/audit.ts', 'missing'], ['gone.ts', 'extra'], ['users.ts', 'stale']]);
    const [missing, extra, stale] = drift;
    expect(stale!.diff).toContain('--- a/users.ts');
    expect(stale!.diff).toContain('+++ b/users.ts');
    expect(stale!.diff).toMatch(/^-old line$/m);
    expect(stale!.diff).toMatch(/^\+new line$/m);
    expect(missing!.diff).toMatch(/^\+hello$/m);
    expect(extra!.diff).toMatch(/^-bye$/m);
  });

  test('writes nothing', async () => {
    await writeOutput(out, [generated('users.ts', 'a')]);
    const before = await age('users.ts');
    await checkOutput(out, [generated('users.ts', 'b'), generated('new.ts', 'c')]);
    expect(await listing()).toEqual(['users.ts']);
    expect((await stat(join(out, 'users.ts'))).mtimeMs).toBe(before);
  });

  test('files without the header are never flagged', async () => {
    await put('helpers.ts', 'export {};\n');
    expect(await checkOutput(out, [])).toEqual([]);
  });

  test('a missing out folder: every file is missing', async () => {
    expect((await checkOutput(join(dir, 'none'), [generated('users.ts', 'a')])).map((d) => d.status)).toEqual(['missing']);
  });
});
