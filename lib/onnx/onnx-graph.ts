import onnxProto, { type onnx as OnnxTypes } from "onnx-proto";

// onnx-proto is CommonJS whose named export Node's ESM loader cannot detect.
const { onnx } = onnxProto;
type NodeProto = OnnxTypes.INodeProto;
type TensorProto = OnnxTypes.ITensorProto;
type ValueInfoProto = OnnxTypes.IValueInfoProto;
type AttributeProto = OnnxTypes.IAttributeProto;

/** Integers, integer lists and strings map directly; floats are spelled `{ float: x }`. */
export type AttributeValue = number | number[] | string | { float: number };

/** A tiny builder for ONNX graphs: float32 initializers, nodes and typed inputs/outputs. */
export class OnnxGraphBuilder {
  private readonly nodes: NodeProto[] = [];
  private readonly initializers: TensorProto[] = [];
  private readonly inputs: ValueInfoProto[] = [];
  private readonly outputs: ValueInfoProto[] = [];
  private counter = 0;

  /** A fresh, unique tensor name with a readable prefix. */
  uniqueName(prefix: string): string {
    this.counter += 1;
    return `${prefix}__${this.counter}`;
  }

  addInput(name: string, dims: (number | string)[], type: TensorType = "float32"): void {
    this.inputs.push(valueInfo(name, dims, type));
  }

  addOutput(name: string, dims: (number | string)[], type: TensorType = "float32"): void {
    this.outputs.push(valueInfo(name, dims, type));
  }

  addFloatInitializer(name: string, dims: number[], data: Float32Array): string {
    return this.addInitializer(name, dims, onnx.TensorProto.DataType.FLOAT, data);
  }

  addInt8Initializer(name: string, dims: number[], data: Int8Array): string {
    return this.addInitializer(name, dims, onnx.TensorProto.DataType.INT8, data);
  }

  private addInitializer(name: string, dims: number[], dataType: number, data: Float32Array | Int8Array): string {
    const count = dims.reduce((a, b) => a * b, 1);
    if (count !== data.length) throw new Error(`Initializer ${name}: ${dims} != ${data.length}`);
    this.initializers.push({ name, dims, dataType, rawData: new Uint8Array(data.buffer, data.byteOffset, data.byteLength) });
    return name;
  }

  addInt64Initializer(name: string, values: number[]): string {
    const data = new BigInt64Array(values.map((v) => BigInt(v)));
    this.initializers.push({
      name,
      dims: [values.length],
      dataType: onnx.TensorProto.DataType.INT64,
      rawData: new Uint8Array(data.buffer),
    });
    return name;
  }

  /** Adds a node and returns its (first) output name. */
  addNode(
    opType: string,
    inputs: string[],
    attributes: Record<string, AttributeValue> = {},
    outputs: string[] = [this.uniqueName(opType.toLowerCase())],
  ): string {
    this.nodes.push({
      opType,
      name: this.uniqueName(`${opType}_node`),
      input: inputs,
      output: outputs,
      attribute: Object.entries(attributes).map(([name, value]) => toAttribute(name, value)),
    });
    const first = outputs[0];
    if (first === undefined) throw new Error(`${opType} node without outputs`);
    return first;
  }

  /** Serialises the graph as an ONNX model (opset 13). */
  encode(graphName: string, docString: string): Uint8Array {
    const model = onnx.ModelProto.create({
      irVersion: 7,
      producerName: "visual-product-search",
      producerVersion: "1",
      docString,
      opsetImport: [{ domain: "", version: 13 }],
      graph: {
        name: graphName,
        node: this.nodes,
        initializer: this.initializers,
        input: this.inputs,
        output: this.outputs,
      },
    });
    return onnx.ModelProto.encode(model).finish();
  }
}

/** Element types of graph inputs and outputs. */
export type TensorType = "float32" | "int64";

function valueInfo(name: string, dims: (number | string)[], type: TensorType): ValueInfoProto {
  return {
    name,
    type: {
      tensorType: {
        elemType: type === "int64" ? onnx.TensorProto.DataType.INT64 : onnx.TensorProto.DataType.FLOAT,
        shape: { dim: dims.map((d) => (typeof d === "number" ? { dimValue: d } : { dimParam: d })) },
      },
    },
  };
}

function toAttribute(name: string, value: AttributeValue): AttributeProto {
  const Type = onnx.AttributeProto.AttributeType;
  if (typeof value === "string") return { name, type: Type.STRING, s: new TextEncoder().encode(value) };
  if (Array.isArray(value)) return { name, type: Type.INTS, ints: value };
  if (typeof value === "number") return { name, type: Type.INT, i: value };
  return { name, type: Type.FLOAT, f: value.float };
}
