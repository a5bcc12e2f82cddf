import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readModelManifest, type ModelManifest } from "../model/manifest";
import { Embedder } from "./embedder";
import { ThreadedEmbedder } from "./threaded-embedder";

// The backbone `npm test` builds first (scripts/test.sh); the pixels are synthetic, the model real.
const modelsDir = "models";
let manifest: ModelManifest;
let local: Embedder;
let threaded: ThreadedEmbedder;

function image(seed: number, size: number): Float32Array {
  const out = new Float32Array(size);
  for (let i = 0; i < size; i++) out[i] = Math.sin(i * 0.001 * (seed + 1)) * 60;
  return out;
}

beforeAll(async () => {
  manifest = await readModelManifest(modelsDir, "resnet50-imagenet");
  [local, threaded] = await Promise.all([Embedder.create(modelsDir, manifest, { threads: 2 }), ThreadedEmbedder.create(modelsDir, manifest, { threads: 2, maxBatch: 3 })]);
}, 120_000);

afterAll(async () => {
  await local?.dispose();
  await threaded?.dispose();
});

describe("ThreadedEmbedder", () => {
  const size = () => manifest.preprocess.width * manifest.preprocess.height * 3;

  it("returns the in-thread session's numbers, for a run alone and for runs batched together", async () => {
    const images = [0, 1, 2, 3, 4].map((seed) => image(seed, size()));
    const expected: Float32Array[] = [];
    for (const pixels of images) expected.push((await local.run(pixels, 1)).embedding);
    const alone = await threaded.run(images[0]!, 1);
    expect(Array.from(alone.embedding)).toEqual(Array.from(expected[0]!));
    // Five at once with maxBatch 3: one run of the first, then the waiting ones batched (3, then 1).
    const together = await Promise.all(images.map((pixels) => threaded.run(pixels, 1)));
    together.forEach((out, i) => {
      expect(out.embedding.length).toBe(manifest.embedding.dim);
      expect(Array.from(out.embedding)).toEqual(Array.from(expected[i]!));
    });
  }, 120_000);

  it("keeps the event loop free while the model runs", async () => {
    let ticks = 0;
    const timer = setInterval(() => ticks++, 1);
    const started = performance.now();
    await threaded.run(image(7, size()), 1);
    const elapsed = performance.now() - started;
    clearInterval(timer);
    // In-thread, the run would hold the loop for all of `elapsed` (one tick at most).
    expect(elapsed).toBeGreaterThan(5);
    expect(ticks).toBeGreaterThan(1);
  }, 60_000);

  it("rejects a malformed run and serves the next one", async () => {
    await expect(threaded.run(new Float32Array(10), 1)).rejects.toThrow();
    const out = await threaded.run(image(1, size()), 1);
    expect(out.embedding.length).toBe(manifest.embedding.dim);
  }, 60_000);

  it("returns features when asked, per image of a batch", async () => {
    const images = [image(2, size()), image(3, size())];
    const out = await threaded.runBatch(images, true);
    const ref = await local.runBatch(images, true);
    expect(out.features).toBeDefined();
    expect(Array.from(out.features!)).toEqual(Array.from(ref.features!));
  }, 60_000);

  it("fails the runs a dead thread held and serves the next ones on a new thread", async () => {
    const own = await ThreadedEmbedder.create(modelsDir, manifest, { threads: 1 });
    try {
      const thread = () => (own as unknown as { worker: { terminate(): Promise<number> } }).worker;
      // Killed while it runs: that run fails, the next one gets a new thread and the right numbers.
      const running = own.run(image(4, size()), 1);
      void thread().terminate();
      await expect(running).rejects.toThrow(/exited/);
      const expected = (await local.run(image(5, size()), 1)).embedding;
      expect(Array.from((await own.run(image(5, size()), 1)).embedding)).toEqual(Array.from(expected));
      // Killed while idle: nothing fails, the next run restarts it.
      await thread().terminate();
      expect(Array.from((await own.run(image(5, size()), 1)).embedding)).toEqual(Array.from(expected));
    } finally {
      await own.dispose();
    }
  }, 120_000);

  it("refuses runs once disposed", async () => {
    const own = await ThreadedEmbedder.create(modelsDir, manifest, { threads: 1 });
    await own.dispose();
    await expect(own.run(image(0, size()), 1)).rejects.toThrow(/disposed/);
  }, 60_000);
});
