import { promises as fs } from "node:fs";
import os from "node:os";
import * as ort from "onnxruntime-node";
import type { ModelManifest } from "../../lib/model/manifest";
import { decodeModel, encodeModel, withExtraOutputs } from "../../lib/onnx/model-proto";

/** GFLOP per photo: multiply-adds of every convolution × 2, from the output shapes of one real photo's run. */
export async function countConvGflop(file: string, manifest: ModelManifest, pixels: Float32Array): Promise<number> {
  const model = decodeModel(await fs.readFile(file));
  const graph = model.graph!;
  const convs = graph.node!.filter((n) => n.opType === "Conv");
  const weights = new Map(graph.initializer!.map((t) => [t.name, (t.dims ?? []).map(Number)]));
  const session = await ort.InferenceSession.create(encodeModel(withExtraOutputs(model, convs.map((c) => c.output![0]!))));
  try {
    const { height, width } = manifest.preprocess;
    const out = await session.run({ [manifest.input.name]: new ort.Tensor("float32", pixels, [1, height, width, 3]) }, convs.map((c) => c.output![0]!));
    let macs = 0;
    for (const c of convs) {
      const [, cinPerGroup, kh, kw] = weights.get(c.input![1]!)!;
      const dims = out[c.output![0]!]!.dims;
      macs += dims.reduce((a, b) => a * b, 1) * cinPerGroup! * kh! * kw!;
    }
    return (2 * macs) / 1e9;
  } finally {
    await session.release();
  }
}

/**
 * The cores' arithmetic peak in G(FL)OP/s, for the physical-limit rows: Zen 4 issues two 256-bit
 * FMA µops per cycle (AVX-512 double-pumped): 32 fp32 FLOP per core and cycle; VNNI's vpdpbusd on
 * the same pipes: 2 × 32 u8·s8 multiply-adds = 128 int8 ops. Clock: what the OS reports (os.cpus(),
 * else /proc/cpuinfo's "cpu MHz": a VM may report 0 to the first).
 */
export async function arithmeticPeak(): Promise<{ cores: number; ghz: number; fp32Gflops: number; int8Gops: number }> {
  const cpus = os.cpus();
  const cores = cpus.length;
  let mhz = cpus[0]?.speed ?? 0;
  if (!(mhz > 0)) {
    const cpuinfo = await fs.readFile("/proc/cpuinfo", "utf8").catch(() => "");
    mhz = Number(/cpu MHz\s*:\s*([\d.]+)/.exec(cpuinfo)?.[1] ?? 0);
  }
  const ghz = mhz / 1000;
  return { cores, ghz, fp32Gflops: cores * ghz * 32, int8Gops: cores * ghz * 128 };
}
