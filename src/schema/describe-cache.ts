import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { writeCacheFile } from '../cache/cache-file.js';
import type { Catalog, PgRelation, PgType } from './catalog.js';
import type { DbSession, DescribeResult } from './db-session.js';
import type { Migration } from './migration.js';
import { pgliteVersion } from './pglite-version.js';
import { readCatalog } from './read-catalog.js';

/** Bump when what is stored, or the catalog queries, change. */
const cacheFormat = 1;
const keptFiles = 4;

interface CacheFile {
  readonly format: number;
  readonly catalog: { types: PgType[]; relations: PgRelation[]; searchPath: string[] };
  readonly described: Record<string, DescribeResult>;
}

/**
 * The embedded database's answers, kept between runs. With the same migrations (and the same
 * PGlite) the catalog and the description of a statement never change, so a run whose
 * queries were all seen before does not start PostgreSQL at all; one with new or edited
 * queries starts it (through `start`) only to describe those.
 */
export async function openCachedSchema(
  migrations: readonly Migration[],
  cacheDir: string | undefined,
  start: () => Promise<DbSession>,
): Promise<{ session: DbSession; catalog: Catalog }> {
  const file = cacheDir ? path.join(cacheDir, `describe-${cacheKey(migrations)}.json`) : undefined;
  const cached = file ? await readCache(file) : undefined;
  let database: Promise<DbSession> | undefined;
  const open = (): Promise<DbSession> => (database ??= start());

  const catalog = cached ? catalogOf(cached) : await readCatalog(await open());
  const known = new Map(Object.entries(cached?.described ?? {}));
  const used = new Map<string, DescribeResult>();
  let changed = !cached;

  const session: DbSession = {
    kind: 'embedded',
    query: async (sql) => (await open()).query(sql),
    async describe(texts) {
      const missing = [...new Set(texts.filter((text) => !known.has(text)))];
      if (missing.length) {
        const results = await (await open()).describe(missing);
        missing.forEach((text, i) => known.set(text, results[i]!));
        changed = true;
      }
      return texts.map((text) => {
        const result = known.get(text)!;
        used.set(text, result);
        return result;
      });
    },
    async close() {
      // Keep what this run used, so edited queries do not pile up.
      if (file && (changed || used.size !== known.size)) await writeCache(file, catalog, used);
      if (database) await (await database).close();
    },
  };
  return { session, catalog };
}

function cacheKey(migrations: readonly Migration[]): string {
  const hash = createHash('sha256');
  hash.update(`sqlgen-describe:${cacheFormat}:${pgliteVersion()}\n`);
  for (const migration of migrations) {
    hash.update(`${migration.version}:${migration.name}:${migration.sql.length}\n${migration.sql}\n`);
  }
  return hash.digest('hex').slice(0, 24);
}

async function readCache(file: string): Promise<CacheFile | undefined> {
  try {
    const parsed = JSON.parse(await readFile(file, 'utf8')) as CacheFile;
    return parsed.format === cacheFormat ? parsed : undefined;
  } catch {
    return undefined;
  }
}

function catalogOf(cache: CacheFile): Catalog {
  return Object.freeze({
    types: new Map(cache.catalog.types.map((t) => [t.oid, t])),
    relations: new Map(cache.catalog.relations.map((r) => [r.oid, r])),
    searchPath: cache.catalog.searchPath,
  });
}

async function writeCache(file: string, catalog: Catalog, described: ReadonlyMap<string, DescribeResult>): Promise<void> {
  const contents: CacheFile = {
    format: cacheFormat,
    catalog: { types: [...catalog.types.values()], relations: [...catalog.relations.values()], searchPath: [...catalog.searchPath] },
    described: Object.fromEntries(described),
  };
  await writeCacheFile(file, JSON.stringify(contents), /^describe-[0-9a-f]+\.json$/, keptFiles);
}
