export interface Coalescer<T> {
  /** Queues an item: it runs at once when it starts a burst, else with the rest of its burst. */
  push(item: T): void;
  /** Starts running batches, for a coalescer made `paused`: what was queued meanwhile runs now. */
  resume(): void;
  /** Drops what is queued, waits for the run in progress and accepts nothing more. */
  stop(): Promise<void>;
}

export interface CoalesceOptions {
  /**
   * An item that comes this soon after the one before belongs to the same burst (an editor's
   * save all, a branch switch): it waits until the burst has been quiet this long.
   */
  readonly quietMs: number;
  /** A burst that never pauses still runs this long after its first waiting item. */
  readonly maxWaitMs: number;
  /** Queue, but run nothing until `resume` (while something else has the resources). */
  readonly paused?: boolean;
}

/**
 * Hands items to `run` in batches, never two runs at once. The first item after a quiet spell
 * runs at once (with whatever arrived in the same turn of the event loop): a single save waits
 * for nothing. Items that follow it closely are a burst and run as one more batch, once no
 * item has come for `quietMs` and the run before has ended. So a burst shorter than
 * `maxWaitMs` costs at most two runs, the first of them started without delay. `run` must
 * not throw.
 *
 * @example
 * const queue = coalesce<string>({ quietMs: 25, maxWaitMs: 250 }, async (paths) => regenerate(paths));
 * queue.push('queries/users.sql'); // runs in this turn of the event loop
 * // 5 ms later, the rest of a save all: one more run, 25 ms after the last of them
 * queue.push('queries/posts.sql');
 * queue.push('queries/tags.sql');
 */
export function coalesce<T>(options: CoalesceOptions, run: (batch: T[]) => Promise<void>): Coalescer<T> {
  let queued: T[] = [];
  let firstQueuedAt = 0;
  let lastPushAt = Number.NEGATIVE_INFINITY;
  /** The end of the quiet time the queue waits for. */
  let timer: NodeJS.Timeout | undefined;
  /** A start in this turn of the event loop: items pushed before it join its batch. */
  let immediate: NodeJS.Immediate | undefined;
  let running: Promise<void> | undefined;
  let stopped = false;
  let paused = options.paused ?? false;

  const start = (): void => {
    immediate = undefined;
    if (running || stopped || paused || !queued.length) return;
    const batch = queued;
    queued = [];
    running = run(batch).finally(() => {
      running = undefined;
      // What came in meanwhile has waited long enough; run it unless its burst is still going.
      if (queued.length && !timer) start();
    });
  };

  /**
   * Starts a batch in this turn of the event loop, after the file events that are waiting
   * have been delivered: a process that was not scheduled for a while finds its timers due
   * before it has read those, and would split a burst.
   */
  const startSoon = (): void => {
    timer = undefined;
    immediate ??= setImmediate(start);
  };

  const cancel = (): void => {
    clearTimeout(timer);
    clearImmediate(immediate);
    timer = undefined;
    immediate = undefined;
  };

  return {
    push(item) {
      if (stopped) return;
      const now = performance.now();
      const inBurst = now - lastPushAt < options.quietMs;
      lastPushAt = now;
      if (!queued.length) firstQueuedAt = now;
      queued.push(item);
      if (immediate) return;
      if (inBurst) {
        clearTimeout(timer);
        timer = setTimeout(startSoon, Math.max(0, Math.min(options.quietMs, options.maxWaitMs - (now - firstQueuedAt))));
      } else if (!timer && !running) {
        startSoon();
      }
      // Otherwise a start is due already, or the run in progress starts the next batch as it ends.
    },
    resume() {
      paused = false;
      if (queued.length && !timer) startSoon();
    },
    async stop() {
      stopped = true;
      cancel();
      queued = [];
      await running;
    },
  };
}
