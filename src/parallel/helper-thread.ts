import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { QueryFile } from '../parse/query-source.js';
import type { HelperAnalyze, HelperDone, HelperParsed, HelperStart } from './helper-protocol.js';

/**
 * Below this many queries to parse a helper costs more than it saves: starting a thread and
 * loading the parser in it takes ~100 ms of the other core, and the work it takes over is
 * ~0.2 ms a query.
 */
const minimumQueries = 200;

/** A worker thread that parses, analyses and renders some of a run's query files. */
export interface HelperThread {
  readonly files: ReadonlySet<QueryFile>;
  /** Resolves once the helper has parsed its files. */
  readonly parsed: Promise<HelperParsed>;
  /** Sends the catalog and descriptions; resolves with the analysed and rendered files. */
  finish(message: HelperAnalyze): Promise<HelperDone>;
  stop(): void;
}

/**
 * Starts a helper for about half of `unseen` (files none of whose queries is cached) when that
 * is worth it: a second core, enough queries, and the built code (under the tests, which run
 * the TypeScript sources, a worker cannot load them). `SQLGEN_PARALLEL=0` turns helpers off,
 * `=1` starts one whatever the size (for the tests of this code).
 */
export function startHelper(unseen: readonly QueryFile[], env: NodeJS.ProcessEnv): HelperThread | undefined {
  const setting = env.SQLGEN_PARALLEL;
  const script = new URL('./helper-worker.js', import.meta.url);
  const total = unseen.reduce((n, file) => n + file.queries.length, 0);
  const wanted = setting === '1' || (setting !== '0' && total >= minimumQueries && availableParallelism() > 1);
  if (!wanted || import.meta.url.endsWith('.ts') || unseen.length < 2) return undefined;

  // Every other file by query count, so both threads get about the same work.
  const files: QueryFile[] = [];
  let taken = 0;
  let seen = 0;
  for (const file of unseen) {
    if (taken < seen - taken) {
      files.push(file);
      taken += file.queries.length;
    }
    seen += file.queries.length;
  }
  const start: HelperStart = { files };
  const worker = new Worker(fileURLToPath(script), { workerData: start });
  const next = <T>(): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      const settle = (): void => {
        worker.off('message', onMessage).off('error', onError).off('exit', onExit);
      };
      const onMessage = (message: T): void => {
        settle();
        resolve(message);
      };
      const onError = (error: Error): void => {
        settle();
        reject(error);
      };
      const onExit = (code: number): void => {
        settle();
        reject(new Error(`sqlgen's helper thread stopped (exit code ${code})`));
      };
      worker.once('message', onMessage).once('error', onError).once('exit', onExit);
    });
  const parsed = next<HelperParsed>();
  parsed.catch(() => undefined);
  return {
    files: new Set(files),
    parsed,
    finish(message) {
      const done = next<HelperDone>();
      worker.postMessage(message);
      return done;
    },
    stop: () => void worker.terminate(),
  };
}
