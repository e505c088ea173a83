import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { generatedHeader } from '../render/output-file.js';

/** What `out` holds now: generated files (with the header) and the paths of all others. */
export interface ExistingOutput {
  /** Relative path (`/`) -> contents, for files that start with the generated header. */
  readonly generated: ReadonlyMap<string, string>;
  /** Relative paths of files without the header: never touched. */
  readonly foreign: ReadonlySet<string>;
}

const cache = new Map<string, { readonly stamp: string; readonly contents: string }>();

/**
 * A file's text, read again only when its size, mtime or inode changed since the last read:
 * watch mode compares the whole output folder after every save.
 */
async function readCached(file: string): Promise<string> {
  const info = await stat(file);
  const stamp = `${info.size}:${info.mtimeMs}:${info.ino}`;
  const known = cache.get(file);
  if (known?.stamp === stamp) return known.contents;
  const contents = await readFile(file, 'utf8');
  cache.set(file, { stamp, contents });
  return contents;
}

/**
 * Reads the `.ts` files below `out`; a missing folder is an empty one. Given `only` (relative
 * paths), reads just those that exist: watch mode, which knows what it wrote, looks at the
 * files a save changes and not at every file of a large `out`.
 */
export async function readOutput(out: string, only?: readonly string[]): Promise<ExistingOutput> {
  const generated = new Map<string, string>();
  const foreign = new Set<string>();
  if (only) {
    await Promise.all(only.map(async (relative) => {
      const contents = await readCached(path.join(out, ...relative.split('/'))).catch(missing);
      if (contents === undefined) return;
      if (contents.startsWith(generatedHeader)) generated.set(relative, contents);
      else foreign.add(relative);
    }));
    return { generated, foreign };
  }
  const entries = await readdir(out, { recursive: true, withFileTypes: true }).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return [];
    throw error;
  });
  await Promise.all(
    entries
      .filter((entry) => entry.isFile() && entry.name.endsWith('.ts'))
      .map(async (entry) => {
        const full = path.join(entry.parentPath, entry.name);
        const relative = path.relative(out, full).split(path.sep).join('/');
        if (relative.split('/').includes('node_modules')) return;
        const contents = await readCached(full);
        if (contents.startsWith(generatedHeader)) generated.set(relative, contents);
        else foreign.add(relative);
      }),
  );
  return { generated, foreign };
}

/** `undefined` for a file that is not there (or is a folder); other errors are thrown. */
function missing(error: NodeJS.ErrnoException): undefined {
  if (error.code === 'ENOENT' || error.code === 'ENOTDIR' || error.code === 'EISDIR') return undefined;
  throw error;
}
