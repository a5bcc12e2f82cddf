/**
 * POST /api/items/import spools its upload to `<tmpdir>/vps-upload-<pid>-*`: the folder is
 * gone after a success, bad input, a client that hangs up, and an exception; one left by
 * a crashed process is removed when the runtime starts, one of a live process is kept.
 */
import { spawnSync } from "node:child_process";
import { promises as fs } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { UPLOAD_DIR_PREFIX } from "@/lib/fs/upload-dir";
import { writeTarGzBomb } from "../helpers/archive-bomb";
import { copyCatalog, newProducts, type NewProducts } from "../helpers/live-catalog";
import { formWith, readFileBytes } from "./fixtures";

vi.mock("server-only", () => ({}));
const token = "temp-files-admin-token-0123456789abcdef";
const catalogDir = await copyCatalog();
process.env.CATALOG_DIR = catalogDir;
process.env.ADMIN_TOKEN = token;

const importRoute = await import("@/app/api/items/import/route");
const { getSearchRuntime } = await import("@/lib/server/search-runtime");

let products: NewProducts;
let tmp: string;

/** This process's upload folders now. */
async function ownUploadDirs(): Promise<string[]> {
  return (await fs.readdir(os.tmpdir())).filter((name) => name.startsWith(`${UPLOAD_DIR_PREFIX}${process.pid}-`));
}

function importRequest(files: Parameters<typeof formWith>[0]): Request {
  return new Request("http://localhost/api/items/import", { method: "POST", headers: { authorization: `Bearer ${token}` }, body: formWith(files) });
}

async function csvAndPhotos(count: number): Promise<Parameters<typeof formWith>[0]> {
  const csv = await readFileBytes(products.csvPath);
  const photos = await Promise.all(
    products.ids.slice(0, count).map(async (id) => ["images", await readFileBytes(path.join(products.imagesDir, `${id}.jpg`)), `${id}.jpg`, "image/jpeg"] as const),
  );
  return [["csv", csv, "styles.csv", "text/csv"], ...photos.map((p) => [...p] as [string, Uint8Array, string, string])];
}

beforeAll(async () => {
  const runtime = await getSearchRuntime();
  products = await newProducts(new Set(runtime.service.items.map((i) => i.id)), 3, ["Watches"]);
  tmp = await fs.mkdtemp(path.join(os.tmpdir(), "import-temp-"));
});

afterAll(async () => {
  await products?.cleanup();
  await fs.rm(tmp, { recursive: true, force: true });
  await fs.rm(catalogDir, { recursive: true, force: true });
});

describe("temporary files of an import", () => {
  it("none left after a successful import, once its stream has been read", async () => {
    const response = await importRoute.POST(importRequest(await csvAndPhotos(2)));
    expect(response.status).toBe(200);
    const events = (await response.text()).trim().split("\n").map((line) => JSON.parse(line));
    expect(events.at(-1)).toMatchObject({ type: "done", added: 2 });
    expect(await ownUploadDirs()).toEqual([]);
  });

  it("none left after bad input (400: no CSV; 413: a bomb)", async () => {
    const [, photo] = await csvAndPhotos(1);
    const noCsv = await importRoute.POST(importRequest([photo!]));
    expect(noCsv.status).toBe(400);
    expect(await ownUploadDirs()).toEqual([]);
    const bomb = path.join(tmp, "bomb.tar.gz");
    await writeTarGzBomb(bomb, { entries: 4, entryBytes: 40 * 1024 * 1024 });
    const csv = new TextEncoder().encode("id,articleType,productDisplayName\n0,Watches,x\n");
    const refused = await importRoute.POST(importRequest([["csv", csv, "styles.csv", "text/csv"], ["images", await readFileBytes(bomb), "bomb.tar.gz", "application/gzip"]]));
    expect(refused.status).toBe(413);
    expect(await ownUploadDirs()).toEqual([]);
  });

  it("none left when the client hangs up mid-stream", async () => {
    const response = await importRoute.POST(importRequest(await csvAndPhotos(3)));
    expect(response.status).toBe(200);
    const reader = response.body!.getReader();
    await reader.read();
    expect(await ownUploadDirs()).toHaveLength(1);
    await reader.cancel();
    expect(await ownUploadDirs()).toEqual([]);
  });

  it("none left when the body breaks off while it is received", async () => {
    const body = formWith(await csvAndPhotos(1));
    const bytes = new Uint8Array(await new Response(body).arrayBuffer());
    const contentType = new Response(body).headers.get("content-type")!;
    const broken = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(bytes.subarray(0, bytes.length >> 1));
        controller.error(Object.assign(new Error("aborted"), { name: "AbortError" }));
      },
    });
    const response = await importRoute.POST(
      new Request("http://localhost/api/items/import", {
        method: "POST",
        headers: { authorization: `Bearer ${token}`, "content-type": contentType },
        body: broken,
        duplex: "half",
      } as RequestInit),
    );
    expect(response.status).toBeGreaterThanOrEqual(400);
    expect(await ownUploadDirs()).toEqual([]);
  });

  it("a leftover of a crashed process is removed when the runtime starts; a live process's is kept", async () => {
    const dead = spawnSync(process.execPath, ["-e", "0"]).pid!;
    const leftover = path.join(os.tmpdir(), `${UPLOAD_DIR_PREFIX}${dead}-crashed`);
    const live = path.join(os.tmpdir(), `${UPLOAD_DIR_PREFIX}${process.ppid}-live`);
    for (const dir of [leftover, live]) {
      await fs.mkdir(dir, { recursive: true });
      await fs.writeFile(path.join(dir, "part-0.tar"), "half an upload");
    }
    try {
      (globalThis as { __searchRuntime?: unknown }).__searchRuntime = undefined;
      await getSearchRuntime();
      await expect(fs.stat(leftover)).rejects.toMatchObject({ code: "ENOENT" });
      expect((await fs.stat(live)).isDirectory()).toBe(true);
    } finally {
      await fs.rm(leftover, { recursive: true, force: true });
      await fs.rm(live, { recursive: true, force: true });
    }
  });
});
