// Child processes: timed runs of a command line, and long-running watchers.
import { spawn } from 'node:child_process';

/**
 * Runs `command args` to its end and returns `{ code, stdout, stderr, ms }`, `ms` being the wall
 * time from spawn to exit. A run past `timeoutMs` is killed (SIGKILL) and rejected.
 */
export function run(command, args, { cwd, env = process.env, timeoutMs = 300_000 } = {}) {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(command, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk) => (stderr += chunk));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${command} ${args.join(' ')} took longer than ${timeoutMs} ms\n${stderr.slice(-2000)}`));
    }, timeoutMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('exit', (code, signal) => {
      const ms = performance.now() - started;
      clearTimeout(timer);
      // 'exit' can come before the pipes are drained; 'close' follows once they are.
      child.on('close', () => resolve({ code: code ?? (signal ? 128 : 1), stdout, stderr, ms }));
    });
  });
}

/** Runs a command that must succeed; throws with its output otherwise. */
export async function runOk(command, args, options) {
  const result = await run(command, args, options);
  if (result.code !== 0) {
    throw new Error(`${command} ${args.join(' ')} exited ${result.code}\n${(result.stdout + result.stderr).slice(-4000)}`);
  }
  return result;
}

/**
 * Starts a long-running command (a watcher). `lines` collects its output lines; `waitFor(test)`
 * resolves once a line passes `test` (within `timeoutMs`); `stop()` ends it with SIGINT, then
 * SIGKILL if it lingers.
 */
export function startProcess(command, args, { cwd, env = process.env } = {}) {
  const child = spawn(command, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const lines = [];
  const waiters = new Set();
  let exited = false;
  const onText = (chunk) => {
    for (const line of chunk.split('\n')) {
      if (!line.trim()) continue;
      lines.push(line);
      for (const waiter of waiters) waiter(line);
    }
  };
  child.stdout.setEncoding('utf8').on('data', onText);
  child.stderr.setEncoding('utf8').on('data', onText);
  const exit = new Promise((resolve) => child.on('exit', (code) => {
    exited = true;
    for (const waiter of waiters) waiter(undefined);
    resolve(code);
  }));

  return {
    lines,
    waitFor(test, timeoutMs, what = 'output') {
      const already = lines.find(test);
      if (already !== undefined) return Promise.resolve(already);
      return new Promise((resolve, reject) => {
        const done = (error, line) => {
          clearTimeout(timer);
          waiters.delete(check);
          if (error) reject(error);
          else resolve(line);
        };
        const check = (line) => {
          if (line === undefined) done(new Error(`${command} exited while waiting for ${what}:\n${lines.slice(-30).join('\n')}`));
          else if (test(line)) done(undefined, line);
        };
        const timer = setTimeout(() => done(new Error(`no ${what} from ${command} within ${timeoutMs} ms:\n${lines.slice(-30).join('\n')}`)), timeoutMs);
        if (exited) return check(undefined);
        waiters.add(check);
      });
    },
    async stop() {
      if (exited) return;
      child.kill('SIGINT');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exit;
      clearTimeout(timer);
    },
  };
}
