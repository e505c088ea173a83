import { createHash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Config } from '../config/config.js';
import { SqlgenFailure } from '../diagnostics.js';
import { openSchema, type RunOptions, type Schema } from '../generate.js';
import { readCatalog } from '../schema/read-catalog.js';
import { readMigrations } from '../schema/read-migrations.js';

/**
 * The one database a watcher analyses against for its whole life: the user's server (one
 * connection) or one embedded PGlite. It is replaced only when it must be: the embedded one
 * when the migrations' contents change, the connection when the URL changes or it broke.
 */
export interface SchemaHolder {
  /** The open schema; `undefined` before the first `refresh`, or when it failed. */
  readonly current: Schema | undefined;
  /**
   * Brings the schema up to date with `config` and the migrations on disk: on a server, reads
   * the catalog again (the user migrates it); embedded, starts a new PGlite when the migrations
   * differ from those the open one has. Throws what opening throws (migration errors: exit 1).
   */
  refresh(config: Config): Promise<Schema>;
  /** Whether the server connection still answers; always true for the embedded database. */
  alive(): Promise<boolean>;
  /**
   * Connects again after the connection broke, waiting longer after each failed attempt (0.1 s
   * doubling up to 2 s), until it works or `signal` aborts (then `undefined`).
   */
  reconnect(config: Config, signal: AbortSignal): Promise<Schema | undefined>;
  close(): Promise<void>;
}

interface Opened {
  readonly schema: Schema;
  /** The database URL, or for the embedded database a hash of the migrations it was built from. */
  readonly key: string;
}

const probeTimeoutMs = 5_000;
const firstRetryMs = 100;
const maxRetryMs = 2_000;

/** @example const holder = schemaHolder({ cwd, env }); const { catalog } = await holder.refresh(config); */
export function schemaHolder(options: RunOptions): SchemaHolder {
  let opened: Opened | undefined;
  // One change at a time: two PGlites opened at once would leave one that is never closed.
  let lock: Promise<unknown> = Promise.resolve();
  const exclusive = <T>(task: () => Promise<T>): Promise<T> => {
    const result = lock.then(task, task);
    lock = result.catch(() => undefined);
    return result;
  };

  const drop = async (): Promise<void> => {
    const old = opened;
    opened = undefined;
    await old?.schema.session.close().catch(() => undefined);
  };

  const open = async (config: Config, key: string): Promise<Schema> => {
    // PGlite instances are large: the old one goes before the new one starts.
    await drop();
    const schema = await openSchema(config, options);
    opened = { schema, key };
    return schema;
  };

  return {
    get current() {
      return opened?.schema;
    },

    refresh: (config) => exclusive(async () => {
      try {
        if (config.database !== undefined) {
          if (opened?.key !== config.database) return await open(config, config.database);
          const catalog = await readCatalog(opened.schema.session);
          opened = { ...opened, schema: { session: opened.schema.session, catalog } };
          return opened.schema;
        }
        const key = await migrationsFingerprint(config);
        if (opened?.key === key) return opened.schema;
        return await open(config, key);
      } catch (error) {
        // Never analyse against a schema that no longer matches the migrations or the config.
        await drop();
        throw error;
      }
    }),

    async alive() {
      const session = opened?.schema.session;
      if (!session || session.kind === 'embedded') return true;
      const probe = session.query('SELECT 1').then(() => true, () => false);
      const timeout = sleep(probeTimeoutMs, false, { ref: false });
      return Promise.race([probe, timeout]);
    },

    reconnect: (config, signal) => exclusive(async () => {
      await drop();
      const url = config.database;
      if (url === undefined) return undefined;
      for (let delay = firstRetryMs; !signal.aborted; delay = Math.min(delay * 2, maxRetryMs)) {
        try {
          return await open(config, url);
        } catch (error) {
          // Only a refused or failed connection is worth waiting out.
          if (!(error instanceof SqlgenFailure) || error.exitCode !== 2) throw error;
        }
        await sleep(delay, undefined, { signal }).catch(() => undefined);
      }
      return undefined;
    }),

    close: () => exclusive(drop),
  };
}

/**
 * A hash of the migrations' paths and texts: equal for two reads of an unchanged folder.
 * Throws what `readMigrations` throws.
 */
export async function migrationsFingerprint(config: Config): Promise<string> {
  const hash = createHash('sha256').update(config.migrations);
  for (const migration of await readMigrations(config.migrations)) hash.update(`\0${migration.path}\0${migration.sql}`);
  return hash.digest('hex');
}
