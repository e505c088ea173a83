import { hash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { packageRoot } from '../package-root.js';

let fingerprint: string | undefined;

/**
 * A fingerprint of the code that is running: sqlgen's version and the path, size and
 * modification time of each of its compiled (or, under the tests, source) files, its
 * templates and the runtime it emits. Cached analyses and rendered files are keyed by it, so
 * a cache written by another build of sqlgen (an upgrade, or an edit while developing sqlgen
 * itself) is never used; nor is one made with another version of the SQL parser or the
 * template engine. Stating ~80 files takes a millisecond; reading and hashing them took
 * fifteen. npm gives every installed file the same time, hence the versions.
 */
export function codeFingerprint(): string {
  if (fingerprint === undefined) {
    const root = packageRoot();
    // `.../dist/src/cache` when installed, `.../src/cache` under the tests.
    const codeRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
    const files = [path.join(root, 'package.json'), path.join(root, 'src', 'runtime', 'runtime.ts')];
    // Under dist/, `dist/templates` holds the templates precompiled from `templates/`.
    const folders = new Set([path.join(codeRoot, 'src'), path.join(codeRoot, 'cli'), path.join(codeRoot, 'templates'), path.join(root, 'templates')]);
    for (const folder of folders) files.push(...filesUnder(folder));
    const lines = files.map((file) => {
      const stats = statSync(file);
      return `${path.relative(root, file)} ${stats.size} ${stats.mtimeMs}`;
    });
    fingerprint = hashOf(versionOf(path.join(root, 'package.json')), ...dependencies.map(dependencyVersion), ...lines);
  }
  return fingerprint;
}

/** Libraries whose output is part of what is cached: the parse tree, the rendered text. */
const dependencies = ['libpg-query', 'handlebars'];
const require = createRequire(import.meta.url);

function dependencyVersion(name: string): string {
  try {
    return `${name}@${versionOf(require.resolve(`${name}/package.json`))}`;
  } catch {
    return `${name}@?`;
  }
}

function versionOf(packageJson: string): string {
  return (JSON.parse(readFileSync(packageJson, 'utf8')) as { version: string }).version;
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
      else if (/\.(js|cjs|ts|hbs|json)$/.test(entry.name) && !entry.name.endsWith('.d.ts')) found.push(full);
    }
  };
  visit(dir);
  return found;
}

function hashOf(...parts: readonly string[]): string {
  return hash('sha1', parts.join('\n'));
}
