/**
 * Memory of POST /api/items/import (issue 14: a 1.2 MB tar.gz bomb took the server from
 * 0.63 to 2.53 GB; a 150 MB import peaked at +620 MB). Vitest runs this file in its own
 * process, so its RSS is the server's: it is sampled while each request runs and the
 * peak is compared with the RSS just before it. The 150 MB upload runs first: the bomb
 * leaves a high RSS behind where it is not bounded, which would hide the upload's growth.
 */
import { promises as fs } from "node:fs";
import os from "node:os";
import path from "node:path";
import { Header } from "tar";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { writeTarGzBomb } from "../helpers/archive-bomb";
import { copyCatalog } from "../helpers/live-catalog";

vi.mock("server-only", () => ({}));
const token = "memory-test-admin-token-0123456789abcdef";
const catalogDir = await copyCatalog();
process.env.CATALOG_DIR = catalogDir;
process.env.ADMIN_TOKEN = token;

const importRoute = await import("@/app/api/items/import/route");
const { getSearchRuntime } = await import("@/lib/server/search-runtime");

const MiB = 1024 * 1024;
/** The brief's ceiling: the request may add at most this much to the process's RSS. */
const CEILING_BYTES = 200 * MiB;
let tmp: string;

beforeAll(async () => {
  tmp = await fs.mkdtemp(path.join(os.tmpdir(), "import-memory-"));
  await getSearchRuntime();
});

afterAll(async () => {
  await fs.rm(tmp, { recursive: true, force: true });
  await fs.rm(catalogDir, { recursive: true, force: true });
});

/** Runs `work`, sampling RSS every 5 ms; returns its result and the peak growth over the RSS before it. */
async function measurePeakGrowth<T>(work: () => Promise<T>): Promise<{ result: T; growth: number }> {
  (globalThis as { gc?: () => void }).gc?.();
  const before = process.memoryUsage.rss();
  let peak = before;
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage.rss())), 5);
  try {
    const result = await work();
    peak = Math.max(peak, process.memoryUsage.rss());
    return { result, growth: peak - before };
  } finally {
    clearInterval(timer);
  }
}

/** A multipart body streamed chunk by chunk: `csv`, then one archive part of `parts` generated on demand. */
function streamedImport(csv: string, archiveName: string, parts: () => AsyncGenerator<Uint8Array>): Request {
  const boundary = "----import-memory-boundary";
  const head = (field: string, name: string) =>
    new TextEncoder().encode(`--${boundary}\r\nContent-Disposition: form-data; name="${field}"; filename="${name}"\r\nContent-Type: application/octet-stream\r\n\r\n`);
  async function* body() {
    yield head("csv", "styles.csv");
    yield new TextEncoder().encode(`${csv}\r\n`);
    yield head("images", archiveName);
    yield* parts();
    yield new TextEncoder().encode(`\r\n--${boundary}--\r\n`);
  }
  const iterator = body();
  const stream = new ReadableStream<Uint8Array>({
    async pull(controller) {
      const next = await iterator.next();
      if (next.done) controller.close();
      else controller.enqueue(next.value);
    },
  });
  return new Request("http://localhost/api/items/import", {
    method: "POST",
    headers: { authorization: `Bearer ${token}`, "content-type": `multipart/form-data; boundary=${boundary}` },
    body: stream,
    duplex: "half",
  } as RequestInit);
}

async function* fileChunks(file: string): AsyncGenerator<Uint8Array> {
  const handle = await fs.open(file, "r");
  try {
    for await (const chunk of handle.readableWebStream() as AsyncIterable<Uint8Array>) yield new Uint8Array(chunk);
  } finally {
    await handle.close();
  }
}

describe("POST /api/items/import keeps memory bounded", () => {
  it("a 150 MB upload is spooled to disk, not held in memory: RSS growth under 200 MB", async () => {
    const total = 150 * MiB;
    // A plain tar with one entry that is not an image, so nothing is embedded: this measures the upload path.
    async function* plainTar(): AsyncGenerator<Uint8Array> {
      const header = Buffer.alloc(512);
      new Header({ path: "big/notes.bin", mode: 0o644, size: total, type: "File", mtime: new Date(0), uid: 0, gid: 0 }).encode(header, 0);
      yield header;
      // A fresh buffer each time: anything that keeps the body shows up in RSS.
      for (let sent = 0; sent < total; sent += MiB) yield new Uint8Array(MiB).fill(sent & 0xff);
      yield new Uint8Array(1024);
    }
    const { result, growth } = await measurePeakGrowth(async () => {
      const response = await importRoute.POST(streamedImport("id,articleType,productDisplayName\n900001,Tshirts,Nothing", "big.tar", plainTar));
      return { status: response.status, body: await response.text() };
    });
    console.log(`150 MB upload: answered ${result.status}, RSS +${(growth / MiB).toFixed(0)} MiB`);
    expect(result.status).toBe(200);
    const events = result.body.trim().split("\n").map((line) => JSON.parse(line));
    expect(events.at(-1)).toMatchObject({ type: "done", added: 0, errors: 1 });
    expect(growth).toBeLessThan(CEILING_BYTES);
  });

  it("413 for a 1.2 MB tar.gz that inflates to 1.2 GB, RSS growth under 200 MB", async () => {
    const bomb = path.join(tmp, "bomb.tar.gz");
    // 30 entries of 40 MiB: each under the per-entry limit, so only the total and ratio bounds can stop it.
    const size = await writeTarGzBomb(bomb, { entries: 30, entryBytes: 40 * MiB });
    expect(size).toBeLessThan(2 * MiB);
    const csv = ["id,articleType,productDisplayName", ...Array.from({ length: 30 }, (_, i) => `${i},Tshirts,Bomb ${i}`)].join("\n");
    const { result, growth } = await measurePeakGrowth(async () => {
      const response = await importRoute.POST(streamedImport(csv, "bomb.tar.gz", () => fileChunks(bomb)));
      return { status: response.status, body: await response.text() };
    });
    console.log(`bomb: ${(size / MiB).toFixed(2)} MiB on disk, answered ${result.status}, RSS +${(growth / MiB).toFixed(0)} MiB`);
    expect(result.status).toBe(413);
    expect(JSON.parse(result.body).error).toMatchObject({ code: "payload_too_large", message: expect.stringMatching(/decompression bomb/) });
    expect(growth).toBeLessThan(CEILING_BYTES);
  });
});
