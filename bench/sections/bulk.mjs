// Section 4: bulk insert of 100,000 rows (int, text, timestamptz, numeric, nullable text and
// int) through the generated :copyfrom, row by row, multi-row VALUES, and COPY FROM STDIN.
import { readdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import pg from 'pg';
import copyStreams from 'pg-copy-streams';
import { selfTimeBy } from '../lib/cpu-profile.mjs';
import { createDatabase } from '../lib/db.mjs';
import { table } from '../lib/markdown.mjs';
import { run } from '../lib/proc.mjs';
import { num, range, ratioRange, summarize } from '../lib/stats.mjs';
import { buildRuntime, migrationSql } from '../runtime/build.mjs';

const columns = 'n, label, happened_at, amount, note, score';

/** Deterministic rows; every tenth note holds the characters encoders get wrong. */
export function makeRows(count) {
  const base = Date.UTC(2024, 0, 1);
  return Array.from({ length: count }, (_, i) => ({
    n: i + 1,
    label: `row ${i + 1}`,
    happenedAt: new Date(base + i * 1_000),
    amount: ((i * 137) % 1_000_000 / 100).toFixed(2),
    note: i % 2 ? null : i % 10 === 0 ? `note ${i}: "quoted", {braces}, back\\slash, tab\tnewline\n, ünïcode` : `note ${i}`,
    score: i % 3 ? (i * 7) % 1000 : null,
  }));
}

const copyText = (value) => value.replace(/[\\\t\n\r]/g, (c) => ({ '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' })[c]);
const copyLine = (r) => `${r.n}\t${copyText(r.label)}\t${r.happenedAt.toISOString()}\t${r.amount}\t${r.note === null ? '\\N' : copyText(r.note)}\t${r.score === null ? '\\N' : r.score}\n`;

function valuesStatement(count) {
  const tuples = Array.from({ length: count }, (_, i) => `($${i * 6 + 1}, $${i * 6 + 2}, $${i * 6 + 3}, $${i * 6 + 4}, $${i * 6 + 5}, $${i * 6 + 6})`);
  return `INSERT INTO bench_rows (${columns}) VALUES ${tuples.join(', ')}`;
}

/** Method name -> `{ rows(total) -> how many it inserts, run(client, rows) }`. */
function methods(generated, quick) {
  const rowByRow = quick ? 5_000 : 20_000;
  const rowByRowAutocommit = quick ? 2_000 : 5_000;
  const batch = 1_000;
  return {
    'sqlgen :copyfrom (generated)': { count: (n) => n, run: (client, rows) => generated.rows.copyRows(client, rows) },
    'COPY FROM STDIN (pg-copy-streams)': {
      count: (n) => n,
      run: async (client, rows) => {
        const chunks = function* () {
          for (let i = 0; i < rows.length; i += 1_000) yield rows.slice(i, i + 1_000).map(copyLine).join('');
        };
        await pipeline(Readable.from(chunks()), client.query(copyStreams.from(`COPY bench_rows (${columns}) FROM STDIN`)));
      },
    },
    [`multi-row VALUES, ${num(batch)} rows per statement`]: {
      count: (n) => n,
      run: async (client, rows) => {
        const full = valuesStatement(batch);
        for (let i = 0; i < rows.length; i += batch) {
          const part = rows.slice(i, i + batch);
          const values = part.flatMap((r) => [r.n, r.label, r.happenedAt, r.amount, r.note, r.score]);
          await client.query(part.length === batch ? full : valuesStatement(part.length), values);
        }
      },
    },
    'row by row, one transaction (generated :exec)': {
      count: (n) => Math.min(n, rowByRow),
      run: async (client, rows) => {
        await client.query('BEGIN');
        for (const row of rows) await generated.rows.insertRow(client, row);
        await client.query('COMMIT');
      },
    },
    'row by row, autocommit (generated :exec)': {
      count: (n) => Math.min(n, rowByRowAutocommit),
      run: async (client, rows) => {
        for (const row of rows) await generated.rows.insertRow(client, row);
      },
    },
  };
}

const checksumSql = `SELECT count(*)::int AS count,
  md5(string_agg(concat_ws(',', n, label, extract(epoch FROM happened_at), amount, coalesce(note, '~'), coalesce(score::text, '~')), '|' ORDER BY n)) AS md5
FROM bench_rows`;

const profileBuckets = [
  [/\.build\/generated\/_runtime\.js/, "sqlgen's _runtime.js (encoding rows as COPY text)"],
  [/\.build\/generated\//, 'generated module (row -> values)'],
  [/node_modules\/pg-protocol\//, 'pg-protocol (serialising the message)'],
  [/node_modules\/pg\//, 'pg (client, parameter preparation)'],
  [/^node:/, 'Node (sockets, streams)'],
  [/bench\//, 'benchmark (making the rows)'],
];

/** A CPU profile of one :copyfrom of all rows, in its own process. */
async function profileCopyFrom(ctx, url, built, total) {
  const dir = path.join(ctx.work, 'bulk-profile');
  rmSync(dir, { recursive: true, force: true });
  const result = await run(process.execPath, ['--cpu-prof', '--cpu-prof-dir', dir, '--cpu-prof-interval', '200', path.join(ctx.bench, 'runtime', 'profile-bulk.mjs'), url, String(total), JSON.stringify(built)], { timeoutMs: 300_000 });
  if (result.code !== 0) {
    ctx.log(`bulk: profiling :copyfrom failed:\n${result.stderr.slice(-1000)}`);
    return undefined;
  }
  const { ms, fromUs } = JSON.parse(result.stdout.trim().split('\n').at(-1));
  const file = readdirSync(dir).find((f) => f.endsWith('.cpuprofile'));
  return { ms, ...selfTimeBy(path.join(dir, file), profileBuckets, { fromUs }), file: path.join(dir, file) };
}

export async function bulkSection(ctx) {
  const total = 100_000;
  const rounds = ctx.rounds ?? (ctx.quick ? 2 : 5);
  const url = await createDatabase(ctx.url, 'bulk', migrationSql(ctx.bench));
  const built = await buildRuntime(ctx, url);
  const generated = await import(built.generated);
  const all = methods(generated, ctx.quick);
  const names = Object.keys(all);
  const data = makeRows(total);
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const rates = new Map();
  const ratios = new Map();
  const push = (map, key, value) => map.set(key, [...(map.get(key) ?? []), value]);
  try {
    // Round -1 warms up on 10,000 rows and is not recorded.
    for (let round = -1; round < rounds; round++) {
      const size = round < 0 ? 10_000 : total;
      const got = {};
      const sums = {};
      const order = names.map((_, i) => names[(i + Math.max(round, 0)) % names.length]);
      for (const name of order) {
        const method = all[name];
        const rows = data.slice(0, method.count(size));
        await client.query('TRUNCATE bench_rows');
        const started = performance.now();
        await method.run(client, rows);
        const seconds = (performance.now() - started) / 1000;
        const { rows: [check] } = await client.query(checksumSql);
        if (check.count !== rows.length) throw new Error(`${name} inserted ${check.count} rows, not ${rows.length}`);
        sums[name] = rows.length === size ? check.md5 : undefined;
        got[name] = rows.length / seconds;
      }
      // Every method that inserted all rows must have stored the same values.
      const distinct = new Set(Object.values(sums).filter(Boolean));
      if (distinct.size > 1) throw new Error(`the methods stored different values: ${JSON.stringify(sums)}`);
      if (round < 0) continue;
      const copy = got['COPY FROM STDIN (pg-copy-streams)'];
      for (const name of names) {
        push(rates, name, got[name]);
        push(ratios, name, got[name] / copy);
      }
      ctx.log(`bulk: round ${round + 1}/${rounds}: ${names.map((n) => `${n.split(' (')[0]} ${Math.round(got[n])} rows/s`).join(', ')}`);
    }
  } finally {
    await client.end();
  }

  const profile = await profileCopyFrom(ctx, url, built, total);
  const copyfrom = 'sqlgen :copyfrom (generated)';
  const rowRatio = (baselineName) => summarize((rates.get(copyfrom) ?? []).map((v, i) => v / rates.get(baselineName)[i]));
  const vsRow = rowRatio('row by row, one transaction (generated :exec)');
  const vsRowAuto = rowRatio('row by row, autocommit (generated :exec)');
  const vsCopy = summarize(ratios.get(copyfrom) ?? []);
  const sizes = Object.fromEntries(names.map((n) => [n, all[n].count(total)]));
  return {
    name: 'bulk',
    title: '4. Bulk insert',
    intro: `${num(total)} rows into \`bench_rows (n int, label text, happened_at timestamptz, amount numeric(12,2),
note text NULL, score int NULL)\`, half the notes and a third of the scores NULL, every tenth note
with quotes, braces, a backslash, a tab, a newline and non-ASCII letters; one connection (\`pg.Client\`),
the table truncated before each method, ${rounds} rounds after a warm-up round, each in a rotated
order. After each method the table's checksum is compared: every method that inserts all rows must
store the same values. Row by row runs on the first ${num(sizes['row by row, one transaction (generated :exec)'])} rows in one transaction and the first
${num(sizes['row by row, autocommit (generated :exec)'])} with autocommit (each row its own commit; the server has \`fsync\` and \`synchronous_commit\` on),
so their rows/s are not slowed by the full 100,000 taking minutes. Multi-row VALUES is raw \`pg\`
with 6,000 parameters per statement, each statement its own transaction.`,
    tables: [{
      header: ['method', 'rows', 'rows/s', '× COPY'],
      rows: names.map((n) => [n === copyfrom ? `**${n}**` : n, num(sizes[n]), range(summarize(rates.get(n) ?? [])), ratioRange(summarize(ratios.get(n) ?? []))]),
    }],
    targets: [
      { target: ':copyfrom ≥ 10× row by row', measured: `${ratioRange(vsRow)} row by row in one transaction; ${ratioRange(vsRowAuto)} row by row with autocommit`, met: vsRow ? vsRow.median >= 10 : undefined },
      { target: ':copyfrom ≥ 0.6× COPY FROM STDIN', measured: ratioRange(vsCopy), met: vsCopy ? vsCopy.median >= 0.6 : undefined },
    ],
    extra: profile
      ? [
          `**Where one :copyfrom of ${num(total)} rows spends its time** (CPU profile, \`--cpu-prof-interval 200\`, in its own
process; ${num(profile.ms)} ms wall under the profiler; "idle" is the wait for the server, which parses the COPY
data and inserts):`,
          table(['where', 'ms', 'share'], profile.buckets.map(([label, ms]) => [label, num(ms), `${Math.round((100 * ms) / profile.totalMs)} %`])),
          `Heaviest functions: ${profile.functions.slice(0, 8).map(([fn, ms]) => `\`${fn}\` ${num(ms)} ms`).join(', ')}.`,
        ]
      : [],
  };
}
