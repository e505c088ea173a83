import type { AnalyzedFile, AnalyzedQuery } from '../analyze/analyzed-query.js';
import type { Config } from '../config/config.js';
import type { Diagnostic } from '../diagnostics.js';
import type { HelperThread } from '../parallel/helper-thread.js';
import { parseFiles } from '../parse/parse-files.js';
import type { ParsedQuery } from '../parse/parse-query.js';
import type { QueryFile, QuerySource } from '../parse/query-source.js';
import type { RenderedPart } from '../render/assemble-output.js';
import type { Catalog } from '../schema/catalog.js';
import type { DbSession, DescribeResult } from '../schema/db-session.js';
import { catalogFingerprint } from './catalog-fingerprint.js';
import { hashOf, type CachedAnalysis, type RunCache } from './run-cache.js';

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

export interface AnalyzedRun {
  /** Every file, in the order given. */
  readonly files: AnalyzedFile[];
  readonly diagnostics: Diagnostic[];
  /** Modules the helper thread rendered already, by query file path. */
  readonly rendered: ReadonlyMap<string, RenderedPart>;
}

/**
 * Describes every query that parsed (or parsed in an earlier run) and analyses it, reusing
 * the cached analysis when the catalog and the description are the ones it was made from.
 * The helper's files (parsed there) are described in the same round trip and analysed there,
 * at the same time as the rest here.
 */
export async function analyzeWithCache(
  files: readonly QueryFile[],
  parsed: ReadonlyMap<QuerySource, ParsedQuery>,
  database: { session: DbSession; catalog: Catalog },
  cache: RunCache,
  config: Config,
  helper?: { thread: HelperThread; texts: readonly (readonly (string | null)[])[] },
): Promise<AnalyzedRun> {
  const catalog = catalogFingerprint(database.catalog);
  const helped = [...(helper?.thread.files ?? [])];
  // A query with neither a parse nor a cached analysis failed to parse: reported already.
  const slots = files
    .filter((file) => !helper?.thread.files.has(file))
    .flatMap((file) =>
      file.queries.flatMap((source) => {
        const fresh = parsed.get(source);
        const cached = fresh ? undefined : cache.analysis(source);
        return fresh || cached ? [{ file, source, fresh, cached, text: (fresh?.text ?? cached?.text)! }] : [];
      }),
    );
  const helperTexts = (helper?.texts ?? []).flat().filter((text): text is string => text !== null);
  const described = await database.session.describe([...slots.map((slot) => slot.text), ...helperTexts]);

  // The helper starts on its files before this thread starts on the rest.
  let next = slots.length;
  const helperDescribed = (helper?.texts ?? []).map((texts) => texts.map((text) => (text === null ? null : described[next++]!)));
  const helperDone = helper?.thread.finish({ catalog: database.catalog, config, described: helperDescribed });

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

  const rendered = new Map<string, RenderedPart>();
  if (helper && helperDone) {
    const result = await helperDone;
    diagnostics.push(...result.diagnostics);
    helped.forEach((file, f) =>
      file.queries.forEach((source, q) => {
        const query = result.queries[f]![q];
        const description = helperDescribed[f]![q];
        if (!query || !description) return;
        const analysis: CachedAnalysis = { text: helper.texts[f]![q]!, catalog, described: descriptionKey(description), query };
        cache.keepAnalysis(source, analysis);
        done.set(source, query);
      }),
    );
    helped.forEach((file, f) => {
      const module = result.modules[f];
      if (module) rendered.set(file.path, module);
    });
  }

  const analyzed = files.map((file) => ({
    path: file.path,
    displayPath: file.displayPath,
    moduleName: file.moduleName,
    queries: file.queries.flatMap((source) => done.get(source) ?? []),
  }));
  return { files: analyzed, diagnostics: inFileOrder(files, diagnostics), rendered };
}

function descriptionKey(description: DescribeResult): string {
  return hashOf(JSON.stringify(description));
}

/** Sorts diagnostics by their file's place in `files`, keeping each file's own order. */
export function inFileOrder(files: readonly QueryFile[], diagnostics: readonly Diagnostic[]): Diagnostic[] {
  const place = new Map(files.map((file, i) => [file.displayPath, i]));
  return diagnostics
    .map((diagnostic, i) => ({ diagnostic, i, at: place.get(diagnostic.file ?? '') ?? -1 }))
    .sort((a, b) => a.at - b.at || a.i - b.i)
    .map((entry) => entry.diagnostic);
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
