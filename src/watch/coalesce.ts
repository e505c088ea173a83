export interface Coalescer<T> {
  /** Queues an item; the batch runs once no item has arrived for `quietMs`. */
  push(item: T): void;
  /** Starts running batches, for a coalescer made `paused`: what was queued meanwhile runs now. */
  resume(): void;
  /** Drops what is queued, waits for the run in progress and accepts nothing more. */
  stop(): Promise<void>;
}

export interface CoalesceOptions {
  /** Quiet time after the last item before a batch runs: an editor's save is often two writes. */
  readonly quietMs: number;
  /** A stream of items that never pauses still runs a batch this long after its first item. */
  readonly maxWaitMs: number;
  /** Queue, but run nothing until `resume` (while something else has the resources). */
  readonly paused?: boolean;
}

/**
 * Batches items that arrive close together and hands each batch to `run`, never two runs at
 * once: what arrives during a run waits and becomes the next batch. `run` must not throw.
 *
 * @example
 * const queue = coalesce<string>({ quietMs: 25, maxWaitMs: 250 }, async (paths) => regenerate(paths));
 * queue.push('queries/users.sql'); queue.push('queries/users.sql'); // one run with both
 */
export function coalesce<T>(options: CoalesceOptions, run: (batch: T[]) => Promise<void>): Coalescer<T> {
  let queued: T[] = [];
  let firstQueuedAt = 0;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let stopped = false;
  let paused = options.paused ?? false;

  const start = (): void => {
    timer = undefined;
    if (running || stopped || paused || !queued.length) return;
    const batch = queued;
    queued = [];
    running = run(batch).finally(() => {
      running = undefined;
      // What came in meanwhile has waited long enough; run it unless its quiet time is still open.
      if (queued.length && !timer) start();
    });
  };

  const schedule = (delay: number): void => {
    if (timer) clearTimeout(timer);
    timer = setTimeout(start, Math.max(0, delay));
  };

  return {
    push(item) {
      if (stopped) return;
      if (!queued.length) firstQueuedAt = performance.now();
      queued.push(item);
      const waited = performance.now() - firstQueuedAt;
      schedule(Math.min(options.quietMs, options.maxWaitMs - waited));
    },
    resume() {
      paused = false;
      if (queued.length && !timer) start();
    },
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      timer = undefined;
      queued = [];
      await running;
    },
  };
}
