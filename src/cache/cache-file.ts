import { mkdir, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';

/**
 * Writes one file of the cache folder whole (through a temporary file and a rename, so a
 * reader never sees half of it), then removes all but the `keep` most recently written
 * files whose names match `family`. Never throws: the cache only saves time, and a
 * read-only or full disk must not fail the run.
 *
 * @example
 * await writeCacheFile(path.join(dir, `run-${key}.json`), json, /^run-[0-9a-f]+\.json$/, 16);
 */
export async function writeCacheFile(file: string, contents: string | Uint8Array, family: RegExp, keep: number): Promise<void> {
  try {
    const dir = path.dirname(file);
    await mkdir(dir, { recursive: true });
    const partial = `${file}.${process.pid}.tmp`;
    await writeFile(partial, contents);
    await rename(partial, file);
    const files = await Promise.all(
      (await readdir(dir)).filter((name) => family.test(name)).map(async (name) => ({ name, time: (await stat(path.join(dir, name))).mtimeMs })),
    );
    files.sort((a, b) => b.time - a.time);
    for (const old of files.slice(keep)) await rm(path.join(dir, old.name), { force: true });
  } catch {
    // Only a cache.
  }
}
