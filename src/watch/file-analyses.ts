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
  /** The text it was made from; the same text again needs no new analysis. */
  readonly text: string | undefined;
}

/** Query file path -> its last analysis; what lets one saved file be analysed alone. */
export type AnalysisCache = Map<string, FileAnalysis>;

export interface AnalyzeOutcome {
  /** Files that vanished since they were listed: left out of the cache, to drop from the list. */
  readonly gone: readonly string[];
  /** Files whose text is what the cache was made from: not analysed again. */
  readonly unchanged: readonly string[];
}

/**
 * Reads and analyses `paths` against the open schema (one pipelined describe for all of
 * them) and stores each file's result in `cache`. The cache must belong to this schema.
 */
export async function analyzeInto(
  cache: AnalysisCache,
  paths: readonly string[],
  schema: Schema,
  config: Config,
  cwd: string,
): Promise<AnalyzeOutcome> {
  const gone: string[] = [];
  const unchanged: string[] = [];
  const attempts = await Promise.all(paths.map(async (path) => {
    try {
      return await readQueryFile(path, config, cwd);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'EISDIR') {
        gone.push(path);
        cache.delete(path);
      } else {
        const message = `cannot read query file: ${(error as Error).message}`;
        cache.set(path, { file: undefined, diagnostics: [{ severity: 'error', message, file: relative(cwd, path) || path }], text: undefined });
      }
      return undefined;
    }
  }));
  const read: { file: QueryFile; diagnostics: readonly Diagnostic[] }[] = [];
  for (const attempt of attempts) {
    if (!attempt) continue;
    if (cache.get(attempt.file.path)?.text === attempt.file.text) unchanged.push(attempt.file.path);
    else read.push(attempt);
  }
  if (read.length === 0) return { gone, unchanged };

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
    cache.set(file.path, { file: all.some((d) => d.severity === 'error') ? undefined : result.files[index], diagnostics: all, text: file.text });
  }
  return { gone, unchanged };
}

/** The analysed files of `paths` by path, in that order, and every diagnostic among them. */
export function collectAnalyses(cache: AnalysisCache, paths: readonly string[]): { files: Map<string, AnalyzedFile>; diagnostics: Diagnostic[] } {
  const files = new Map<string, AnalyzedFile>();
  const diagnostics: Diagnostic[] = [];
  for (const path of paths) {
    const analysis = cache.get(path);
    if (!analysis) continue;
    if (analysis.file) files.set(path, analysis.file);
    diagnostics.push(...analysis.diagnostics);
  }
  return { files, diagnostics };
}
