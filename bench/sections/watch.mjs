// Section 2: watch latency, from saving one query file to its regenerated module on disk, for
// `sqlgen generate --watch` and `pgtyped --watch`, in projects of 100 and 1,000 queries.
import { watch as fsWatch, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { pgtypedFile, sqlgenFile } from '../fixtures/queries.mjs';
import { analyzeCpuProfile } from '../lib/cpu-profile.mjs';
import { createDatabase } from '../lib/db.mjs';
import { table } from '../lib/markdown.mjs';
import { startProcess } from '../lib/proc.mjs';
import { num, percentile, summarize } from '../lib/stats.mjs';
import { makeProject, pgtypedCli, schemaSql, sqlgenCli, toolEnv } from './generation.mjs';

/**
 * The query each file's edit changes: its first query becomes this probe, so an edit is a real
 * SQL change (a new result column) and the marker `${rev} AS rev_${rev}` shows in both tools'
 * output (the SQL text is in both).
 */
const probe = (table, rev) => ({ name: 'WatchProbe', command: 'one', sql: `SELECT id, updated_at, ${rev} AS rev_${rev} FROM ${table} WHERE id = @id`, table });
const marker = (rev) => `${rev} AS rev_${rev}`;
/** A save whose module has not changed by then counts as missed (both tools normally take < 1 s). */
const missedAfterMs = 15_000;
const withProbe = (queries, rev) => [probe(queries[0].table, rev), ...queries.slice(1)];

/**
 * Resolves with the time (performance.now()) at which `file` first contains `text`; inotify
 * events on its folder trigger a look, and a 10 ms poll backs them up.
 */
function whenContains(file, text, timeoutMs) {
  return new Promise((resolve, reject) => {
    let done = false;
    let looking = false;
    let again = false;
    const finish = (error, at) => {
      if (done) return;
      done = true;
      watcher.close();
      clearInterval(poll);
      clearTimeout(timer);
      if (error) reject(error);
      else resolve(at);
    };
    const look = async () => {
      if (done) return;
      if (looking) {
        again = true;
        return;
      }
      looking = true;
      const content = await readFile(file, 'utf8').catch(() => '');
      const at = performance.now();
      looking = false;
      if (content.includes(text)) finish(undefined, at);
      else if (again) {
        again = false;
        void look();
      }
    };
    const watcher = fsWatch(path.dirname(file), () => void look());
    const poll = setInterval(() => void look(), 10);
    const timer = setTimeout(() => finish(new Error(`${file} did not get "${text}" within ${timeoutMs} ms`)), timeoutMs);
  });
}

const tools = {
  sqlgen: {
    source: (project, f) => path.join(project.dir, 'queries', f.file),
    output: (project, f) => path.join(project.dir, 'generated', f.file.replace(/\.sql$/, '.ts')),
    text: (queries) => sqlgenFile(queries),
    async start(ctx, project, url, nodeArgs = []) {
      const proc = startProcess(process.execPath, [...nodeArgs, sqlgenCli(ctx.root), 'generate', '--watch', '--database-url', url], { cwd: project.dir, env: toolEnv() });
      await proc.waitFor((line) => /^watching /.test(line), 300_000, 'the "watching" line');
      return proc;
    },
  },
  pgtyped: {
    source: (project, f) => path.join(project.dir, 'pgq', f.file),
    output: (project, f) => path.join(project.dir, 'pgq', f.file.replace(/\.sql$/, '.queries.ts')),
    text: (queries) => pgtypedFile(queries),
    async start(ctx, project, url) {
      const proc = startProcess(process.execPath, [pgtypedCli(ctx.bench), '--watch', '-c', 'pgtyped.json', '--uri', url], { cwd: project.dir, env: toolEnv() });
      // Its first pass writes every file; it prints "Saved ..." for each and nothing at the end.
      const deadline = performance.now() + 600_000;
      for (;;) {
        const saved = proc.lines.filter((line) => line.startsWith('Saved ')).length;
        if (saved >= project.files.length) break;
        if (proc.lines.some((line) => /Error/.test(line))) throw new Error(`pgtyped --watch failed:\n${proc.lines.slice(-20).join('\n')}`);
        if (performance.now() > deadline) throw new Error(`pgtyped --watch did not finish its first pass:\n${proc.lines.slice(-20).join('\n')}`);
        await sleep(100);
      }
      return proc;
    },
  },
};

export async function watchSection(ctx) {
  const sizes = [100, 1000];
  const samplesPerTool = ctx.quick ? 8 : Math.max(ctx.rounds ?? 20, 20);
  const pgtypedSizes = ctx.quick ? [100] : sizes;
  const work = path.join(ctx.work, 'watch');
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  const url = await createDatabase(ctx.url, 'watch', readFileSync(path.join(schemaSql(ctx.bench), '000001_schema.up.sql'), 'utf8'));

  const results = new Map(); // `${tool}|${size}` -> { latencies, reported }
  let profile;
  for (const size of sizes) {
    const project = makeProject(path.join(work, String(size)), ctx.bench, size, 'many', (queries) => withProbe(queries, 0));
    const active = ['sqlgen', ...(pgtypedSizes.includes(size) ? ['pgtyped'] : [])];
    const procs = {};
    try {
      for (const tool of active) {
        ctx.log(`watch: starting ${tool} --watch on ${size} queries in ${project.files.length} files`);
        const t0 = performance.now();
        procs[tool] = await tools[tool].start(ctx, project, url);
        ctx.log(`watch: ${tool} is watching (first pass ${Math.round(performance.now() - t0)} ms)`);
        results.set(`${tool}|${size}`, { latencies: [], reported: [], missed: [] });
      }
      await sleep(1000);
      const revs = new Map();
      for (let i = 0; i < samplesPerTool; i++) {
        const order = i % 2 ? [...active].reverse() : active;
        for (const tool of order) {
          const f = project.files[(i * 7) % project.files.length];
          const rev = (revs.get(`${tool}|${f.file}`) ?? 0) + 1;
          revs.set(`${tool}|${f.file}`, rev);
          const result = results.get(`${tool}|${size}`);
          const sample = await saveAndWait(tool, project, f, rev, procs[tool]).catch((error) => {
            // A save the watcher never acts on is a finding, not the end of the benchmark.
            result.missed.push(`${f.file} rev ${rev}`);
            ctx.log(`watch: ${tool} missed a save: ${error.message}`);
            return undefined;
          });
          if (!sample) continue;
          result.latencies.push(sample.latency);
          if (sample.reported !== undefined) result.reported.push(sample.reported);
        }
      }
      ctx.log(`watch: ${size} queries: ${active.map((tool) => `${tool} p50 ${Math.round(percentile(results.get(`${tool}|${size}`).latencies, 50))} ms`).join(', ')}`);
    } finally {
      for (const proc of Object.values(procs)) await proc.stop();
    }
    if (size === sizes.at(-1)) profile = await profileWatch(ctx, project, url, ctx.quick ? 10 : 20);
  }
  return report(ctx, sizes, results, samplesPerTool, pgtypedSizes, profile);
}

/**
 * Saves `f` with probe revision `rev` and waits for the tool's module to show it. Returns the
 * latency in ms and, for sqlgen, the duration its own line printed.
 */
async function saveAndWait(tool, project, f, rev, proc) {
  const spec = tools[tool];
  const text = spec.text(withProbe(f.queries, rev));
  const linesBefore = proc.lines.length;
  const seen = whenContains(spec.output(project, f), marker(rev), missedAfterMs);
  const t0 = performance.now();
  writeFileSync(spec.source(project, f), text);
  const latency = (await seen) - t0;
  // Let the tool finish what it does after writing (a second look, a log line).
  await sleep(300);
  const line = tool === 'sqlgen' ? proc.lines.slice(linesBefore).find((l) => /-> .*\((\d+) ms\)$/.test(l)) : undefined;
  return { latency, reported: line ? Number(/\((\d+) ms\)$/.exec(line)[1]) : undefined };
}

/**
 * A CPU profile of sqlgen --watch over `saves` saves, counting only the samples after its first
 * pass: where an incremental regeneration spends its time.
 */
async function profileWatch(ctx, project, url, saves) {
  ctx.log(`watch: profiling sqlgen --watch over ${saves} saves at ${project.count} queries`);
  const dir = path.join(ctx.work, 'watch', 'cpu-profile');
  rmSync(dir, { recursive: true, force: true });
  const proc = await tools.sqlgen.start(ctx, project, url, ['--cpu-prof', '--cpu-prof-dir', dir, '--cpu-prof-interval', '250']);
  let fromUs;
  const latencies = [];
  try {
    await sleep(500);
    fromUs = Number(process.hrtime.bigint() / 1000n);
    for (let i = 0; i < saves; i++) {
      const f = project.files[(i * 11) % project.files.length];
      latencies.push((await saveAndWait('sqlgen', project, f, 1000 + i, proc)).latency);
    }
  } finally {
    await proc.stop();
  }
  const file = readdirSync(dir).find((name) => name.endsWith('.cpuprofile'));
  if (!file) return undefined;
  return { ...analyzeCpuProfile(path.join(dir, file), { fromUs }), saves, latencies, file: path.join(dir, file) };
}

function report(ctx, sizes, results, samples, pgtypedSizes, profile) {
  const cell = (tool, size, p) => {
    const r = results.get(`${tool}|${size}`);
    return r ? num(percentile(r.latencies, p)) : '–';
  };
  const span = (tool, size) => {
    const s = summarize(results.get(`${tool}|${size}`)?.latencies ?? []);
    return s ? `${num(s.min)}–${num(s.max)}` : '–';
  };
  const missed = (tool, size) => results.get(`${tool}|${size}`)?.missed.length ?? 0;
  const rows = sizes.map((size) => [
    num(size),
    cell('sqlgen', size, 50),
    cell('sqlgen', size, 95),
    span('sqlgen', size),
    (() => {
      const reported = results.get(`sqlgen|${size}`)?.reported ?? [];
      return reported.length ? num(percentile(reported, 50)) : '–';
    })(),
    missed('sqlgen', size),
    cell('pgtyped', size, 50),
    cell('pgtyped', size, 95),
    span('pgtyped', size),
    results.has(`pgtyped|${size}`) ? missed('pgtyped', size) : '–',
  ]);
  const targets = sizes.map((size) => {
    const r = results.get(`sqlgen|${size}`);
    const p95 = r?.latencies.length ? percentile(r.latencies, 95) : undefined;
    const misses = r?.missed.length ? `, ${r.missed.length} save${r.missed.length > 1 ? 's' : ''} missed` : '';
    return { target: `sqlgen --watch p95 < 50 ms at ${num(size)} queries`, measured: p95 === undefined ? '–' : `${num(p95)} ms${misses}`, met: p95 === undefined ? undefined : p95 < 50 && !misses };
  });
  return {
    name: 'watch',
    title: '2. Watch latency',
    intro: `Both watchers run at once on the same project (${'files of ≤ 5 queries'}, live server), each on its own
copy of the queries; the samples alternate between them, ${samples} per tool and size. A sample
rewrites one query file (its first query gains a different result column, \`SELECT id, updated_at,
N AS rev_N ...\`) and ends when the regenerated module on disk contains the new SQL (inotify on
the output folder, a 10 ms poll as backup); then 300 ms pass before the next save. A save whose
module has not changed after ${missedAfterMs / 1000} s counts as missed and is left out of the percentiles. Latency in
ms from the save to the module on disk. "sqlgen's own line" is the duration the watcher prints for
the regeneration (from its start to the write), so the difference is file-event delivery and
this benchmark's look at the module: sqlgen starts a save's run at once, and only writes that
follow within ${'25 ms'} (the rest of a save all) wait, as one more run.${pgtypedSizes.length < sizes.length ? ' pgtyped at 1,000 queries is left out in quick mode (its first pass takes about a minute).' : ''}`,
    tables: [{
      header: ['queries', 'sqlgen p50', 'sqlgen p95', 'sqlgen min–max', "sqlgen's own line, p50", 'sqlgen missed', 'pgtyped p50', 'pgtyped p95', 'pgtyped min–max', 'pgtyped missed'],
      rows,
    }],
    targets,
    extra: profile ? profileNotes(ctx, profile) : [],
  };
}

function profileNotes(ctx, profile) {
  const busy = profile.totalMs - (profile.stages.find(([stage]) => stage.startsWith('idle'))?.[1] ?? 0);
  const perSave = (ms) => num(ms / profile.saves);
  const label = { watch: 'watch/ (file events, coalescing, regenerate)', render: 'render/', analyze: 'analyze/', parse: 'parse/', write: 'write/', schema: 'schema/', generate: 'generate.js', 'outside sqlgen': 'callbacks outside sqlgen frames (fs, sockets, timers)' };
  return [
    `**Where an incremental regeneration spends its time** (CPU profile of \`sqlgen generate --watch\` at
1,000 queries, ${profile.saves} saves, samples after the first pass only; it was busy ${num(busy)} ms of ${num(profile.totalMs)} ms,
${perSave(busy)} ms of CPU per save; median latency under the profiler ${num(percentile(profile.latencies, 50))} ms):`,
    table(['where', 'ms per save', 'share of busy'], profile.stages.filter(([stage, ms]) => !stage.startsWith('idle') && ms > busy * 0.01).map(([stage, ms]) => [label[stage] ?? stage, perSave(ms), `${Math.round((100 * ms) / busy)} %`])),
    table(['stage › library', 'ms per save'], profile.pairs.filter(([pair]) => !pair.startsWith('idle')).slice(0, 10).map(([pair, ms]) => [pair, perSave(ms)])),
    table(['function (self time)', 'ms per save'], profile.functions.filter(([fn]) => fn !== '(idle)').slice(0, 12).map(([fn, ms]) => [`\`${fn}\``, perSave(ms)])),
    `The profile is kept at \`${path.relative(ctx.root, profile.file)}\`.`,
  ];
}
