import { mkdtemp, readFile, rm } from "node:fs/promises";
import { readFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import * as ort from "onnxruntime-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createRng } from "../random";
import { decodeModel, DataType } from "./model-proto";
import { OnnxGraphBuilder } from "./onnx-graph";
import { buildQuantizedModel, calibrateModel, chooseActivationParams, quantizeLike, readActivationParams, replanCalibration, type Calibration } from "./quantize-model";

const shape = [1, 2, 6, 6];

/** x → Conv 3×3 → Relu → Conv 1×1 → Add (residual) → Relu → GlobalAveragePool → y (→ MatMul → z with `head`). */
function tinyModel(options: { head?: boolean } = {}): Uint8Array {
  const rng = createRng(5);
  const rand = (n: number) => Float32Array.from({ length: n }, () => rng() * 2 - 1);
  const g = new OnnxGraphBuilder();
  g.addInput("x", shape);
  const w1 = g.addFloatInitializer("w1", [3, 2, 3, 3], rand(54));
  const b1 = g.addFloatInitializer("b1", [3], rand(3));
  const w2 = g.addFloatInitializer("w2", [3, 3, 1, 1], rand(9));
  const b2 = g.addFloatInitializer("b2", [3], rand(3));
  const r1 = g.addNode("Relu", [g.addNode("Conv", ["x", w1, b1], { pads: [1, 1, 1, 1] })], {}, ["r1"]);
  const c2 = g.addNode("Conv", [r1, w2, b2], {}, ["c2"]);
  const r2 = g.addNode("Relu", [g.addNode("Add", [c2, r1], {}, ["sum"])], {}, ["r2"]);
  g.addNode("Flatten", [g.addNode("GlobalAveragePool", [r2])], { axis: 1 }, ["y"]);
  g.addOutput("y", [1, 3]);
  if (options.head) {
    g.addNode("MatMul", ["y", g.addFloatInitializer("head_w", [3, 2], Float32Array.of(1, -1, 0.5, 2, -0.25, 1))], {}, ["z"]);
    g.addOutput("z", [1, 2]);
  }
  return g.encode("tiny", "quantisation test graph");
}

function inputs(count: number, seed: number): Record<string, ort.Tensor>[] {
  const rng = createRng(seed);
  return Array.from({ length: count }, () => ({
    x: new ort.Tensor("float32", Float32Array.from({ length: 72 }, () => rng() * 4 - 2), shape),
  }));
}

async function runY(bytes: Uint8Array, feed: Record<string, ort.Tensor>, output = "y"): Promise<Float32Array> {
  const session = await ort.InferenceSession.create(bytes);
  try {
    return (await session.run(feed))[output]!.data as Float32Array;
  } finally {
    await session.release();
  }
}

/** Whether this CPU has int8 dot-product instructions (Linux: AVX-512 VNNI or AVX-VNNI in /proc/cpuinfo). */
function cpuHasVnni(): boolean {
  try {
    return /\b(avx512_vnni|avx_vnni)\b/.test(readFileSync("/proc/cpuinfo", "utf8"));
  } catch {
    return false;
  }
}

describe("QDQ quantisation of a small graph", () => {
  const fp32 = tinyModel();
  let calibration: Calibration;
  let dir: string;

  beforeAll(async () => {
    calibration = await calibrateModel(fp32, inputs(8, 1), { keepFirstConv: false });
    dir = await mkdtemp(path.join(os.tmpdir(), "vps-quant-"));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it("plans both convolutions, folds the Relu after the first, keeps the Add before the pooling in fp32", () => {
    const ops = decodeModel(fp32).graph!.node!.map((n) => n.opType);
    expect(ops).toEqual(["Conv", "Relu", "Conv", "Add", "Relu", "GlobalAveragePool", "Flatten"]);
    expect([...calibration.plan.nodes].sort()).toEqual([0, 2]);
    expect([...calibration.plan.foldedRelus]).toEqual([1]);
    expect(calibration.plan.tensors).toEqual(["x", "r1", "c2"]);
    expect(calibration.batches).toBe(8);
  });

  it("writes int8 per-channel weights and int32 biases behind DequantizeLinear, no folded Relu", () => {
    const model = decodeModel(buildQuantizedModel(calibration, { activationType: "uint8", method: { kind: "minmax" } }));
    const graph = model.graph!;
    const ops = graph.node!.map((n) => n.opType);
    expect(ops.filter((o) => o === "Relu")).toHaveLength(1);
    expect(ops.filter((o) => o === "QuantizeLinear")).toHaveLength(3);
    const init = new Map(graph.initializer!.map((t) => [t.name, t]));
    expect(init.get("w1__int8")?.dataType).toBe(DataType.int8);
    expect(init.get("w1__int8__scale")?.dims?.map(Number)).toEqual([3]);
    expect(init.get("b1__int32")?.dataType).toBe(DataType.int32);
    expect(init.get("x__zp")?.dataType).toBe(DataType.uint8);
    expect(init.has("w1")).toBe(false); // the float weights are gone
    const conv = graph.node!.find((n) => n.opType === "Conv")!;
    expect(conv.input).toEqual(["x__dq", "w1__int8__dq", "b1__int32__dq"]);
    expect(conv.output).toEqual(["r1"]);
  });

  it("onnxruntime loads it (uint8 and int8 activations) and agrees with fp32 to within the quantisation error", async () => {
    // Without VNNI (AVX2 only), MLAS multiplies uint8 × int8 with vpmaddubsw, which saturates a pair of
    // products at 32,767; this graph's uniform inputs and weights use both full ranges, so pairs of
    // 255 × 127 are common (measured on an AVX2 EPYC: errors up to 0.19 with uint8, 0.012 with int8).
    // Real photos rarely reach them: the backbone's uint8 model agreed with fp32 at mean cosine 0.998
    // on 300 catalog photos on that machine (decision 0011). So uint8 is held to the bound only where
    // the kernel is exact; int8 activations everywhere.
    const exactKernels = cpuHasVnni();
    for (const activationType of exactKernels ? (["uint8", "int8"] as const) : (["int8"] as const)) {
      const bytes = buildQuantizedModel(calibration, { activationType, method: { kind: "minmax" } });
      for (const feed of inputs(4, 2)) {
        const [want, got] = [await runY(fp32, feed), await runY(bytes, feed)];
        for (let i = 0; i < want.length; i++) expect(Math.abs(got[i]! - want[i]!)).toBeLessThan(0.05 * Math.max(1, Math.abs(want[i]!)));
      }
    }
  });

  it("with uint8 activations onnxruntime's CPU provider fuses every convolution into QLinearConv", async () => {
    const bytes = buildQuantizedModel(calibration, { activationType: "uint8", method: { kind: "minmax" } });
    const optimised = path.join(dir, "optimised.onnx");
    const session = await ort.InferenceSession.create(bytes, { graphOptimizationLevel: "extended", optimizedModelFilePath: optimised });
    await session.release();
    const ops = decodeModel(await readFile(optimised)).graph!.node!.map((n) => n.opType);
    expect(ops.filter((o) => o === "QLinearConv")).toHaveLength(2);
    expect(ops).not.toContain("Conv");
  });

  it("keepFirstConv leaves the first convolution in fp32", async () => {
    const kept = await calibrateModel(fp32, inputs(2, 1), { keepFirstConv: true });
    expect([...kept.plan.nodes]).toEqual([2]);
    const graph = decodeModel(buildQuantizedModel(kept, { activationType: "uint8", method: { kind: "minmax" } })).graph!;
    expect(graph.node!.find((n) => n.opType === "Conv")!.input).toEqual(["x", "w1", "b1"]);
  });

  it("a calibration of every convolution serves the plan that keeps the first in fp32, not the reverse", async () => {
    const options = { activationType: "uint8", method: { kind: "minmax" } } as const;
    const direct = await calibrateModel(fp32, inputs(8, 1), { keepFirstConv: true });
    const replanned = replanCalibration(calibration, { keepFirstConv: true });
    expect(Buffer.from(buildQuantizedModel(replanned, options)).equals(Buffer.from(buildQuantizedModel(direct, options)))).toBe(true);
    expect(() => replanCalibration(direct, { keepFirstConv: false })).toThrow(/lacks tensors x/);
  });

  it("is deterministic: the same inputs give byte-identical models", async () => {
    const again = await calibrateModel(fp32, inputs(8, 1), { keepFirstConv: false });
    const options = { activationType: "uint8", method: { kind: "percentile", percentile: 99.9 } } as const;
    expect(Buffer.from(buildQuantizedModel(again, options)).equals(Buffer.from(buildQuantizedModel(calibration, options)))).toBe(true);
  });

  it("reads a QDQ model's activation parameters back exactly as they were chosen", () => {
    for (const activationType of ["uint8", "int8"] as const) {
      const options = { activationType, method: { kind: "percentile", percentile: 99.9 } } as const;
      const read = readActivationParams(decodeModel(buildQuantizedModel(calibration, options)));
      const chosen = chooseActivationParams(calibration, options);
      expect([...read.keys()].sort()).toEqual([...chosen.keys()].sort());
      for (const [t, p] of chosen) expect(read.get(t)).toEqual(p);
    }
  });

  it("quantises a graph with a head appended exactly like the reference: the shared part gives identical outputs", async () => {
    const options = { activationType: "uint8", method: { kind: "minmax" } } as const;
    for (const keepFirstConv of [false, true]) {
      const reference = buildQuantizedModel(replanCalibration(calibration, { keepFirstConv }), options);
      // The same graph quantised like itself is the same model, byte for byte.
      expect(Buffer.from(quantizeLike(decodeModel(fp32), decodeModel(reference))).equals(Buffer.from(reference))).toBe(true);
      const merged = quantizeLike(decodeModel(tinyModel({ head: true })), decodeModel(reference));
      const mergedOps = decodeModel(merged).graph!.node!.map((n) => n.opType);
      expect(mergedOps.filter((o) => o === "QuantizeLinear")).toHaveLength(keepFirstConv ? 2 : 3);
      expect(mergedOps).toContain("MatMul");
      for (const feed of inputs(3, 4)) {
        const [want, got] = [await runY(reference, feed), await runY(merged, feed)];
        expect([...got]).toEqual([...want]);
        const z = await runY(merged, feed, "z");
        expect(z[0]).toBeCloseTo(got[0]! * 1 + got[1]! * 0.5 - got[2]! * 0.25, 5);
      }
    }
  });

  it("quantizeLike refuses a reference that is not QDQ, or that did not quantise what the graph needs", () => {
    expect(() => quantizeLike(decodeModel(fp32), decodeModel(fp32))).toThrow(/not a QDQ model/);
    // A reference whose only quantised tensor is the input: the plan also needs r1 and c2.
    const partial = decodeModel(buildQuantizedModel(calibration, { activationType: "uint8", method: { kind: "minmax" } }));
    const graph = partial.graph!;
    const keep = graph.node!.filter((n) => n.opType !== "QuantizeLinear" || n.input![0] === "x");
    expect(() => quantizeLike(decodeModel(fp32), { ...partial, graph: { ...graph, node: keep } })).toThrow(/did not quantise r1, c2/);
  });
});
