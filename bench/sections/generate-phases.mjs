// Times each stage of one `sqlgen generate` in a fresh process, through the library entry
// points of the built package (dist/), the way the CLI chains them:
//   node bootstrap -> imports -> config (ajv) -> find + read + split -> connect + catalog
//   -> parse (libpg-query) -> describe (server) -> analyse -> render (handlebars) -> write
// It bypasses the run cache and the helper thread: this is the work of a first run, on one thread.
// The CLI overlaps "find + read" and the libpg-query start with the connection; here they run
// one after the other so each has its own number.
//
// Usage: node generate-phases.mjs <repo root> <project dir> <database url>
// Prints one JSON line: { phases: { name: ms }, queries, files }.
import { rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const bootstrapMs = performance.now(); // since the process started
const [root, project, url] = process.argv.slice(2);
const dist = (file) => pathToFileURL(path.join(root, 'dist', file)).href;

const phases = { 'node bootstrap': bootstrapMs };
let last = performance.now();
const mark = (name) => {
  const now = performance.now();
  phases[name] = (phases[name] ?? 0) + (now - last);
  last = now;
};

// Everything the CLI imports (program.js pulls in every command), then what generate uses.
await import(dist('cli/program.js'));
mark('imports (all CLI modules)');
// The copy sqlgen itself resolves (the package's main), so this waits for the same instance.
const { loadModule } = await import(pathToFileURL(createRequire(path.join(root, 'package.json')).resolve('libpg-query')).href);
await loadModule();
mark('libpg-query wasm start');
const { validateConfig } = await import(dist('src/config/validate-config.js'));
const { loadConfig } = await import(dist('src/config/load-config.js'));
const { findQueryFiles } = await import(dist('src/config/query-globs.js'));
const { openSchema, readQueryFile, checkModuleNames } = await import(dist('src/generate.js'));
const { parseQueries } = await import(dist('src/parse/parse-query.js'));
const { analyzeQuery, newRunContext } = await import(dist('src/analyze/analyze-query.js'));
const { render } = await import(dist('src/render/render.js'));
const { writeOutput } = await import(dist('src/write/write-output.js'));
mark('imports (all CLI modules)');

await validateConfig({ queries: ['queries/**/*.sql'] });
mark('config: ajv compile + validate');
const config = await loadConfig({ cwd: project, env: {}, databaseUrl: url });
mark('config: read + resolve');

const paths = await findQueryFiles(config);
const read = await Promise.all(paths.map((file) => readQueryFile(file, config, project)));
mark('find + read + split files');

const schema = await openSchema(config, { cwd: project, env: {} });
mark('connect + read catalog');

const parsed = read.map(({ file }) => ({ file, result: parseQueries(file) }));
const all = parsed.flatMap((p) => p.result.queries);
mark('parse (libpg-query)');

const described = await schema.session.describe(all.map((q) => q.text));
mark('describe (server round trip)');

const run = newRunContext(schema.catalog);
let index = 0;
let failed = 0;
const files = parsed.map(({ file, result }) => {
  const queries = [];
  for (const query of result.queries) {
    const analyzed = analyzeQuery(file, query, described[index++], run);
    if ('query' in analyzed) queries.push(analyzed.query);
    else failed++;
  }
  return { path: file.path, displayPath: file.displayPath, moduleName: file.moduleName, queries };
});
checkModuleNames(files);
mark('analyse');
if (failed) throw new Error(`${failed} queries did not analyse`);

const rendered = render(files, schema.catalog, config);
mark('render (precompiled handlebars templates)');

await rm(config.out, { recursive: true, force: true });
last = performance.now();
await writeOutput(config.out, rendered.files);
mark('write');

await schema.session.close();
mark('close connection');

process.stdout.write(`${JSON.stringify({ phases, queries: all.length, files: files.length, outputs: rendered.files.length })}\n`);
