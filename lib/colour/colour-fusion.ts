import { createHash } from "node:crypto";
import { z } from "zod";
import { colourDescriptorDim, colourDescriptorSchema } from "./colour-descriptor";
import { checkLearnedColour, colourVectorDim, learnedColourSchema, projectColour } from "./learned-colour";

/** What a shopper asks the ranking to favour: the look (embedding), the colour, or the measured balance. */
export const searchModes = ["style", "balanced", "colour"] as const;
export type SearchMode = (typeof searchModes)[number];

/** The mode served when a request names none. */
export const DEFAULT_SEARCH_MODE: SearchMode = "balanced";

/** Share λ of the embedding in a score λ·cos_e + (1 − λ)·cos_c; strictly inside (0, 1) where it is stored. */
const embeddingShare = z.number().min(0).max(1);

/**
 * The colour block of a model manifest: the descriptor's parameters, the weights an item
 * vector is stored with, and each mode's weights. An item is stored as [√λ·e ; √(1−λ)·c]
 * (e the served embedding, c the colour descriptor, both unit, so the stored vector is unit
 * and item-to-item cosine is λ·cos_e + (1 − λ)·cos_c). A query for a mode with share μ is
 * [μ/√λ·e ; (1−μ)/√(1−λ)·c], so its inner product with an item is μ·cos_e + (1 − μ)·cos_c:
 * modes change only the query, never the index. With a `learned` block, c is the learned colour
 * vector normalise([√p ; γ·descriptor]) (lib/colour/learned-colour.ts) instead of the descriptor.
 * Chosen on the validation split by `npm run train`.
 */
export const colourFusionSchema = z
  .object({
    descriptor: colourDescriptorSchema,
    /** λ of the stored vectors (the balanced mode's share when it was chosen). */
    indexShare: embeddingShare.refine((v) => v > 0 && v < 1, { error: "indexShare must be strictly between 0 and 1" }),
    modes: z.object({ style: embeddingShare, balanced: embeddingShare, colour: embeddingShare }),
    /** Colour names to predict the query's colour by (nearest mean descriptor), when the catalog has the column. */
    names: z
      .object({
        column: z.string(),
        labels: z.array(z.string()).min(1),
        /** One unit mean descriptor per label, in label order. */
        centroids: z.array(z.array(z.number())),
      })
      .optional(),
    /** The colour similarity learned from the catalog's colour column, when it has one. */
    learned: learnedColourSchema.optional(),
  })
  .superRefine((fusion, ctx) => {
    const dim = colourDescriptorDim(fusion.descriptor);
    const names = fusion.names;
    if (names && (names.centroids.length !== names.labels.length || names.centroids.some((c) => c.length !== dim))) {
      ctx.addIssue({ code: "custom", message: `names needs one ${dim}-float centroid per label`, path: ["names"] });
    }
    const mismatch = fusion.learned && checkLearnedColour(fusion.learned, dim);
    if (mismatch) ctx.addIssue({ code: "custom", message: `learned colour: ${mismatch}`, path: ["learned"] });
  });
export type ColourFusion = z.infer<typeof colourFusionSchema>;

/**
 * The id of a model whose stored vectors fuse colour: the graph's content id alone would name
 * the plain embedding's index and pgvector table too, so the fusion's parameters enter the id.
 */
export function fusedModelId(graphId: string, fusion: ColourFusion): string {
  return createHash("sha256").update(graphId).update(JSON.stringify(fusion)).digest("hex").slice(0, 16);
}

/** Floats per stored vector: the embedding, then the colour vector when the model fuses one. */
export function fusedDim(embeddingDim: number, fusion: ColourFusion | undefined): number {
  return embeddingDim + (fusion ? colourVectorDim(colourDescriptorDim(fusion.descriptor), fusion.learned) : 0);
}

/** Writes [a·e ; b·c] into `out` at `at`. */
function writeWeighted(out: Float32Array, at: number, e: ArrayLike<number>, a: number, c: ArrayLike<number>, b: number): void {
  for (let i = 0; i < e.length; i++) out[at + i] = a * e[i]!;
  for (let i = 0; i < c.length; i++) out[at + e.length + i] = b * c[i]!;
}

/** The stored vector of one item: [√λ·e ; √(1−λ)·c], `colour` its descriptor. */
export function fuseItemVector(embedding: ArrayLike<number>, colour: ArrayLike<number>, fusion: ColourFusion): Float32Array {
  const c = projectColour(colour, fusion.learned);
  const out = new Float32Array(embedding.length + c.length);
  writeWeighted(out, 0, embedding, Math.sqrt(fusion.indexShare), c, Math.sqrt(1 - fusion.indexShare));
  return out;
}

/** Stored vectors of n items, row-major, from their embeddings [n, dim] and colour descriptors [n, cdim]. */
export function fuseItemVectors(embeddings: Float32Array, colours: Float32Array, n: number, fusion: ColourFusion): Float32Array {
  const dim = embeddings.length / Math.max(n, 1);
  const cdim = colours.length / Math.max(n, 1);
  const width = dim + colourVectorDim(cdim, fusion.learned);
  const out = new Float32Array(n * width);
  const a = Math.sqrt(fusion.indexShare);
  const b = Math.sqrt(1 - fusion.indexShare);
  for (let r = 0; r < n; r++) {
    const c = projectColour(colours.subarray(r * cdim, (r + 1) * cdim), fusion.learned);
    writeWeighted(out, r * width, embeddings.subarray(r * dim, (r + 1) * dim), a, c, b);
  }
  return out;
}

/**
 * The query vector for a mode: its inner product with a stored item is
 * μ·cos_e + (1 − μ)·cos_c, μ the mode's share (see colourFusionSchema).
 */
export function fuseQueryVector(embedding: ArrayLike<number>, colour: ArrayLike<number>, fusion: ColourFusion, mode: SearchMode): Float32Array {
  const share = fusion.modes[mode];
  const c = projectColour(colour, fusion.learned);
  const out = new Float32Array(embedding.length + c.length);
  writeWeighted(out, 0, embedding, share / Math.sqrt(fusion.indexShare), c, (1 - share) / Math.sqrt(1 - fusion.indexShare));
  return out;
}
