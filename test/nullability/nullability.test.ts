import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AnalyzedQuery } from '../../src/analyze/analyzed-query.js';
import { findQueryFiles, loadConfig } from '../../src/config/load-config.js';
import { formatDiagnostic, type Diagnostic } from '../../src/diagnostics.js';
import { analyzeFiles, openSchema, readQueryFile } from '../../src/generate.js';
import { createTestDatabase, testDatabaseUrl } from '../support/database.js';
import {
  corpusDir, formatTable, loadCorpus, truthProblems, type Execution, type FieldVerdict,
} from './corpus.js';

/**
 * The nullability corpus (SPEC §5, issue 3): every query under queries/ lists the
 * nullability of each output column. The annotation is demonstrated by running every query
 * against data.sql (on PGlite, and on the live server when TEST_DATABASE_URL is set): a
 * column expected nullable must return NULL at least once, any other column never. Then
 * sqlgen's inference is held against it: no unsound field (typed non-null, can be NULL), and
 * fewer than one field in ten needlessly nullable.
 */

const corpus = loadCorpus();
const schemaSql = readFileSync(path.join(corpusDir, 'migrations', '001_schema.sql'), 'utf8');
const dataSql = readFileSync(path.join(corpusDir, 'data.sql'), 'utf8');
const env: NodeJS.ProcessEnv = { SQLGEN_CACHE_DIR: path.join(tmpdir(), 'sqlgen-test-cache') };

const minimumQueries = 80;
const maxImpreciseShare = 0.1;

interface Analysis {
  readonly queries: ReadonlyMap<string, AnalyzedQuery>;
  readonly diagnostics: readonly Diagnostic[];
}

/** Runs sqlgen's analysis of the corpus, on the embedded database or on `databaseUrl`. */
async function analyzeCorpus(databaseUrl = ''): Promise<Analysis> {
  const config = await loadConfig({ cwd: corpusDir, env, databaseUrl });
  const schema = await openSchema(config, { cwd: corpusDir, env });
  try {
    const read = await Promise.all((await findQueryFiles(config)).map((file) => readQueryFile(file, config, corpusDir)));
    const result = await analyzeFiles(read.map((r) => r.file), schema);
    return {
      queries: new Map(result.files.flatMap((f) => f.queries.map((q) => [q.name, q] as const))),
      diagnostics: [...read.flatMap((r) => r.diagnostics), ...result.diagnostics],
    };
  } finally {
    await schema.session.close();
  }
}

/**
 * Values stay in PostgreSQL's text form: a driver parses the JSON document `null` into a
 * JavaScript null, which must not count as SQL NULL.
 */
const rawText = { getTypeParser: () => (value: string) => value };

async function rawTextParsers(db: PGlite): Promise<Record<number, (value: string) => string>> {
  const types = await db.query<{ oid: number }>('SELECT oid::int AS oid FROM pg_type');
  return Object.fromEntries(types.rows.map((t) => [t.oid, (value: string) => value]));
}

type Outcome = Execution | { readonly error: string };

/** Runs every query in its own transaction, rolled back, so modifying queries change nothing. */
async function runCorpus(
  exec: (sql: string) => Promise<void>,
  query: (sql: string, values: readonly unknown[]) => Promise<Execution>,
): Promise<Map<string, Outcome>> {
  const outcomes = new Map<string, Outcome>();
  for (const q of corpus) {
    await exec('BEGIN');
    try {
      outcomes.set(q.name, await query(q.sql, q.values));
    } catch (error) {
      outcomes.set(q.name, { error: (error as Error).message });
    } finally {
      await exec('ROLLBACK');
    }
  }
  return outcomes;
}

function truthFailures(outcomes: ReadonlyMap<string, Outcome>): string[] {
  return corpus.flatMap((q) => {
    const outcome = outcomes.get(q.name);
    const where = `${q.name} (${q.file}:${q.line})`;
    if (!outcome) return [`${where}: not run`];
    if ('error' in outcome) return [`${where}: failed: ${outcome.error}`];
    return truthProblems(q, outcome).map((p) => `${where}: ${p}`);
  });
}

/** Field-by-field verdicts for the queries sqlgen analysed with the right number of columns. */
function verdicts(analysis: Analysis): FieldVerdict[] {
  return corpus.flatMap((q) => {
    const analyzed = analysis.queries.get(q.name);
    if (!analyzed || analyzed.columns.length !== q.expect.length) return [];
    return q.expect.map((column, i) => ({
      query: q.name,
      file: `${q.file}:${q.line}`,
      column: column.name,
      truthNullable: column.nullable,
      sqlgenNullable: analyzed.columns[i]!.nullable,
    }));
  });
}

/** Queries sqlgen rejected, or analysed into other columns than the corpus lists. */
function analysisFailures(analysis: Analysis): string[] {
  const problems = analysis.diagnostics.filter((d) => d.severity === 'error').map(formatDiagnostic);
  for (const q of corpus) {
    const analyzed = analysis.queries.get(q.name);
    if (!analyzed) {
      problems.push(`${q.name} (${q.file}:${q.line}): sqlgen produced no analysis`);
      continue;
    }
    const names = analyzed.columns.map((c) => c.name).join(' ');
    const expected = q.expect.map((c) => c.name).join(' ');
    if (names !== expected) problems.push(`${q.name} (${q.file}:${q.line}): sqlgen gives columns [${names}], the corpus [${expected}]`);
  }
  return problems;
}

function describeUnsound(fields: readonly FieldVerdict[]): string[] {
  return fields
    .filter((f) => f.truthNullable && !f.sqlgenNullable)
    .map((f) => `${f.query}.${f.column} (${f.file}): sqlgen types it non-null, but it can be NULL`);
}

function impreciseReport(fields: readonly FieldVerdict[], label: string): { share: number; text: string } {
  const imprecise = fields.filter((f) => !f.truthNullable && f.sqlgenNullable);
  const nonNull = fields.filter((f) => !f.truthNullable).length;
  const share = fields.length ? imprecise.length / fields.length : 0;
  const text = [
    `nullability corpus (${label}): ${corpus.length} queries, ${fields.length} fields, ` +
      `${imprecise.length} needlessly nullable = ${(share * 100).toFixed(1)}% of all fields ` +
      `(${((imprecise.length / Math.max(nonNull, 1)) * 100).toFixed(1)}% of the ${nonNull} non-null ones); limit ${maxImpreciseShare * 100}%`,
    ...(imprecise.length ? [formatTable(imprecise)] : []),
  ].join('\n');
  return { share, text };
}

describe('nullability corpus', () => {
  let analysis: Analysis;
  let outcomes: Map<string, Outcome>;
  let db: PGlite | undefined;

  beforeAll(async () => {
    const runTruth = async (): Promise<Map<string, Outcome>> => {
      db = await PGlite.create();
      await db.exec(schemaSql);
      await db.exec(dataSql);
      const pglite = db;
      const parsers = await rawTextParsers(pglite);
      return runCorpus(
        async (sql) => void (await pglite.exec(sql)),
        async (sql, values) => {
          const result = await pglite.query<unknown[]>(sql, [...values], { rowMode: 'array', parsers });
          return { fields: result.fields.map((f) => f.name), rows: result.rows };
        },
      );
    };
    [analysis, outcomes] = await Promise.all([analyzeCorpus(), runTruth()]);
  });

  afterAll(async () => {
    await db?.close();
  });

  it(`has at least ${minimumQueries} annotated queries`, () => {
    expect(corpus.length).toBeGreaterThanOrEqual(minimumQueries);
    for (const q of corpus) expect(q.expect.length, `${q.name} lists no columns`).toBeGreaterThan(0);
  });

  it('demonstrates its ground truth on PGlite: every nullable column returns NULL, no other does', () => {
    expect(truthFailures(outcomes)).toEqual([]);
  });

  it('is analysed by sqlgen, query by query and column by column', () => {
    expect(analysisFailures(analysis)).toEqual([]);
  });

  it('has no unsound field: nothing sqlgen types non-null can be NULL', () => {
    expect(describeUnsound(verdicts(analysis))).toEqual([]);
  });

  it(`has fewer than ${maxImpreciseShare * 100}% needlessly nullable fields`, () => {
    const fields = verdicts(analysis);
    const report = impreciseReport(fields, 'PGlite');
    console.log(report.text);
    expect(fields.length).toBeGreaterThan(0);
    expect(report.share, report.text).toBeLessThan(maxImpreciseShare);
  });

  describe.skipIf(testDatabaseUrl === undefined)('on the live server (TEST_DATABASE_URL)', () => {
    let drop: (() => Promise<void>) | undefined;
    let client: pg.Client | undefined;
    let liveOutcomes: Map<string, Outcome>;
    let liveAnalysis: Analysis;

    beforeAll(async () => {
      const database = await createTestDatabase();
      drop = database.drop;
      client = new pg.Client({ connectionString: database.url });
      await client.connect();
      await client.query(schemaSql);
      await client.query(dataSql);
      const live = client;
      liveOutcomes = await runCorpus(
        async (sql) => void (await live.query(sql)),
        async (sql, values) => {
          const result = await live.query<unknown[]>({ text: sql, values: [...values], rowMode: 'array', types: rawText });
          return { fields: result.fields.map((f) => f.name), rows: result.rows };
        },
      );
      liveAnalysis = await analyzeCorpus(database.url);
    });

    afterAll(async () => {
      await client?.end();
      await drop?.();
    });

    it('demonstrates its ground truth on PostgreSQL', () => {
      expect(truthFailures(liveOutcomes)).toEqual([]);
    });

    it('is analysed by sqlgen against the server with no unsound field', () => {
      expect(analysisFailures(liveAnalysis)).toEqual([]);
      expect(describeUnsound(verdicts(liveAnalysis))).toEqual([]);
    });

    it('gets the same nullability from the server as from the embedded database', () => {
      const embedded = new Map(verdicts(analysis).map((f) => [`${f.query}.${f.column}`, f.sqlgenNullable]));
      const differences = verdicts(liveAnalysis)
        .filter((f) => embedded.get(`${f.query}.${f.column}`) !== f.sqlgenNullable)
        .map((f) => `${f.query}.${f.column}: ${f.sqlgenNullable ? 'nullable' : 'non-null'} live, ${embedded.get(`${f.query}.${f.column}`) ? 'nullable' : 'non-null'} embedded`);
      expect(differences).toEqual([]);
    });
  });
});
