import { once } from "node:events";
import { createWriteStream, type WriteStream } from "node:fs";
import path from "node:path";
import busboy from "busboy";
import { loadConfig } from "../config";
import { AppError } from "../errors";

/** Room for multipart boundaries, part headers and small fields on top of the photo itself. */
const MULTIPART_OVERHEAD_BYTES = 64 * 1024;

/** The multipart field that carries the photo. */
export const IMAGE_FIELD = "image";

/**
 * Reads a multipart/form-data request and returns the bytes of its one photo.
 * The body is refused from Content-Length when that is already too big, and
 * counted while streaming otherwise, so no more than the limit is ever buffered.
 */
export async function readImageUpload(request: Request, maxBytes: number): Promise<Uint8Array> {
  const form = await readMultipartBody(request, {
    maxBytes: maxBytes + MULTIPART_OVERHEAD_BYTES,
    notMultipart: `Send the photo as multipart/form-data in the field "${IMAGE_FIELD}".`,
    tooLarge: () => tooLarge(maxBytes),
  });
  return readImageField(form, maxBytes);
}

export type MultipartLimits = {
  /** The most body bytes ever buffered. */
  maxBytes: number;
  /** The message for a request that is not multipart/form-data (415). */
  notMultipart: string;
  /** The error for a body over the limit (413). */
  tooLarge: () => AppError;
  /** The whole body must arrive within this many ms, else 408 (default UPLOAD_TIMEOUT_MS). */
  timeoutMs?: number;
};

/**
 * Reads and parses a multipart/form-data body of at most `limits.maxBytes`: refused
 * from Content-Length when declared too big, counted while streaming otherwise.
 */
export async function readMultipartBody(request: Request, limits: MultipartLimits): Promise<FormData> {
  const contentType = request.headers.get("content-type") ?? "";
  if (!/^multipart\/form-data\s*;/i.test(contentType)) throw new AppError("unsupported_media_type", limits.notMultipart);
  const declared = Number(request.headers.get("content-length"));
  if (Number.isFinite(declared) && declared > limits.maxBytes) throw limits.tooLarge();
  const timeoutMs = limits.timeoutMs ?? loadConfig().UPLOAD_TIMEOUT_MS;
  const body: Uint8Array<ArrayBuffer> = await readLimited(request.body, limits.maxBytes, limits.tooLarge, timeoutMs);
  try {
    return await new Response(body, { headers: { "content-type": contentType } }).formData();
  } catch (error) {
    throw new AppError("bad_request", "The multipart body is malformed.", { cause: error });
  }
}

/** Returns the bytes of the single photo in the form's `image` field; throws AppError. */
export async function readImageField(form: FormData, maxBytes: number): Promise<Uint8Array> {
  const values = form.getAll(IMAGE_FIELD);
  if (values.length > 1) {
    throw new AppError("bad_request", `Send exactly one photo in "${IMAGE_FIELD}" (got ${values.length}).`);
  }
  const [file] = values;
  if (typeof file === "string") {
    throw new AppError("bad_request", `"${IMAGE_FIELD}" must be a file upload, not a text field.`);
  }
  // Browsers submit an empty, nameless file when none was chosen.
  if (!file || file.size === 0) {
    const other = [...form.entries()].find(([, value]) => typeof value !== "string" && value.size > 0);
    const hint = other ? ` (got a file in "${other[0]}" instead)` : "";
    throw new AppError("bad_request", `No photo was uploaded: send one in the field "${IMAGE_FIELD}"${hint}.`);
  }
  if (file.size > maxBytes) throw tooLarge(maxBytes);
  return new Uint8Array(await file.arrayBuffer());
}

function tooLarge(maxBytes: number): AppError {
  return new AppError("payload_too_large", `The photo is larger than ${formatBytes(maxBytes)}. Use a smaller file.`);
}

/** "10 MB", "512 KB": for messages. */
function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${+(bytes / (1024 * 1024)).toFixed(1)} MB`;
  if (bytes >= 1024) return `${Math.round(bytes / 1024)} KB`;
  return `${bytes} bytes`;
}

async function readLimited(
  stream: ReadableStream<Uint8Array> | null,
  maxBytes: number,
  onTooLarge: () => Error,
  timeoutMs: number,
): Promise<Uint8Array<ArrayBuffer>> {
  if (!stream) return new Uint8Array(0);
  const reader = stream.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  const deadline = Date.now() + timeoutMs;
  try {
    for (;;) {
      const { done, value } = await readBefore(reader, deadline - Date.now(), timeoutMs);
      if (done) break;
      total += value.byteLength;
      if (total > maxBytes) throw onTooLarge();
      chunks.push(value);
    }
  } catch (error) {
    // Not awaited: under next start, cancelling a body whose socket is still open waits for the socket.
    void reader.cancel().catch(() => {});
    throw error;
  }
  const body = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    body.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return body;
}

/** One read of the body, or `request_timeout` (408) when nothing comes within `waitMs`. */
async function readBefore(reader: ReadableStreamDefaultReader<Uint8Array>, waitMs: number, timeoutMs: number): Promise<ReadableStreamReadResult<Uint8Array>> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new AppError("request_timeout", `The request body did not arrive within ${timeoutMs / 1000} s. Retry on a faster connection.`)),
      Math.max(0, waitMs),
    );
  });
  try {
    return await Promise.race([reader.read(), timedOut]);
  } finally {
    clearTimeout(timer);
  }
}

/** A file part of a multipart body, written to disk under a name of the server's choosing. */
export type UploadedFile = {
  field: string;
  /** The client's file name, as sent: only ever used for its extension and id, never as a path. */
  name: string;
  /** Where its bytes are: `<dir>/part-<n><ext>`. */
  path: string;
  size: number;
};

export type DiskUploadLimits = MultipartLimits & {
  /** An existing private directory the file parts are written to; the caller removes it. */
  dir: string;
  /** The most file parts accepted. */
  maxFiles: number;
};

/** Extensions kept on the disk copy, so that readers can tell an archive's kind; anything else is dropped. */
const keptExtension = /\.(tar\.gz|tgz|tar|zip|jpe?g|png|webp|gif|csv)$/i;

/** Longest text field accepted: form fields are ids and names, never documents. */
const MAX_FIELD_BYTES = 64 * 1024;

/**
 * Streams a multipart/form-data body to disk: file parts go to files in `limits.dir`,
 * one at a time with backpressure, text fields are kept (up to 64 KiB each), and the
 * whole body is counted against `limits.maxBytes` (413). Memory stays a few chunks
 * whatever the size. The body may pause at most `timeoutMs` between two chunks (408);
 * a client that hangs up rejects with its abort error.
 */
export async function receiveMultipartToDisk(request: Request, limits: DiskUploadLimits): Promise<{ fields: Record<string, string>; files: UploadedFile[] }> {
  const contentType = request.headers.get("content-type") ?? "";
  if (!/^multipart\/form-data\s*;/i.test(contentType)) throw new AppError("unsupported_media_type", limits.notMultipart);
  const declared = Number(request.headers.get("content-length"));
  if (Number.isFinite(declared) && declared > limits.maxBytes) throw limits.tooLarge();
  let parser: busboy.Busboy;
  try {
    parser = busboy({ headers: { "content-type": contentType }, limits: { files: limits.maxFiles, fieldSize: MAX_FIELD_BYTES, fields: 100 } });
  } catch (error) {
    throw new AppError("bad_request", "The multipart body is malformed.", { cause: error });
  }
  const fields: Record<string, string> = {};
  const files: UploadedFile[] = [];
  const written: Promise<unknown>[] = [];
  const sinks: WriteStream[] = [];
  let failure: unknown;
  const fail = (error: unknown) => {
    failure ??= error;
  };
  parser.on("field", (name, value, info) => {
    if (info.valueTruncated) fail(new AppError("payload_too_large", `The form field "${name}" is longer than ${MAX_FIELD_BYTES / 1024} KiB.`));
    fields[name] = value;
  });
  parser.on("file", (field, stream, info) => {
    const ext = keptExtension.exec(info.filename ?? "")?.[0]?.toLowerCase() ?? "";
    const file: UploadedFile = { field, name: info.filename ?? "", path: path.join(limits.dir, `part-${files.length}${ext}`), size: 0 };
    files.push(file);
    stream.on("data", (chunk: Buffer) => (file.size += chunk.byteLength));
    // Destroying the parser midway (timeout, hang-up, limit) ends an open part with "Unexpected end of file".
    stream.on("error", (error) => fail(new AppError("bad_request", "The multipart body ended inside a file.", { cause: error })));
    const sink = createWriteStream(file.path, { flags: "wx" });
    sinks.push(sink);
    written.push(
      new Promise<void>((resolve) => {
        sink.once("close", resolve);
        sink.once("error", (error) => {
          fail(error);
          stream.resume();
        });
      }),
    );
    stream.pipe(sink);
  });
  parser.on("filesLimit", () => fail(new AppError("bad_request", `Send at most ${limits.maxFiles} files.`)));
  parser.on("error", (error) => fail(new AppError("bad_request", "The multipart body is malformed.", { cause: error })));
  const closed = once(parser, "close").catch(fail);
  const timeoutMs = limits.timeoutMs ?? loadConfig().UPLOAD_TIMEOUT_MS;
  const reader = request.body?.getReader();
  let total = 0;
  try {
    for (;;) {
      if (!reader) break;
      // A pause bound, not a total one: an import may be hundreds of MB on a slow line.
      const { done, value } = await readBefore(reader, timeoutMs, timeoutMs);
      if (done) break;
      total += value.byteLength;
      if (total > limits.maxBytes) throw limits.tooLarge();
      if (!parser.write(value)) await Promise.race([once(parser, "drain").catch(fail), closed]);
      if (failure !== undefined) throw failure;
    }
    parser.end();
    await closed;
    await Promise.all(written);
    if (failure !== undefined) throw failure;
  } catch (error) {
    void reader?.cancel().catch(() => {});
    parser.destroy();
    for (const sink of sinks) sink.destroy();
    await Promise.all(written);
    throw error;
  }
  return { fields, files };
}
