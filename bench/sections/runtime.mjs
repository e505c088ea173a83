// Section 3: runtime overhead. A primary-key lookup and a 100-row page through the sqlgen-
// generated functions and through raw pg, postgres.js, Kysely, Drizzle and Prisma 7, serially on
// one connection and with 16 in flight on a pool of 16; pgbench -S -M prepared as the ceiling.
import { execFileSync } from 'node:child_process';
import { readdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { selfTimeBy } from '../lib/cpu-profile.mjs';
import { table } from '../lib/markdown.mjs';
import { createDatabase } from '../lib/db.mjs';
import { run } from '../lib/proc.mjs';
import { num, range, ratioRange, summarize } from '../lib/stats.mjs';
import { buildRuntime, migrationSql } from '../runtime/build.mjs';
import { checkClient, clients, seedSql } from '../runtime/clients.mjs';

const baseline = 'pg pool.query(text, values)';
const named = 'pg, named statement';
const sqlgen = 'sqlgen (generated)';
const rivals = ['postgres.js', 'Kysely', 'Drizzle', 'Drizzle, prepared', 'Prisma 7 (engine-free, adapter-pg)'];
const tableRows = 10_000;

const regimes = [
  { name: 'serial', label: 'serial, one connection', connections: 1, concurrency: 1 },
  { name: 'pool16', label: '16 in flight, pool of 16', connections: 16, concurrency: 16 },
];
const queries = [
  { name: 'get', label: 'PK lookup' },
  { name: 'list', label: '100-row list' },
];

/** Deterministic pseudo-random keys, the same for every client. */
function keys(count, max, seed) {
  let state = seed;
  return Array.from({ length: count }, () => {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    return 1 + (state % max);
  });
}

/** Runs `total` calls with `concurrency` in flight; returns calls per second. */
async function measure(call, inputs, total, concurrency) {
  let next = 0;
  const started = performance.now();
  await Promise.all(Array.from({ length: concurrency }, async () => {
    for (let i = next++; i < total; i = next++) await call(inputs[i % inputs.length]);
  }));
  return total / ((performance.now() - started) / 1000);
}

function pgbenchPath() {
  try {
    return execFileSync('sh', ['-c', 'command -v pgbench'], { encoding: 'utf8' }).trim() || undefined;
  } catch {
    return undefined;
  }
}

export async function runtimeSection(ctx) {
  // Many short rounds rather than a few long ones: a burst of noise from the machine's other
  // tenants then spoils one sample of one client, and the median drops it.
  const rounds = ctx.rounds ?? (ctx.quick ? 3 : 6);
  // Calls per measurement; a cell takes about 0.2-0.5 s for the raw clients.
  const scale = ctx.quick ? 0.5 : 1;
  const totals = {
    serial: { get: Math.round(1500 * scale), list: Math.round(400 * scale) },
    pool16: { get: Math.round(3000 * scale), list: Math.round(800 * scale) },
  };
  const pgbenchSeconds = ctx.quick ? 2 : 3;

  ctx.log(`runtime: creating the database (${num(tableRows)} rows)`);
  const url = await createDatabase(ctx.url, 'runtime', `${migrationSql(ctx.bench)}\n${seedSql(tableRows)}`);
  const built = await buildRuntime(ctx, url);

  const pgbench = pgbenchPath();
  let pgbenchUrl;
  if (pgbench) {
    pgbenchUrl = await createDatabase(ctx.url, 'pgbench');
    const init = await run(pgbench, ['-i', '-s', '1', '-q', pgbenchUrl], { timeoutMs: 120_000 });
    if (init.code !== 0) {
      ctx.log(`runtime: pgbench -i failed, no ceiling:\n${init.stderr.slice(-1000)}`);
      pgbenchUrl = undefined;
    }
  }

  const getKeys = keys(4096, tableRows, 7);
  const listKeys = keys(4096, tableRows - 100, 11).map((k) => k - 1);
  const samples = new Map(); // `${client}|${regime}|${query}` -> calls/s per round
  const ratios = new Map(); // the same -> ratio to the baseline in the same round
  const unavailable = new Map();
  const checked = new Set();
  const names = Object.keys(clients);

  // Round 0 is a warm-up whose numbers are dropped (cold JIT, a freshly seeded table).
  for (let round = -1; round < rounds; round++) {
    const record = round >= 0;
    const push = (map, key, value) => record && map.set(key, [...(map.get(key) ?? []), value]);
    for (const regime of regimes) {
      if (pgbenchUrl && record) {
        const c = String(regime.connections);
        const result = await run(pgbench, ['-S', '-M', 'prepared', '-n', '-c', c, '-j', String(Math.min(regime.connections, 2)), '-T', String(pgbenchSeconds), pgbenchUrl], { timeoutMs: 60_000 });
        const tps = /tps = ([\d.]+) \(without initial connection time\)/.exec(result.stdout);
        if (tps) push(samples, `pgbench|${regime.name}|get`, Number(tps[1]));
        else ctx.log(`runtime: pgbench gave no tps:\n${result.stdout.slice(-500)}${result.stderr.slice(-500)}`);
      }
      const order = names.map((_, i) => names[(i + Math.max(round, 0)) % names.length]);
      const got = {};
      for (const name of order) {
        if (unavailable.has(name)) continue;
        let client;
        try {
          client = await clients[name](url, regime.connections, built);
          if (!checked.has(name)) {
            await checkClient(name, client);
            checked.add(name);
          }
        } catch (error) {
          unavailable.set(name, error.message.split('\n')[0]);
          ctx.log(`runtime: ${name} is left out: ${error.message}`);
          await client?.close().catch(() => {});
          continue;
        }
        try {
          // Warm-up: every connection of the pool opened, statements prepared, JIT warm.
          await measure(client.get, getKeys, 300, regime.concurrency);
          await measure(client.list, listKeys, 60, regime.concurrency);
          for (const query of queries) {
            const inputs = query.name === 'get' ? getKeys : listKeys;
            const total = record ? totals[regime.name][query.name] : Math.round(totals[regime.name][query.name] / 3);
            const rate = await measure(client[query.name], inputs, total, regime.concurrency);
            push(samples, `${name}|${regime.name}|${query.name}`, rate);
            got[`${name}|${query.name}`] = rate;
          }
        } finally {
          await client.close();
        }
      }
      for (const name of names) {
        for (const query of queries) {
          const mine = got[`${name}|${query.name}`];
          const base = got[`${baseline}|${query.name}`];
          if (mine !== undefined && base !== undefined) push(ratios, `${name}|${regime.name}|${query.name}`, mine / base);
        }
      }
      const g = (name) => Math.round(got[`${name}|get`] ?? 0);
      ctx.log(`runtime: ${record ? `round ${round + 1}/${rounds}` : 'warm-up round'} ${regime.label}: PK lookups/s sqlgen ${g(sqlgen)}, pg text ${g(baseline)}, pg named ${g(named)}`);
    }
  }
  const profiles = await profileRuntime(ctx, url, built);
  return report(ctx, { samples, ratios, unavailable, rounds, totals, pgbench: Boolean(pgbenchUrl), pgbenchSeconds, profiles });
}

const profileBuckets = [
  [/\.build\/generated\/_runtime\.js/, "sqlgen's _runtime.js (checkout, statement, type parsers)"],
  [/\.build\/generated\//, 'generated module (function, row mapper)'],
  [/node_modules\/pg-protocol\//, 'pg-protocol (messages)'],
  [/node_modules\/(pg-types|postgres-date|postgres-array|postgres-bytea|postgres-interval)\//, 'pg-types (value parsers)'],
  [/node_modules\/pg-pool\//, 'pg-pool (checkout)'],
  [/node_modules\/pg\//, 'pg (client, query, result rows)'],
  [/^node:/, 'Node (sockets, streams, events, timers)'],
  [/bench\/runtime\//, 'benchmark loop'],
];

/**
 * CPU profiles of the generated functions and of the hand-written named statement, serial on one
 * connection, each in its own process: CPU µs per call by where it goes.
 */
async function profileRuntime(ctx, url, built) {
  const dir = path.join(ctx.work, 'runtime-profiles');
  rmSync(dir, { recursive: true, force: true });
  const profiles = [];
  for (const query of queries) {
    for (const name of [sqlgen, named]) {
      const out = path.join(dir, `${query.name}-${name === sqlgen ? 'sqlgen' : 'named'}`);
      const calls = query.name === 'get' ? (ctx.quick ? 1500 : 4000) : ctx.quick ? 400 : 1000;
      const result = await run(process.execPath, ['--cpu-prof', '--cpu-prof-dir', out, '--cpu-prof-interval', '100', path.join(ctx.bench, 'runtime', 'profile-client.mjs'), url, name, query.name, String(calls), JSON.stringify(built)], { timeoutMs: 120_000 });
      if (result.code !== 0) {
        ctx.log(`runtime: profiling ${name} failed:\n${result.stderr.slice(-1000)}`);
        continue;
      }
      const { ms, fromUs } = JSON.parse(result.stdout.trim().split('\n').at(-1));
      const file = readdirSync(out).find((f) => f.endsWith('.cpuprofile'));
      profiles.push({ query, name, calls, ms, ...selfTimeBy(path.join(out, file), profileBuckets, { fromUs }), file: path.join(out, file) });
    }
  }
  return profiles;
}

function report(ctx, { samples, ratios, unavailable, rounds, totals, pgbench, pgbenchSeconds, profiles }) {
  const s = (key) => summarize(samples.get(key) ?? []);
  const r = (key) => summarize(ratios.get(key) ?? []);
  const names = Object.keys(clients);
  const tables = regimes.map((regime) => {
    const rows = [];
    if (pgbench) {
      rows.push([`pgbench -S -M prepared, ${regime.connections} client${regime.connections > 1 ? 's' : ''} (ceiling)`, range(s(`pgbench|${regime.name}|get`)), ratioRange(ratioOfMedians(s(`pgbench|${regime.name}|get`), s(`${baseline}|${regime.name}|get`))), '', '']);
    }
    for (const name of names) {
      if (unavailable.has(name) && !samples.has(`${name}|${regime.name}|get`)) {
        rows.push([name, `not measured: ${unavailable.get(name)}`, '', '', '']);
        continue;
      }
      const cells = queries.flatMap((q) => [range(s(`${name}|${regime.name}|${q.name}`)), ratioRange(r(`${name}|${regime.name}|${q.name}`))]);
      rows.push([name === sqlgen ? `**${name}**` : name, ...cells]);
    }
    return {
      caption: `${regime.label}: calls per second, and the ratio to pool.query(text) in the same round`,
      header: ['client', 'PK lookup, calls/s', '× pool.query(text)', '100-row list, calls/s', '× pool.query(text)'],
      rows,
    };
  });

  const cellsOf = (name) => regimes.flatMap((regime) => queries.map((q) => ({ regime, q, ratio: r(`${name}|${regime.name}|${q.name}`) })));
  const describe = (list, value) => list.map(({ regime, q }) => `${q.label} ${regime.name === 'serial' ? 'serial' : '16 in flight'} ${value(regime, q)}`).join('; ');
  const sqlgenCells = cellsOf(sqlgen);
  // sqlgen ÷ another client, round by round (both are measured in every round, so the samples
  // line up), then the median and range of those ratios.
  const versus = (other, regime, q) => {
    const mine = samples.get(`${sqlgen}|${regime.name}|${q.name}`) ?? [];
    const theirs = samples.get(`${other}|${regime.name}|${q.name}`) ?? [];
    return mine.length === theirs.length ? summarize(mine.map((v, i) => v / theirs[i])) : undefined;
  };
  const vsNamed = (regime, q) => versus(named, regime, q);
  const where = (regime, q) => `${q.label} ${regime.name === 'serial' ? 'serial' : '16 in flight'}`;
  const behind = [];
  const closest = [];
  for (const { regime, q } of sqlgenCells) {
    const against = rivals.map((rival) => ({ rival, ratio: versus(rival, regime, q) })).filter((x) => x.ratio);
    if (!against.length) continue;
    const nearest = against.reduce((a, b) => (b.ratio.median < a.ratio.median ? b : a));
    closest.push(`${where(regime, q)}: ${nearest.ratio.median.toFixed(2)}× ${nearest.rival}`);
    for (const { rival, ratio } of against) if (ratio.median <= 1) behind.push(`${rival} (${where(regime, q)}: sqlgen ${ratioRange(ratio)} of it)`);
  }
  const allMeasured = sqlgenCells.every((c) => c.ratio);
  const targets = [
    {
      target: 'generated ≥ 1.2× pool.query(text), every query and regime',
      measured: describe(sqlgenCells, (regime, q) => `${(r(`${sqlgen}|${regime.name}|${q.name}`)?.median ?? NaN).toFixed(2)}×`),
      met: allMeasured ? sqlgenCells.every((c) => c.ratio.median >= 1.2) : undefined,
    },
    {
      target: 'generated ≥ 0.97× hand-written named statements',
      measured: describe(sqlgenCells, (regime, q) => `${(vsNamed(regime, q)?.median ?? NaN).toFixed(2)}×`),
      met: allMeasured ? sqlgenCells.every(({ regime, q }) => (vsNamed(regime, q)?.median ?? 0) >= 0.97) : undefined,
    },
    {
      target: 'ahead of every ORM and query builder (sqlgen ÷ the nearest, per round)',
      measured: `${closest.join('; ')}${behind.length ? `. Not ahead of: ${behind.join('; ')}` : ''}`,
      met: allMeasured ? behind.length === 0 : undefined,
    },
  ];

  return {
    name: 'runtime',
    title: '3. Runtime overhead',
    intro: `Two queries over \`bench_users\` (${num(tableRows)} rows, six columns: bigint id, text, nullable text,
int, bool, timestamptz): a primary-key lookup (\`WHERE id = $1\`) and a 100-row page (\`WHERE id > $1
ORDER BY id LIMIT 100\`), every client reading the same columns with its documented API and its
defaults. sqlgen runs the functions it generated from \`bench/runtime/queries/\` (named prepared
statements, array rows, a mapper per query, called with a \`pg.Pool\`). "pg, named statement" is
the hand-written \`pool.query({ name, text, values })\`. Drizzle uses the node-postgres driver;
"Drizzle, prepared" is \`.prepare(name)\` with placeholders. Prisma 7 is the engine-free client with
\`@prisma/adapter-pg\` (its default: no statement names). Serial: one call at a time on a pool of
one connection; 16 in flight: 16 callers on a pool of 16. Each round runs every client (in a
rotated order) for ${num(totals.serial.get)} / ${num(totals.serial.list)} calls serially and ${num(totals.pool16.get)} / ${num(totals.pool16.list)} with 16 in flight,
after a warm-up, in ${rounds} rounds that follow an unrecorded warm-up round. The ratio is taken within each round, then its median and
range.${pgbench ? ` The ceiling is \`pgbench -S -M prepared\` (a one-column PK lookup, C client, no Node)
for ${pgbenchSeconds} s per round, with 1 and with 16 clients (\`-j 2\`).` : ' pgbench is not installed, so there is no ceiling row.'} The benchmark, PostgreSQL and pgbench share the two cores.`,
    tables,
    targets,
    extra: profileNotes(ctx, profiles),
  };
}

function profileNotes(ctx, profiles) {
  if (!profiles.length) return [];
  const notes = [`**Where a call's CPU time goes** (serial on one connection, one process per profile,
\`node --cpu-prof --cpu-prof-interval 100\`; µs of CPU per call, self time by the code running;
"idle" is the wait for the server's reply; the profiler slows everything down):`];
  for (const query of queries) {
    const mine = profiles.find((p) => p.query === query && p.name === sqlgen);
    const theirs = profiles.find((p) => p.query === query && p.name === named);
    if (!mine || !theirs) continue;
    const labels = [...new Set([...mine.buckets, ...theirs.buckets].map(([label]) => label))];
    const us = (p, label) => ((p.buckets.find(([l]) => l === label)?.[1] ?? 0) * 1000) / p.calls;
    const rows = labels.map((label) => [label, num(us(mine, label)), num(us(theirs, label))]).sort((a, b) => Number(b[1].replace(/,/g, '')) - Number(a[1].replace(/,/g, '')));
    rows.push(['**wall time per call (under the profiler)**', `**${num((mine.ms * 1000) / mine.calls)}**`, `**${num((theirs.ms * 1000) / theirs.calls)}**`]);
    notes.push(`${query.label} (${num(mine.calls)} calls each):`, table(['where', 'sqlgen, µs/call', 'pg named statement, µs/call'], rows));
    const fns = mine.functions.filter(([fn]) => /_runtime|generated/.test(fn)).slice(0, 6);
    if (fns.length) notes.push(`Heaviest functions of sqlgen's own code in it: ${fns.map(([fn, ms]) => `\`${fn}\` ${num((ms * 1000) / mine.calls)} µs`).join(', ')}.`);
  }
  notes.push(`Profiles kept in \`${path.relative(ctx.root, path.join(ctx.work, 'runtime-profiles'))}/\`.`);
  return notes;
}

function ratioOfMedians(a, b) {
  return a && b ? { median: a.median / b.median, min: a.min / b.max, max: a.max / b.min, n: 1 } : undefined;
}
