import onnxProto, { type onnx as OnnxTypes } from "onnx-proto";

// onnx-proto is CommonJS whose named export Node's ESM loader cannot detect.
const { onnx } = onnxProto;

export type ModelProto = OnnxTypes.IModelProto;
export type GraphProto = OnnxTypes.IGraphProto;
export type NodeProto = OnnxTypes.INodeProto;
export type TensorProto = OnnxTypes.ITensorProto;

/** ONNX element types used by the quantisation passes. */
export const DataType = {
  float: onnx.TensorProto.DataType.FLOAT,
  uint8: onnx.TensorProto.DataType.UINT8,
  int8: onnx.TensorProto.DataType.INT8,
  int32: onnx.TensorProto.DataType.INT32,
} as const;

/** Parses a serialised ONNX model. */
export function decodeModel(bytes: Uint8Array): ModelProto {
  return onnx.ModelProto.decode(bytes);
}

/** Serialises an ONNX model (field order fixed by the schema, so equal models give equal bytes). */
export function encodeModel(model: ModelProto): Uint8Array {
  return onnx.ModelProto.encode(onnx.ModelProto.create(model)).finish();
}

/** The graph of a model, which every valid model has. */
export function requireGraph(model: ModelProto): GraphProto {
  if (!model.graph) throw new Error("The ONNX model has no graph");
  return model.graph;
}

/** The float32 values of an initializer, stored either raw or as `floatData`. */
export function readFloatTensor(tensor: TensorProto): Float32Array {
  if (tensor.dataType !== DataType.float) throw new Error(`Initializer ${tensor.name} is not float32`);
  const raw = tensor.rawData;
  if (raw && raw.length > 0) {
    // Copy: the raw bytes may sit at an offset that is not 4-aligned inside the decoded buffer.
    const copy = new Uint8Array(raw);
    return new Float32Array(copy.buffer, 0, copy.byteLength / 4);
  }
  return Float32Array.from(tensor.floatData ?? []);
}

/** An initializer of the given element type holding `data` as raw little-endian bytes. */
export function makeTensor(name: string, dims: number[], dataType: number, data: Float32Array | Int8Array | Uint8Array | Int32Array): TensorProto {
  return { name, dims, dataType, rawData: new Uint8Array(data.buffer, data.byteOffset, data.byteLength) };
}

/** Appends float32 graph outputs for existing intermediate tensors (shape left to the runtime). */
export function withExtraOutputs(model: ModelProto, tensors: readonly string[]): ModelProto {
  const graph = requireGraph(model);
  const extra = tensors.map((name) => ({ name, type: { tensorType: { elemType: DataType.float } } }));
  return { ...model, graph: { ...graph, output: [...(graph.output ?? []), ...extra] } };
}
