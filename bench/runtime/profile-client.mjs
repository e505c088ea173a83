// Runs one client's query serially on one connection, for a CPU profile of the runtime path:
//   node --cpu-prof runtime/profile-client.mjs <database url> <client> <get|list> <calls> <built json>
// Prints `{ ms, calls }` of the timed part (after a warm-up) as one JSON line.
import { clients } from './clients.mjs';

const [url, name, query, callsText, builtJson] = process.argv.slice(2);
const calls = Number(callsText);
const client = await clients[name](url, 1, JSON.parse(builtJson));
const input = (i) => (query === 'get' ? 1 + ((i * 7919) % 10_000) : (i * 7919) % 9_900);
for (let i = 0; i < 500; i++) await client[query](input(i));
const fromUs = Number(process.hrtime.bigint() / 1000n);
const started = performance.now();
for (let i = 0; i < calls; i++) await client[query](input(i));
const ms = performance.now() - started;
await client.close();
process.stdout.write(`${JSON.stringify({ ms, calls, fromUs })}\n`);
