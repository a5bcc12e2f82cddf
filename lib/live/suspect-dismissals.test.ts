import { promises as fs } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { dismissalPaths, dismissSuspect, isDismissed, readDismissals, undismissSuspect } from "./suspect-dismissals";

const dirs: string[] = [];
const tempCatalog = async () => {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), "vps-dismiss-"));
  dirs.push(dir);
  return dir;
};
afterAll(async () => {
  for (const dir of dirs) await fs.rm(dir, { recursive: true, force: true });
});

describe("suspect dismissals", () => {
  it("are durable on disk, hold only under the label dismissed, and undo", async () => {
    const dir = await tempCatalog();
    expect((await readDismissals(dir)).size).toBe(0);
    await dismissSuspect(dir, "42", "Tops", new Date("2026-01-02T03:04:05Z"));
    // Another process reads the file afresh.
    const read = await readDismissals(dir);
    expect(read.get("42")).toEqual({ label: "Tops", at: "2026-01-02T03:04:05.000Z" });
    expect(isDismissed(read, "42", "Tops")).toBe(true);
    expect(isDismissed(read, "42", "Tshirts")).toBe(false); // relabelled since: judged afresh
    expect(await undismissSuspect(dir, "42")).toBe(true);
    expect(await undismissSuspect(dir, "42")).toBe(false);
    expect((await readDismissals(dir)).size).toBe(0);
  });

  it("loses none of many concurrent dismissals (read-modify-write under the lock)", async () => {
    const dir = await tempCatalog();
    await Promise.all(Array.from({ length: 25 }, (_, i) => dismissSuspect(dir, `id-${i}`, "Shirts")));
    expect((await readDismissals(dir)).size).toBe(25);
    await expect(fs.stat(dismissalPaths(dir).lock)).rejects.toThrow(); // released
  });

  it("refuses a corrupt file rather than overwriting it with an empty list", async () => {
    const dir = await tempCatalog();
    await dismissSuspect(dir, "1", "Shirts");
    await fs.writeFile(dismissalPaths(dir).file, "{ not json");
    await expect(dismissSuspect(dir, "2", "Shirts")).rejects.toThrow();
    expect(await fs.readFile(dismissalPaths(dir).file, "utf8")).toBe("{ not json");
  });
});
