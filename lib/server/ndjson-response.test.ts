import { describe, expect, it } from "vitest";
import { AppError } from "../errors";
import { respondNdjson } from "./ndjson-response";

type Event = { n: number } | { side: string };

async function* count(to: number, failAt?: number): AsyncGenerator<Event> {
  for (let n = 1; n <= to; n++) {
    if (n === failAt) throw new AppError("overloaded", `stopped at ${n}`);
    yield { n };
  }
}

const lines = async (response: Response) => (await response.text()).trimEnd().split("\n").map((line) => JSON.parse(line) as unknown);

describe("respondNdjson", () => {
  it("writes one JSON line per event, side lines before the next event, and finishes once", async () => {
    const pending: Event[] = [];
    let finished = 0;
    async function* events(): AsyncGenerator<Event> {
      yield { n: 1 };
      pending.push({ side: "a" }, { side: "b" });
      yield { n: 2 };
    }
    const response = await respondNdjson({ events: events(), pending, finish: async () => void finished++ });
    expect(response.headers.get("content-type")).toBe("application/x-ndjson");
    expect(await lines(response)).toEqual([{ n: 1 }, { side: "a" }, { side: "b" }, { n: 2 }]);
    expect(finished).toBe(1);
  });

  it("an error before the first event is thrown (a plain error response), after finishing", async () => {
    let finished = 0;
    await expect(respondNdjson({ events: count(3, 1), finish: async () => void finished++ })).rejects.toMatchObject({ code: "overloaded" });
    expect(finished).toBe(1);
  });

  it("an error midway ends the stream with a failed line", async () => {
    let finished = 0;
    const response = await respondNdjson({ events: count(5, 3), finish: async () => void finished++ });
    expect(await lines(response)).toEqual([{ n: 1 }, { n: 2 }, { type: "failed", code: "overloaded", message: "stopped at 3" }]);
    expect(finished).toBe(1);
  });

  it("a client hanging up stops the generator and finishes", async () => {
    let finished = 0;
    let stopped = false;
    async function* endless(): AsyncGenerator<Event> {
      try {
        for (let n = 1; ; n++) yield { n };
      } finally {
        stopped = true;
      }
    }
    const response = await respondNdjson({ events: endless(), finish: async () => void finished++ });
    const reader = response.body!.getReader();
    await reader.read();
    // The pull that refills the queue settles within microtasks (the generator never waits): let it.
    await new Promise((resolve) => setImmediate(resolve));
    await reader.cancel();
    expect(stopped).toBe(true);
    expect(finished).toBe(1);
  });
});
