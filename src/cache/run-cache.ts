import { hash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { AnalyzedQuery } from '../analyze/analyzed-query.js';
import type { QuerySource } from '../parse/query-source.js';
import type { RenderedPart } from '../render/assemble-output.js';
import { writeCacheFile } from './cache-file.js';
import { codeFingerprint } from './code-fingerprint.js';

/** Bump when what is stored changes shape. */
const cacheFormat = 3;
/** Projects whose caches are kept in one cache folder (the OS temp folder is shared). */
const keptFiles = 16;

/**
 * What a query's analysis was, and what it was computed from. It may be reused only when
 * the catalog and PostgreSQL's description of the statement are what they were: the
 * analysis is a function of the query's source, the catalog and the description, and of
 * nothing else.
 */
export interface CachedAnalysis {
  /** The SQL as described: named parameters rewritten to `$N`. */
  readonly text: string;
  /** `catalogFingerprint` of the catalog it was analysed against. */
  readonly catalog: string;
  /** PostgreSQL's description of it, as JSON. */
  readonly described: string;
  readonly query: AnalyzedQuery;
}

/**
 * Analyses and rendered files of one project, kept between runs, so that a run does again
 * only what its changes need. A miss costs nothing but the work; the cache is never trusted
 * for more than its keys say. Only what a run used is kept, so it does not grow.
 */
export interface RunCache {
  analysis(source: QuerySource): CachedAnalysis | undefined;
  keepAnalysis(source: QuerySource, analysis: CachedAnalysis): void;
  output(key: string): RenderedPart | undefined;
  keepOutput(key: string, part: RenderedPart): void;
  /** Writes what this run used, if it differs from what was read. Never fails. */
  save(): Promise<void>;
}

interface CacheFile {
  readonly format: number;
  /** `codeFingerprint()` of the sqlgen that wrote it. */
  readonly code: string;
  readonly analyses: Record<string, CachedAnalysis>;
  readonly outputs: Record<string, RenderedPart>;
}

/**
 * Opens the cache of the project whose config is at `configPath`, in `cacheDir`; without a
 * cache folder, one that remembers nothing.
 */
export async function openRunCache(cacheDir: string | undefined, configPath: string): Promise<RunCache> {
  const file = cacheDir ? path.join(cacheDir, `run-${hashOf(configPath).slice(0, 24)}.json`) : undefined;
  // Stating sqlgen's own files is wasted when nothing is read or written.
  const code = file ? codeFingerprint() : '';
  const stored = file ? await readCache(file, code) : undefined;
  const analyses = new Map<string, CachedAnalysis>();
  const outputs = new Map<string, RenderedPart>();
  let changed = false;

  return {
    analysis: (source) => stored?.analyses[sourceKey(source)],
    keepAnalysis(source, analysis) {
      const key = sourceKey(source);
      if (stored?.analyses[key] !== analysis) changed = true;
      analyses.set(key, analysis);
    },
    output: (key) => stored?.outputs[key],
    keepOutput(key, part) {
      if (stored?.outputs[key] !== part) changed = true;
      outputs.set(key, part);
    },
    async save() {
      if (!file) return;
      const dropped = !stored || Object.keys(stored.analyses).length !== analyses.size || Object.keys(stored.outputs).length !== outputs.size;
      if (!changed && !dropped) return;
      const contents: CacheFile = { format: cacheFormat, code, analyses: Object.fromEntries(analyses), outputs: Object.fromEntries(outputs) };
      await writeCacheFile(file, JSON.stringify(contents), /^run-[0-9a-f]+\.json$/, keptFiles);
    },
  };
}

/**
 * A hash of some strings, for cache keys (not for security: a collision would need to be
 * crafted, and would only produce wrong generated code for whoever crafted it). The one-shot
 * form: creating a Hash object per key cost more than hashing.
 */
export function hashOf(...parts: readonly string[]): string {
  return hash('sha1', parts.join('\0'));
}

const sourceKeys = new WeakMap<QuerySource, string>();

/** Everything of a query's source that its analysis reads (not its place in the file). */
function sourceKey(source: QuerySource): string {
  let key = sourceKeys.get(source);
  if (key === undefined) sourceKeys.set(source, (key = hashOf(source.name, source.command, source.doc.join('\n'), source.sql)));
  return key;
}

async function readCache(file: string, code: string): Promise<CacheFile | undefined> {
  try {
    const parsed = JSON.parse(await readFile(file, 'utf8')) as CacheFile;
    return parsed.format === cacheFormat && parsed.code === code ? parsed : undefined;
  } catch {
    return undefined;
  }
}
