import {
  DataType,
  makeTensor,
  readFloatTensor,
  requireGraph,
  type ModelProto,
  type NodeProto,
  type TensorProto,
} from "./model-proto";
import { quantizeBias, quantizeWeightsPerChannel, type QuantParams } from "./quantize-math";

export type QuantPlanOptions = {
  /** Leave the graph's first convolution in fp32 (3 input channels: little work, most sensitive). */
  keepFirstConv: boolean;
};

/** Which parts of a graph run in int8, and the activation tensors whose ranges calibration must supply. */
export type QuantPlan = {
  /** Indices (in graph order) of the Conv, Add and MaxPool nodes that read and write quantised tensors. */
  nodes: ReadonlySet<number>;
  /** Indices of the Relu nodes folded into their producer's output quantiser (it clamps at 0). */
  foldedRelus: ReadonlySet<number>;
  /** fp32 tensors that get a QuantizeLinear → DequantizeLinear pair, in graph order. */
  tensors: readonly string[];
  /** Tensors that take another tensor's parameters (MaxPool's output: ORT then runs it on 8 bits). */
  sameAs: ReadonlyMap<string, string>;
};

const quantisable = new Set(["Conv", "Add", "MaxPool"]);

/**
 * Chooses what to quantise: every Conv with constant weights (the first one optionally
 * excluded), and the Add and MaxPool nodes whose results feed only quantised nodes, so the
 * descriptor pooling and everything after it read fp32 values. A Relu right after a
 * quantised Conv or Add is folded into that node's output quantiser, the pattern
 * onnxruntime fuses into QLinearConv / QLinearAdd.
 */
export function planQuantization(model: ModelProto, options: QuantPlanOptions): QuantPlan {
  const graph = requireGraph(model);
  const nodes = graph.node ?? [];
  const initializers = new Set((graph.initializer ?? []).map((t) => t.name ?? ""));
  const graphOutputs = new Set((graph.output ?? []).map((o) => o.name ?? ""));
  const consumers = new Map<string, number[]>();
  nodes.forEach((node, i) => (node.input ?? []).forEach((t) => consumers.set(t, [...(consumers.get(t) ?? []), i])));

  const firstConv = nodes.findIndex((n) => n.opType === "Conv");
  const selected = new Set<number>();
  nodes.forEach((node, i) => {
    if (!quantisable.has(node.opType ?? "")) return;
    if (node.opType === "Conv") {
      const [, weight, bias] = node.input ?? [];
      if (!weight || !initializers.has(weight) || (bias !== undefined && bias !== "" && !initializers.has(bias))) return;
      if (options.keepFirstConv && i === firstConv) return;
    }
    selected.add(i);
  });

  // The Relu a node's result goes through alone, if any: its output is the one that is quantised.
  const reluAfter = (i: number): number | undefined => {
    const out = nodes[i]!.output?.[0] ?? "";
    const users = consumers.get(out) ?? [];
    const only = users.length === 1 ? users[0]! : undefined;
    if (only === undefined || nodes[only]!.opType !== "Relu" || graphOutputs.has(out)) return undefined;
    return only;
  };
  const resultOf = (i: number): string => {
    const relu = reluAfter(i);
    return (relu === undefined ? nodes[i]! : nodes[relu]!).output?.[0] ?? "";
  };
  // An Add or MaxPool whose result reaches an op that is never quantised (the descriptor
  // pooling, the head) stays fp32, so that op reads exact values.
  for (const i of [...selected]) {
    if (nodes[i]!.opType === "Conv") continue;
    const readers = consumers.get(resultOf(i)) ?? [];
    const exact = readers.some((r) => !quantisable.has(nodes[r]!.opType ?? ""));
    if (readers.length === 0 || graphOutputs.has(resultOf(i)) || exact) selected.delete(i);
  }

  const foldedRelus = new Set<number>();
  const wanted = new Set<string>();
  const sameAs = new Map<string, string>();
  for (const i of [...selected].sort((a, b) => a - b)) {
    const node = nodes[i]!;
    const activations = node.opType === "Conv" ? [node.input?.[0] ?? ""] : (node.input ?? []);
    for (const t of activations) if (!initializers.has(t)) wanted.add(t);
    const relu = node.opType === "MaxPool" ? undefined : reluAfter(i);
    if (relu !== undefined) foldedRelus.add(relu);
    const result = resultOf(i);
    wanted.add(result);
    if (node.opType === "MaxPool") sameAs.set(result, node.input?.[0] ?? "");
  }
  // Graph order keeps the output deterministic and readable.
  const order = new Map<string, number>();
  (graph.input ?? []).forEach((v) => order.set(v.name ?? "", -1));
  nodes.forEach((n, i) => (n.output ?? []).forEach((t) => order.set(t, i)));
  const tensors = [...wanted].sort((a, b) => (order.get(a) ?? 0) - (order.get(b) ?? 0) || (a < b ? -1 : 1));
  return { nodes: selected, foldedRelus, tensors, sameAs };
}

/** The tensors whose ranges must be calibrated (those that do not borrow another's). */
export function calibratedTensors(plan: QuantPlan): string[] {
  return plan.tensors.filter((t) => !plan.sameAs.has(t));
}

/**
 * Rewrites the graph in QDQ form: each planned activation becomes Q → DQ with the given
 * per-tensor parameters, each quantised Conv reads int8 per-channel weights (axis 0) and
 * int32 biases through DequantizeLinear, folded Relus are removed.
 */
export function applyQuantization(model: ModelProto, plan: QuantPlan, params: ReadonlyMap<string, QuantParams>): ModelProto {
  const graph = requireGraph(model);
  const opset = (model.opsetImport ?? []).find((o) => (o.domain ?? "") === "");
  if (!opset || toNumber(opset.version) < 13) throw new Error("Per-channel QDQ needs ONNX opset ≥ 13");
  const paramsOf = (t: string): QuantParams => {
    const p = params.get(plan.sameAs.get(t) ?? t);
    if (!p) throw new Error(`No quantisation parameters for tensor ${t}`);
    return p;
  };
  const inits = new Map((graph.initializer ?? []).map((t) => [t.name ?? "", t]));
  const added: TensorProto[] = [];
  const replaced = new Set<string>();
  const out: NodeProto[] = [];
  const dq = new Map(plan.tensors.map((t) => [t, `${t}__dq`]));
  const nodes = graph.node ?? [];
  const quantPair = (t: string) => {
    const p = paramsOf(t);
    const type = p.type === "uint8" ? DataType.uint8 : DataType.int8;
    const zp = p.type === "uint8" ? Uint8Array.of(p.zeroPoint) : Int8Array.of(p.zeroPoint);
    added.push(makeTensor(`${t}__scale`, [], DataType.float, Float32Array.of(p.scale)), makeTensor(`${t}__zp`, [], type, zp));
    out.push(
      { opType: "QuantizeLinear", name: `${t}__quantize`, input: [t, `${t}__scale`, `${t}__zp`], output: [`${t}__q`] },
      { opType: "DequantizeLinear", name: `${t}__dequantize`, input: [`${t}__q`, `${t}__scale`, `${t}__zp`], output: [dq.get(t)!] },
    );
  };

  // A folded Relu's output now comes straight from its producer; its readers all come later.
  const foldedOutput = new Map([...plan.foldedRelus].map((r) => [nodes[r]!.input?.[0] ?? "", nodes[r]!.output ?? []]));
  for (const v of graph.input ?? []) if (dq.has(v.name ?? "")) quantPair(v.name ?? "");
  nodes.forEach((node, i) => {
    if (plan.foldedRelus.has(i)) return;
    const outputs = foldedOutput.get(node.output?.[0] ?? "") ?? node.output ?? [];
    let inputs = (node.input ?? []).map((t) => dq.get(t) ?? t);
    if (plan.nodes.has(i) && node.opType === "Conv") inputs = quantizeConvInputs(node, inputs, inits, paramsOf(node.input?.[0] ?? ""), added, replaced, out);
    out.push({ ...node, input: inputs, output: outputs });
    for (const t of outputs) if (dq.has(t)) quantPair(t);
  });

  const stillUsed = new Set(out.flatMap((n) => n.input ?? []));
  const initializer = [...(graph.initializer ?? []).filter((t) => !replaced.has(t.name ?? "") || stillUsed.has(t.name ?? "")), ...added];
  return { ...model, graph: { ...graph, node: out, initializer } };
}

function quantizeConvInputs(
  node: NodeProto,
  inputs: string[],
  inits: ReadonlyMap<string, TensorProto>,
  inputParams: QuantParams,
  added: TensorProto[],
  replaced: Set<string>,
  out: NodeProto[],
): string[] {
  const [x, weightName, biasName] = inputs;
  const weight = inits.get(weightName ?? "");
  if (!x || !weight) throw new Error(`Conv ${node.name}: weights are not an initializer`);
  const dims = (weight.dims ?? []).map(toNumber);
  const channels = dims[0] ?? 0;
  const w = quantizeWeightsPerChannel(readFloatTensor(weight), channels);
  const wq = `${weightName}__int8`;
  added.push(
    makeTensor(wq, dims, DataType.int8, w.data),
    makeTensor(`${wq}__scale`, [channels], DataType.float, w.scales),
    makeTensor(`${wq}__zp`, [channels], DataType.int8, new Int8Array(channels)),
  );
  replaced.add(weightName ?? "");
  out.push({ opType: "DequantizeLinear", name: `${wq}__dequantize`, input: [wq, `${wq}__scale`, `${wq}__zp`], output: [`${wq}__dq`], attribute: [axisZero] });
  const result = [x, `${wq}__dq`];
  if (biasName) {
    const bias = inits.get(biasName);
    if (!bias) throw new Error(`Conv ${node.name}: bias is not an initializer`);
    const b = quantizeBias(readFloatTensor(bias), inputParams.scale, w.scales);
    const bq = `${biasName}__int32`;
    added.push(
      makeTensor(bq, [channels], DataType.int32, b.data),
      makeTensor(`${bq}__scale`, [channels], DataType.float, b.scales),
      makeTensor(`${bq}__zp`, [channels], DataType.int32, new Int32Array(channels)),
    );
    replaced.add(biasName);
    out.push({ opType: "DequantizeLinear", name: `${bq}__dequantize`, input: [bq, `${bq}__scale`, `${bq}__zp`], output: [`${bq}__dq`], attribute: [axisZero] });
    result.push(`${bq}__dq`);
  }
  return result;
}

const axisZero = { name: "axis", type: 2 /* INT */, i: 0 };

function toNumber(value: number | { toNumber(): number } | null | undefined): number {
  if (value === null || value === undefined) return 0;
  return typeof value === "number" ? value : value.toNumber();
}
