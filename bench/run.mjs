#!/usr/bin/env node
// sqlgen's benchmarks: `npm run bench` at the root, or `node bench/run.mjs [options]`.
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { dropDatabases, serverUrl } from './lib/db.mjs';
import { machineDetails } from './lib/machine.mjs';
import { renderMachine, renderSection, sectionOrder, writeReport } from './lib/report.mjs';
import { run } from './lib/proc.mjs';

const bench = path.dirname(fileURLToPath(import.meta.url));
const root = path.dirname(bench);

const usage = `Usage: node bench/run.mjs [options]          (npm run bench at the root)

  --section LIST   only these sections, comma-separated: ${sectionOrder.join(', ')}
                   (env BENCH_SECTIONS); default: all
  --quick          few rounds and smaller samples, a few minutes in all (env BENCH_QUICK=1)
  --rounds N       rounds per measurement, overriding the mode's default (env BENCH_ROUNDS)
  --no-build       use dist/ as it is instead of building the root package first
  --no-write       print the tables only; leave docs/benchmarks.md alone
  -h, --help       this text

Runs against TEST_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/postgres; local
addresses only), creating and dropping its own sqlgen_bench_* databases.
Full run: about 15 minutes on 2 cores; --quick: about 4.`;

const { values } = parseArgs({
  options: {
    section: { type: 'string' },
    quick: { type: 'boolean' },
    rounds: { type: 'string' },
    'no-build': { type: 'boolean' },
    'no-write': { type: 'boolean' },
    help: { type: 'boolean', short: 'h' },
  },
});
if (values.help) {
  console.log(usage);
  process.exit(0);
}

const wanted = (values.section ?? process.env.BENCH_SECTIONS ?? sectionOrder.join(','))
  .split(',')
  .map((s) => s.trim())
  .filter(Boolean);
const unknown = wanted.filter((s) => !sectionOrder.includes(s));
if (unknown.length) {
  console.error(`unknown section ${unknown.join(', ')}; expected some of ${sectionOrder.join(', ')}`);
  process.exit(2);
}
const quick = values.quick ?? ['1', 'true'].includes(process.env.BENCH_QUICK ?? '');
const roundsText = values.rounds ?? process.env.BENCH_ROUNDS;
const rounds = roundsText === undefined ? undefined : Number(roundsText);
if (rounds !== undefined && !(Number.isInteger(rounds) && rounds > 0 && rounds <= 50)) {
  console.error('--rounds takes a whole number from 1 to 50');
  process.exit(2);
}

const started = performance.now();
const elapsed = () => `${((performance.now() - started) / 1000).toFixed(0).padStart(4)} s`;
const log = (line) => process.stderr.write(`[${elapsed()}] ${line}\n`);

let url;
try {
  url = serverUrl();
} catch (error) {
  console.error(error.message);
  process.exit(2);
}

if (!values['no-build']) {
  log('building sqlgen (tsc -p tsconfig.json at the root)');
  const tsc = path.join(root, 'node_modules', 'typescript', 'bin', 'tsc');
  const built = existsSync(tsc) ? await run(process.execPath, [tsc, '-p', 'tsconfig.json'], { cwd: root, timeoutMs: 300_000 }) : undefined;
  if (!built || built.code !== 0) {
    if (!existsSync(path.join(root, 'dist', 'cli', 'sqlgen.js'))) {
      console.error(`cannot build sqlgen and there is no dist/ to use:\n${built ? built.stdout + built.stderr : 'no TypeScript at the root: run npm install there'}`);
      process.exit(2);
    }
    log(`warning: the build failed; benchmarking the dist/ already there\n${built ? (built.stdout + built.stderr).slice(0, 2000) : ''}`);
  }
}

const work = path.join(bench, '.work');
mkdirSync(work, { recursive: true });
const ctx = { url, root, bench, work, quick, rounds, log };
const machine = await machineDetails(url, root);
const mode = quick ? 'quick mode' : 'full run';
log(`${mode}: ${wanted.join(', ')} against ${new URL(url).host} (${machine.cpu}, ${machine.cores} cores, Node ${machine.node})`);

const sections = {
  generation: async () => (await import('./sections/generation.mjs')).generationSection(ctx),
  watch: async () => (await import('./sections/watch.mjs')).watchSection(ctx),
  runtime: async () => (await import('./sections/runtime.mjs')).runtimeSection(ctx),
  bulk: async () => (await import('./sections/bulk.mjs')).bulkSection(ctx),
};

let interrupted = false;
process.on('SIGINT', () => {
  if (interrupted) process.exit(130);
  interrupted = true;
  log('interrupted: dropping the benchmark databases (Ctrl-C again to leave them)');
  dropDatabases(url).finally(() => process.exit(130));
});

const blocks = {};
let failed = false;
for (const name of sectionOrder.filter((s) => wanted.includes(s))) {
  log(`section ${name}`);
  try {
    const result = await sections[name]();
    blocks[name] = renderSection(result, machine, mode);
    process.stdout.write(`\n${blocks[name]}\n\n`);
  } catch (error) {
    failed = true;
    log(`section ${name} failed: ${error.stack ?? error.message}`);
  } finally {
    await dropDatabases(url).catch((error) => log(`could not drop the benchmark databases: ${error.message}`));
  }
}

if (!values['no-write'] && Object.keys(blocks).length) {
  const file = path.join(root, 'docs', 'benchmarks.md');
  writeReport(file, renderMachine(machine), blocks);
  log(`wrote ${path.relative(process.cwd(), file)}`);
}
log(`done${failed ? ' (with failures)' : ''}`);
process.exitCode = failed ? 1 : 0;
