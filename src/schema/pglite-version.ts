import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

let version: string | undefined;

/**
 * The installed PGlite's version, read without loading PGlite: a snapshot or a cached
 * description is only valid for the build that made it.
 */
export function pgliteVersion(): string {
  if (version === undefined) {
    try {
      let dir = path.dirname(fileURLToPath(import.meta.resolve('@electric-sql/pglite')));
      while (!existsSync(path.join(dir, 'package.json')) && path.dirname(dir) !== dir) dir = path.dirname(dir);
      version = (JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as { version: string }).version;
    } catch {
      version = 'unknown';
    }
  }
  return version;
}
