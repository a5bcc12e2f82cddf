import { createHash } from "node:crypto";
import { promises as fs } from "node:fs";
import os from "node:os";
import { z } from "zod";
import { AppError } from "../errors";
import { writeFileAtomic } from "../fs/atomic";
import { FlatIndex } from "./flat-index";

/*
 * Layout of a flat index file (all integers little-endian):
 *
 *   0   8 bytes   magic "VPSFLAT\n"
 *   8   uint32    header length H in bytes
 *   12  uint32    data offset D (multiple of 64, ≥ 16 + H)
 *   16  H bytes   UTF-8 JSON header (see flatIndexHeaderSchema)
 *   ..  padding   zero bytes up to D
 *   D   count × dim float32, row-major
 *
 * The matrix starts on a 64-byte boundary so loading is one readFile plus a
 * Float32Array view over the same memory, with no copy and no parsing.
 */

const MAGIC = "VPSFLAT\n";
const PREAMBLE_BYTES = 16;
const ALIGN = 64;
const FORMAT_VERSION = 1;

export const flatIndexHeaderSchema = z
  .object({
    magic: z.literal("vps-flat-index"),
    version: z.literal(FORMAT_VERSION),
    dtype: z.literal("float32"),
    dim: z.number().int().positive(),
    count: z.number().int().nonnegative(),
    /** sha256 (hex) of the matrix bytes followed by the ids as JSON; see computeContentId. */
    contentId: z.string().regex(/^[0-9a-f]{64}$/),
    ids: z.array(z.string().min(1)),
    /** Whatever the writer wants to pin to the vectors, e.g. the model id and version. */
    meta: z.record(z.string(), z.unknown()),
  })
  .refine((h) => h.ids.length === h.count, { message: "ids.length differs from count" });

export type FlatIndexHeader = z.infer<typeof flatIndexHeaderSchema>;
export type FlatIndexMeta = Record<string, unknown>;

export type LoadedFlatIndex = { index: FlatIndex; header: FlatIndexHeader };

/** Content id of an index: sha256 of its float32 bytes then its ids as JSON, in hex. */
export function computeContentId(index: FlatIndex): string {
  const v = index.vectors;
  return createHash("sha256")
    .update(new Uint8Array(v.buffer, v.byteOffset, v.byteLength))
    .update(JSON.stringify(index.ids))
    .digest("hex");
}

/** Writes a flat index atomically; returns the header that was written. */
export async function saveFlatIndex(file: string, index: FlatIndex, meta: FlatIndexMeta = {}): Promise<FlatIndexHeader> {
  assertLittleEndian();
  const header: FlatIndexHeader = {
    magic: "vps-flat-index",
    version: FORMAT_VERSION,
    dtype: "float32",
    dim: index.dim,
    count: index.count,
    contentId: computeContentId(index),
    ids: [...index.ids],
    meta,
  };
  const json = Buffer.from(JSON.stringify(header), "utf8");
  const dataOffset = alignUp(PREAMBLE_BYTES + json.length, ALIGN);
  const v = index.vectors;
  const out = Buffer.alloc(dataOffset + v.byteLength);
  out.write(MAGIC, 0, "latin1");
  out.writeUInt32LE(json.length, 8);
  out.writeUInt32LE(dataOffset, 12);
  json.copy(out, PREAMBLE_BYTES);
  out.set(new Uint8Array(v.buffer, v.byteOffset, v.byteLength), dataOffset);
  await writeFileAtomic(file, out);
  return header;
}

export type LoadFlatIndexOptions = {
  /** Recompute the content id and compare (reads every byte once more; off by default for fast start-up). */
  verify?: boolean;
};

/** Loads a flat index written by saveFlatIndex; the vectors are a view over the file's bytes. */
export async function loadFlatIndex(file: string, options: LoadFlatIndexOptions = {}): Promise<LoadedFlatIndex> {
  assertLittleEndian();
  let bytes: Buffer;
  try {
    bytes = await fs.readFile(file);
  } catch (error) {
    throw new AppError("not_ready", `Missing index file ${file}`, { cause: error });
  }
  return parseFlatIndex(bytes, file, options);
}

/** Parses the bytes of a flat index file (see loadFlatIndex); `name` is used in error messages. */
export function parseFlatIndex(bytes: Uint8Array, name: string, options: LoadFlatIndexOptions = {}): LoadedFlatIndex {
  const corrupt = (why: string, cause?: unknown) =>
    new AppError("internal", `Corrupt index file ${name}: ${why}`, cause === undefined ? undefined : { cause });
  if (bytes.length < PREAMBLE_BYTES) throw corrupt(`only ${bytes.length} bytes`);
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (buf.toString("latin1", 0, MAGIC.length) !== MAGIC) throw corrupt("not a flat index (bad magic)");
  const headerBytes = buf.readUInt32LE(8);
  const dataOffset = buf.readUInt32LE(12);
  if (PREAMBLE_BYTES + headerBytes > dataOffset || dataOffset > buf.length || dataOffset % ALIGN !== 0) {
    throw corrupt(`bad header length ${headerBytes} / data offset ${dataOffset} for ${buf.length} bytes`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(buf.toString("utf8", PREAMBLE_BYTES, PREAMBLE_BYTES + headerBytes));
  } catch (error) {
    throw corrupt("header is not JSON", error);
  }
  const parsed = flatIndexHeaderSchema.safeParse(raw);
  if (!parsed.success) throw corrupt(`unexpected header: ${z.prettifyError(parsed.error)}`);
  const header = parsed.data;
  const expected = dataOffset + header.count * header.dim * 4;
  if (buf.length !== expected) {
    throw corrupt(`expected ${expected} bytes for ${header.count} × ${header.dim} floats, found ${buf.length}`);
  }
  const start = buf.byteOffset + dataOffset;
  const length = header.count * header.dim;
  // readFile gives large files their own ArrayBuffer, so the view is aligned; copy only if not.
  const vectors =
    start % 4 === 0
      ? new Float32Array(buf.buffer, start, length)
      : new Float32Array(buf.buffer.slice(start, start + length * 4));
  const index = new FlatIndex(header.dim, header.ids, vectors);
  if (options.verify === true && computeContentId(index) !== header.contentId) {
    throw corrupt("content id does not match the vectors");
  }
  return { index, header };
}

function alignUp(n: number, to: number): number {
  return Math.ceil(n / to) * to;
}

function assertLittleEndian(): void {
  if (os.endianness() !== "LE") throw new AppError("internal", "Index files need a little-endian host");
}
