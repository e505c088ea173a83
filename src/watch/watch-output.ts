import { reportDiagnostics, type Reporter } from '../commands/reporter.js';
import { SqlgenFailure } from '../diagnostics.js';
import type { OutputFile } from '../render/output-file.js';
import { writeOutput, type WriteResult } from '../write/write-output.js';
import { duration, writtenFiles } from './run-line.js';

/** Relative path -> contents of every file that the watcher's last write left in `out`. */
export type WrittenFiles = ReadonlyMap<string, string>;

export interface WriteSince {
  readonly result: WriteResult;
  /** What `out` holds now, to pass as `last` to the next write. */
  readonly written: WrittenFiles;
  /** Only the files that differ from `last` were compared with the disk; the others were not looked at. */
  readonly partial: boolean;
}

/**
 * Writes `files`, every file of `out`. Given `last`, what the previous write left, only the
 * files whose contents differ from it are compared with the disk and written: a save of one
 * query file looks at one module, not at every file of a large `out`. Without `last`, or when
 * a file of `last` is no longer produced (it must be removed), `out` is compared whole.
 *
 * @example
 * const first = await writeSince('generated', files, undefined);  // compares every file
 * const next = await writeSince('generated', changed, first.written); // writes users.ts only
 */
export async function writeSince(out: string, files: readonly OutputFile[], last: WrittenFiles | undefined): Promise<WriteSince> {
  const written = new Map(files.map((file) => [file.path, file.contents]));
  if (!last || [...last.keys()].some((path) => !written.has(path))) {
    return { result: await writeOutput(out, files), written, partial: false };
  }
  const changed = files.filter((file) => last.get(file.path) !== file.contents);
  const result = changed.length ? await writeOutput(out, changed, { subset: true }) : { written: [], removed: [], unchanged: 0 };
  return { result: { ...result, unchanged: files.length - result.written.length }, written, partial: true };
}

/**
 * Compares the whole of `out` with `files`, what the last write left, and puts back what was
 * edited or removed by hand since; says so in one line when it did.
 *
 * @example
 * await restoreOutput('/app/generated', files, reporter, '/app');
 * // restored generated/posts.ts, changed outside sqlgen (3 ms)
 */
export async function restoreOutput(out: string, files: readonly OutputFile[], reporter: Reporter, cwd: string): Promise<void> {
  const started = performance.now();
  try {
    const result = await writeOutput(out, files);
    if (result.written.length + result.removed.length === 0) return;
    reporter.out(`restored ${writtenFiles(result, out, cwd)}, changed outside sqlgen (${duration(performance.now() - started)})`);
  } catch (error) {
    // A hand-written file where a module belongs: say so, as a full run would.
    if (!(error instanceof SqlgenFailure)) throw error;
    reportDiagnostics(reporter, error.diagnostics);
  }
}
