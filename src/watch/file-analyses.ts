import { relative } from 'node:path';
import type { AnalyzedFile } from '../analyze/analyzed-query.js';
import type { Config } from '../config/config.js';
import type { Diagnostic } from '../diagnostics.js';
import { analyzeFiles, readQueryFile, type Schema } from '../generate.js';
import type { QueryFile } from '../parse/query-source.js';

/** What the last analysis of one query file gave: its queries, or the problems that kept them out. */
export interface FileAnalysis {
  readonly file: AnalyzedFile | undefined;
  readonly diagnostics: readonly Diagnostic[];
}

/** Query file path -> its last analysis; what lets one saved file be analysed alone. */
export type AnalysisCache = Map<string, FileAnalysis>;

/**
 * Reads and analyses `paths` against the open schema (one pipelined describe for all of
 * them) and stores each file's result in `cache`. A file that vanished since it was listed
 * is left out of the cache and its path returned, for the caller to drop from its list.
 */
export async function analyzeInto(cache: AnalysisCache, paths: readonly string[], schema: Schema, config: Config, cwd: string): Promise<string[]> {
  const gone: string[] = [];
  const read: { file: QueryFile; diagnostics: readonly Diagnostic[] }[] = [];
  await Promise.all(paths.map(async (path) => {
    try {
      read.push(await readQueryFile(path, config, cwd));
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'EISDIR') {
        gone.push(path);
        cache.delete(path);
      } else {
        const message = `cannot read query file: ${(error as Error).message}`;
        cache.set(path, { file: undefined, diagnostics: [{ severity: 'error', message, file: relative(cwd, path) || path }] });
      }
    }
  }));
  if (read.length === 0) return gone;

  const result = await analyzeFiles(read.map((r) => r.file), schema);
  // Every diagnostic of a query names its file as displayed; that is how they are sorted back.
  const byFile = new Map<string, Diagnostic[]>();
  for (const diagnostic of result.diagnostics) {
    const key = diagnostic.file ?? '';
    byFile.set(key, [...(byFile.get(key) ?? []), diagnostic]);
  }
  const claimed = new Set(read.map((r) => r.file.displayPath));
  const unplaced = [...byFile].filter(([key]) => !claimed.has(key)).flatMap(([, list]) => list);
  for (const [index, { file, diagnostics }] of read.entries()) {
    // A diagnostic that names no file read here stays with the first file, so it is not lost.
    const all = [...diagnostics, ...(byFile.get(file.displayPath) ?? []), ...(index === 0 ? unplaced : [])];
    cache.set(file.path, { file: all.some((d) => d.severity === 'error') ? undefined : result.files[index], diagnostics: all });
  }
  return gone;
}

/** The analyses of `paths`, in that order, and every diagnostic among them. */
export function collectAnalyses(cache: AnalysisCache, paths: readonly string[]): { files: AnalyzedFile[]; diagnostics: Diagnostic[] } {
  const files: AnalyzedFile[] = [];
  const diagnostics: Diagnostic[] = [];
  for (const path of paths) {
    const analysis = cache.get(path);
    if (!analysis) continue;
    if (analysis.file) files.push(analysis.file);
    diagnostics.push(...analysis.diagnostics);
  }
  return { files, diagnostics };
}
