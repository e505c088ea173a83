import type { Reporter } from '../commands/reporter.js';

/**
 * When a regeneration's stages ended, for `SQLGEN_WATCH_TRACE=1`: the one line a run prints
 * says how long it took from its start, not how long the save waited for it, and a slow save
 * is easier to report with both.
 */
export interface RunTrace {
  /** Notes that `stage` ended now. */
  mark(stage: string): void;
  /** Prints `trace: event 0.0, start 0.4, analysed 5.1, ... ms` (from the batch's first file event). */
  print(reporter: Reporter): void;
}

/** The trace of a run that is not traced. */
export const noTrace: RunTrace = { mark() {}, print() {} };

/**
 * A trace for one run whose first file event came at `eventAt` (`performance.now()`), or one
 * that does nothing when tracing is off.
 *
 * @example
 * const trace = runTrace(env, batch[0].at); trace.mark('start'); ...; trace.print(reporter);
 * // trace: event 0.0, start 0.3, analysed 4.8, rendered 5.6, written 7.9 ms
 */
export function runTrace(env: NodeJS.ProcessEnv, eventAt: number | undefined): RunTrace {
  if (!env.SQLGEN_WATCH_TRACE || env.SQLGEN_WATCH_TRACE === '0' || eventAt === undefined) return noTrace;
  const marks: [string, number][] = [['event', eventAt]];
  return {
    mark: (stage) => void marks.push([stage, performance.now()]),
    print: (reporter) => reporter.err(`trace: ${marks.map(([stage, at]) => `${stage} ${(at - eventAt).toFixed(1)}`).join(', ')} ms`),
  };
}
