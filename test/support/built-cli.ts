import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';

export const root = path.resolve(import.meta.dirname, '..', '..');
const cli = path.join(root, 'dist', 'cli', 'sqlgen.js');

/**
 * Builds dist/ (as `npm run build` does) when it is missing or older than the sources or
 * templates, so that a test running the CLI in a child process runs this code.
 */
export function ensureBuilt(): void {
  const newest = (dir: string, ext: string): number =>
    readdirSync(dir, { recursive: true, encoding: 'utf8' })
      .filter((file) => file.endsWith(ext))
      .reduce((max, file) => Math.max(max, statSync(path.join(dir, file)).mtimeMs), 0);
  const built = existsSync(cli) ? statSync(cli).mtimeMs : 0;
  const sources = Math.max(newest(path.join(root, 'src'), '.ts'), newest(path.join(root, 'cli'), '.ts'), newest(path.join(root, 'templates'), '.hbs'));
  if (built >= sources) return;
  try {
    execFileSync(process.execPath, [path.join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', root], { stdio: 'pipe' });
  } catch (error) {
    // tsc still emits when another part of the tree has a type error; only no CLI at all is fatal.
    if (!existsSync(cli)) throw error;
  }
  for (const script of ['compile-schema.mjs', 'compile-templates.mjs']) {
    execFileSync(process.execPath, [path.join(root, 'scripts', script)], { stdio: 'pipe' });
  }
}
