import { stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

/** The default cache folder: `node_modules/.cache/sqlgen` beside the config, else the OS temp folder. */
export async function defaultCacheDir(rootDir: string, env: NodeJS.ProcessEnv): Promise<string | undefined> {
  if (env.SQLGEN_CACHE_DIR !== undefined) return env.SQLGEN_CACHE_DIR || undefined;
  const modules = path.join(rootDir, 'node_modules');
  const hasModules = await stat(modules).then((s) => s.isDirectory(), () => false);
  return hasModules ? path.join(modules, '.cache', 'sqlgen') : path.join(tmpdir(), 'sqlgen-cache');
}

