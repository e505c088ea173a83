// What the numbers were measured on.
import { execFileSync } from 'node:child_process';
import os from 'node:os';
import { serverInfo } from './db.mjs';

function quiet(command, args, cwd) {
  try {
    return execFileSync(command, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return undefined;
  }
}

/** `{ cpu, cores, memory, os, node, postgres, pgbench, sqlgen, date }` as display strings. */
export async function machineDetails(url, repoRoot) {
  const server = await serverInfo(url);
  const commit = quiet('git', ['rev-parse', '--short', 'HEAD'], repoRoot);
  const dirty = quiet('git', ['status', '--porcelain', '--', 'src', 'cli', 'templates'], repoRoot);
  const load = os.loadavg().map((l) => l.toFixed(2)).join(' ');
  return {
    date: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
    cpu: `${os.cpus()[0]?.model ?? 'unknown'}`,
    cores: String(os.availableParallelism?.() ?? os.cpus().length),
    memory: `${(os.totalmem() / 2 ** 30).toFixed(1)} GiB`,
    os: `${os.type()} ${os.release()} (${os.arch()})`,
    load: `${load} (1/5/15 min, at the start)`,
    node: process.version,
    postgres: `${server.version.split(',')[0]}; shared_buffers ${server.shared_buffers}, fsync ${server.fsync}, synchronous_commit ${server.synchronous_commit}, max_connections ${server.max_connections}`,
    pgbench: quiet('pgbench', ['--version']) ?? 'not installed',
    sqlgen: commit ? `${commit}${dirty ? ' with uncommitted changes in src/, cli/ or templates/' : ''}` : 'unknown',
  };
}
