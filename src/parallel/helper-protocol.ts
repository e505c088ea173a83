import type { AnalyzedFile, AnalyzedQuery } from '../analyze/analyzed-query.js';
import type { Config } from '../config/config.js';
import type { Diagnostic } from '../diagnostics.js';
import type { QueryFile } from '../parse/query-source.js';
import type { RenderedPart } from '../render/assemble-output.js';
import type { Catalog } from '../schema/catalog.js';
import type { DescribeResult } from '../schema/db-session.js';

// The messages between a run and its helper thread, in the order they are sent.

/** To the helper, as its `workerData`: the files it parses, analyses and renders. */
export interface HelperStart {
  readonly files: readonly QueryFile[];
}

/** From the helper: per file, per query, the SQL to describe, or null when it did not parse. */
export interface HelperParsed {
  readonly texts: readonly (readonly (string | null)[])[];
  readonly diagnostics: readonly Diagnostic[];
}

/** To the helper: what it needs to analyse, with a description for every text it sent. */
export interface HelperAnalyze {
  readonly catalog: Catalog;
  readonly config: Config;
  readonly described: readonly (readonly (DescribeResult | null)[])[];
}

/** From the helper: its files analysed (null where a query failed) and rendered. */
export interface HelperDone {
  readonly files: readonly AnalyzedFile[];
  readonly queries: readonly (readonly (AnalyzedQuery | null)[])[];
  readonly diagnostics: readonly Diagnostic[];
  readonly modules: readonly RenderedPart[];
}
