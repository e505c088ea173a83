// Section 1: wall time of `sqlgen generate` (live server; embedded database cold and warm)
// and of pgtyped on the same queries, for 10, 100 and 1,000 queries laid out as many files and
// as one file; then where sqlgen's time goes (stage timings and a CPU profile).
import { cpSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { layoutQueries, pgtypedFile, sqlgenFile } from '../fixtures/queries.mjs';
import { analyzeCpuProfile } from '../lib/cpu-profile.mjs';
import { createDatabase } from '../lib/db.mjs';
import { table } from '../lib/markdown.mjs';
import { run, runOk } from '../lib/proc.mjs';
import { num, range, ratioRange, summarize } from '../lib/stats.mjs';

export const sizes = [10, 100, 1000];
export const layouts = ['many', 'one'];
const layoutName = { many: 'files of ≤ 5 queries', one: 'one file' };
export const schemaSql = (bench) => path.join(bench, 'fixtures', 'migrations');

/** Environment for the tools: no stray database or pgtyped settings from the caller. */
export function toolEnv(extra = {}) {
  const env = { ...process.env };
  for (const key of ['DATABASE_URL', 'PGURI', 'CONFIG', 'WATCH', 'URI', 'FILE', 'SQLGEN_CACHE_DIR', 'NODE_OPTIONS']) delete env[key];
  return { ...env, ...extra };
}

/**
 * A project folder with the same queries for both tools: `queries/` + `sqlgen.config.json`
 * for sqlgen (out: `generated/`), `pgq/` + `pgtyped.json` for pgtyped (output beside the .sql).
 * `transform(queries, fileIndex)` may change a file's queries (the watch benchmark does).
 */
export function makeProject(dir, bench, count, layout, transform = (q) => q) {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(path.join(dir, 'queries'), { recursive: true });
  mkdirSync(path.join(dir, 'pgq'), { recursive: true });
  cpSync(schemaSql(bench), path.join(dir, 'migrations'), { recursive: true });
  const files = layoutQueries(count, layout).map((f, i) => ({ ...f, queries: transform(f.queries, i) }));
  for (const f of files) {
    writeFileSync(path.join(dir, 'queries', f.file), sqlgenFile(f.queries));
    writeFileSync(path.join(dir, 'pgq', f.file), pgtypedFile(f.queries));
  }
  writeFileSync(path.join(dir, 'sqlgen.config.json'), `${JSON.stringify({ migrations: 'migrations', queries: ['queries/**/*.sql'], out: 'generated' }, null, 2)}\n`);
  writeFileSync(
    path.join(dir, 'pgtyped.json'),
    `${JSON.stringify({
      transforms: [{ mode: 'sql', include: '**/*.sql', emitTemplate: '{{dir}}/{{name}}.queries.ts' }],
      srcDir: './pgq',
      failOnError: true,
      camelCaseColumnNames: true,
      // pgtyped has no mapping for domains; sqlgen maps them to their base type by itself.
      typesOverrides: { email: 'string' },
    }, null, 2)}\n`,
  );
  return { dir, count, layout, files };
}

export const sqlgenCli = (root) => path.join(root, 'dist', 'cli', 'sqlgen.js');
export const pgtypedCli = (bench) => path.join(bench, 'node_modules', '@pgtyped', 'cli', 'lib', 'index.js');

/** One `sqlgen generate` from a clean `generated/`; returns its wall time in ms. */
async function sqlgenOnce(ctx, project, database, cacheDir) {
  rmSync(path.join(project.dir, 'generated'), { recursive: true, force: true });
  const env = toolEnv(cacheDir === undefined ? {} : { SQLGEN_CACHE_DIR: cacheDir });
  const result = await runOk(process.execPath, [sqlgenCli(ctx.root), 'generate', '--database-url', database], { cwd: project.dir, env, timeoutMs: 180_000 });
  const summary = /^(\d+) quer(?:y|ies) in (\d+) files? ->/m.exec(result.stdout);
  if (!summary || Number(summary[1]) !== project.count) throw new Error(`sqlgen generated an unexpected result in ${project.dir}:\n${result.stdout}${result.stderr}`);
  return result.ms;
}

/** One pgtyped run from clean outputs; returns its wall time in ms. */
async function pgtypedOnce(ctx, project, url) {
  const pgq = path.join(project.dir, 'pgq');
  for (const f of readdirSync(pgq)) if (f.endsWith('.queries.ts')) rmSync(path.join(pgq, f));
  const result = await runOk(process.execPath, [pgtypedCli(ctx.bench), '-c', 'pgtyped.json', '--uri', url], { cwd: project.dir, env: toolEnv(), timeoutMs: 600_000 });
  const written = readdirSync(pgq).filter((f) => f.endsWith('.queries.ts')).length;
  if (written !== project.files.length || /Error/.test(result.stdout + result.stderr)) {
    throw new Error(`pgtyped did not generate every file in ${project.dir} (${written}/${project.files.length}):\n${(result.stdout + result.stderr).slice(-3000)}`);
  }
  return result.ms;
}

/** How many rounds each tool gets, by mode. pgtyped at 1,000 queries takes about a minute a run. */
function plan(ctx) {
  const r = ctx.rounds;
  return ctx.quick
    ? { live: r ?? 2, warm: 1, cold: 1, coldSizes: [10, 1000], coldLayouts: ['many'], pgtyped: 1, pgtypedBig: 1, pgtypedBigLayouts: ['many'], profileRuns: 1 }
    : { live: r ?? 5, warm: r ?? 3, cold: r ?? 2, coldSizes: sizes, coldLayouts: ['many'], pgtyped: r ?? 2, pgtypedBig: 1, pgtypedBigLayouts: layouts, profileRuns: 3 };
}

export async function generationSection(ctx) {
  const p = plan(ctx);
  const work = path.join(ctx.work, 'generation');
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  ctx.log('generation: creating the schema database and the projects');
  const migration = path.join(schemaSql(ctx.bench), '000001_schema.up.sql');
  const url = await createDatabase(ctx.url, 'generation', readFileSync(migration, 'utf8'));

  const projects = [];
  for (const count of sizes) for (const layout of layouts) projects.push(makeProject(path.join(work, `${count}-${layout}`), ctx.bench, count, layout));
  // Embedded caches: `base` holds the PGlite snapshots (initdb + migrations done); each project
  // has its own warm folder that also holds the described answers of its queries.
  const baseCache = path.join(work, 'cache-base');
  const warmCache = (project) => path.join(work, `cache-warm-${project.count}-${project.layout}`);
  const liveCache = (project) => path.join(work, `cache-live-${project.count}-${project.layout}`);

  // Warm-up, untimed: disk caches, the server's catalog caches, and the embedded caches.
  ctx.log('generation: warm-up');
  await sqlgenOnce(ctx, projects[0], url);
  await pgtypedOnce(ctx, projects[0], url);
  await sqlgenOnce(ctx, projects[0], '', baseCache);
  for (const project of projects) await sqlgenOnce(ctx, project, '', warmCache(project));
  for (const project of projects) await sqlgenOnce(ctx, project, url, liveCache(project));
  const snapshotOnly = async (project) => {
    // A cache with the snapshots but no described answers: PGlite starts and describes every query,
    // as after editing them all.
    const dir = mkdtempSync(path.join(work, 'cache-snapshot-'));
    for (const file of readdirSync(baseCache)) if (file.startsWith('pglite-')) cpSync(path.join(baseCache, file), path.join(dir, file));
    try {
      return await sqlgenOnce(ctx, project, '', dir);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };

  const samples = new Map(); // `${tool}|${count}|${layout}` -> ms[]
  const ratios = new Map(); // `${count}|${layout}` -> pgtyped/sqlgen live, per round
  const failures = new Map(); // `${tool}|${count}|${layout}` -> messages
  const push = (map, key, value) => map.set(key, [...(map.get(key) ?? []), value]);
  const rounds = Math.max(p.live, p.warm, p.cold, p.pgtyped);
  for (let round = 0; round < rounds; round++) {
    for (const project of projects) {
      const { count, layout } = project;
      const tools = [];
      if (round < p.live) {
        // A first run (an empty cache folder: everything is parsed, analysed, rendered, and the
        // cache written) and a run with the queries unchanged since the last one (only the
        // catalog read and every statement described again).
        tools.push(['sqlgen live', async () => {
          const empty = mkdtempSync(path.join(work, 'cache-live-first-'));
          try {
            return await sqlgenOnce(ctx, project, url, empty);
          } finally {
            rmSync(empty, { recursive: true, force: true });
          }
        }]);
        tools.push(['sqlgen live cached', () => sqlgenOnce(ctx, project, url, liveCache(project))]);
      }
      if (round < p.warm) tools.push(['sqlgen embedded warm', () => sqlgenOnce(ctx, project, '', warmCache(project))]);
      if (round < p.warm) tools.push(['sqlgen embedded snapshot only', () => snapshotOnly(project)]);
      if (round < p.cold && p.coldSizes.includes(count) && p.coldLayouts.includes(layout)) {
        tools.push(['sqlgen embedded cold', async () => {
          const empty = mkdtempSync(path.join(work, 'cache-cold-'));
          try {
            return await sqlgenOnce(ctx, project, '', empty);
          } finally {
            rmSync(empty, { recursive: true, force: true });
          }
        }]);
      }
      const pgtypedRounds = count >= 1000 ? (p.pgtypedBigLayouts.includes(layout) ? p.pgtypedBig : 0) : p.pgtyped;
      if (round < pgtypedRounds) tools.push(['pgtyped live', () => pgtypedOnce(ctx, project, url)]);
      // Interleaved: each round starts with a different tool.
      const order = tools.map((_, i) => tools[(i + round) % tools.length]);
      const got = {};
      for (const [tool, once] of order) {
        // A failed run is reported, not fatal: the other measurements still count.
        const ms = await once().catch((error) => {
          const message = error.message.split('\n').find((line) => /error/i.test(line) && !line.startsWith('/')) ?? error.message.split('\n')[0];
          push(failures, `${tool}|${count}|${layout}`, `round ${round + 1}: ${message.trim()}`);
          ctx.log(`generation: ${tool} failed on ${count} ${layout}: ${error.message.slice(0, 1500)}`);
          return undefined;
        });
        if (ms === undefined) continue;
        got[tool] = ms;
        push(samples, `${tool}|${count}|${layout}`, ms);
      }
      if (got['pgtyped live'] !== undefined && got['sqlgen live'] !== undefined) push(ratios, `${count}|${layout}`, got['pgtyped live'] / got['sqlgen live']);
      ctx.log(`generation: round ${round + 1}/${rounds} ${count} ${layout}: ${Object.entries(got).map(([t, ms]) => `${t} ${Math.round(ms)} ms`).join(', ')}`);
    }
  }

  // Where the time goes: stage timings through the library, then a CPU profile of the CLI.
  const big = projects.filter((pr) => pr.count === 1000);
  const phaseRuns = new Map();
  for (let i = 0; i < p.profileRuns; i++) {
    for (const project of big) {
      const result = await runOk(process.execPath, [path.join(ctx.bench, 'sections', 'generate-phases.mjs'), ctx.root, project.dir, url], { cwd: project.dir, env: toolEnv(), timeoutMs: 120_000 });
      const { phases } = JSON.parse(result.stdout.trim().split('\n').at(-1));
      for (const [name, ms] of Object.entries(phases)) push(phaseRuns, `${project.layout}|${name}`, ms);
    }
  }
  const profileDir = path.join(work, 'cpu-profile');
  rmSync(profileDir, { recursive: true, force: true });
  const profiled = big.find((pr) => pr.layout === 'many');
  rmSync(path.join(profiled.dir, 'generated'), { recursive: true, force: true });
  const profileRun = await runOk(process.execPath, ['--cpu-prof', '--cpu-prof-dir', profileDir, '--cpu-prof-interval', '250', sqlgenCli(ctx.root), 'generate', '--database-url', url], { cwd: profiled.dir, env: toolEnv({ SQLGEN_CACHE_DIR: '' }), timeoutMs: 120_000 });
  const profileFile = readdirSync(profileDir).find((f) => f.endsWith('.cpuprofile'));
  const profile = analyzeCpuProfile(path.join(profileDir, profileFile));
  const nodeOnly = [];
  for (let i = 0; i < 3; i++) nodeOnly.push((await run(process.execPath, ['-e', '0'], { env: toolEnv() })).ms);

  return report(ctx, p, { projects, samples, ratios, failures, phaseRuns, profile, profileRun, profileDir, profileFile, nodeOnly });
}

function report(ctx, p, { projects, samples, ratios, failures, phaseRuns, profile, profileRun, profileDir, profileFile, nodeOnly }) {
  const tools = ['sqlgen live', 'sqlgen live cached', 'sqlgen embedded warm', 'sqlgen embedded snapshot only', 'sqlgen embedded cold', 'pgtyped live'];
  const s = (tool, count, layout) => summarize(samples.get(`${tool}|${count}|${layout}`) ?? []);
  const failed = (tool, count, layout) => {
    const n = failures.get(`${tool}|${count}|${layout}`)?.length;
    return n ? ` **${n} failed**` : '';
  };
  const perQuery = (summary, count) => summary && { median: summary.median / count, min: summary.min / count, max: summary.max / count, n: summary.n };
  const wallRows = [];
  const perQueryRows = [];
  for (const count of sizes) {
    for (const layout of layouts) {
      wallRows.push([num(count), layoutName[layout], ...tools.map((t) => range(s(t, count, layout)) + failed(t, count, layout)), ratioRange(summarize(ratios.get(`${count}|${layout}`) ?? []))]);
      perQueryRows.push([num(count), layoutName[layout], ...tools.map((t) => range(perQuery(s(t, count, layout), count)))]);
    }
  }
  const header = ['queries', 'layout', 'sqlgen, live server, first run', 'sqlgen, live server, queries unchanged', 'sqlgen, embedded warm', 'sqlgen, embedded snapshot only', 'sqlgen, embedded cold', 'pgtyped, live server'];

  const targets = layouts.flatMap((layout) => [['sqlgen live', 'first run'], ['sqlgen live cached', 'queries unchanged']].map(([tool, label]) => {
    const summary = perQuery(s(tool, 1000, layout), 1000);
    return { target: `≤ 0.5 ms/query at 1,000 queries, live, ${label} (${layoutName[layout]})`, measured: summary ? `${num(summary.median)} ms/query` : '–', met: summary ? summary.median <= 0.5 : undefined };
  }));

  // Stage timings (median of runs), both layouts.
  const phaseNames = [...new Set([...phaseRuns.keys()].map((k) => k.split('|')[1]))];
  const phaseTotal = (layout) => phaseNames.reduce((sum, name) => sum + (summarize(phaseRuns.get(`${layout}|${name}`) ?? [])?.median ?? 0), 0);
  const phaseRows = phaseNames.map((name) => [name, ...layouts.flatMap((layout) => {
    const summary = summarize(phaseRuns.get(`${layout}|${name}`) ?? []);
    return [range(summary), summary ? `${Math.round((100 * summary.median) / phaseTotal(layout))} %` : '–'];
  })]);
  phaseRows.push(['**total**', ...layouts.flatMap((layout) => [`**${num(phaseTotal(layout))}**`, '100 %'])]);

  const profileTotal = profile.totalMs;
  const pct = (ms) => `${((100 * ms) / profileTotal).toFixed(1)} %`;
  const stageLabel = {
    parse: 'parse/ (split, named params, libpg-query)',
    analyze: 'analyze/ (nullability, names, stars)',
    render: 'render/ (type map, naming, handlebars)',
    config: 'config/ (load, ajv validation)',
    schema: 'schema/ (connect, catalog, describe)',
    write: 'write/',
    generate: 'generate.js (orchestration)',
    'outside sqlgen': 'callbacks outside sqlgen frames (socket reads: pg protocol; fs)',
  };
  const profileRows = profile.stages.filter(([, ms]) => ms >= profileTotal * 0.005).map(([stage, ms]) => [stageLabel[stage] ?? stage, num(ms), pct(ms)]);
  const pairRows = profile.pairs.slice(0, 14).map(([pair, ms]) => [pair, num(ms), pct(ms)]);
  const functionRows = profile.functions.slice(0, 15).map(([fn, ms]) => [`\`${fn}\``, num(ms), pct(ms)]);
  const nodeStart = summarize(nodeOnly);

  const failureLines = [...failures].flatMap(([key, messages]) => {
    const [tool, count, layout] = key.split('|');
    return messages.map((m) => `- ${tool}, ${num(Number(count))} queries, ${layoutName[layout]}, ${m}`);
  });
  const extra = [
    ...(failureLines.length ? [`**Failed runs** (left out of the numbers above; the first error line of each):\n\n${failureLines.join('\n')}`] : []),
    `**Where sqlgen's time goes (1,000 queries, live server)**

Stage timings of one \`generate\` in a fresh process, through the built library's entry points
(\`sections/generate-phases.mjs\`; median of ${p.profileRuns} run${p.profileRuns > 1 ? 's' : ''}; ms). The CLI overlaps "find + read" and the
libpg-query start with connecting; here they run one after another. A bare \`node -e 0\` takes
${range(nodeStart)} ms on this machine.`,
    table(['stage', ...layouts.flatMap((l) => [`ms, ${layoutName[l]}`, 'share'])], phaseRows),
    `CPU profile of the real CLI (\`node --cpu-prof --cpu-prof-interval 250 dist/cli/sqlgen.js generate\`,
1,000 queries in files of ≤ 5, live, a first run (no cache); the profiler adds overhead: the run took ${num(profileRun.ms)} ms wall,
the profile spans ${num(profileTotal)} ms). Time by the sqlgen folder on the stack (module loading and
garbage collection apart):`,
    table(['where', 'ms', 'share'], profileRows),
    'By stage and the library (or sqlgen\'s own code) doing the work:',
    table(['stage › library', 'ms', 'share'], pairRows),
    'Heaviest functions by self time:',
    table(['function', 'self ms', 'share'], functionRows),
    'Heaviest functions (self time) within each of sqlgen\'s stages:',
    table(['stage', 'functions, self ms'], ['parse', 'analyze', 'render', 'config', 'schema', 'write', 'startup: import modules']
      .filter((stage) => profile.byStage.has(stage))
      .map((stage) => [stageLabel[stage] ?? stage, profile.byStage.get(stage).slice(0, 6).map(([fn, ms]) => `\`${fn.replace(/ dist\/src\//, ' ')}\` ${num(ms)}`).join(', ')])),
    `The profile is kept at \`${path.relative(ctx.root, path.join(profileDir, profileFile))}\` (open it in Chrome DevTools › Performance).`,
  ];

  return {
    name: 'generation',
    title: '1. Generation speed',
    intro: `Wall time of one run, from spawning the command to its exit (Node start-up included),
for 10, 100 and 1,000 queries over the 20-table schema of \`bench/fixtures/\` (13 query shapes:
lookups, paged lists, counts, inserts with RETURNING, updates, deletes, LEFT JOINs, ILIKE search,
GROUP BY aggregates, \`= ANY(@ids)\`, EXISTS, window functions in a CTE). "Files of ≤ 5" groups the
queries by table in files of at most five (${sizes.map((n) => num(projects.find((pr) => pr.count === n && pr.layout === 'many').files.length)).join(', ')} files); "one file" puts them all in one.
The output folder is emptied before every run, so every module is written. **Live**: against the
PostgreSQL server (\`--database-url\`). **Embedded warm**: the project's own \`SQLGEN_CACHE_DIR\` as an
earlier run of the same queries left it (PGlite snapshots and the described answers), so nothing
changed and PostgreSQL need not start. **Embedded snapshot only**: the PGlite snapshots but no
described answers (as after editing every query): PGlite starts from the snapshot and describes
everything. **Embedded cold**: an empty \`SQLGEN_CACHE_DIR\`, so PGlite runs initdb, applies the
migration and saves its caches. **pgtyped**: \`@pgtyped/cli\` on the
same SQL in its syntax (\`/* @name */\`, \`:param\`), against the same server.
Rounds: sqlgen live ${p.live}, embedded warm and snapshot only ${p.warm}, embedded cold ${p.cold} (files of ≤ 5 at ${p.coldSizes.map(num).join(', ')} queries), pgtyped
${p.pgtyped} (at 1,000 queries ${p.pgtypedBig}: a run takes about a minute; layouts ${p.pgtypedBigLayouts.map((l) => layoutName[l]).join(' and ')}).`,
    tables: [
      { caption: 'Wall time of one run, ms', header: [...header, 'pgtyped ÷ sqlgen live first run'], rows: wallRows, leftColumns: 2 },
      { caption: 'The same per query, ms/query', header, rows: perQueryRows, leftColumns: 2 },
    ],
    targets,
    extra,
  };
}
