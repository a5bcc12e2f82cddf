import { AppError } from "../errors";
import type { KerasLayer, KerasModel, WeightTensor } from "./keras-model";
import { OnnxGraphBuilder } from "../onnx/onnx-graph";

export type ConvertOptions = {
  /** Name of the Keras layer whose output is the feature vector (e.g. "avg_pool"). */
  featureLayer: string;
  /** Graph input name; the input is NHWC float32 with dynamic batch, height and width. */
  inputName?: string;
};

export type ConvertedGraph = {
  builder: OnnxGraphBuilder;
  inputName: string;
  /** ONNX tensor holding the raw feature vector, shape [N, dim]. */
  featureTensor: string;
  dim: number;
  /** The ONNX tensor of every converted Keras layer's output, by layer name. */
  tensors: ReadonlyMap<string, string>;
  /** Channels of every converted Keras layer's output, by layer name. */
  channels: ReadonlyMap<string, number>;
};

type Pending = { pads: [number, number, number, number] } | null;

/**
 * Converts a Keras CNN (TF.js layers format) into an ONNX graph up to `featureLayer`.
 * BatchNormalization is folded into the preceding convolution and ZeroPadding2D into
 * the next convolution or pooling, so the graph is as lean as the original.
 */
export function convertKerasCnn(model: KerasModel, options: ConvertOptions): ConvertedGraph {
  const inputName = options.inputName ?? "image";
  const g = new OnnxGraphBuilder();
  const tensorOf = new Map<string, string>(); // keras layer name -> onnx tensor
  const channelsOf = new Map<string, number>();
  const pendingPad = new Map<string, Pending>(); // padding layer name -> pads to fuse
  const consumers = countConsumers(model.layers);
  // Convolutions whose BatchNormalization is folded in: keras conv name -> its raw weights.
  const convWeights = new Map<string, { kernel: Float32Array; bias: Float32Array; shape: number[] }>();

  for (const layer of model.layers) {
    const inbound = inboundNames(layer);
    const first = inbound[0];
    const src = first === undefined ? undefined : tensorOf.get(first);
    const inChannels = first === undefined ? 3 : channelsOf.get(first) ?? 0;
    const cfg = layer.config;
    switch (layer.class_name) {
      case "InputLayer": {
        g.addInput(inputName, ["batch", "height", "width", 3]);
        tensorOf.set(layer.name, g.addNode("Transpose", [inputName], { perm: [0, 3, 1, 2] }));
        channelsOf.set(layer.name, 3);
        break;
      }
      case "ZeroPadding2D": {
        const [[top, bottom], [left, right]] = cfg.padding as [[number, number], [number, number]];
        if (consumers.get(layer.name) !== 1) throw unsupported(layer, "padding with several consumers");
        pendingPad.set(layer.name, { pads: [top, left, bottom, right] });
        tensorOf.set(layer.name, requireTensor(src, layer));
        channelsOf.set(layer.name, inChannels);
        break;
      }
      case "Conv2D": {
        const kernel = weight(model, `${layer.name}/kernel`);
        const [kh, kw, cin, cout] = kernel.shape as [number, number, number, number];
        const bias = cfg.use_bias ? weight(model, `${layer.name}/bias`).data : new Float32Array(cout);
        convWeights.set(layer.name, { kernel: toOihw(kernel.data, kh, kw, cin, cout), bias, shape: [cout, cin, kh, kw] });
        tensorOf.set(layer.name, requireTensor(src, layer)); // node emitted lazily (after BN folding)
        channelsOf.set(layer.name, cout);
        if (cfg.activation !== "linear") throw unsupported(layer, `activation ${String(cfg.activation)}`);
        const next = onlyConsumer(model.layers, layer.name);
        if (!(next?.class_name === "BatchNormalization" && consumers.get(layer.name) === 1)) {
          tensorOf.set(layer.name, emitConv(g, layer, convWeights.get(layer.name)!, src, pendingPad.get(first ?? "")));
        }
        break;
      }
      case "BatchNormalization": {
        const gamma = weight(model, `${layer.name}/gamma`).data;
        const beta = weight(model, `${layer.name}/beta`).data;
        const mean = weight(model, `${layer.name}/moving_mean`).data;
        const variance = weight(model, `${layer.name}/moving_variance`).data;
        const eps = Number(cfg.epsilon ?? 1e-3);
        const conv = first === undefined ? undefined : convWeights.get(first);
        const convLayer = model.layers.find((l) => l.name === first);
        if (!conv || !convLayer) throw unsupported(layer, "BatchNormalization not after a Conv2D");
        foldBatchNorm(conv, gamma, beta, mean, variance, eps);
        const convInbound = inboundNames(convLayer)[0] ?? "";
        const convSrc = tensorOf.get(convInbound);
        tensorOf.set(layer.name, emitConv(g, convLayer, conv, convSrc, pendingPad.get(convInbound)));
        channelsOf.set(layer.name, inChannels);
        break;
      }
      case "Activation": {
        const act = String(cfg.activation);
        const input = requireTensor(src, layer);
        if (act === "relu") tensorOf.set(layer.name, g.addNode("Relu", [input]));
        else if (act === "linear") tensorOf.set(layer.name, input);
        else throw unsupported(layer, `activation ${act}`);
        channelsOf.set(layer.name, inChannels);
        break;
      }
      case "MaxPooling2D": {
        const pads = pendingPad.get(first ?? "")?.pads ?? [0, 0, 0, 0];
        if (cfg.padding !== "valid") throw unsupported(layer, `padding ${String(cfg.padding)}`);
        tensorOf.set(
          layer.name,
          g.addNode("MaxPool", [requireTensor(src, layer)], {
            kernel_shape: cfg.pool_size as number[],
            strides: cfg.strides as number[],
            pads,
          }),
        );
        channelsOf.set(layer.name, inChannels);
        break;
      }
      case "Add": {
        const inputs = inbound.map((n) => requireTensor(tensorOf.get(n), layer));
        let sum = inputs[0]!;
        for (const other of inputs.slice(1)) sum = g.addNode("Add", [sum, other]);
        tensorOf.set(layer.name, sum);
        channelsOf.set(layer.name, inChannels);
        break;
      }
      case "GlobalAveragePooling2D": {
        const pooled = g.addNode("GlobalAveragePool", [requireTensor(src, layer)]);
        tensorOf.set(layer.name, g.addNode("Flatten", [pooled], { axis: 1 }));
        channelsOf.set(layer.name, inChannels);
        break;
      }
      default:
        if (layer.name === options.featureLayer) throw unsupported(layer, "feature layer type");
        // Layers past the feature layer (the classifier) are never reached.
        break;
    }
    if (layer.name === options.featureLayer) {
      const featureTensor = requireTensor(tensorOf.get(layer.name), layer);
      return { builder: g, inputName, featureTensor, dim: channelsOf.get(layer.name) ?? 0, tensors: tensorOf, channels: channelsOf };
    }
  }
  throw new AppError("internal", `Feature layer ${options.featureLayer} not found in the model`);
}

function emitConv(
  g: OnnxGraphBuilder,
  layer: KerasLayer,
  w: { kernel: Float32Array; bias: Float32Array; shape: number[] },
  src: string | undefined,
  pending: Pending | undefined,
): string {
  const cfg = layer.config;
  const attrs: Record<string, number[] | string> = {
    kernel_shape: cfg.kernel_size as number[],
    strides: cfg.strides as number[],
    dilations: cfg.dilation_rate as number[],
  };
  if (cfg.padding === "same") {
    if (pending) throw unsupported(layer, "explicit padding before a 'same' convolution");
    attrs.auto_pad = "SAME_UPPER"; // TF's 'same' puts the odd extra pixel at the end, like SAME_UPPER
  } else {
    attrs.pads = pending?.pads ?? [0, 0, 0, 0];
  }
  const kernel = g.addFloatInitializer(`${layer.name}.weight`, w.shape, w.kernel);
  const bias = g.addFloatInitializer(`${layer.name}.bias`, [w.shape[0]!], w.bias);
  return g.addNode("Conv", [requireTensor(src, layer), kernel, bias], attrs);
}

/** Keras kernels are [kh, kw, in, out]; ONNX wants [out, in, kh, kw]. */
function toOihw(data: Float32Array, kh: number, kw: number, cin: number, cout: number): Float32Array {
  const out = new Float32Array(data.length);
  for (let y = 0; y < kh; y++)
    for (let x = 0; x < kw; x++)
      for (let i = 0; i < cin; i++)
        for (let o = 0; o < cout; o++)
          out[((o * cin + i) * kh + y) * kw + x] = data[((y * kw + x) * cin + i) * cout + o]!;
  return out;
}

/** y = gamma * (conv(x) + b - mean) / sqrt(var + eps) + beta, folded into the conv's weights. */
function foldBatchNorm(
  conv: { kernel: Float32Array; bias: Float32Array; shape: number[] },
  gamma: Float32Array,
  beta: Float32Array,
  mean: Float32Array,
  variance: Float32Array,
  eps: number,
): void {
  const cout = conv.shape[0]!;
  const perOut = conv.kernel.length / cout;
  for (let o = 0; o < cout; o++) {
    const scale = gamma[o]! / Math.sqrt(variance[o]! + eps);
    for (let j = 0; j < perOut; j++) conv.kernel[o * perOut + j]! *= scale;
    conv.bias[o] = (conv.bias[o]! - mean[o]!) * scale + beta[o]!;
  }
}

function weight(model: KerasModel, name: string): WeightTensor {
  const w = model.weights.get(name);
  if (!w) throw new AppError("internal", `Missing weight ${name}`);
  return w;
}

function inboundNames(layer: KerasLayer): string[] {
  return (layer.inbound_nodes[0] ?? []).map((entry) => entry[0]);
}

function countConsumers(layers: KerasLayer[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const layer of layers)
    for (const name of inboundNames(layer)) counts.set(name, (counts.get(name) ?? 0) + 1);
  return counts;
}

function onlyConsumer(layers: KerasLayer[], name: string): KerasLayer | undefined {
  return layers.find((l) => inboundNames(l).includes(name));
}

function requireTensor(tensor: string | undefined, layer: KerasLayer): string {
  if (tensor === undefined) throw unsupported(layer, "missing input");
  return tensor;
}

function unsupported(layer: KerasLayer, what: string): AppError {
  return new AppError("internal", `Cannot convert layer ${layer.name} (${layer.class_name}): ${what}`);
}
