import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { packageRoot } from '../package-root.js';

let fingerprint: string | undefined;

/**
 * A hash of the code that is running: sqlgen's own compiled (or, under the tests, source)
 * files, its templates and the runtime it emits. Cached analyses and rendered files are keyed
 * by it, so a cache written by another build of sqlgen (an upgrade, or an edit while
 * developing sqlgen itself) is never used.
 *
 * Reading ~70 small files costs a few milliseconds; a version number would be cheaper but
 * would not notice a rebuild of the same version.
 */
export function codeFingerprint(): string {
  if (fingerprint === undefined) {
    const root = packageRoot();
    // `.../dist/src/cache` when installed, `.../src/cache` under the tests.
    const codeRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
    const hash = createHash('sha256');
    for (const folder of [path.join(codeRoot, 'src'), path.join(codeRoot, 'cli'), path.join(root, 'templates')]) {
      for (const file of filesUnder(folder)) hash.update(`${path.relative(root, file)}\n`).update(readFileSync(file));
    }
    hash.update(readFileSync(path.join(root, 'src', 'runtime', 'runtime.ts')));
    fingerprint = hash.digest('hex').slice(0, 32);
  }
  return fingerprint;
}

/** Code and template files under `dir`, in a stable order. */
function filesUnder(dir: string): string[] {
  const found: string[] = [];
  const visit = (folder: string): void => {
    let entries;
    try {
      entries = readdirSync(folder, { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
      const full = path.join(folder, entry.name);
      if (entry.isDirectory()) visit(full);
      else if (/\.(js|ts|hbs|json)$/.test(entry.name) && !entry.name.endsWith('.d.ts')) found.push(full);
    }
  };
  visit(dir);
  return found;
}
