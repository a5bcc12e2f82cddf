import { promises as fs } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { VectorCache } from "./vector-cache";

describe("VectorCache", () => {
  let dir: string;
  beforeEach(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), "vps-cache-"));
  });
  afterEach(async () => {
    await fs.rm(dir, { recursive: true, force: true });
  });

  const vec = (seed: number) => Float32Array.from({ length: 4 }, (_, i) => seed + i / 10);

  it("persists flushed vectors and only those", async () => {
    const cache = await VectorCache.open(dir, 4);
    cache.put("a", vec(1));
    cache.put("b", vec(2));
    await cache.flush();
    cache.put("c", vec(3)); // never flushed: lost, as in a crash
    const reopened = await VectorCache.open(dir, 4);
    expect(reopened.size).toBe(2);
    expect(Array.from(reopened.get("b")!)).toEqual(Array.from(vec(2)));
    expect(reopened.has("c")).toBe(false);
  });

  it("keeps the chunks of two processes writing the same cache", async () => {
    const a = await VectorCache.open(dir, 4);
    const b = await VectorCache.open(dir, 4);
    a.put("x", vec(1));
    b.put("y", vec(2));
    await a.flush();
    await b.flush();
    a.put("z", vec(3));
    await a.flush();
    const reopened = await VectorCache.open(dir, 4);
    expect([...["x", "y", "z"]].map((k) => reopened.has(k))).toEqual([true, true, true]);
  });

  it("ignores a temp file left by a crash mid-write and refuses a corrupt chunk", async () => {
    const cache = await VectorCache.open(dir, 4);
    cache.put("a", vec(1));
    await cache.flush();
    await fs.writeFile(path.join(dir, ".chunk-zzz.bin.123.tmp"), "half a chunk");
    expect((await VectorCache.open(dir, 4)).size).toBe(1);
    await fs.writeFile(path.join(dir, "chunk-corrupt.bin"), Buffer.from([1, 2, 3, 4, 5, 6]));
    await expect(VectorCache.open(dir, 4)).rejects.toThrow(/Corrupt cache chunk/);
  });

  it("refuses vectors of the wrong dimension", async () => {
    const cache = await VectorCache.open(dir, 4);
    expect(() => cache.put("a", new Float32Array(3))).toThrow();
  });
});
