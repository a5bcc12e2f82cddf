import { AppError } from "../errors";

export type InferenceQueue = {
  /** Runs task when a slot is free; throws AppError `overloaded` when too many already wait. */
  run<T>(task: () => Promise<T>, signal?: AbortSignal): Promise<T>;
  /** Tasks running now. */
  readonly active: number;
  /** Tasks waiting for a slot. */
  readonly waiting: number;
};

type Waiter = { start: () => void; cancel: (reason: unknown) => void };

/**
 * A FIFO queue that runs at most `concurrency` tasks at once and lets at most
 * `limit` wait: the photo searches being decoded, prepared and scored at once
 * (their model runs share the inference thread, which batches them), so that a
 * burst neither holds unbounded decoded photos in memory nor turns into timeouts
 * for everyone. A waiter whose request is aborted leaves the queue without running.
 */
export function createInferenceQueue(options: { concurrency?: number; limit: number }): InferenceQueue {
  const concurrency = options.concurrency ?? 1;
  const waiters: Waiter[] = [];
  let active = 0;

  const release = () => {
    active -= 1;
    const next = waiters.shift();
    if (next) next.start();
  };

  const acquire = (signal?: AbortSignal): Promise<void> => {
    signal?.throwIfAborted();
    if (active < concurrency) {
      active += 1;
      return Promise.resolve();
    }
    if (waiters.length >= options.limit) {
      throw new AppError("overloaded", "The server is busy with other searches. Try again in a few seconds.");
    }
    return new Promise<void>((resolve, reject) => {
      const onAbort = () => {
        const index = waiters.indexOf(waiter);
        if (index >= 0) waiters.splice(index, 1);
        waiter.cancel(signal?.reason);
      };
      const waiter: Waiter = {
        start: () => {
          signal?.removeEventListener("abort", onAbort);
          active += 1;
          resolve();
        },
        cancel: reject,
      };
      signal?.addEventListener("abort", onAbort, { once: true });
      waiters.push(waiter);
    });
  };

  return {
    async run(task, signal) {
      await acquire(signal);
      try {
        return await task();
      } finally {
        release();
      }
    },
    get active() {
      return active;
    },
    get waiting() {
      return waiters.length;
    },
  };
}
