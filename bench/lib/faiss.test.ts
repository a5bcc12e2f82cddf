import { existsSync, promises as fs } from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { FlatIndex } from "../../lib/index/flat-index";
import { normalizeRowsInPlace } from "../../lib/matrix";
import { createRng } from "../../lib/random";
import { runFaissFlat, VENV_DIR, writeF32 } from "./faiss";

// The anchor needs the scratch venv (npm run bench creates it); without it this check is skipped.
const hasVenv = existsSync(path.join(VENV_DIR, "bin", "python"));

describe.skipIf(!hasVenv)("FAISS anchor", () => {
  it("returns the same top-k rows as FlatIndex on tiny data", async () => {
    const dim = 8, n = 300, nq = 5, k = 4;
    const rng = createRng(42);
    const base = normalizeRowsInPlace(Float32Array.from({ length: n * dim }, () => rng() - 0.5), dim);
    const queries = normalizeRowsInPlace(Float32Array.from({ length: nq * dim }, () => rng() - 0.5), dim);
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), "bench-faiss-"));
    try {
      const baseFile = path.join(dir, "base.f32");
      await writeF32(baseFile, base);
      const run = await runFaissFlat({ workDir: dir, baseFile, n, queries, dim, k, repeats: 1, single: 2, threads: 1 });
      const ours = new FlatIndex(dim, Array.from({ length: n }, (_, i) => String(i)), base).searchBatch(queries, nq, k);
      expect(run.topK).toEqual(ours.map((hits) => hits.map((h) => h.row)));
      expect(run.singleMs).toHaveLength(2);
      expect(run.threads).toBe(1);
      expect(await fs.readdir(dir)).toEqual(["base.f32"]); // temp query/id files cleaned up
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  });
});
