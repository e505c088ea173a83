import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { PGlite, type Extension } from '@electric-sql/pglite';
import { parse as parseMessages, serialize } from 'pg-protocol';
import { writeCacheFile } from '../cache/cache-file.js';
import { lineColumnAt, SqlgenFailure, type Diagnostic } from '../diagnostics.js';
import { collectDescribeResults, type BackendMessage, type DbSession, type DescribeResult } from './db-session.js';
import type { Migration } from './migration.js';
import { pgliteVersion } from './pglite-version.js';

/** Bump when what is stored in the cache changes shape. */
const cacheFormat = 1;
const keptSnapshots = 4;

export interface EmbeddedOptions {
  /** Folder for saved data directories; `undefined` disables the cache. */
  readonly cacheDir: string | undefined;
  /** Paths in messages are shown relative to this folder. */
  readonly cwd: string;
}

/**
 * Starts PostgreSQL in the process (PGlite) with the migrations applied.
 *
 * PGlite's cold start costs seconds, so the data directory after the migrations is saved
 * under `cacheDir`, keyed by a hash of the migrations, and a later run with the same
 * migrations loads it instead.
 */
export async function openEmbeddedDatabase(migrations: readonly Migration[], options: EmbeddedOptions): Promise<DbSession> {
  const extensions = await loadExtensions(migrations);
  const key = snapshotKey(migrations, Object.keys(extensions));
  const snapshot = options.cacheDir ? path.join(options.cacheDir, `pglite-${key}.tar.gz`) : undefined;

  let db = snapshot ? await loadSnapshot(snapshot, extensions) : undefined;
  if (!db) {
    // initdb is most of a cold start, so an empty cluster is kept too, for new migrations.
    const empty = options.cacheDir ? path.join(options.cacheDir, `pglite-empty-${pgliteVersion()}.tar.gz`) : undefined;
    db = empty ? await loadSnapshot(empty, extensions) : undefined;
    if (!db) {
      db = await PGlite.create({ extensions });
      if (empty) await saveSnapshot(db, empty);
    }
    await applyMigrations(db, migrations, options.cwd);
    if (snapshot) await saveSnapshot(db, snapshot);
  }
  // Settings a migration made for its session (search_path, roles, ...) must not leak
  // into analysis: a loaded snapshot starts a fresh session, so this one does too.
  await db.exec('DISCARD ALL');
  return embeddedSession(db);
}

async function loadSnapshot(file: string, extensions: Record<string, Extension>): Promise<PGlite | undefined> {
  const saved = await readFile(file).catch(() => undefined);
  if (!saved) return undefined;
  // A snapshot that does not load (a damaged file) is only a missed cache.
  return PGlite.create({ extensions, loadDataDir: new Blob([saved]) }).catch(() => undefined);
}

function embeddedSession(db: PGlite): DbSession {
  return {
    kind: 'embedded',
    async query<Row>(sql: string): Promise<Row[]> {
      const result = await db.query<Row>(sql);
      return result.rows;
    },
    async describe(texts: readonly string[]): Promise<DescribeResult[]> {
      if (!texts.length) return [];
      const parts: Buffer[] = [];
      for (const text of texts) {
        parts.push(serialize.parse({ text, types: [] }), serialize.describe({ type: 'S' }), serialize.sync());
      }
      const reply = await db.execProtocolRaw(Buffer.concat(parts), { syncToFs: false });
      const messages: BackendMessage[] = [];
      await parseMessages(Readable.from([Buffer.from(reply.buffer, reply.byteOffset, reply.byteLength)]), (m) => {
        messages.push(m as BackendMessage);
      });
      return collectDescribeResults(messages, texts.length);
    },
    async close(): Promise<void> {
      await db.close();
    },
  };
}

async function applyMigrations(db: PGlite, migrations: readonly Migration[], cwd: string): Promise<void> {
  for (const migration of migrations) {
    try {
      await db.exec(migration.sql);
    } catch (error) {
      throw new SqlgenFailure([migrationDiagnostic(migration, error, cwd)], 1);
    }
  }
}

function migrationDiagnostic(migration: Migration, error: unknown, cwd: string): Diagnostic {
  const e = error as { message?: string; position?: string; hint?: string; detail?: string };
  const file = path.relative(cwd, migration.path) || migration.path;
  const position = Number(e.position);
  const place = position > 0 ? lineColumnAt(migration.sql, position - 1) : {};
  const hint = [e.detail, e.hint].filter(Boolean).join('; ');
  return {
    severity: 'error',
    message: `migration failed: ${e.message ?? String(error)}`,
    file,
    ...place,
    ...(hint ? { hint } : {}),
  };
}

/** PGlite ships extensions as separate modules that must be passed in when it starts. */
async function loadExtensions(migrations: readonly Migration[]): Promise<Record<string, Extension>> {
  const names = new Set<string>();
  const create = /\bcreate\s+extension\s+(?:if\s+not\s+exists\s+)?("([^"]+)"|[a-z_][a-z0-9_-]*)/gi;
  for (const migration of migrations) {
    for (const match of migration.sql.matchAll(create)) {
      names.add((match[2] ?? match[1] ?? '').toLowerCase());
    }
  }
  const extensions: Record<string, Extension> = {};
  for (const name of [...names].sort()) {
    const id = name.replace(/-/g, '_');
    try {
      const module = (await import(`@electric-sql/pglite/contrib/${id}`)) as Record<string, Extension>;
      const extension = module[id];
      if (extension) extensions[id] = extension;
    } catch {
      // Not shipped with PGlite: CREATE EXTENSION reports it, with the migration's line.
    }
  }
  return extensions;
}

function snapshotKey(migrations: readonly Migration[], extensions: readonly string[]): string {
  const hash = createHash('sha256');
  hash.update(`sqlgen-pglite:${cacheFormat}:${pgliteVersion()}:${extensions.join(',')}\n`);
  for (const migration of migrations) {
    hash.update(`${migration.version}:${migration.name}:${migration.sql.length}\n${migration.sql}\n`);
  }
  return hash.digest('hex').slice(0, 24);
}

async function saveSnapshot(db: PGlite, file: string): Promise<void> {
  try {
    const dump = await db.dumpDataDir('gzip');
    await writeCacheFile(file, new Uint8Array(await dump.arrayBuffer()), /^pglite-[0-9a-f]+\.tar\.gz$/, keptSnapshots);
  } catch {
    // The cache only saves time: a snapshot that cannot be taken must not fail the run.
  }
}
