import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Config } from '../config/config.js';
import { usageError } from '../diagnostics.js';
import { readMigrations } from '../schema/read-migrations.js';
import type { Migration } from '../schema/migration.js';
import type { Reporter } from './reporter.js';

/**
 * `sqlgen migrate new NAME`: the next migration file in the layout the folder already uses
 * (golang-migrate for a new folder), numbered after the last one, or timestamped when the
 * folder uses timestamps.
 */
export async function migrateNewCommand(config: Config, name: string, now: Date, reporter: Reporter): Promise<number> {
  const slug = name.trim().toLowerCase().replace(/[^a-z0-9]+/g, '_').replace(/^_+|_+$/g, '');
  if (!slug) throw usageError(`migration name "${name}" has no letters or digits`);
  await mkdir(config.migrations, { recursive: true });
  const existing = await readMigrations(config.migrations);
  const last = existing.at(-1);
  const version = nextVersion(existing, now);
  const files = filesFor(last?.layout ?? 'golang-migrate', `${version}_${slug}`);
  for (const [file, contents] of files) {
    await writeFile(path.join(config.migrations, file), contents, { flag: 'wx' });
    reporter.out(`created ${path.relative(process.cwd(), path.join(config.migrations, file))}`);
  }
  return 0;
}

function nextVersion(existing: readonly Migration[], now: Date): string {
  const last = existing.at(-1);
  const digits = last ? /^\d+/.exec(path.basename(last.path))![0] : '000000';
  if (digits.length >= 12) {
    const stamp = now.toISOString().replace(/\D/g, '').slice(0, 14);
    return BigInt(stamp) > BigInt(digits) ? stamp : String(BigInt(digits) + 1n);
  }
  return String((last?.version ?? 0n) + 1n).padStart(digits.length, '0');
}

function filesFor(layout: Migration['layout'], base: string): [string, string][] {
  switch (layout) {
    case 'dbmate':
      return [[`${base}.sql`, '-- migrate:up\n\n\n-- migrate:down\n\n']];
    case 'goose':
      return [[`${base}.sql`, '-- +goose Up\n\n\n-- +goose Down\n\n']];
    case 'plain':
      return [[`${base}.sql`, '\n']];
    default:
      return [[`${base}.up.sql`, '\n'], [`${base}.down.sql`, '\n']];
  }
}
