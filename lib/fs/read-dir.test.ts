import { mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readDirOrEmpty } from "./read-dir";

describe("readDirOrEmpty", () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), "read-dir-"));
    await writeFile(path.join(dir, "a"), "");
    await writeFile(path.join(dir, "b"), "");
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it("lists a folder's names", async () => {
    expect((await readDirOrEmpty(dir)).sort()).toEqual(["a", "b"]);
  });

  it("is empty for a missing folder or a file", async () => {
    expect(await readDirOrEmpty(path.join(dir, "missing"))).toEqual([]);
    expect(await readDirOrEmpty(path.join(dir, "a"))).toEqual([]);
  });
});
