import { parentPort, workerData, type Transferable } from "node:worker_threads";
import { startTypeScriptWorker } from "./typescript-worker";

/** Jobs sent to a pool of worker threads running one TypeScript module (see serveJobs). */
export type WorkerPool<Job, Result> = {
  readonly size: number;
  /** Runs `job` on the next worker in turn; rejects with the worker's error message. */
  run(job: Job): Promise<Result>;
  close(): Promise<void>;
};

type Request<Job> = { id: number; job: Job };
type Reply<Result> = { id: number; result: Result } | { id: number; error: string };

/** Starts `count` workers on `moduleUrl`, a module that calls serveJobs; each sees `data` as its workerData. */
export function startWorkerPool<Job, Result>(moduleUrl: URL, count: number, data: unknown): WorkerPool<Job, Result> {
  const workers = Array.from({ length: count }, () => startTypeScriptWorker(moduleUrl, data));
  const waiting = new Map<number, { resolve: (result: Result) => void; reject: (error: Error) => void }>();
  const failAll = (error: Error) => {
    for (const w of waiting.values()) w.reject(error);
    waiting.clear();
  };
  for (const worker of workers) {
    worker.on("message", (reply: Reply<Result>) => {
      const w = waiting.get(reply.id);
      waiting.delete(reply.id);
      if (!w) return;
      if ("error" in reply) w.reject(new Error(reply.error));
      else w.resolve(reply.result);
    });
    worker.on("error", failAll);
    worker.on("exit", (code) => {
      if (waiting.size > 0) failAll(new Error(`A worker thread exited (code ${code}) with jobs pending`));
    });
  }
  let next = 0;
  return {
    size: count,
    run(job) {
      const id = next++;
      return new Promise((resolve, reject) => {
        waiting.set(id, { resolve, reject });
        workers[id % workers.length]!.postMessage({ id, job } satisfies Request<Job>);
      });
    },
    async close() {
      await Promise.all(workers.map((w) => w.terminate()));
    },
  };
}

/**
 * Results of `jobs` in job order, computed on `pool` with at most `window` jobs ahead of the
 * one awaited; `onResult` sees each in order, one at a time. A job that fails rejects the whole
 * map (after it, the others' failures are not reported twice).
 */
export async function mapInOrder<Job, Result>(
  pool: WorkerPool<Job, Result>,
  jobs: readonly Job[],
  window: number,
  onResult: (result: Result, index: number) => Promise<void> | void,
): Promise<void> {
  const pending = new Map<number, Promise<Result>>();
  let submitted = 0;
  for (let i = 0; i < jobs.length; i++) {
    for (; submitted < jobs.length && pending.size < Math.max(1, window); submitted++) {
      const result = pool.run(jobs[submitted]!);
      result.catch(() => {});
      pending.set(submitted, result);
    }
    const result = await pending.get(i)!;
    pending.delete(i);
    await onResult(result, i);
  }
}

/**
 * The worker side: answers each job with `handler(job, workerData)`. The handler may name
 * buffers of its result to transfer rather than copy. Call once at a worker module's top level.
 */
export function serveJobs<Job, Result, Data>(handler: (job: Job, data: Data) => Promise<{ result: Result; transfer?: Transferable[] }>): void {
  const port = parentPort;
  if (!port) return;
  port.on("message", async ({ id, job }: Request<Job>) => {
    try {
      const { result, transfer } = await handler(job, workerData as Data);
      port.postMessage({ id, result } satisfies Reply<Result>, transfer ?? []);
    } catch (error) {
      port.postMessage({ id, error: error instanceof Error ? error.message : String(error) } satisfies Reply<Result>);
    }
  });
}
