import type { Diagnostic } from '../diagnostics.js';
import type { ParsedQuery } from './parse-query.js';
import type { QueryFile } from './query-source.js';

/** Query files parsed (no database needed yet), with the problems found. */
export interface ParsedFiles {
  readonly files: readonly { readonly file: QueryFile; readonly queries: readonly ParsedQuery[] }[];
  readonly diagnostics: readonly Diagnostic[];
}

/** Rewrites parameters and parses every query with PostgreSQL's parser. */
export async function parseFiles(files: readonly QueryFile[]): Promise<ParsedFiles> {
  // The parser is WebAssembly that loads asynchronously; its synchronous calls fail until then.
  // It is imported here, not above, so that a run served from the cache never loads it.
  const [{ loadModule }, { parseQueries }] = await Promise.all([import('libpg-query'), import('./parse-query.js')]);
  await loadModule();
  const diagnostics: Diagnostic[] = [];
  const parsed = files.map((file) => {
    const result = parseQueries(file);
    diagnostics.push(...result.diagnostics);
    return { file, queries: result.queries };
  });
  return { files: parsed, diagnostics };
}
