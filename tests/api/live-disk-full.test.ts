/**
 * A real full disk under POST /api/items (issue 14): a copy of the small catalog on a
 * 16 MiB tmpfs, filled up so that the next change-log record is cut short by the file
 * system. The add answers 507, nothing of it stays in the log, and once space is freed
 * the same add succeeds without a restart and survives one. Needs `mount -t tmpfs`
 * (root); skipped, saying so, where mounting is not permitted — the injected-fault
 * tests in lib/vector-store/embedded/durability.test.ts always run.
 */
import { execFileSync } from "node:child_process";
import { promises as fs } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { readCatalog } from "@/lib/catalog/store";
import { changeLogPaths } from "@/lib/vector-store/embedded/change-log";
import { formWith, readFileBytes } from "./fixtures";

vi.mock("server-only", () => ({}));
const PAGE = 4096;
const mountPoint = await fs.mkdtemp(path.join(os.tmpdir(), "vps-tmpfs-"));
const mounted = tryMount(mountPoint);
if (!mounted.ok) console.warn(`[skip] live-disk-full: cannot mount a tmpfs at ${mountPoint} (${mounted.why}); the injected-fault tests still cover a full disk`);

function tryMount(dir: string): { ok: true } | { ok: false; why: string } {
  try {
    execFileSync("mount", ["-t", "tmpfs", "-o", "size=16m", "tmpfs", dir], { stdio: "pipe" });
    return { ok: true };
  } catch (error) {
    return { ok: false, why: String((error as { stderr?: Buffer }).stderr ?? error).trim() };
  }
}

const token = "disk-full-test-token-0123456789abcdef";
const catalogDir = path.join(mountPoint, "catalog");
process.env.CATALOG_DIR = catalogDir;
process.env.ADMIN_TOKEN = token;
if (mounted.ok) await fs.cp(process.env.SMALL_CATALOG_DIR ?? "data/catalog-small", catalogDir, { recursive: true });

const auth = { authorization: `Bearer ${token}` };
const addRequest = (photo: Uint8Array, id: string) =>
  new Request("http://localhost/api/items", { method: "POST", headers: auth, body: formWith([["image", photo, "p.jpg", "image/jpeg"]], { id, productDisplayName: `Product ${id}`, articleType: "Watches" }) });

/** Fills the file system with one file until ENOSPC, then frees `pages` pages of it; returns the file. */
async function fillUpTo(pages: number): Promise<string> {
  const file = path.join(mountPoint, "filler");
  const filler = await fs.open(file, "w");
  const chunk = Buffer.alloc(256 * 1024, 1);
  try {
    for (;;) await filler.write(chunk);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOSPC") throw error;
  } finally {
    await filler.close();
  }
  const { size } = await fs.stat(file);
  await fs.truncate(file, (Math.floor(size / PAGE) - pages) * PAGE);
  return file;
}

afterAll(async () => {
  if (mounted.ok) execFileSync("umount", ["-l", mountPoint]);
  await fs.rm(mountPoint, { recursive: true, force: true });
});

describe.skipIf(!mounted.ok)("a full disk under POST /api/items (real tmpfs)", () => {
  let items: typeof import("@/app/api/items/route");
  let getSearchRuntime: typeof import("@/lib/server/search-runtime").getSearchRuntime;
  let photo: Uint8Array;
  let log: string;

  beforeAll(async () => {
    items = await import("@/app/api/items/route");
    ({ getSearchRuntime } = await import("@/lib/server/search-runtime"));
    const { service } = await getSearchRuntime();
    photo = await readFileBytes(service.imageFile(service.items.find((i) => i.articleType === "Watches")!.id).path);
    log = changeLogPaths((await readCatalog(catalogDir)).generationDir).log;
    // Seed records until the log's last page has less room than one more record: the next one needs a new page.
    for (let i = 0; ; i++) {
      const before = (await fs.stat(log).catch(() => ({ size: 0 }))).size;
      expect((await items.POST(addRequest(photo, `seed-${i}`))).status).toBe(201);
      const { size } = await fs.stat(log);
      if (PAGE - (size % PAGE) < size - before) break;
    }
  });

  it("answers 507, keeps nothing of the refused record, and the same add works once space is freed, without a restart", async () => {
    const good = await fs.readFile(log);
    // One free page: the writer's lock file fits, the record does not (it is cut short, then ENOSPC).
    const filler = await fillUpTo(1);
    const refused = await items.POST(addRequest(photo, "on-a-full-disk"));
    expect(refused.status).toBe(507);
    const body = await refused.json();
    expect(body.error.code).toBe("insufficient_storage");
    expect(body.error.message).toMatch(/full.*not saved/);
    expect(await fs.readFile(log)).toEqual(good);

    await fs.rm(filler);
    const added = await items.POST(addRequest(photo, "on-a-full-disk"));
    expect(added.status).toBe(201);
    (globalThis as { __searchRuntime?: unknown }).__searchRuntime = undefined;
    const { service } = await getSearchRuntime();
    expect(service.getItem("on-a-full-disk")?.productDisplayName).toBe("Product on-a-full-disk");
    const lines = (await fs.readFile(log, "utf8")).split("\n");
    expect(lines.at(-1)).toBe("");
    expect(lines.filter((line) => line.includes('"id":"on-a-full-disk"'))).toHaveLength(1);
  });
});
