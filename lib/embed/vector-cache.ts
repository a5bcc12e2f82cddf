import { randomBytes } from "node:crypto";
import { promises as fs } from "node:fs";
import path from "node:path";
import { z } from "zod";
import { AppError } from "../errors";
import { writeFileAtomic } from "../fs/atomic";

const MAGIC = "VPSCHUNK1";

const chunkHeaderSchema = z.object({
  magic: z.literal(MAGIC),
  dim: z.number().int().positive(),
  keys: z.array(z.string()),
});

/**
 * A content-addressed, append-only store of vectors (one per image hash) for one
 * model. Each flush writes a new chunk file atomically, so a crash or kill -9
 * loses at most the batch in flight and a rerun continues where it stopped.
 */
export class VectorCache {
  private readonly vectors = new Map<string, Float32Array>();
  private pendingKeys: string[] = [];
  private pendingRows: Float32Array[] = [];
  private chunksWritten = 0;
  /** Unique per writer, so processes sharing the cache never overwrite each other's chunks. */
  private readonly writerId = `${Date.now().toString(36)}-${process.pid}-${randomBytes(4).toString("hex")}`;

  private constructor(
    readonly dir: string,
    readonly dim: number,
  ) {}

  /** Opens (or creates) the cache in `dir`, loading every complete chunk. */
  static async open(dir: string, dim: number): Promise<VectorCache> {
    const cache = new VectorCache(dir, dim);
    await fs.mkdir(dir, { recursive: true });
    const names = (await fs.readdir(dir)).filter((n) => /^chunk-[\w-]+\.bin$/.test(n)).sort();
    for (const name of names) await cache.loadChunk(path.join(dir, name));
    return cache;
  }

  get size(): number {
    return this.vectors.size;
  }

  /** Every key held (loaded and pending). */
  keys(): string[] {
    return [...this.vectors.keys()];
  }

  has(key: string): boolean {
    return this.vectors.has(key);
  }

  get(key: string): Float32Array | undefined {
    return this.vectors.get(key);
  }

  /** Adds a vector; it is durable after the next `flush`. */
  put(key: string, vector: Float32Array): void {
    if (vector.length !== this.dim) throw new AppError("internal", `Vector of ${vector.length} != ${this.dim}`);
    if (this.vectors.has(key)) return;
    const copy = Float32Array.from(vector);
    this.vectors.set(key, copy);
    this.pendingKeys.push(key);
    this.pendingRows.push(copy);
  }

  /** Writes the vectors added since the last flush as one new chunk. */
  async flush(): Promise<void> {
    if (this.pendingKeys.length === 0) return;
    const header = Buffer.from(JSON.stringify({ magic: MAGIC, dim: this.dim, keys: this.pendingKeys }));
    const headerLength = Buffer.alloc(4);
    headerLength.writeUInt32LE(header.length);
    const pad = Buffer.alloc((4 - ((4 + header.length) % 4)) % 4);
    const body = Buffer.alloc(this.pendingRows.length * this.dim * 4);
    this.pendingRows.forEach((row, i) => body.set(new Uint8Array(row.buffer, row.byteOffset, row.byteLength), i * this.dim * 4));
    const name = `chunk-${this.writerId}-${String(this.chunksWritten).padStart(6, "0")}.bin`;
    await writeFileAtomic(path.join(this.dir, name), Buffer.concat([headerLength, header, pad, body]));
    this.chunksWritten += 1;
    this.pendingKeys = [];
    this.pendingRows = [];
  }

  private async loadChunk(file: string): Promise<void> {
    const bytes = await fs.readFile(file);
    const fail = (why: string) => new AppError("internal", `Corrupt cache chunk ${file}: ${why}`);
    if (bytes.length < 4) throw fail("too short");
    const headerLength = bytes.readUInt32LE(0);
    let header: z.infer<typeof chunkHeaderSchema>;
    try {
      header = chunkHeaderSchema.parse(JSON.parse(bytes.subarray(4, 4 + headerLength).toString("utf8")));
    } catch (error) {
      throw fail(error instanceof Error ? error.message : "bad header");
    }
    if (header.dim !== this.dim) throw fail(`dim ${header.dim}, expected ${this.dim}`);
    const start = 4 + headerLength + ((4 - ((4 + headerLength) % 4)) % 4);
    if (bytes.length !== start + header.keys.length * this.dim * 4) throw fail("size mismatch");
    const all = new Float32Array(bytes.buffer.slice(bytes.byteOffset + start, bytes.byteOffset + bytes.length));
    header.keys.forEach((key, i) => this.vectors.set(key, all.subarray(i * this.dim, (i + 1) * this.dim)));
  }
}
