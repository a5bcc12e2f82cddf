import { describe, expect, it } from "vitest";
import { createInferenceQueue } from "./inference-queue";

function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

describe("createInferenceQueue", () => {
  it("runs one task at a time, in arrival order", async () => {
    const queue = createInferenceQueue({ limit: 10 });
    const order: string[] = [];
    const gate = deferred();
    const first = queue.run(async () => {
      order.push("a:start");
      await gate.promise;
      order.push("a:end");
    });
    const second = queue.run(async () => void order.push("b"));
    expect(queue.active).toBe(1);
    expect(queue.waiting).toBe(1);
    gate.resolve();
    await Promise.all([first, second]);
    expect(order).toEqual(["a:start", "a:end", "b"]);
    expect([queue.active, queue.waiting]).toEqual([0, 0]);
  });

  it("refuses with overloaded once `limit` tasks wait", async () => {
    const queue = createInferenceQueue({ limit: 1 });
    const gate = deferred();
    const running = queue.run(() => gate.promise);
    const waiting = queue.run(async () => "ok");
    await expect(queue.run(async () => "no")).rejects.toMatchObject({ code: "overloaded" });
    gate.resolve();
    await running;
    await expect(waiting).resolves.toBe("ok");
  });

  it("frees the slot when a task throws", async () => {
    const queue = createInferenceQueue({ limit: 1 });
    await expect(queue.run(async () => Promise.reject(new Error("boom")))).rejects.toThrow("boom");
    await expect(queue.run(async () => 1)).resolves.toBe(1);
  });

  it("drops a waiter whose request was aborted", async () => {
    const queue = createInferenceQueue({ limit: 5 });
    const gate = deferred();
    const running = queue.run(() => gate.promise);
    const controller = new AbortController();
    let ran = false;
    const aborted = queue.run(async () => void (ran = true), controller.signal);
    controller.abort(new Error("client went away"));
    await expect(aborted).rejects.toThrow("client went away");
    expect(queue.waiting).toBe(0);
    gate.resolve();
    await running;
    expect(ran).toBe(false);
  });
});
