// One :copyfrom of <rows> rows through the generated function, for a CPU profile:
//   node --cpu-prof runtime/profile-bulk.mjs <database url> <rows> <built json>
// Prints `{ ms, fromUs }` of the timed insert as one JSON line.
import pg from 'pg';
import { makeRows } from '../sections/bulk.mjs';

const [url, rowsText, builtJson] = process.argv.slice(2);
const { rows: generated } = await import(JSON.parse(builtJson).generated);
const data = makeRows(Number(rowsText));
const client = new pg.Client({ connectionString: url });
await client.connect();
await client.query('TRUNCATE bench_rows');
await generated.copyRows(client, data.slice(0, 10_000));
await client.query('TRUNCATE bench_rows');
const fromUs = Number(process.hrtime.bigint() / 1000n);
const started = performance.now();
await generated.copyRows(client, data);
const ms = performance.now() - started;
await client.query('TRUNCATE bench_rows');
await client.end();
process.stdout.write(`${JSON.stringify({ ms, fromUs })}\n`);
