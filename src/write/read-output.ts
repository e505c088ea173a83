import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { generatedHeader } from '../render/output-file.js';

/** What `out` holds now: generated files (with the header) and the paths of all others. */
export interface ExistingOutput {
  /** Relative path (`/`) -> contents, for files that start with the generated header. */
  readonly generated: ReadonlyMap<string, string>;
  /** Relative paths of files without the header: never touched. */
  readonly foreign: ReadonlySet<string>;
}

/** Reads the `.ts` files below `out`; a missing folder is an empty one. */
export async function readOutput(out: string): Promise<ExistingOutput> {
  const generated = new Map<string, string>();
  const foreign = new Set<string>();
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
        const contents = await readFile(full, 'utf8');
        if (contents.startsWith(generatedHeader)) generated.set(relative, contents);
        else foreign.add(relative);
      }),
  );
  return { generated, foreign };
}
