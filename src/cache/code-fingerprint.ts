import { hash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { packageRoot } from '../package-root.js';

let fingerprint: string | undefined;

/**
 * A fingerprint of the code that is running: sqlgen's version and the path, size and
 * modification time of each of its compiled (or, under the tests, source) files, its
 * templates and the runtime it emits. Cached analyses and rendered files are keyed by it, so
 * a cache written by another build of sqlgen (an upgrade, or an edit while developing sqlgen
 * itself) is never used. Stating ~80 files takes a millisecond; reading and hashing them took
 * fifteen. npm gives every installed file the same time, hence the version.
 */
export function codeFingerprint(): string {
  if (fingerprint === undefined) {
    const root = packageRoot();
    // `.../dist/src/cache` when installed, `.../src/cache` under the tests.
    const codeRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
    const files = [path.join(root, 'package.json'), path.join(root, 'src', 'runtime', 'runtime.ts')];
    for (const folder of [path.join(codeRoot, 'src'), path.join(codeRoot, 'cli'), path.join(root, 'templates')]) files.push(...filesUnder(folder));
    const lines = files.map((file) => {
      const stats = statSync(file);
      return `${path.relative(root, file)} ${stats.size} ${stats.mtimeMs}`;
    });
    const { version } = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { version: string };
    fingerprint = hashOf(version, ...lines);
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

function hashOf(...parts: readonly string[]): string {
  return hash('sha1', parts.join('\n'));
}
