import { spawnSync } from "node:child_process";
import { promises as fs } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { appendChangeLog, decodeVector, encodeRecord, encodeVector, readChangeLog, type ChangeRecord } from "./change-log";
import { withFileLock } from "./log-lock";

let dir: string;
let log: string;
beforeEach(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), "vps-log-"));
  log = path.join(dir, "changes.log");
});
afterEach(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

const remove = (...ids: string[]): ChangeRecord => ({ op: "remove", at: "2026-01-01T00:00:00.000Z", ids });

describe("change log", () => {
  it("replays what was appended, in order, and reads on from an offset", async () => {
    const end1 = await appendChangeLog(log, 0, [remove("a")]);
    const end2 = await appendChangeLog(log, end1, [remove("b"), remove("c")]);
    expect((await readChangeLog(log)).records.map((r) => r.op === "remove" && r.ids[0])).toEqual(["a", "b", "c"]);
    const tail = await readChangeLog(log, end1);
    expect(tail.records).toHaveLength(2);
    expect(tail).toMatchObject({ end: end2, trailing: 0 });
    expect((await fs.stat(log)).size).toBe(end2);
  });

  it("a missing log reads as empty", async () => {
    expect(await readChangeLog(log)).toEqual({ records: [], end: 0, trailing: 0 });
  });

  it("ignores a torn tail (a record cut mid-write) and the next append cuts it off", async () => {
    const end = await appendChangeLog(log, 0, [remove("a")]);
    const torn = encodeRecord(remove("b"));
    await fs.appendFile(log, torn.slice(0, torn.length - 7));
    const read = await readChangeLog(log);
    expect(read.records).toHaveLength(1);
    expect(read).toMatchObject({ end, trailing: torn.length - 7 });
    expect(read.corruption).toBeUndefined();
    await appendChangeLog(log, read.end, [remove("c")]);
    const again = await readChangeLog(log);
    expect(again.records.map((r) => r.op === "remove" && r.ids[0])).toEqual(["a", "c"]);
    expect(again.trailing).toBe(0);
  });

  it("reports a complete record whose checksum does not match as corruption, and never cuts it off", async () => {
    const end = await appendChangeLog(log, 0, [remove("a")]);
    const bad = encodeRecord(remove("b")).replace('"b"', '"x"');
    await fs.appendFile(log, bad);
    await fs.appendFile(log, encodeRecord(remove("c")));
    const read = await readChangeLog(log);
    expect(read.records).toHaveLength(1);
    expect(read.corruption).toEqual({ file: log, offset: end, record: 2, reason: "checksum mismatch", bytesAfter: read.trailing });
    const before = await fs.readFile(log);
    await expect(appendChangeLog(log, read.end, [remove("d")])).rejects.toMatchObject({ code: "storage_unavailable" });
    expect(await fs.readFile(log)).toEqual(before);
  });

  it("refuses to write a record its own schema rejects", async () => {
    await expect(appendChangeLog(log, 0, [{ op: "remove", at: "x", ids: [] }])).rejects.toThrow();
    expect(await readChangeLog(log)).toMatchObject({ records: [], end: 0 });
  });

  it("round-trips vectors bit for bit", () => {
    const v = new Float32Array([0.1, -2.5e-8, Math.PI, -0, 1 / 3]);
    expect(Array.from(decodeVector(encodeVector(v), 5))).toEqual(Array.from(v));
    expect(Object.is(decodeVector(encodeVector(v), 5)[3], -0)).toBe(true);
    expect(() => decodeVector(encodeVector(v), 4)).toThrow(/floats/);
  });
});

describe("file lock", () => {
  it("serialises writers of one process", async () => {
    const lock = path.join(dir, "changes.lock");
    const order: string[] = [];
    const slow = withFileLock(lock, async () => {
      order.push("a:start");
      await new Promise((resolve) => setTimeout(resolve, 50));
      order.push("a:end");
    });
    const fast = withFileLock(lock, async () => {
      order.push("b");
    });
    await Promise.all([slow, fast]);
    expect(order).toEqual(["a:start", "a:end", "b"]);
    await expect(fs.stat(lock)).rejects.toThrow();
  });

  it("takes over the lock of a process that died holding it", async () => {
    const lock = path.join(dir, "changes.lock");
    const dead = spawnSync(process.execPath, ["-e", "process.stdout.write(String(process.pid))"]).stdout.toString();
    await fs.writeFile(lock, `${dead}\n`);
    expect(await withFileLock(lock, async () => "got it", 2_000)).toBe("got it");
  });

  it("waits for a live holder, then gives up with `overloaded`", async () => {
    const lock = path.join(dir, "changes.lock");
    await fs.writeFile(lock, `${process.ppid}\n`);
    await expect(withFileLock(lock, async () => "never", 300)).rejects.toMatchObject({ code: "overloaded" });
    expect(await fs.readFile(lock, "utf8")).toBe(`${process.ppid}\n`);
  });

  it("a lock from another host is waited for while fresh and taken over once a minute old", async () => {
    const lock = path.join(dir, "changes.lock");
    await fs.writeFile(lock, "1 some-other-host\n");
    await expect(withFileLock(lock, async () => "never", 300)).rejects.toMatchObject({ code: "overloaded" });
    const old = new Date(Date.now() - 120_000);
    await fs.utimes(lock, old, old);
    expect(await withFileLock(lock, async () => "got it", 2_000)).toBe("got it");
  });
});
