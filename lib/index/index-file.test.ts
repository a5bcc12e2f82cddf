import { promises as fs } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AppError } from "../errors";
import { FlatIndex } from "./flat-index";
import { computeContentId, loadFlatIndex, saveFlatIndex } from "./index-file";

let dir: string;
beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), "index-file-"));
});
afterAll(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

function makeIndex(): FlatIndex {
  const dim = 3;
  const ids = ["10001", "10002", "ünïcode-id", "4"];
  const vectors = Float32Array.from({ length: ids.length * dim }, (_, i) => Math.sin(i + 1));
  return new FlatIndex(dim, ids, vectors);
}

async function expectCorrupt(file: string, pattern: RegExp): Promise<void> {
  const error = await loadFlatIndex(file).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(AppError);
  expect((error as AppError).code).toBe("internal");
  expect((error as AppError).message).toMatch(pattern);
}

describe("saveFlatIndex / loadFlatIndex", () => {
  it("round-trips vectors, ids and metadata, with the matrix 64-byte aligned", async () => {
    const index = makeIndex();
    const file = path.join(dir, "sub", "flat.bin");
    const written = await saveFlatIndex(file, index, { modelId: "resnet50-imagenet", dim: 3 });
    const { index: loaded, header } = await loadFlatIndex(file, { verify: true });
    expect(loaded.dim).toBe(3);
    expect(loaded.ids).toEqual(index.ids);
    expect(Array.from(loaded.vectors)).toEqual(Array.from(index.vectors));
    expect(header).toEqual(written);
    expect(header.meta).toEqual({ modelId: "resnet50-imagenet", dim: 3 });
    expect(header.contentId).toBe(computeContentId(index));
    expect(header.contentId).toMatch(/^[0-9a-f]{64}$/);
    expect(loaded.vectors.byteOffset % 64).toBe(0);
    expect(loaded.search(index.vector(2), 1)[0]?.id).toBe("ünïcode-id");
    expect(await fs.readdir(path.join(dir, "sub"))).toEqual(["flat.bin"]); // no temp file left behind
  });

  it("gives the same content id for the same content and another for other content", () => {
    const a = makeIndex();
    const b = new FlatIndex(a.dim, [...a.ids], a.vectors.slice());
    const c = new FlatIndex(a.dim, [...a.ids].reverse(), a.vectors.slice());
    expect(computeContentId(b)).toBe(computeContentId(a));
    expect(computeContentId(c)).not.toBe(computeContentId(a));
  });

  it("round-trips an empty index", async () => {
    const file = path.join(dir, "empty.bin");
    await saveFlatIndex(file, new FlatIndex(8, [], new Float32Array(0)));
    const { index } = await loadFlatIndex(file);
    expect(index.count).toBe(0);
    expect(index.dim).toBe(8);
  });

  it("reports a missing file as not_ready", async () => {
    const error = await loadFlatIndex(path.join(dir, "nope.bin")).catch((e: unknown) => e);
    expect((error as AppError).code).toBe("not_ready");
  });

  it("rejects truncated, padded, foreign and damaged files", async () => {
    const good = path.join(dir, "good.bin");
    await saveFlatIndex(good, makeIndex(), { modelId: "m" });
    const bytes = await fs.readFile(good);
    const write = async (name: string, data: Uint8Array) => {
      const file = path.join(dir, name);
      await fs.writeFile(file, data);
      return file;
    };

    await expectCorrupt(await write("truncated.bin", bytes.subarray(0, bytes.length - 4)), /expected \d+ bytes/);
    await expectCorrupt(await write("tiny.bin", bytes.subarray(0, 10)), /only 10 bytes/);
    await expectCorrupt(await write("padded.bin", Buffer.concat([bytes, Buffer.alloc(4)])), /expected \d+ bytes/);
    await expectCorrupt(await write("foreign.bin", Buffer.from("PK\u0003\u0004 definitely not an index")), /bad magic/);

    const badJson = Buffer.from(bytes);
    badJson[16] = 0x21; // first byte of the JSON header
    await expectCorrupt(await write("bad-json.bin", badJson), /not JSON/);

    const badLength = Buffer.from(bytes);
    badLength.writeUInt32LE(1 << 30, 8);
    await expectCorrupt(await write("bad-length.bin", badLength), /bad header length/);

    const patched = Buffer.from(bytes);
    const headerText = bytes.toString("utf8", 16, 16 + bytes.readUInt32LE(8));
    Buffer.from(headerText.replace('"version":1', '"version":2')).copy(patched, 16); // same length
    await expectCorrupt(await write("bad-version.bin", patched), /unexpected header/);

    const flipped = Buffer.from(bytes);
    flipped[flipped.length - 1] = (flipped[flipped.length - 1] as number) ^ 0xff;
    const file = await write("flipped.bin", flipped);
    // The sizes are still fine, so only the content id can tell: unverified, the damaged vector loads.
    const unverified = (await loadFlatIndex(file)).index;
    const original = makeIndex();
    expect(unverified.ids).toEqual(original.ids);
    expect(unverified.vectors.subarray(0, -1)).toEqual(original.vectors.subarray(0, -1));
    expect(unverified.vectors.at(-1)).not.toBe(original.vectors.at(-1));
    await expect(loadFlatIndex(file, { verify: true })).rejects.toThrow(/content id does not match/);
  });
});
