import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { BACKBONE_NAME, caffePreprocess, INT8_BACKBONE_NAME, resolvePipelineBackbone, resolveServedModel, TRAINED_NAME, writeModelManifest, type ModelManifest } from "./manifest";

const manifest = (name: string, id: string, kind: ModelManifest["kind"]): ModelManifest => ({
  version: 1,
  id,
  name,
  file: `${name}.onnx`,
  createdAt: "2026-12-02T00:00:00.000Z",
  source: "test",
  kind,
  input: { name: "image" },
  preprocess: caffePreprocess,
  embedding: { output: "embedding", dim: 4 },
});

describe("which model the pipeline and the app use", () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), "vps-manifest-"));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it("embeds and trains on the int8 backbone when model:build wrote it, else on fp32; serves the trained model first", async () => {
    await expect(resolvePipelineBackbone(dir)).rejects.toMatchObject({ code: "not_ready" });
    await writeModelManifest(dir, manifest(BACKBONE_NAME, "f0f0f0f0f0f0f0f0", "backbone"));
    expect((await resolvePipelineBackbone(dir)).id).toBe("f0f0f0f0f0f0f0f0");
    await writeModelManifest(dir, manifest(INT8_BACKBONE_NAME, "1818181818181818", "backbone"));
    expect((await resolvePipelineBackbone(dir)).id).toBe("1818181818181818");
    expect((await resolveServedModel(dir)).id).toBe("1818181818181818");
    await writeModelManifest(dir, manifest(TRAINED_NAME, "7777777777777777", "trained"));
    expect((await resolveServedModel(dir)).id).toBe("7777777777777777");
    // MODEL_NAME still wins.
    expect((await resolveServedModel(dir, BACKBONE_NAME)).id).toBe("f0f0f0f0f0f0f0f0");
  });
});
