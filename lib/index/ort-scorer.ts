import os from "node:os";
import * as ort from "onnxruntime-node";
import { AppError } from "../errors";
import { OnnxGraphBuilder } from "../onnx/onnx-graph";
import type { ScoredRow } from "./topk";

export type OrtScorerOptions = {
  /** Intra-op threads; 0 = one per core. */
  threads?: number;
};

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

  /** Builds the scoring graph over `vectors` (count × dim) and opens its session. */
  static async create(vectors: Float32Array, dim: number, options: OrtScorerOptions = {}): Promise<OrtScorer> {
    const { graph, count } = rowsGraph(vectors, dim);
    graph.addInput("bias", ["batch", count]);
    graph.addInput("k", [1], "int64");
    const scores = graph.addNode("Gemm", ["queries", "rows"], { transB: 1 });
    const biased = graph.addNode("Add", [scores, "bias"]);
    // ONNX TopK (largest, sorted) puts the lower index first among equal values: the same ties as selectTopK.
    graph.addNode("TopK", [biased, "k"], { axis: -1, largest: 1, sorted: 1 }, ["values", "indices"]);
    graph.addOutput("values", ["batch", "k"]);
    graph.addOutput("indices", ["batch", "k"], "int64");
    const session = await openSession(graph.encode("flat_scorer", "Exact inner-product top-k"), options);
    return new OrtScorer(session, count, dim);
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
