import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { run } from '../../cli/program.js';
import { readMigrations } from '../../src/schema/read-migrations.js';

export const casesDir = path.resolve(import.meta.dirname, '../cases');

/** Set UPDATE_GOLDEN=1 to rewrite the expected output from what sqlgen produces now. */
export const updating = process.env.UPDATE_GOLDEN === '1';

export interface GoldenCase {
  readonly name: string;
  readonly dir: string;
  /** Expected exit code: 0 for cases with an `expected/` folder, else from case.json (default 1). */
  readonly exitCode: number;
  /** Cases whose input is a broken migration only make sense on the embedded database. */
  readonly embeddedOnly: boolean;
}

export function goldenCases(): GoldenCase[] {
  return readdirSync(casesDir)
    .filter((name) => existsSync(path.join(casesDir, name, 'sqlgen.config.json')))
    .sort()
    .map((name) => {
      const dir = path.join(casesDir, name);
      const meta = existsSync(path.join(dir, 'case.json'))
        ? (JSON.parse(readFileSync(path.join(dir, 'case.json'), 'utf8')) as { exitCode?: number; embeddedOnly?: boolean })
        : {};
      const errorCase = existsSync(path.join(dir, 'stderr.txt')) || name.startsWith('error-');
      return { name, dir, exitCode: meta.exitCode ?? (errorCase ? 1 : 0), embeddedOnly: meta.embeddedOnly ?? false };
    });
}

export interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the real CLI in-process, in `cwd`, capturing what it prints. */
export async function runCli(args: readonly string[], cwd: string, env: NodeJS.ProcessEnv = {}): Promise<CliResult> {
  const out: string[] = [];
  const err: string[] = [];
  const previous = process.cwd();
  process.chdir(cwd);
  try {
    const code = await run(args, {
      cwd,
      env: { SQLGEN_CACHE_DIR: path.join(tmpdir(), 'sqlgen-test-cache'), ...env },
      reporter: { out: (line) => out.push(line), err: (line) => err.push(line) },
    });
    return { code, stdout: out.join('\n'), stderr: err.join('\n') };
  } finally {
    process.chdir(previous);
  }
}

/**
 * Runs one golden case: a success case must match `expected/` exactly (checked with
 * `sqlgen check`, so a missing or extra file fails too); an error case must print exactly
 * `stderr.txt`, exit with its code, and write nothing.
 */
export async function runGoldenCase(golden: GoldenCase, extraArgs: readonly string[] = []): Promise<{ ok: boolean; message: string }> {
  const expectedDir = path.join(golden.dir, 'expected');
  if (golden.exitCode === 0) {
    if (updating) {
      const result = await runCli(['generate', ...extraArgs], golden.dir);
      return { ok: result.code === 0, message: result.stderr };
    }
    const result = await runCli(['check', ...extraArgs], golden.dir);
    return { ok: result.code === 0, message: `${result.stderr}\n${result.stdout}` };
  }
  const stderrFile = path.join(golden.dir, 'stderr.txt');
  const result = await runCli(['generate', ...extraArgs], golden.dir);
  if (updating) writeFileSync(stderrFile, `${result.stderr}\n`);
  const expected = existsSync(stderrFile) ? readFileSync(stderrFile, 'utf8') : '';
  const wroteNothing = !existsSync(expectedDir);
  if (!wroteNothing) rmSync(expectedDir, { recursive: true, force: true });
  const ok = result.code === golden.exitCode && `${result.stderr}\n` === expected && wroteNothing;
  return {
    ok,
    message: `exit ${result.code} (expected ${golden.exitCode})${wroteNothing ? '' : ', and it wrote output'}\n--- stderr\n${result.stderr}\n--- expected\n${expected}`,
  };
}

/** Applies a case's migrations to a live database, as a user's own migration tool would. */
export async function applyMigrations(url: string, migrationsDir: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    for (const migration of await readMigrations(migrationsDir)) await client.query(migration.sql);
  } finally {
    await client.end();
  }
}
