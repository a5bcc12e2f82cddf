import * as ort from "onnxruntime-node";
import { ActivationHistogram, type RangeMethod } from "./calibration-histogram";
import { DataType, decodeModel, encodeModel, requireGraph, withExtraOutputs, type ModelProto } from "./model-proto";
import { applyQuantization, calibratedTensors, planQuantization, type QuantPlan, type QuantPlanOptions } from "./quantize-graph";
import { computeActivationParams, type ActivationType, type QuantParams } from "./quantize-math";

/** One calibration pass over an fp32 model: the plan and what every planned tensor held. */
export type Calibration = {
  model: ModelProto;
  plan: QuantPlan;
  histograms: ReadonlyMap<string, ActivationHistogram>;
  /** Inputs run through the model. */
  batches: number;
};

/** How activations are quantised once calibrated. */
export type ActivationOptions = { activationType: ActivationType; method: RangeMethod };

/**
 * Runs the fp32 model on the calibration inputs with every planned activation as an extra
 * output, and histograms each (one pass; batches are processed in the order given).
 */
export async function calibrateModel(
  bytes: Uint8Array,
  feeds: AsyncIterable<Record<string, ort.Tensor>> | Iterable<Record<string, ort.Tensor>>,
  options: QuantPlanOptions & { threads?: number },
): Promise<Calibration> {
  const model = decodeModel(bytes);
  const plan = planQuantization(model, options);
  const tensors = calibratedTensors(plan);
  const histograms = new Map(tensors.map((t) => [t, new ActivationHistogram()]));
  const session = await ort.InferenceSession.create(encodeModel(withExtraOutputs(model, tensors)), {
    graphOptimizationLevel: "all",
    executionMode: "sequential",
    ...(options.threads ? { intraOpNumThreads: options.threads } : {}),
  });
  let batches = 0;
  try {
    for await (const feed of feeds) {
      const result = await session.run(feed, tensors);
      for (const t of tensors) {
        const data = result[t]?.data;
        if (!(data instanceof Float32Array)) throw new Error(`Calibration: tensor ${t} is not float32`);
        histograms.get(t)!.add(data);
      }
      batches++;
    }
  } finally {
    await session.release();
  }
  if (batches === 0) throw new Error("Calibration needs at least one input");
  return { model, plan, histograms, batches };
}

/**
 * The same calibration under another plan (e.g. the first convolution kept fp32 after
 * calibrating with it quantised): valid when every tensor the new plan needs was histogrammed.
 */
export function replanCalibration(calibration: Calibration, options: QuantPlanOptions): Calibration {
  const plan = planQuantization(calibration.model, options);
  const missing = calibratedTensors(plan).filter((t) => !calibration.histograms.has(t));
  if (missing.length > 0) throw new Error(`Calibration lacks tensors ${missing.join(", ")}: calibrate with this plan`);
  const histograms = new Map(calibratedTensors(plan).map((t) => [t, calibration.histograms.get(t)!]));
  return { ...calibration, plan, histograms };
}

/** Per-tensor parameters chosen from the calibration histograms by `options.method`. */
export function chooseActivationParams(calibration: Calibration, options: ActivationOptions): Map<string, QuantParams> {
  const params = new Map<string, QuantParams>();
  for (const [t, histogram] of calibration.histograms) {
    const { lo, hi } = histogram.chooseRange(options.method);
    params.set(t, computeActivationParams(lo, hi, options.activationType));
  }
  return params;
}

/** The serialised QDQ model for one choice of activation type and range method. */
export function buildQuantizedModel(calibration: Calibration, options: ActivationOptions): Uint8Array {
  const params = chooseActivationParams(calibration, options);
  return encodeModel(applyQuantization(calibration.model, calibration.plan, params));
}

/**
 * The per-tensor activation parameters a QDQ model was built with, read back from its
 * QuantizeLinear nodes (activation tensor → parameters).
 */
export function readActivationParams(model: ModelProto): Map<string, QuantParams> {
  const graph = requireGraph(model);
  const inits = new Map((graph.initializer ?? []).map((t) => [t.name ?? "", t]));
  const params = new Map<string, QuantParams>();
  for (const node of graph.node ?? []) {
    if (node.opType !== "QuantizeLinear") continue;
    const [tensor, scaleName, zpName] = node.input ?? [];
    const scale = inits.get(scaleName ?? "");
    const zp = inits.get(zpName ?? "");
    if (!tensor || !scale || !zp) throw new Error(`QuantizeLinear ${node.name}: scale and zero point must be initializers`);
    const type = zp.dataType === DataType.uint8 ? "uint8" : zp.dataType === DataType.int8 ? "int8" : undefined;
    if (!type) throw new Error(`QuantizeLinear ${node.name}: zero point is neither uint8 nor int8`);
    // Raw bytes when present (what this project writes), else the typed fields ONNX also allows.
    // Copies: a decoded Buffer's own .buffer is a shared pool, not these bytes.
    const zeroPoint = zp.rawData?.length ? (type === "uint8" ? zp.rawData[0]! : Int8Array.from(zp.rawData.subarray(0, 1))[0]!) : Number(zp.int32Data?.[0] ?? 0);
    const value = scale.rawData?.length ? new Float32Array(Uint8Array.from(scale.rawData.subarray(0, 4)).buffer)[0] : scale.floatData?.[0];
    if (value === undefined || !(value > 0)) throw new Error(`QuantizeLinear ${node.name}: no positive scale`);
    params.set(tensor, { type, scale: value, zeroPoint });
  }
  return params;
}

/**
 * Quantises `fp32`, a graph that contains what `reference` quantised (e.g. the backbone
 * with a trained head appended), with the reference's own activation parameters, so the
 * shared part computes exactly what the reference computes: a head trained on the int8
 * backbone's features reads the same features when merged into one graph. Fails when the
 * plan needs a tensor the reference did not quantise.
 */
export function quantizeLike(fp32: ModelProto, reference: ModelProto): Uint8Array {
  const params = readActivationParams(reference);
  if (params.size === 0) throw new Error("The reference model has no QuantizeLinear nodes: it is not a QDQ model");
  const firstConv = (requireGraph(fp32).node ?? []).find((n) => n.opType === "Conv");
  const plan = planQuantization(fp32, { keepFirstConv: !params.has(firstConv?.input?.[0] ?? "") });
  const missing = calibratedTensors(plan).filter((t) => !params.has(t));
  if (missing.length > 0) throw new Error(`The reference did not quantise ${missing.slice(0, 3).join(", ")}${missing.length > 3 ? ` and ${missing.length - 3} more` : ""}`);
  return encodeModel(applyQuantization(fp32, plan, params));
}
