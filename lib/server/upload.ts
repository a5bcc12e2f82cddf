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
  const body: Uint8Array<ArrayBuffer> = await readLimited(request.body, limits.maxBytes, limits.tooLarge);
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
): Promise<Uint8Array<ArrayBuffer>> {
  if (!stream) return new Uint8Array(0);
  const reader = stream.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel().catch(() => {});
      throw onTooLarge();
    }
    chunks.push(value);
  }
  const body = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    body.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return body;
}
