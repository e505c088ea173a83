import { createTwoFilesPatch } from 'diff';
import type { OutputFile } from '../render/output-file.js';
import { readOutput } from './read-output.js';

export interface Drift {
  readonly path: string;
  readonly status: 'stale' | 'missing' | 'extra';
  /** A unified diff from what is on disk to what would be generated. */
  readonly diff: string;
}

/** Compares the files a run would write with `out`, without writing anything. */
export async function checkOutput(out: string, files: readonly OutputFile[]): Promise<Drift[]> {
  const existing = await readOutput(out);
  const drift: Drift[] = [];
  for (const file of files) {
    const current = existing.generated.get(file.path);
    if (current === file.contents) continue;
    const status = current === undefined ? 'missing' : 'stale';
    drift.push({ path: file.path, status, diff: patch(file.path, current ?? '', file.contents) });
  }
  const produced = new Set(files.map((file) => file.path));
  for (const [file, contents] of existing.generated) {
    if (!produced.has(file)) drift.push({ path: file, status: 'extra', diff: patch(file, contents, '') });
  }
  return drift.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

function patch(file: string, before: string, after: string): string {
  return createTwoFilesPatch(`a/${file}`, `b/${file}`, before, after, undefined, undefined, { context: 3 });
}
