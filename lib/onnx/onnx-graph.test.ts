import * as ort from "onnxruntime-node";
import { describe, expect, it } from "vitest";
import { OnnxGraphBuilder } from "./onnx-graph";

describe("OnnxGraphBuilder", () => {
  it("encodes a graph onnxruntime runs: initializers, int, float and list attributes, int64 inputs", async () => {
    const g = new OnnxGraphBuilder();
    g.addInput("x", ["batch", 3]);
    g.addInput("k", [1], "int64");
    const w = g.addFloatInitializer("w", [3, 2], Float32Array.of(1, 0, 0, 1, 1, 1));
    const scaled = g.addNode("Gemm", ["x", w], { alpha: { float: 2 } });
    g.addNode("TopK", [scaled, "k"], { axis: -1, largest: 1 }, ["values", "indices"]);
    g.addNode("Transpose", [scaled], { perm: [1, 0] }, ["transposed"]);
    g.addOutput("values", ["batch", "k"]);
    g.addOutput("indices", ["batch", "k"], "int64");
    g.addOutput("transposed", [2, "batch"]);
    const session = await ort.InferenceSession.create(g.encode("test", "builder round trip"));
    try {
      const out = await session.run({
        x: new ort.Tensor("float32", Float32Array.of(1, 2, 3, 4, -5, 6), [2, 3]),
        k: new ort.Tensor("int64", BigInt64Array.of(1n), [1]),
      });
      // x·w = [[4, 5], [10, 1]], doubled by alpha.
      expect([...(out.transposed!.data as Float32Array)]).toEqual([8, 20, 10, 2]);
      expect([...(out.values!.data as Float32Array)]).toEqual([10, 20]);
      expect([...(out.indices!.data as BigInt64Array)]).toEqual([1n, 0n]);
    } finally {
      await session.release();
    }
  });

  it("rejects an initializer whose data does not fill its dims, and names tensors uniquely", () => {
    const g = new OnnxGraphBuilder();
    expect(() => g.addFloatInitializer("w", [2, 2], new Float32Array(3))).toThrow(/Initializer w/);
    expect(g.uniqueName("t")).not.toBe(g.uniqueName("t"));
  });
});
