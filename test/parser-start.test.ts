import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { expect, test } from 'vitest';

// The parser is WebAssembly that loads asynchronously. A run that opens no database (all
// queries described before, from the embedded database's cache) reaches parsing at once, so
// analysis must wait for the parser itself. A fresh process is the only place to see it.
test('analysis waits for the parser to load, even when nothing else is awaited first', () => {
  const root = path.resolve(import.meta.dirname, '..');
  const script = `
    const { analyzeFiles } = await import(${JSON.stringify(path.join(root, 'dist/src/generate.js'))});
    const file = { path: '/q.sql', displayPath: 'q.sql', moduleName: 'q', text: 'SELECT 1',
      queries: [{ name: 'One', command: 'one', doc: [], sql: 'SELECT 1', offset: 0 }] };
    const described = [{ ok: true, paramTypes: [], fields: [{ name: '?column?', tableOid: 0, columnNumber: 0, typeOid: 23 }] }];
    const schema = { session: { describe: async () => described }, catalog: { types: new Map(), relations: new Map(), searchPath: [] } };
    const result = await analyzeFiles([file], schema);
    console.log(JSON.stringify(result.diagnostics.length) + ' ' + result.files[0].queries.length);
  `;
  // The built code, as the CLI runs it (npm install builds dist/).
  const run = spawnSync(process.execPath, ['--input-type=module', '-e', script], { cwd: root, encoding: 'utf8' });
  expect(run.stderr).toBe('');
  expect(run.stdout.trim()).toBe('0 1');
});
