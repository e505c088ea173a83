import type { AnalyzedFile, AnalyzedQuery } from '../analyze/analyzed-query.js';
import type { Diagnostic } from '../diagnostics.js';
import { parseFiles } from '../parse/parse-files.js';
import type { ParsedQuery } from '../parse/parse-query.js';
import type { QueryFile, QuerySource } from '../parse/query-source.js';
import type { Catalog } from '../schema/catalog.js';
import type { DbSession, DescribeResult } from '../schema/db-session.js';
import { catalogFingerprint } from './catalog-fingerprint.js';
import type { RunCache } from './run-cache.js';

/** Parses the queries that have no cached analysis; a first run parses them all. */
export async function parseUnseen(
  files: readonly QueryFile[],
  cache: RunCache,
): Promise<{ queries: Map<QuerySource, ParsedQuery>; diagnostics: readonly Diagnostic[] }> {
  const unseen = files
    .map((file) => ({ ...file, queries: file.queries.filter((source) => !cache.analysis(source)) }))
    .filter((file) => file.queries.length);
  const queries = new Map<QuerySource, ParsedQuery>();
  if (!unseen.length) return { queries, diagnostics: [] };
  const parsed = await parseFiles(unseen);
  for (const file of parsed.files) for (const query of file.queries) queries.set(query.source, query);
  return { queries, diagnostics: parsed.diagnostics };
}

/**
 * Describes every query that parsed (or parsed in an earlier run) and analyses it, reusing
 * the cached analysis when the catalog and the description are the ones it was made from.
 */
export async function analyzeWithCache(
  files: readonly QueryFile[],
  parsed: ReadonlyMap<QuerySource, ParsedQuery>,
  database: { session: DbSession; catalog: Catalog },
  cache: RunCache,
): Promise<{ files: AnalyzedFile[]; diagnostics: Diagnostic[] }> {
  const catalog = catalogFingerprint(database.catalog);
  // A query with neither a parse nor a cached analysis failed to parse: reported already.
  const slots = files.flatMap((file) =>
    file.queries.flatMap((source) => {
      const fresh = parsed.get(source);
      const cached = fresh ? undefined : cache.analysis(source);
      return fresh || cached ? [{ file, source, fresh, cached, text: (fresh?.text ?? cached?.text)! }] : [];
    }),
  );
  const described = await database.session.describe(slots.map((slot) => slot.text));

  const diagnostics: Diagnostic[] = [];
  const done = new Map<QuerySource, AnalyzedQuery>();
  let analyzer: Analyzer | undefined;
  for (const [i, slot] of slots.entries()) {
    const description = described[i]!;
    const key = descriptionKey(description);
    const { cached } = slot;
    if (cached && cached.catalog === catalog && cached.described === key) {
      cache.keepAnalysis(slot.source, cached);
      done.set(slot.source, cached.query);
      continue;
    }
    analyzer ??= await newAnalyzer(database.catalog);
    const result = await analyzer(slot.file, slot.fresh, slot.source, description);
    if ('query' in result) {
      cache.keepAnalysis(slot.source, { text: slot.text, catalog, described: key, query: result.query });
      done.set(slot.source, result.query);
    } else {
      diagnostics.push(...result.diagnostics);
    }
  }

  const analyzed = files.map((file) => ({
    path: file.path,
    displayPath: file.displayPath,
    moduleName: file.moduleName,
    queries: file.queries.flatMap((source) => done.get(source) ?? []),
  }));
  return { files: analyzed, diagnostics };
}

/** The description as JSON: a few hundred characters, cheaper to compare than to hash. */
function descriptionKey(description: DescribeResult): string {
  return JSON.stringify(description);
}

type Analyzer = (
  file: QueryFile,
  parsed: ParsedQuery | undefined,
  source: QuerySource,
  described: DescribeResult,
) => Promise<{ readonly query: AnalyzedQuery } | { readonly diagnostics: readonly Diagnostic[] }>;

/** Analyses one query, parsing it first when only its cached analysis was at hand. */
async function newAnalyzer(catalog: Catalog): Promise<Analyzer> {
  const { analyzeQuery, newRunContext } = await import('../analyze/analyze-query.js');
  const run = newRunContext(catalog);
  return async (file, parsed, source, described) => {
    // A cached query parsed before, and parsing depends on its text alone: it parses again.
    const query = parsed ?? (await parseFiles([{ ...file, queries: [source] }])).files[0]!.queries[0]!;
    return analyzeQuery(file, query, described, run);
  };
}
