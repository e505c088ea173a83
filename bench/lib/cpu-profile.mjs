// Reads a V8 .cpuprofile (node --cpu-prof) and says where the time went: per sqlgen stage
// (the folder of dist/src/ on the stack), per library within a stage, and per function.
import { readFileSync } from 'node:fs';

const libraries = [
  [/node_modules\/ajv\//, 'ajv'],
  [/node_modules\/handlebars\//, 'handlebars'],
  [/node_modules\/libpg-query\/|^wasm:\/\//, 'libpg-query'],
  [/node_modules\/(pg|pg-protocol|pg-pool|pg-types|pgpass|pg-connection-string|postgres-[a-z]+)\//, 'pg'],
  [/node_modules\/@electric-sql\/pglite\//, 'pglite'],
  [/node_modules\/commander\//, 'commander'],
  [/node_modules\/(tinyglobby|picomatch|fdir)\//, 'globs'],
  [/node_modules\/chokidar\//, 'chokidar'],
  [/node_modules\/diff\//, 'diff'],
];

function stageOf(url) {
  const m = /\/dist\/(src|cli)\/(?:([a-z-]+)\/)?([a-z-]+)\.js$/.exec(url);
  if (!m) return undefined;
  if (m[1] === 'cli') return 'cli';
  return m[2] ?? m[3]; // dist/src/analyze/x.js -> analyze; dist/src/generate.js -> generate
}

/**
 * Splits the profile's wall time: `stages` (ms by sqlgen stage, with imports, idle and GC as
 * their own rows), `pairs` (ms by "stage › library or own code"), `functions` (self ms by
 * function), and `totalMs`. With `fromUs` (a process.hrtime.bigint() / 1000n of any process on
 * this machine), only the samples taken after that moment count.
 */
export function analyzeCpuProfile(file, { fromUs = 0 } = {}) {
  const profile = JSON.parse(readFileSync(file, 'utf8'));
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);

  const stages = new Map();
  const pairs = new Map();
  const functions = new Map();
  const add = (map, key, ms) => map.set(key, (map.get(key) ?? 0) + ms);
  const classified = new Map();
  const stageFunctions = new Map();

  const classify = (id) => {
    const cached = classified.get(id);
    if (cached) return cached;
    const frames = [];
    for (let at = id; at !== undefined; at = parent.get(at)) frames.push(byId.get(at).callFrame);
    const leaf = frames[0];
    let result;
    if (leaf.functionName === '(idle)') result = { stage: 'idle: waiting for I/O (server, disk)', lib: '' };
    else if (leaf.functionName === '(garbage collector)') result = { stage: 'garbage collection', lib: '' };
    else if (leaf.functionName === '(program)') result = { stage: 'V8 / native (program)', lib: '' };
    else if (frames.some((f) => f.url.startsWith('node:internal/modules/'))) {
      const lib = frames.map((f) => libraries.find(([re]) => re.test(f.url))?.[1] ?? (stageOf(f.url) ? 'sqlgen' : undefined)).find(Boolean);
      result = { stage: 'startup: import modules', lib: lib ?? 'node' };
    } else {
      const stage = frames.map((f) => stageOf(f.url)).find(Boolean) ?? 'outside sqlgen';
      let lib = 'own code';
      for (const f of frames) {
        const found = libraries.find(([re]) => re.test(f.url));
        if (found) {
          lib = found[1];
          break;
        }
        if (stageOf(f.url)) break;
        if (f.url.startsWith('node:')) lib = 'node built-ins';
      }
      result = { stage, lib };
    }
    const frameName = leaf.url ? `${leaf.functionName || '(anonymous)'} ${leaf.url.replace(/^.*\/(node_modules|dist)\//, '$1/')}:${leaf.lineNumber + 1}` : leaf.functionName || '(native)';
    result.frame = frameName;
    classified.set(id, result);
    return result;
  };

  let totalMs = 0;
  // Sample times are V8's monotonic clock in µs, the clock of process.hrtime(): `fromUs` keeps
  // only what came after a moment another process noted.
  let at = profile.startTime;
  profile.samples.forEach((id, i) => {
    at += profile.timeDeltas[i] ?? 0;
    if (at < fromUs) return;
    const ms = (profile.timeDeltas[i + 1] ?? 0) / 1000;
    totalMs += ms;
    const { stage, lib, frame } = classify(id);
    add(stages, stage, ms);
    add(pairs, lib ? `${stage} › ${lib}` : stage, ms);
    add(functions, frame, ms);
    if (!stageFunctions.has(stage)) stageFunctions.set(stage, new Map());
    add(stageFunctions.get(stage), frame, ms);
  });
  const sorted = (map) => [...map].sort((a, b) => b[1] - a[1]);
  const byStage = new Map([...stageFunctions].map(([stage, map]) => [stage, sorted(map)]));
  return { totalMs, stages: sorted(stages), pairs: sorted(pairs), functions: sorted(functions), byStage };
}

/**
 * Self time by `buckets` (`[[regex on the frame's url, label]]`): each sample goes to the first
 * bucket matching its own frame, or, for frames without a url (natives, builtins), the nearest
 * caller's. Returns `{ totalMs, buckets: [[label, ms]], functions: [[name, ms]] }`, counting only
 * samples after `fromUs`.
 */
export function selfTimeBy(file, buckets, { fromUs = 0 } = {}) {
  const profile = JSON.parse(readFileSync(file, 'utf8'));
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const special = { '(idle)': 'idle: waiting for the server', '(garbage collector)': 'garbage collection', '(program)': 'V8 / native (program)' };
  const totals = new Map();
  const functions = new Map();
  const add = (map, key, ms) => map.set(key, (map.get(key) ?? 0) + ms);
  let totalMs = 0;
  let at = profile.startTime;
  profile.samples.forEach((id, i) => {
    at += profile.timeDeltas[i] ?? 0;
    if (at < fromUs) return;
    const ms = (profile.timeDeltas[i + 1] ?? 0) / 1000;
    totalMs += ms;
    const leaf = byId.get(id).callFrame;
    let label = special[leaf.functionName];
    if (!label) {
      for (let node = id; node !== undefined && !label; node = parent.get(node)) {
        const { url } = byId.get(node).callFrame;
        if (url) label = buckets.find(([re]) => re.test(url))?.[1] ?? 'other';
      }
    }
    add(totals, label ?? 'other', ms);
    add(functions, leaf.url ? `${leaf.functionName || '(anonymous)'} ${leaf.url.replace(/^.*\/(node_modules|\.build)\//, '$1/')}:${leaf.lineNumber + 1}` : leaf.functionName || '(native)', ms);
  });
  const sorted = (map) => [...map].sort((a, b) => b[1] - a[1]);
  return { totalMs, buckets: sorted(totals), functions: sorted(functions) };
}
