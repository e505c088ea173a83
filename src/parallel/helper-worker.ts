// The helper thread's code: parses its files as soon as it starts (no database needed), then,
// given the catalog and the descriptions, analyses and renders them. The same functions as
// the main thread, run on the other core.
import { parentPort, workerData } from 'node:worker_threads';
import { loadModule } from 'libpg-query';
import { analyzeQuery, newRunContext } from '../analyze/analyze-query.js';
import type { AnalyzedQuery } from '../analyze/analyzed-query.js';
import type { Diagnostic } from '../diagnostics.js';
import { parseQueries, type ParsedQuery } from '../parse/parse-query.js';
import { renderParts } from '../render/render.js';
import type { HelperAnalyze, HelperDone, HelperParsed, HelperStart } from './helper-protocol.js';

const { files } = workerData as HelperStart;
await loadModule();
const parsed = files.map((file) => {
  const result = parseQueries(file);
  const bySource = new Map(result.queries.map((query) => [query.source, query]));
  return { queries: file.queries.map((source) => bySource.get(source)), diagnostics: result.diagnostics };
});
const first: HelperParsed = {
  texts: parsed.map((file) => file.queries.map((query) => query?.text ?? null)),
  diagnostics: parsed.flatMap((file) => file.diagnostics),
};
parentPort!.postMessage(first);

parentPort!.once('message', ({ catalog, config, described }: HelperAnalyze) => {
  const run = newRunContext(catalog);
  const diagnostics: Diagnostic[] = [];
  const queries = files.map((file, f) =>
    parsed[f]!.queries.map((query: ParsedQuery | undefined, q): AnalyzedQuery | null => {
      const description = described[f]![q];
      if (!query || !description) return null;
      const result = analyzeQuery(file, query, description, run);
      if ('query' in result) return result.query;
      diagnostics.push(...result.diagnostics);
      return null;
    }),
  );
  const analyzed = files.map((file, f) => ({
    path: file.path,
    displayPath: file.displayPath,
    moduleName: file.moduleName,
    queries: queries[f]!.filter((query): query is AnalyzedQuery => query !== null),
  }));
  // Rendering needs every query of a file; a run with errors writes nothing anyway.
  const modules = diagnostics.length ? [] : renderParts(catalog, config, { modules: analyzed, types: false, index: undefined }).modules;
  const done: HelperDone = { files: analyzed, queries, diagnostics, modules };
  parentPort!.postMessage(done);
});
