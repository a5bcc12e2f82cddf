import { spawn } from "node:child_process";
import { existsSync, promises as fs, readdirSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { writeFileAtomic } from "./atomic";

let dir: string;

beforeEach(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), "atomic-"));
});

afterEach(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

describe("writeFileAtomic", () => {
  it("replaces a file's content whole", async () => {
    const target = path.join(dir, "sub", "index.bin");
    await writeFileAtomic(target, "old");
    await writeFileAtomic(target, new Uint8Array([1, 2, 3]));
    expect([...(await fs.readFile(target))]).toEqual([1, 2, 3]);
    expect(readdirSync(path.dirname(target))).toEqual(["index.bin"]);
  });

  // Two requests adding the same photo store the same content-addressed file at once.
  it("lets writes of one target at once all succeed, one whole content winning", async () => {
    const target = path.join(dir, "images", "same.jpg");
    const contents = Array.from({ length: 16 }, (_, i) => new Uint8Array(64 * 1024).fill(i));
    await Promise.all(contents.map((data) => writeFileAtomic(target, data)));
    const written = await fs.readFile(target);
    expect(contents.some((data) => Buffer.compare(Buffer.from(data), written) === 0)).toBe(true);
    expect(readdirSync(path.dirname(target))).toEqual(["same.jpg"]);
  });

  // What a catalog index or model file goes through (saveFlatIndex, the re-index after
  // training): a writer killed mid-write must leave the previous content readable.
  it("leaves the old content intact when the writer is killed -9 mid-write", async () => {
    const target = path.join(dir, "index-abc.bin");
    await fs.writeFile(target, "the served index");
    const script = `import(${JSON.stringify(path.resolve("lib/fs/atomic.ts"))}).then((m) => m.writeFileAtomic(process.argv[1], Buffer.alloc(512 * 1024 * 1024, 7)))`;
    const child = spawn(process.execPath, ["--import", "tsx", "-e", script, target], { stdio: "ignore" });
    const exited = new Promise<number | null>((resolve) => child.once("exit", resolve));
    const tmpName = () => readdirSync(dir).find((name) => name.endsWith(".tmp"));
    // The temp file appears when the write starts; 512 MB keep it open long enough to land the kill inside.
    while (!tmpName()) {
      if (child.exitCode !== null) throw new Error(`writer exited (${child.exitCode}) before it started writing`);
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
    child.kill("SIGKILL");
    expect(await exited).toBeNull();
    const torn = tmpName();
    // The writer's own temp file (dot-prefixed next to the target, tagged with its pid), left torn.
    expect(torn).toMatch(new RegExp(`^\\.index-abc\\.bin\\.${child.pid}\\.\\d+\\.[0-9a-f]{8}\\.tmp$`));
    expect((await fs.stat(path.join(dir, torn!))).size).toBeLessThan(512 * 1024 * 1024);
    expect(await fs.readFile(target, "utf8")).toBe("the served index");
    // The next writer is not blocked by the leftover.
    await writeFileAtomic(target, "the new index");
    expect(await fs.readFile(target, "utf8")).toBe("the new index");
    expect(existsSync(path.join(dir, torn!))).toBe(true);
  }, 60_000);
});
