import os from "node:os";
import * as ort from "onnxruntime-node";
import { AppError } from "../errors";
import { OnnxGraphBuilder } from "../onnx/onnx-graph";
import type { ScoredRow } from "./topk";

export type OrtScorerOptions = {
  /** Intra-op threads; 0 = one per core. */
  threads?: number;
  /**
   * `int8`: the rows held as int8 (one symmetric scale per row) and each query quantised
   * on the fly, a quarter of the memory a scan reads; the scores it ranks by are then
   * approximate, so its callers rescore a wider candidate list exactly (FlatIndex.searchAsync).
   */
  precision?: ScorerPrecision;
};

export type ScorerPrecision = "fp32" | "int8";

/** An onnxruntime session over a fixed matrix of `count` rows × `dim`, released by its owner. */
abstract class RowsSession {
  protected constructor(
    protected readonly session: ort.InferenceSession,
    readonly count: number,
    readonly dim: number,
  ) {}

  /** Frees the session and its copy of the rows. */
  async release(): Promise<void> {
    await this.session.release();
  }
}

/**
 * Exact top-k over a fixed row-major matrix with onnxruntime's CPU kernels:
 * `TopK(Gemm(queries, rowsᵀ) + bias)`. The matrix is baked into the graph as an
 * initializer, so a run copies only the query and the bias (a per-row score offset:
 * the category boost, or -Infinity for rows a filter drops). MLAS's vectorised GEMV
 * and GEMM are several times faster than the JavaScript kernel (docs/performance.md).
 * The rows must not change afterwards: build a new scorer for new rows.
 */
export class OrtScorer extends RowsSession {

  /** Whether the scores it ranks by are approximate (int8), so its top-k must be rescored. */
  get approximate(): boolean {
    return this.precision === "int8";
  }

  private constructor(session: ort.InferenceSession, count: number, dim: number, readonly precision: ScorerPrecision) {
    super(session, count, dim);
  }

  /** Builds the scoring graph over `vectors` (count × dim) and opens its session. */
  static async create(vectors: Float32Array, dim: number, options: OrtScorerOptions = {}): Promise<OrtScorer> {
    const precision = options.precision ?? "fp32";
    const { graph, count } = precision === "int8" ? int8RowsGraph(vectors, dim) : rowsGraph(vectors, dim);
    graph.addInput("bias", ["batch", count]);
    graph.addInput("k", [1], "int64");
    const scores = precision === "int8" ? int8Scores(graph) : graph.addNode("Gemm", ["queries", "rows"], { transB: 1 });
    const biased = graph.addNode("Add", [scores, "bias"]);
    // ONNX TopK (largest, sorted) puts the lower index first among equal values: the same ties as selectTopK.
    graph.addNode("TopK", [biased, "k"], { axis: -1, largest: 1, sorted: 1 }, ["values", "indices"]);
    graph.addOutput("values", ["batch", "k"]);
    graph.addOutput("indices", ["batch", "k"], "int64");
    const session = await openSession(graph.encode("flat_scorer", precision === "int8" ? "int8 inner-product top-k" : "Exact inner-product top-k"), options);
    return new OrtScorer(session, count, dim, precision);
  }

  /**
   * The k best rows of each query by `query · row + bias[row]`, best first, with that
   * biased score. `queries` is nq × dim, `bias` nq × count (zeros for plain search).
   * Rows whose bias is -Infinity never come back.
   */
  async topK(queries: Float32Array, nq: number, k: number, bias: Float32Array): Promise<ScoredRow[][]> {
    if (queries.length !== nq * this.dim || bias.length !== nq * this.count) {
      throw new AppError("internal", "OrtScorer.topK: queries or bias have the wrong size");
    }
    const kk = Math.min(k, this.count);
    const out = await this.session.run({
      queries: new ort.Tensor("float32", queries, [nq, this.dim]),
      bias: new ort.Tensor("float32", bias, [nq, this.count]),
      k: new ort.Tensor("int64", BigInt64Array.of(BigInt(kk)), [1]),
    });
    const values = out.values!.data as Float32Array;
    const indices = out.indices!.data as BigInt64Array;
    const results: ScoredRow[][] = [];
    for (let q = 0; q < nq; q++) {
      const hits: ScoredRow[] = [];
      for (let i = q * kk; i < (q + 1) * kk; i++) {
        const score = values[i]!;
        if (score === -Infinity) break;
        hits.push({ row: Number(indices[i]!), score });
      }
      results.push(hits);
    }
    return results;
  }
}

/**
 * Every inner product of a batch of queries with a fixed row-major matrix, in one
 * onnxruntime GEMM (`queries · rowsᵀ`): for offline work that needs whole score
 * vectors (the evaluation re-ranks them several ways), not for serving.
 */
export class OrtScoreMatrix extends RowsSession {

  static async create(vectors: Float32Array, dim: number, options: OrtScorerOptions = {}): Promise<OrtScoreMatrix> {
    const { graph, count } = rowsGraph(vectors, dim);
    graph.addNode("Gemm", ["queries", "rows"], { transB: 1 }, ["scores"]);
    graph.addOutput("scores", ["batch", count]);
    return new OrtScoreMatrix(await openSession(graph.encode("score_matrix", "Inner products with every row"), options), count, dim);
  }

  /** Scores of nq queries (nq × dim) against every row: nq × count, row-major. */
  async scores(queries: Float32Array, nq: number): Promise<Float32Array> {
    if (queries.length !== nq * this.dim) throw new AppError("internal", "OrtScoreMatrix.scores: queries have the wrong size");
    const out = await this.session.run({ queries: new ort.Tensor("float32", queries, [nq, this.dim]) });
    return out.scores!.data as Float32Array;
  }
}

/** A graph with a `queries` input [batch, dim] and the rows (count × dim) as the initializer `rows`. */
function rowsGraph(vectors: Float32Array, dim: number): { graph: OnnxGraphBuilder; count: number } {
  const count = vectors.length / dim;
  if (!Number.isInteger(count) || count < 1) throw new AppError("internal", `Cannot score ${vectors.length} floats as rows of ${dim}`);
  const graph = new OnnxGraphBuilder();
  graph.addInput("queries", ["batch", dim]);
  graph.addFloatInitializer("rows", [count, dim], vectors);
  return { graph, count };
}

/**
 * Levels each side of zero a row is quantised to: 7 bits, not 8. On x86 without VNNI (AVX2),
 * MLAS multiplies uint8 × int8 with vpmaddubsw, which saturates a pair of products at 32,767:
 * 255 × 127 × 2 overflows, 255 × 63 × 2 does not. Measured on a 2-core AVX2 EPYC: 8-bit rows
 * scored 4000 × 64 random rows with an error up to 0.025, 7-bit ones within the 0.02 the test allows.
 */
export const ROW_LEVELS = 63;

/**
 * The rows as int8 for MatMulInteger, laid out [dim, count], each row with its own symmetric
 * scale (max |value| / ROW_LEVELS, so a row keeps its full resolution however small its entries).
 */
export function quantizeRows(vectors: Float32Array, dim: number): { rowsT: Int8Array; scales: Float32Array } {
  const count = vectors.length / dim;
  const rowsT = new Int8Array(dim * count);
  const scales = new Float32Array(count);
  for (let r = 0; r < count; r++) {
    let max = 0;
    for (let d = 0; d < dim; d++) max = Math.max(max, Math.abs(vectors[r * dim + d]!));
    const scale = max > 0 ? max / ROW_LEVELS : 1;
    scales[r] = scale;
    for (let d = 0; d < dim; d++) rowsT[d * count + r] = Math.round(vectors[r * dim + d]! / scale);
  }
  return { rowsT, scales };
}

function int8RowsGraph(vectors: Float32Array, dim: number): { graph: OnnxGraphBuilder; count: number } {
  const count = vectors.length / dim;
  if (!Number.isInteger(count) || count < 1) throw new AppError("internal", `Cannot score ${vectors.length} floats as rows of ${dim}`);
  const { rowsT, scales } = quantizeRows(vectors, dim);
  const graph = new OnnxGraphBuilder();
  graph.addInput("queries", ["batch", dim]);
  graph.addInt8Initializer("rows_int8", [dim, count], rowsT);
  graph.addFloatInitializer("row_scales", [count], scales);
  return { graph, count };
}

/** uint8 query (DynamicQuantizeLinear: per query batch, asymmetric) × int8 rows → float scores [batch, count]. */
function int8Scores(graph: OnnxGraphBuilder): string {
  graph.addNode("DynamicQuantizeLinear", ["queries"], {}, ["queries_u8", "queries_scale", "queries_zp"]);
  const products = graph.addNode("MatMulInteger", ["queries_u8", "rows_int8", "queries_zp"]);
  const real = graph.addNode("Mul", [graph.addNode("Cast", [products], { to: 1 /* FLOAT */ }), "queries_scale"]);
  return graph.addNode("Mul", [real, "row_scales"]);
}

function openSession(model: Uint8Array, options: OrtScorerOptions): Promise<ort.InferenceSession> {
  return ort.InferenceSession.create(model, {
    graphOptimizationLevel: "all",
    executionMode: "sequential",
    intraOpNumThreads: options.threads || os.availableParallelism(),
    interOpNumThreads: 1,
    // Idle pool threads must not spin: they would steal the cores the CNN's session needs.
    extra: { session: { intra_op: { allow_spinning: "0" } } },
  });
}
