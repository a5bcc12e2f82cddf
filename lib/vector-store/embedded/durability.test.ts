/**
 * Acknowledged means durable (issue 14), in process against the embedded store: a full
 * disk and failing devices through the change-log writer's fs seam, check-then-write
 * under the lock, and corruption told apart from a torn tail.
 */
import { execFile } from "node:child_process";
import { promises as fs } from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { publishCatalog, readCatalog } from "../../catalog/store";
import type { CatalogItem, CatalogManifest } from "../../catalog/types";
import { AppError } from "../../errors";
import { FlatIndex } from "../../index/flat-index";
import { saveFlatIndex } from "../../index/index-file";
import { createRng } from "../../random";
import { changeLogPaths, encodeRecord, readChangeLog, type ChangeRecord } from "./change-log";
import { EmbeddedStore } from "./embedded-store";
import { nodeLogFileSystem, type LogFile, type LogFileSystem } from "./log-file";
import { repairChangeLog } from "./repair-log";

const dim = 8;
const model = { id: "0123456789abcdef", name: "test-model" };
const random = createRng(11);

function item(id: string, articleType = "Shirts"): CatalogItem {
  return {
    id, gender: "Men", masterCategory: "Apparel", subCategory: "", articleType, baseColour: "Blue", season: "", year: "", usage: "",
    productDisplayName: `Product ${id}`, imageHash: "a".repeat(64), imageExt: "jpg", width: 10, height: 10, label: articleType, split: "train",
  };
}

function unit(): Float32Array {
  const v = Float32Array.from({ length: dim }, () => random() * 2 - 1);
  const norm = Math.hypot(...v);
  return v.map((x) => x / norm);
}

let dir: string;
let log: string;

beforeEach(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), "vps-durable-"));
  const items = Array.from({ length: 20 }, (_, i) => item(String(1000 + i)));
  const vectors = new Float32Array(items.length * dim);
  items.forEach((_, i) => vectors.set(unit(), i * dim));
  const index = new FlatIndex(dim, items.map((i) => i.id), vectors);
  const manifest: CatalogManifest = {
    version: 1, createdAt: "", source: { images: "", csv: "" }, labelColumn: "articleType", minPerLabel: 1, seed: 1,
    itemCount: items.length, labels: [{ label: "Shirts", count: items.length }],
  };
  await publishCatalog(dir, manifest, items, { indexes: [{ modelId: model.id, save: (file) => saveFlatIndex(file, index, { modelId: model.id }) }] });
  log = changeLogPaths((await readCatalog(dir)).generationDir).log;
});
afterEach(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

const open = (logFs?: LogFileSystem) => EmbeddedStore.open(dir, { id: model.id, dim }, { logFs });
const ids = async (store: EmbeddedStore) => (await store.listItems()).map((i) => i.id).filter((id) => !/^10\d\d$/.test(id)).sort();
const errno = (code: string) => Object.assign(new Error(`${code}: injected`), { code });

/**
 * The real file system, except that writes fail as a full or broken disk does: `mode`
 * is read at every write, so a test flips it to "ok" once space is back.
 */
function faultyFs(fault: { mode: "ok" | "enospc" | "short" | "eio-on-sync" }): LogFileSystem {
  return {
    ...nodeLogFileSystem,
    async open(file) {
      const opened = await nodeLogFileSystem.open(file);
      const real = opened.handle;
      const handle: LogFile = {
        ...real,
        async write(data, position) {
          if (fault.mode === "enospc") throw errno("ENOSPC");
          if (fault.mode === "short") {
            // The disk takes part of the record and then nothing more, as write(2) does when it fills up.
            const taken = await real.write(data.subarray(0, Math.min(data.length, Math.floor(data.length / 3))), position);
            fault.mode = "enospc";
            return taken;
          }
          return real.write(data, position);
        },
        async sync() {
          if (fault.mode === "eio-on-sync") throw errno("EIO");
          return real.sync();
        },
      };
      return { ...opened, handle };
    },
  };
}

describe("a full disk or a failing device during a write", () => {
  it.each([
    ["ENOSPC", "insufficient_storage", "enospc"],
    ["a short write, then ENOSPC", "insufficient_storage", "short"],
    ["EIO from fsync", "storage_unavailable", "eio-on-sync"],
  ] as const)("%s: refused with %s, nothing kept, the next write works without a restart", async (_, code, mode) => {
    const fault = { mode: "ok" as "ok" | "enospc" | "short" | "eio-on-sync" };
    const store = await open(faultyFs(fault));
    await store.upsert([{ item: item("a"), vector: unit() }]);
    const good = await fs.readFile(log);
    fault.mode = mode;
    await expect(store.upsert([{ item: item("lost"), vector: unit() }])).rejects.toMatchObject({ code, message: expect.stringMatching(/not saved/) });
    expect(await fs.readFile(log)).toEqual(good);
    expect(await ids(store)).toEqual(["a"]);
    fault.mode = "ok";
    await store.upsert([{ item: item("b"), vector: unit() }]);
    await store.update("a", { productDisplayName: "after the fault" });
    expect(await ids(store)).toEqual(["a", "b"]);
    const reopened = await open();
    expect(await ids(reopened)).toEqual(["a", "b"]);
    expect((await reopened.get("a"))?.item.productDisplayName).toBe("after the fault");
    expect((await readChangeLog(log)).trailing).toBe(0);
  });

  it("a log created on a full disk: refused, and writes work once space is back", async () => {
    const fault = { mode: "enospc" as "ok" | "enospc" };
    const store = await open(faultyFs(fault));
    await expect(store.remove(["1000"])).rejects.toMatchObject({ code: "insufficient_storage" });
    expect(await store.count()).toBe(20);
    fault.mode = "ok";
    expect(await store.remove(["1000"])).toBe(1);
    expect(await (await open()).count()).toBe(19);
  });
});

describe("check-then-write under the lock", () => {
  it("8 concurrent guarded adds of one id: exactly one is written, seven refused", async () => {
    const store = await open();
    const guard = async (latest: { get: (id: string) => Promise<unknown> }) => {
      if (await latest.get("same")) throw new AppError("conflict", "taken");
    };
    const results = await Promise.allSettled(
      Array.from({ length: 8 }, (_, i) => store.upsert([{ item: { ...item("same"), productDisplayName: `try ${i}` }, vector: unit() }], { guard })),
    );
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    expect(results.filter((r) => r.status === "rejected").map((r) => (r as PromiseRejectedResult).reason.code)).toEqual(Array(7).fill("conflict"));
    const upserts = (await readChangeLog(log)).records.filter((r) => r.op === "upsert");
    expect(upserts).toHaveLength(1);
  });

  it("the same across two processes: a second store on the same catalog sees the first's add under the lock", async () => {
    const [a, b] = [await open(), await open()];
    const guard = async (latest: { get: (id: string) => Promise<unknown> }) => {
      if (await latest.get("same")) throw new AppError("conflict", "taken");
    };
    await a.upsert([{ item: item("same"), vector: unit() }], { guard });
    // b has not refreshed: without the guard running on the caught-up state it would write a second record.
    await expect(b.upsert([{ item: item("same"), vector: unit() }], { guard })).rejects.toMatchObject({ code: "conflict" });
  });

  it("40 concurrent updates computed from the stored record: every record's label equals its articleType", async () => {
    const store = await open();
    await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        store.update("1000", (current) => {
          const changes = i % 2 ? { articleType: `Type ${i}` } : { productDisplayName: `Name ${i}` };
          return { ...changes, label: { ...current, ...changes }.articleType };
        }),
      ),
    );
    const updates = (await readChangeLog(log)).records.filter((r): r is Extract<ChangeRecord, { op: "update" }> => r.op === "update");
    expect(updates).toHaveLength(40);
    expect(updates.filter((r) => r.item.label !== r.item.articleType)).toEqual([]);
  });
});

describe("corruption is not a torn tail", () => {
  const remove = (id: string): ChangeRecord => ({ op: "remove", at: "2026-01-01T00:00:00.000Z", ids: [id] });

  /** A log of `n` removals of the base items, with one bit flipped in record `bad` (from 1). */
  async function writeLog(n: number, bad: number | undefined): Promise<{ bytes: Buffer; offset: number }> {
    const lines = Array.from({ length: n }, (_, i) => encodeRecord(remove(String(1000 + i))));
    const offset = lines.slice(0, (bad ?? 1) - 1).reduce((sum, line) => sum + Buffer.byteLength(line), 0);
    const bytes = Buffer.from(lines.join(""));
    if (bad !== undefined) bytes[offset + 20] = bytes[offset + 20]! ^ 0x04;
    await fs.writeFile(log, bytes);
    return { bytes, offset };
  }

  it("a bad record followed by more: served read-only as it was before it, writes refused, nothing truncated", async () => {
    const { bytes, offset } = await writeLog(15, 12);
    const store = await open();
    expect(await store.count()).toBe(20 - 11);
    expect(store.info().problems).toEqual([expect.objectContaining({ kind: "corrupt_change_log", file: log, offset, record: 12, repair: "npm run catalog:repair" })]);
    await expect(store.upsert([{ item: item("new"), vector: unit() }])).rejects.toMatchObject({ code: "storage_unavailable", message: expect.stringContaining("npm run catalog:repair") });
    await expect(store.update("1019", { productDisplayName: "x" })).rejects.toMatchObject({ code: "storage_unavailable" });
    await expect(store.compact(model)).rejects.toMatchObject({ code: "storage_unavailable" });
    expect(await fs.readFile(log)).toEqual(bytes);
  });

  it("a complete last line with a bad checksum is corruption too; an incomplete one is a torn tail", async () => {
    const { bytes } = await writeLog(5, 5);
    const store = await open();
    expect(store.info().problems).toHaveLength(1);
    await expect(store.remove(["1010"])).rejects.toMatchObject({ code: "storage_unavailable" });
    expect(await fs.readFile(log)).toEqual(bytes);
    await fs.writeFile(log, bytes.subarray(0, bytes.length - 1)); // the same bytes without their newline: a torn write
    const torn = await open();
    expect(torn.info().problems).toEqual([]);
    expect(await torn.remove(["1010"])).toBe(1);
    expect((await readChangeLog(log)).records).toHaveLength(5);
  });

  it("the repair keeps the good records before and after, drops the bad one, and a running store moves to it", async () => {
    const { bytes, offset } = await writeLog(15, 12);
    const store = await open();
    const report = await repairChangeLog(dir);
    expect(report).toMatchObject({ file: log, kept: 14, tornTailBytes: 0, dropped: [expect.objectContaining({ record: 12, offset, reason: "checksum mismatch" })] });
    expect(await fs.readFile(report.quarantined!)).toEqual(bytes);
    expect(await store.refresh()).toBe(true);
    expect(store.info().problems).toEqual([]);
    // Records 13-15 (removals of 1012-1014) are applied again; 1011's removal was the bad record.
    expect((await store.listItems()).map((i) => i.id)).toEqual(["1011", "1015", "1016", "1017", "1018", "1019"]);
    expect(await store.remove(["1011"])).toBe(1);
    expect((await repairChangeLog(dir)).quarantined).toBeNull();
  });

  it("npm run catalog:repair reports what it dropped", async () => {
    const { offset } = await writeLog(6, 3);
    const { stdout } = await promisify(execFile)(process.execPath, ["--import", "tsx", "scripts/catalog-repair.ts"], { env: { ...process.env, CATALOG_DIR: dir } });
    expect(stdout).toContain(`kept 5 records, dropped 1`);
    expect(stdout).toContain(`dropped record 3 at byte ${offset}`);
    expect((await readChangeLog(log)).records).toHaveLength(5);
  });
});
