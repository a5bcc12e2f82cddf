import path from "node:path";
import { z } from "zod";
import { defaultArchiveLimits } from "./catalog/archive-limits";

/** Environment variables the engine reads; every one is optional with a sensible default. */
const envSchema = z.object({
  CATALOG_DIR: z.string().default("data/catalog"),
  MODELS_DIR: z.string().default("models"),
  CACHE_DIR: z.string().default("data/cache"),
  DATASET_DIR: z.string().default("../shared/datasets/fashion-product-images-small"),
  /** Where `npm run eval` writes its reports; the admin quality console reads the latest from here. */
  REPORTS_DIR: z.string().default("reports"),
  MAX_UPLOAD_BYTES: z.coerce.number().int().positive().default(10 * 1024 * 1024),
  MAX_IMAGE_PIXELS: z.coerce.number().int().positive().default(50_000_000),
  ORT_THREADS: z.coerce.number().int().min(0).default(0),
  INFERENCE_QUEUE_LIMIT: z.coerce.number().int().positive().default(32),
  /**
   * Photo searches prepared at once (decode, region, colour, scoring); the model runs on its own
   * thread and batches the ones waiting for it (docs/decisions/0024-inference-thread.md).
   */
  INFERENCE_CONCURRENCY: z.coerce.number().int().positive().max(64).default(4),
  /**
   * The served scan: `int8` rows (a quarter of the memory read per query; a wider candidate list
   * rescored exactly, recall@10 in docs/performance.md) or `fp32` (exact up to float rounding).
   */
  SEARCH_PRECISION: z.enum(["int8", "fp32"]).default("int8"),
  /**
   * How an unfiltered search finds its candidates: `auto` walks the generation's HNSW graphs once
   * they are loaded (the whole catalog and one per category; approximate, recall@10 in
   * docs/performance.md) and scans exactly until then or when there are none; `flat` always scans
   * exactly; `hnsw` refuses to start without graphs.
   */
  SEARCH_INDEX: z.enum(["auto", "flat", "hnsw"]).default("auto"),
  /** A search or add body must arrive within this many ms (an import may pause this long between chunks); 408 past it. */
  UPLOAD_TIMEOUT_MS: z.coerce.number().int().positive().default(30_000),
  /** Import archives: an entry larger than this is skipped and reported. */
  IMPORT_MAX_ENTRY_BYTES: z.coerce.number().int().positive().default(defaultArchiveLimits.maxEntryBytes),
  /** Import archives: refused (413) once they inflate past this many bytes in total. */
  IMPORT_MAX_TOTAL_BYTES: z.coerce.number().int().positive().default(defaultArchiveLimits.maxTotalBytes),
  /** Import archives: refused (413) past this many entries. */
  IMPORT_MAX_ENTRIES: z.coerce.number().int().positive().default(defaultArchiveLimits.maxEntries),
  /** Import archives: refused (413) when they inflate more than this many times their compressed size (bombs). */
  IMPORT_MAX_RATIO: z.coerce.number().positive().default(defaultArchiveLimits.maxRatio),
  /** Serve this model (a name in MODELS_DIR) instead of the trained one or the backbone. */
  MODEL_NAME: z.string().min(1).optional(),
  /** Where vectors live: `embedded` (index files, in process) or `pgvector` (Postgres shared by instances). */
  VECTOR_BACKEND: z.enum(["embedded", "pgvector"]).default("embedded"),
  /** Postgres with pgvector, postgres://user:password@host:port/db; required when VECTOR_BACKEND=pgvector. */
  DATABASE_URL: z.string().optional().transform((url) => url || undefined),
  /** Connections per instance to DATABASE_URL. */
  DATABASE_POOL_MAX: z.coerce.number().int().positive().default(10),
}).refine((env) => env.VECTOR_BACKEND !== "pgvector" || env.DATABASE_URL !== undefined, {
  message: "DATABASE_URL is required when VECTOR_BACKEND=pgvector (see docs/pgvector.md)",
  path: ["DATABASE_URL"],
});

export type Config = z.infer<typeof envSchema> & { root: string };

/** Reads and validates the configuration from the environment; relative paths resolve from `root`. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, root = process.cwd()): Config {
  const parsed = envSchema.parse(env);
  const abs = (p: string) => path.resolve(root, p);
  return {
    ...parsed,
    root,
    CATALOG_DIR: abs(parsed.CATALOG_DIR),
    MODELS_DIR: abs(parsed.MODELS_DIR),
    CACHE_DIR: abs(parsed.CACHE_DIR),
    DATASET_DIR: abs(parsed.DATASET_DIR),
    REPORTS_DIR: abs(parsed.REPORTS_DIR),
  };
}
